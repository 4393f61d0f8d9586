"""Run `python -m bot.cli …` under cProfile with worker-thread calls made inline, so the
statistics include the pipeline (which the service runs in `asyncio.to_thread`), and time
every SQL statement.

    python bench/profiled.py STATS_FILE bot.cli import --reply --config …

Writes cProfile's statistics to STATS_FILE (read them with pstats) and the statements that
took longest, with their counts, to STATS_FILE.sql.txt. Used by bench_mixed.py --profile.
Inline calls block the event loop: the figures show where CPU goes, not latency.
"""

from __future__ import annotations

import asyncio
import cProfile
import runpy
import sys
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STATEMENTS_LISTED = 60
statements: defaultdict[str, list[float]] = defaultdict(lambda: [0, 0.0])


@event.listens_for(Engine, "before_cursor_execute")
def _started(conn, cursor, statement, parameters, context, executemany) -> None:
    conn.info.setdefault("started", []).append(time.perf_counter())


@event.listens_for(Engine, "after_cursor_execute")
def _ended(conn, cursor, statement, parameters, context, executemany) -> None:
    seen = statements[statement]
    seen[0] += 1
    seen[1] += time.perf_counter() - conn.info["started"].pop()


async def _inline(function, /, *args, **kwargs):
    return function(*args, **kwargs)


def write_statements(path: str) -> None:
    slowest = sorted(statements.items(), key=lambda item: -item[1][1])[:STATEMENTS_LISTED]
    with open(path, "w", encoding="utf-8") as out:
        for statement, (count, seconds) in slowest:
            out.write(f"{seconds * 1000:9.1f} ms {count:6d}x  {' '.join(statement.split())}\n")


def main() -> None:
    stats, module, sys.argv = sys.argv[1], sys.argv[2], ["partnerdesk", *sys.argv[3:]]
    asyncio.to_thread = _inline
    profile = cProfile.Profile()
    try:
        profile.runcall(runpy.run_module, module, run_name="__main__")
    except SystemExit:
        pass
    finally:
        profile.dump_stats(stats)
        write_statements(stats + ".sql.txt")


if __name__ == "__main__":
    main()

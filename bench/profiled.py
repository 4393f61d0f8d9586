"""Run `python -m bot.cli …` under cProfile with worker-thread calls made inline, so the
statistics include the pipeline (which the service runs in `asyncio.to_thread`).

    python bench/profiled.py STATS_FILE bot.cli import --reply --config …

Used by bench_mixed.py --profile. Inline calls block the event loop: the figures show
where CPU goes, not the service's latency.
"""

from __future__ import annotations

import asyncio
import cProfile
import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


async def _inline(function, /, *args, **kwargs):
    return function(*args, **kwargs)


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


if __name__ == "__main__":
    main()

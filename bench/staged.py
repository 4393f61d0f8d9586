"""Run `python -m bot.cli …` with the wall time of every pipeline stage summed, at full
speed (no profiler), and write the table to stderr at exit (it lands in the service's log).

    python bench/staged.py bot.cli import --reply --config …

Used by bench_mixed.py --stages. Stages are those of `bot.pipeline.stages.STAGES`, plus the
batch's storing, preloads and the wait for each letter's reading.
"""

from __future__ import annotations

import atexit
import runpy
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bot.pipeline.readers as readers
import bot.pipeline.service as service
import bot.pipeline.stages as stages

seconds: defaultdict[str, float] = defaultdict(float)
calls: defaultdict[str, int] = defaultdict(int)


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[name] += time.perf_counter() - started
            calls[name] += 1

    return run


def report() -> None:
    for name in sorted(seconds, key=lambda name: -seconds[name]):
        total, count = seconds[name] * 1000, calls[name]
        print(
            f"stage {name:20s} {total:8.0f} ms {count:6d} calls {total / count:7.2f} ms each",
            file=sys.stderr,
        )


def main() -> None:
    stages.STAGES = tuple((name, timed(name, stage)) for name, stage in stages.STAGES)
    stages.read = timed("read (load the row)", stages.read)
    stages.record = timed("record (a stop)", stages.record)
    service.store_many = timed("store the batch", service.store_many)
    service.preload_batch = timed("preload the batch", service.preload_batch)
    service.Pipeline._process_batch = timed("process the batch", service.Pipeline._process_batch)
    readers.Readers.read_first = timed("reading (or its wait)", readers.Readers.read_first)
    atexit.register(report)
    module, sys.argv = sys.argv[1], ["partnerdesk", *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__")


if __name__ == "__main__":
    main()

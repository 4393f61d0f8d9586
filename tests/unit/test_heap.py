"""bot/heap.py: the C heap does not grow with the mail a process has seen (issue 20's
memory target, measured by bench/bench_mixed.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.heap import compact_heap, glibc

pytestmark = pytest.mark.skipif(not glibc(), reason="the setting is glibc's malloc's")

# A second thread allocates from C; malloc_stats() then lists the arenas on stderr.
PROBE = """
import ctypes, sys, threading
from bot.heap import compact_heap

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
if sys.argv[1] == "compact":
    compact_heap()
thread = threading.Thread(target=libc.malloc, args=(1000,))
thread.start()
thread.join()
libc.malloc_stats()
"""


def arenas(mode: str, **environ: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={"PATH": "/usr/bin:/bin", **environ},
    )
    return len(re.findall(r"^Arena \d+:", done.stderr, re.M))


def test_a_second_thread_allocates_from_the_one_arena_once_compacted() -> None:
    assert arenas("default") == 2  # the thread's own, where its holes would stay
    assert arenas("compact") == 1


def test_the_environment_still_decides() -> None:
    assert arenas("compact", MALLOC_ARENA_MAX="2") == 2
    assert compact_heap({"MALLOC_ARENA_MAX": "4"}) is False

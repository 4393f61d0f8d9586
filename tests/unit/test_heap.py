"""bot/heap.py: the C heap does not grow with the mail a process has seen (issue 20's
memory target, measured by bench/bench_mixed.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.heap import compact_heap, glibc

pytestmark = pytest.mark.skipif(not glibc(), reason="the settings are glibc's malloc's")

# A 100 KB block is below glibc's initial mmap threshold (128 KB) and above ours (64 KB):
# counted among the mmap'ed blocks only once the threshold is ours.
PROBE = """
import ctypes, sys
from bot.heap import compact_heap

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] == "compact":
    compact_heap()
before = libc.mallinfo2().hblks
block = bytearray(100_000)
print(libc.mallinfo2().hblks - before)
"""


def mmapped_blocks(mode: str, **environ: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={"PATH": "/usr/bin:/bin", **environ},
    )
    return int(done.stdout)


def test_a_large_block_is_mapped_and_returned_whole_once_compacted() -> None:
    assert mmapped_blocks("default") == 0  # from the heap, where its hole would stay
    assert mmapped_blocks("compact") == 1


def test_the_environment_still_decides_what_it_names() -> None:
    assert mmapped_blocks("compact", MALLOC_MMAP_THRESHOLD_="1000000") == 0
    assert compact_heap({"MALLOC_ARENA_MAX": "4"}) == {"MALLOC_MMAP_THRESHOLD_": 65536}


def test_every_setting_is_accepted_when_the_environment_names_none() -> None:
    assert compact_heap({}) == {"MALLOC_ARENA_MAX": 1, "MALLOC_MMAP_THRESHOLD_": 65536}

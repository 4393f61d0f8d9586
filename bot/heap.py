"""Keep the C heap from growing with the mail a process has seen (glibc's malloc).

Letters of 10–200 KB are fetched in the event loop's thread and processed in a worker
thread. glibc gives each thread an arena of its own and raises its mmap threshold after every
large free, so blocks of those sizes came from the arenas and left holes in both: an import of
5000 letters peaked 17 MB above one of 1000 (139 against 123 MB PSS, bench/bench_mixed.py).
One arena and a fixed threshold make large blocks mmap'ed and returned whole: 113 MB for 1000
letters and 120 MB for 5000, at the same speed. A variable of the environment (MALLOC_ARENA_MAX,
MALLOC_MMAP_THRESHOLD_) still decides what it names; other C libraries are left alone.
"""

from __future__ import annotations

import ctypes
import os

# mallopt parameters, from glibc's malloc.h.
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

SETTINGS = {
    # name in the environment: (parameter, value)
    "MALLOC_ARENA_MAX": (M_ARENA_MAX, 1),
    "MALLOC_MMAP_THRESHOLD_": (M_MMAP_THRESHOLD, 64 * 1024),
}


def glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (ValueError, OSError):  # not a GNU system
        return False


def compact_heap(environ: dict[str, str] | None = None) -> dict[str, int]:
    """Apply the settings the environment does not name; returns those applied. Call it
    before any thread starts: an arena a thread already has stays."""
    environ = os.environ if environ is None else environ
    if not glibc():
        return {}
    mallopt = ctypes.CDLL(None).mallopt
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    applied = {}
    for name, (parameter, value) in SETTINGS.items():
        if name not in environ and mallopt(parameter, value) == 1:  # 1 = accepted
            applied[name] = value
    return applied

"""Keep the C heap from growing with the mail a process has seen (glibc's malloc).

Letters of 10–200 KB are fetched in the event loop's thread and processed in a worker
thread. glibc gives each thread an arena of its own, and blocks of those sizes left holes in
both: an import of 5000 letters peaked 16 MB above one of 1000 (139 against 123 MB PSS,
bench/bench_mixed.py). With one arena the holes of one thread are reused by the other: 116
and 122–125 MB, with no difference in speed this machine could measure. A fixed mmap
threshold as well saved 2 MB more but slowed the IDLE watcher's letters by the system calls
of every large block. MALLOC_ARENA_MAX in the environment still decides; other C libraries
are left alone.
"""

from __future__ import annotations

import ctypes
import os

M_ARENA_MAX = -8  # mallopt's parameter, from glibc's malloc.h
ARENAS = 1


def glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (ValueError, OSError):  # not a GNU system
        return False


def compact_heap(environ: dict[str, str] | None = None) -> bool:
    """One malloc arena, unless the environment names a number; whether it was set. Call it
    before any thread starts: an arena a thread already has stays."""
    environ = os.environ if environ is None else environ
    if "MALLOC_ARENA_MAX" in environ or not glibc():
        return False
    mallopt = ctypes.CDLL(None).mallopt
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return mallopt(M_ARENA_MAX, ARENAS) == 1  # 1 = accepted

"""One database writer at a time in this process, whichever thread or event loop asks.

SQLite takes one writer: the IMAP watchers, the SMTP endpoint's processing and the recovery
of stranded letters take turns. The SMTP endpoint runs in aiosmtpd's own event loop (its
thread), the watchers and the scheduler in the main one; an `asyncio.Lock` belongs to the
first loop that waits on it and raises `RuntimeError` in the other (issue 19). This lock is a
threading lock, taken in the worker thread that does the work, so no event loop ever blocks
on it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class WriterLock:
    def __init__(self) -> None:
        self._lock = threading.Lock()

    def call(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `work` holding the lock, in the calling thread."""
        with self._lock:
            return work(*args, **kwargs)

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `work` holding the lock in a worker thread, from any event loop."""
        return await asyncio.to_thread(self.call, work, *args, **kwargs)

    def locked(self) -> bool:
        return self._lock.locked()

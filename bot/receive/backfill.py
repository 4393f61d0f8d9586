"""`partnerdesk import`: work through the letters already in a mailbox, in batches.

The same code path as the watcher (same UID high-water mark), so an interrupted import
resumes where it stopped and the watcher later carries on after it. Old letters get no
auto-replies unless asked: their replies are stored as `held` (HQ can still release them).
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from typing import TextIO

from bot.receive.imap import MailboxWatcher, SyncStats
from bot.receive.imap_lease import LeaseLost


class MailboxBusy(Exception):
    """Another running service watches the mailbox: it imports the letters itself."""


class ProgressLine:
    """One line per mailbox, rewritten in place on a terminal, every few seconds otherwise."""

    def __init__(self, name: str, out: TextIO = sys.stderr) -> None:
        self._name = name
        self._out = out
        self._tty = out.isatty()
        self._start = time.monotonic()
        self._last = 0.0

    def __call__(self, stats: SyncStats, final: bool = False) -> None:
        now = time.monotonic()
        if not final and not self._tty and now - self._last < 5:
            return
        self._last = now
        done = stats.ingested + stats.duplicates
        rate = done / max(now - self._start, 1e-6)
        share = f" ({100 * done // stats.total}%)" if stats.total else ""
        line = f"import {self._name}: {done}/{stats.total} letters{share}, {rate:.0f}/s"
        if self._tty:
            self._out.write("\r" + line + ("\n" if final else ""))
        else:
            self._out.write(line + "\n")
        self._out.flush()


def summary(name: str, stats: SyncStats, seconds: float) -> str:
    return (
        f"import {name}: {stats.ingested} stored, {stats.duplicates} already known, "
        f"{stats.quarantined} quarantined, {stats.held_replies} replies held, "
        f"in {seconds:.1f} s"
    )


async def backfill(
    watcher: MailboxWatcher,
    *,
    reply: bool,
    stats: SyncStats | None = None,
    report: Callable[[SyncStats], None] | None = None,
) -> SyncStats:
    """Ingest everything above the mailbox's high-water mark once, then log out.

    The import holds the mailbox's lease like a watcher, so a service started meanwhile
    stands by until it ends instead of moving the same progress."""
    stats = stats if stats is not None else SyncStats()
    name = watcher.config.name
    lease = await watcher.take_lease()
    if not lease.ours:
        until = lease.until.isoformat(timespec="seconds") if lease.until else "-"
        raise MailboxBusy(
            f"mailbox {name} is watched by {lease.holder} (lease until {until}), which "
            "imports its letters itself; stop that service first to import them with this "
            "command"
        )
    done, lost = asyncio.Event(), asyncio.Event()
    keeper = asyncio.create_task(watcher.keep_lease(done, lost))
    try:
        client = await watcher.connect()
        try:
            progress = await watcher.open_folder(client)
            await watcher.sync(
                client, progress, hold=not reply, stats=stats, report=report, stop=lost
            )
        finally:
            await watcher.close(client)
        if lost.is_set():
            raise LeaseLost(name, None)
    finally:
        done.set()
        await keeper
        await watcher.release_lease()
    return stats


async def backfill_all(
    watchers: list[MailboxWatcher], *, reply: bool, out: TextIO = sys.stderr
) -> list[tuple[str, SyncStats, float]]:
    """Mailboxes one after another: the database has one writer anyway."""
    results = []
    for watcher in watchers:
        start = time.monotonic()
        line = ProgressLine(watcher.config.name, out)
        stats = SyncStats()
        try:
            await backfill(watcher, reply=reply, stats=stats, report=line)
        finally:
            line(stats, final=True)
        results.append((watcher.config.name, stats, time.monotonic() - start))
        await asyncio.sleep(0)
    return results

"""The mailbox lease as the watcher keeps it (bot/receive/imap_lease.py holds the rows): one
service watches a mailbox; the others stand by and take over when the lease runs out or
is handed over."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.receive import imap_lease
from bot.receive.imap_session import WatcherConfig

log = logging.getLogger("bot.receive.imap")


class LeaseKeeping:
    """Take, renew, release and wait for the lease. Needs the watcher's settings, database,
    clock and holder name, and keeps the lease's state on the watcher."""

    config: WatcherConfig
    _sessions: sessionmaker[Session]
    _clock: Clock
    _me: str
    _holding: bool
    _held_until: datetime | None
    _standing_by_for: str | None
    _failing_since: datetime | None

    async def take_lease(self) -> imap_lease.Lease:
        """Take or renew this mailbox's lease; not ours when another live service holds it."""
        lease = await asyncio.to_thread(
            imap_lease.acquire,
            self._sessions,
            self.config.name,
            self.config.folder,
            self._me,
            self._clock.now(),
            self.config.lease_seconds,
        )
        if lease.ours:
            if not self._holding:
                log.info("imap %s: this service watches the mailbox", self.config.name)
            self._holding, self._held_until, self._standing_by_for = True, lease.until, None
        else:
            self._holding = False
        return lease

    async def keep_lease(self, stop: asyncio.Event, leave: asyncio.Event) -> None:
        """Renew the lease every third of its length; set `leave` once it is lost."""
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.config.lease_seconds / 3)
                if stop.is_set():
                    return
                try:
                    lease = await self.take_lease()
                except Exception as exc:  # keep watching while the lease still runs
                    log.warning("imap %s: cannot renew the lease: %s", self.config.name, exc)
                    if self._held_until is None or self._clock.now() >= self._held_until:
                        self._holding = False
                        return
                    continue
                if not lease.ours:
                    log.warning(
                        "imap %s: %s took the mailbox over; standing by",
                        self.config.name,
                        lease.holder,
                    )
                    return
        finally:
            leave.set()

    async def release_lease(self) -> None:
        """Hand the mailbox over at once; a standby need not wait the lease out."""
        self._holding = False
        try:
            await asyncio.to_thread(imap_lease.release, self._sessions, self.config.name, self._me)
        except Exception as exc:  # it runs out by itself
            log.warning("imap %s: cannot release the lease: %s", self.config.name, exc)

    async def _stand_by(self, lease: imap_lease.Lease, stop: asyncio.Event) -> None:
        self._failing_since = None  # a later lease starts its own count
        if lease.holder != self._standing_by_for:
            self._standing_by_for = lease.holder
            log.info(
                "imap %s: watched by %s (lease until %s); standing by",
                self.config.name,
                lease.holder,
                lease.until.isoformat() if lease.until else "-",
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), self.config.lease_seconds / 3)

    async def _hand_over_if_cut_off(self) -> None:
        """Release the lease once this service has failed to watch for a whole lease.

        The database still answers (the lease is being renewed), but the mailbox does not:
        another instance that can reach the server takes it over instead of standing by
        behind a lease that is renewed while nothing is read. Alone, this service takes the
        lease back at its next attempt.
        """
        now = self._clock.now()
        if self._failing_since is None:
            self._failing_since = now
        elif self._holding and now - self._failing_since >= timedelta(
            seconds=self.config.lease_seconds
        ):
            log.warning(
                "imap %s: cannot watch the mailbox since %s; releasing it for another instance",
                self.config.name,
                self._failing_since.isoformat(timespec="seconds"),
            )
            await self.release_lease()

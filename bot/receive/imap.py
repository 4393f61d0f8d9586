"""IMAP mailbox watcher (aioimaplib): IDLE or poll, fetch new letters by UID, ingest, then flag.
The loop and its health are here; the lease in imap_lease_keeper.py, the folder's fetch and
ingest in imap_sync.py.

Exactly once, by UID (issue 6): a letter is fetched, handed to the same `Pipeline.ingest` as
the SMTP endpoint (which commits the raw bytes first), and only after that is the UID
high-water mark advanced and the letter flagged or moved on the server. A crash between
any two of these steps is safe: a letter fetched again is a duplicate the pipeline refuses
(no second case, no second reply), and actions owed to the server are recorded with the
high-water mark and replayed on the next connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.pipeline import Pipeline
from bot.receive import imap_lease, imap_state
from bot.receive.imap_lease_keeper import LeaseKeeping
from bot.receive.imap_session import ImapSession, WatcherConfig
from bot.receive.imap_sync import FolderSync, SyncStats
from bot.receive.imap_wire import backoff_delay, describe
from bot.results import LetterResult
from bot.writer_lock import WriterLock

log = logging.getLogger(__name__)
# aioimaplib logs every received chunk (whole letters) at DEBUG and routine untagged lines at
# INFO; neither belongs in the service log, and letters hold partners' personal data.
logging.getLogger("aioimaplib").setLevel(logging.WARNING)

__all__ = ["MailboxWatcher", "SyncStats", "WatcherConfig"]


class MailboxWatcher(LeaseKeeping, FolderSync):
    """One folder on one server: `run` lives as long as the service; `partnerdesk import` uses
    `connect`, `open_folder` and `sync` directly."""

    def __init__(
        self,
        config: WatcherConfig,
        pipeline: Pipeline,
        sessions: sessionmaker[Session],
        clock: Clock,
        lock: WriterLock,
        holder: str,
        on_ingested: Callable[[LetterResult], None] | None = None,
        on_outage: Callable[[str, datetime, str], None] | None = None,
        outage_minutes: float = 60,
    ) -> None:
        self.config = config
        self._pipeline = pipeline
        self._sessions = sessions
        self._clock = clock
        self._lock = lock
        self._on_ingested = on_ingested
        self._on_outage = on_outage
        self._outage_minutes = outage_minutes
        self._status = ""
        self._status_at = 0.0
        self._failures = 0  # consecutive, for the backoff
        self._failing_since: datetime | None = None  # the first of those failures
        self._me = holder  # this service, as named in the mailbox's lease
        self._holding = False
        self._held_until: datetime | None = None
        self._standing_by_for: str | None = None

    # -- the long-running loop -------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Watch until `stop` is set, while this service holds the mailbox's lease; every
        failure is logged, recorded and retried later."""
        try:
            while not stop.is_set():
                try:
                    lease = await self.take_lease()
                except Exception as exc:  # the database: nothing can be done without it
                    await self._retry_later(describe(exc), stop, record=False)
                    continue
                if lease.ours:
                    await self._watch_while_held(stop)
                else:
                    await self._stand_by(lease, stop)
        finally:
            if self._holding:
                with contextlib.suppress(Exception):
                    await self._health("stopped")
                await self.release_lease()

    async def _watch_while_held(self, stop: asyncio.Event) -> None:
        # `leave` is set by `stop`, or when the lease is lost: the watch then ends between
        # two batches, everything so far committed.
        leave = asyncio.Event()
        keeper = asyncio.create_task(self.keep_lease(stop, leave))
        imap: ImapSession | None = None
        failure: str | None = None
        try:
            await self._health("connecting")
            imap = await self.connect()
            progress = await self.open_folder(imap)
            await self._health("syncing", connected=True)
            await self._watch(imap, progress, leave)
        except asyncio.CancelledError:
            raise
        except imap_lease.LeaseLost as exc:
            self._holding = False
            log.warning("imap %s: %s; standing by", self.config.name, exc)
        except Exception as exc:
            failure = describe(exc)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            if imap is not None:
                await imap.close()
        if failure is not None:
            await self._retry_later(failure, stop, hand_over=True)

    async def _retry_later(
        self, error: str, stop: asyncio.Event, *, record: bool = True, hand_over: bool = False
    ):
        self._failures += 1
        attempt = self._failures
        delay = backoff_delay(
            attempt, self.config.backoff_initial_seconds, self.config.backoff_max_seconds
        )
        log.warning(
            "imap %s: %s; reconnecting in %.1f s (attempt %d)",
            self.config.name,
            error,
            delay,
            attempt,
        )
        if record:
            await self._record_failure(error)
        if hand_over:
            await self._hand_over_if_cut_off()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)

    # -- the lease (bot/receive/imap_lease.py) ---------------------------------------------

    async def _watch(self, imap: ImapSession, progress: imap_state.Progress, stop: asyncio.Event):
        idle = self.config.idle and imap.has_capability("IDLE")
        while not stop.is_set():
            progress = await self.sync(imap, progress, stop=stop)
            # Only a full sync resets the backoff: a server that accepts the login and then
            # fails every time must not be hammered.
            self._failures = 0
            self._failing_since = None
            await self._health("idle" if idle else "polling", success=True)
            if idle:
                await imap.idle(stop)
            else:
                await imap.poll(stop)

    async def connect(self) -> ImapSession:
        """Connect, (STARTTLS,) log in and read the capabilities."""
        return await ImapSession.open(self.config)

    async def close(self, imap: ImapSession) -> None:
        await imap.close()

    # -- fetching and ingesting ------------------------------------------------------------

    # -- server-side actions ---------------------------------------------------------------

    # -- health ----------------------------------------------------------------------------

    async def _health(self, status: str, *, success: bool = False, connected: bool = False):
        # A busy mailbox goes idle → syncing many times a second; the row needs no such detail.
        now = asyncio.get_running_loop().time()
        if status == self._status and not connected and now - self._status_at < 10:
            return
        self._status, self._status_at = status, now
        log.info("imap %s: %s", self.config.name, status)
        await asyncio.to_thread(
            imap_state.health,
            self._sessions,
            self.config.name,
            self.config.folder,
            status,
            self._clock.now(),
            success=success,
            connected=connected,
        )

    async def _record_failure(self, error: str) -> None:
        self._status = "backoff"
        try:
            row = await asyncio.to_thread(
                imap_state.health,
                self._sessions,
                self.config.name,
                self.config.folder,
                "backoff",
                self._clock.now(),
                error=error,
            )
        except Exception:  # the database may be what failed; the log line has the error
            log.exception("imap %s: cannot record the failure", self.config.name)
            return
        # R-HQ-8: tell HQ once when the mailbox has been unreachable for too long.
        if row.down_since is None or row.outage_alerted_at is not None:
            return
        minutes = (self._clock.now() - _utc(row.down_since)).total_seconds() / 60
        if minutes >= self._outage_minutes and self._on_outage is not None:
            await asyncio.to_thread(self._on_outage, self.config.name, _utc(row.down_since), error)
            await asyncio.to_thread(
                imap_state.mark_alerted, self._sessions, self.config.name, self._clock.now()
            )


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value

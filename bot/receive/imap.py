"""IMAP mailbox watcher (aioimaplib): IDLE or poll, fetch new letters by UID, ingest, then flag.

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
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.ingest import Arrival
from bot.pipeline import Pipeline
from bot.receive import imap_lease, imap_state
from bot.receive.imap_session import ImapSession, WatcherConfig
from bot.receive.imap_wire import (
    Fetched,
    ImapError,
    backoff_delay,
    batches,
    describe,
    ok,
    parse_fetch,
    parse_search,
    parse_sizes,
    quote,
    uid_set,
)
from bot.results import LetterResult
from bot.store.models import Letter
from bot.writer_lock import WriterLock

log = logging.getLogger(__name__)
# aioimaplib logs every received chunk (whole letters) at DEBUG and routine untagged lines at
# INFO; neither belongs in the service log, and letters hold partners' personal data.
logging.getLogger("aioimaplib").setLevel(logging.WARNING)

_MESSAGE_ID = re.compile(rb"<[^<>\s]+>")

__all__ = ["MailboxWatcher", "SyncStats", "WatcherConfig"]


@dataclass(slots=True)
class SyncStats:
    ingested: int = 0
    duplicates: int = 0
    quarantined: int = 0
    held_replies: int = 0
    total: int = 0  # letters found to do in this run (for progress)


class MailboxWatcher:
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

    async def open_folder(self, imap: ImapSession) -> imap_state.Progress:
        """Create the target folders if needed, SELECT, match UIDVALIDITY, replay owed actions."""
        cfg = self.config
        targets = [cfg.quarantine_folder] if cfg.quarantine_folder else []
        if cfg.processed_action == "move":
            targets.append(cfg.processed_folder)
        for folder in targets:
            # NO [ALREADYEXISTS] is the usual answer and fine.
            await imap.call(imap.client.create(quote(folder)))
        response = ok(
            await imap.call(imap.client.select(quote(cfg.folder))), f"SELECT {cfg.folder}"
        )
        text = b"\n".join(x for x in response.lines if isinstance(x, bytes))
        validity = re.search(rb"UIDVALIDITY (\d+)", text)
        uidnext = re.search(rb"UIDNEXT (\d+)", text)
        if validity is None:
            raise ImapError(f"SELECT {cfg.folder}: no UIDVALIDITY in the answer")
        progress = await asyncio.to_thread(
            imap_state.begin,
            self._sessions,
            cfg.name,
            cfg.folder,
            int(validity.group(1)),
            int(uidnext.group(1)) if uidnext else 1,
            self._me,
        )
        if progress.resync:
            log.warning(
                "imap %s: UIDVALIDITY of %s changed to %s; resynchronising by Message-ID",
                cfg.name,
                cfg.folder,
                progress.uidvalidity,
            )
        if progress.processed or progress.quarantine:
            await self._apply(imap, progress.uidvalidity, progress.processed, progress.quarantine)
        return progress

    # -- fetching and ingesting ------------------------------------------------------------

    async def sync(
        self,
        imap: ImapSession,
        progress: imap_state.Progress,
        *,
        hold: bool | None = None,
        stats: SyncStats | None = None,
        report: Callable[[SyncStats], None] | None = None,
        stop: asyncio.Event | None = None,
    ) -> imap_state.Progress:
        """Ingest every letter above the high-water mark; repeat while new mail is announced.

        `hold`: None follows `existing_letters` (old letters hold their replies), True/False
        forces it (`partnerdesk import` / `--reply`).
        """
        cfg = self.config
        stats = stats if stats is not None else SyncStats()
        last_uid = progress.last_uid
        resync = progress.resync
        while True:
            imap.new_mail.clear()
            todo = await self.new_uids(imap, last_uid)
            stats.total += len(todo)
            for chunk in _chunks(todo, cfg.batch_size):
                sizes = await self._sizes(imap, chunk)
                for batch in batches(sizes, cfg.batch_size, cfg.batch_bytes):
                    if stop is not None and stop.is_set():
                        break  # between batches: everything so far is committed
                    upto = batch[-1]
                    if resync:
                        batch = await self._skip_known(imap, progress.uidvalidity, batch, stats)
                    last_uid = await self._ingest_batch(imap, progress, batch, upto, hold, stats)
                    if report is not None:
                        report(stats)
            if stop is not None and stop.is_set():
                break
            if not todo and not imap.new_mail.is_set():
                break
        return imap_state.Progress(
            progress.uidvalidity, last_uid, progress.backfill_below_uid, (), (), resync
        )

    async def new_uids(self, imap: ImapSession, last_uid: int) -> list[int]:
        """UIDs above the high-water mark, ascending.

        One UID SEARCH line rather than a FETCH line per letter: aioimaplib parses a response
        recursively, one level per line, so thousands of lines in one read would overflow
        the stack (and its FETCH bookkeeping is quadratic in the lines of a response).
        """
        response = ok(
            await imap.call(imap.client.uid_search(f"UID {last_uid + 1}:*", charset=None)),
            "UID SEARCH",
        )
        # "n:*" always includes the highest UID, even below n (RFC 3501 §6.4.8).
        return sorted(uid for uid in parse_search(response.lines) if uid > last_uid)

    async def _sizes(self, imap: ImapSession, uids: list[int]) -> list[tuple[int, int]]:
        response = ok(
            await imap.uid("fetch", uid_set(uids), "(UID RFC822.SIZE)"),
            "UID FETCH",
        )
        # A letter expunged meanwhile has no size: it is simply not there any more.
        return sorted(parse_sizes(response.lines))

    async def _ingest_batch(
        self,
        imap: ImapSession,
        progress: imap_state.Progress,
        batch: list[int],
        upto: int,
        hold: bool | None,
        stats: SyncStats,
    ) -> int:
        """Fetch and ingest `batch`; then every UID up to `upto` is done (the rest were known)."""
        cfg = self.config
        letters: list[Fetched] = []
        if batch:
            response = ok(
                await imap.uid("fetch", uid_set(batch), "(UID INTERNALDATE BODY.PEEK[])"),
                "UID FETCH",
            )
            # Only the parsed letters stay referenced: the response's copies go now, so a
            # batch (bounded by batch_bytes) never holds a letter twice for long.
            letters = sorted(parse_fetch(response.lines), key=lambda item: item.uid)
            response.lines.clear()
            del response
        processed: list[int] = []
        quarantined: list[int] = []
        high = progress.last_uid
        try:
            if letters:
                holds = [
                    hold
                    if hold is not None
                    else cfg.existing_letters == "hold" and item.uid < progress.backfill_below_uid
                    for item in letters
                ]
                uids = [item.uid for item in letters]
                results = await self._ingest(letters, holds)
                del letters
                for uid, result in zip(uids, results, strict=True):
                    bad = result.status == "quarantined" or (
                        result.duplicate and result.state == "quarantined"
                    )
                    (quarantined if bad else processed).append(uid)
                    stats.duplicates += result.duplicate
                    stats.quarantined += result.status == "quarantined"
                    stats.ingested += not result.duplicate
                    stats.held_replies += sum(
                        1 for r in result.replies if r.get("status") == "held"
                    )
                high = uids[-1]
            # UIDs asked for but not returned were expunged meanwhile: nothing to keep.
            high = max(high, upto)
        finally:
            # Record what was committed even when a later letter of the batch failed.
            if processed or quarantined or high > progress.last_uid:
                await asyncio.to_thread(
                    imap_state.commit,
                    self._sessions,
                    cfg.name,
                    progress.uidvalidity,
                    high,
                    processed,
                    quarantined,
                    len(processed) + len(quarantined),
                    self._clock.now(),
                    self._me,
                )
        await self._apply(imap, progress.uidvalidity, processed, quarantined)
        return high

    async def _ingest(self, items: list[Fetched], holds: list[bool]) -> list[LetterResult]:
        # R-MBX-2: the receipt time is the server's INTERNALDATE, not our clock.
        arrivals = [
            Arrival(
                raw=item.raw,
                received_at=item.internaldate or self._clock.now(),
                rcpt_tos=(self.config.address,),
                source=f"imap:{self.config.name}",
            )
            for item in items
        ]
        del items
        # A copy fetched again after a crash finishes a letter left stored but unprocessed:
        # the pipeline claims it, so nothing is lost or done twice.
        results = await self._lock.run(self._pipeline.ingest_many, arrivals, holds)
        if self._on_ingested is not None:
            for result in results:
                self._on_ingested(result)
        return results

    async def _skip_known(
        self, imap: ImapSession, uidvalidity: int, batch: list[int], stats: SyncStats
    ) -> list[int]:
        """After a UIDVALIDITY change: letters whose Message-ID we hold are not downloaded."""
        response = ok(
            await imap.uid("fetch", uid_set(batch), "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"),
            "UID FETCH",
        )
        ids: dict[int, str] = {}
        for item in parse_fetch(response.lines):
            found = _MESSAGE_ID.search(item.raw)
            if found:
                ids[item.uid] = found.group(0).decode("ascii", "replace")
        states = await asyncio.to_thread(self._known_states, set(ids.values()))
        known = {uid for uid, mid in ids.items() if mid in states}
        if known:
            bad = [uid for uid in known if states[ids[uid]] == "quarantined"]
            good = [uid for uid in known if uid not in bad]
            await asyncio.to_thread(
                imap_state.commit,
                self._sessions,
                self.config.name,
                uidvalidity,
                0,  # the high-water mark moves only with the letters actually ingested
                good,
                bad,
                0,
                self._clock.now(),
                self._me,
            )
            await self._apply(imap, uidvalidity, good, bad)
            stats.duplicates += len(known)
        return [uid for uid in batch if uid not in known]

    def _known_states(self, message_ids: set[str]) -> dict[str, str]:
        if not message_ids:
            return {}
        keys = [f"mid:{mid[:500]}" for mid in message_ids]
        with self._sessions() as session:
            rows = session.execute(
                select(Letter.dedupe_key, Letter.status).where(Letter.dedupe_key.in_(keys))
            ).all()
        return {key.removeprefix("mid:"): status for key, status in rows}

    # -- server-side actions ---------------------------------------------------------------

    async def _apply(
        self,
        imap: ImapSession,
        uidvalidity: int,
        processed: Iterable[int],
        quarantine: Iterable[int],
    ) -> None:
        """Flag or move stored letters, then forget the owed actions."""
        cfg = self.config
        processed, quarantine = list(processed), list(quarantine)
        if quarantine:
            uids = uid_set(quarantine)
            flags = f"({cfg.keyword}Quarantine)"
            await imap.uid("store", uids, "+FLAGS.SILENT", flags)
            if cfg.quarantine_folder:
                await imap.move(uids, cfg.quarantine_folder)
        if processed:
            uids = uid_set(processed)
            ok(
                await imap.uid("store", uids, "+FLAGS.SILENT", f"(\\Seen {cfg.keyword})"),
                "UID STORE",
            )
            if cfg.processed_action == "move":
                await imap.move(uids, cfg.processed_folder)
        if processed or quarantine:
            await asyncio.to_thread(
                imap_state.done,
                self._sessions,
                cfg.name,
                uidvalidity,
                {*processed, *quarantine},
                self._me,
            )

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


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value

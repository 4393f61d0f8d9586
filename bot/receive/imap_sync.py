"""Fetching and ingesting one folder by UID, exactly once (issue 6): the half of the
mailbox watcher (bot/receive/imap.py) that talks to the folder.

A letter is fetched, handed to the same `Pipeline.ingest_many` as the SMTP endpoint (which
commits the raw bytes first), and only then is the UID high-water mark advanced and the
letter flagged or moved on the server; actions owed to the server are recorded with the
high-water mark and replayed on the next connection (bot/receive/imap_marks.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.ingest import Arrival
from bot.pipeline import Pipeline
from bot.receive import imap_state
from bot.receive.imap_marks import FolderMarks
from bot.receive.imap_session import ImapSession, WatcherConfig
from bot.receive.imap_wire import (
    Fetched,
    ImapError,
    batches,
    ok,
    parse_fetch,
    parse_search,
    parse_sizes,
    quote,
    uid_set,
)
from bot.results import LetterResult
from bot.writer_lock import WriterLock

log = logging.getLogger("bot.receive.imap")


@dataclass(slots=True)
class SyncStats:
    ingested: int = 0
    duplicates: int = 0
    quarantined: int = 0
    held_replies: int = 0
    total: int = 0  # letters found to do in this run (for progress)


class FolderSync(FolderMarks):
    """Open a folder, ingest what is new, flag or move it. Needs the watcher's settings,
    pipeline, database, clock, writer lock, lease holder name and ingest callback."""

    config: WatcherConfig
    _pipeline: Pipeline
    _sessions: sessionmaker[Session]
    _clock: Clock
    _lock: WriterLock
    _me: str
    _on_ingested: Callable[[LetterResult], None] | None

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
                        known = len(batch)
                        batch = await self._skip_known(imap, progress.uidvalidity, batch)
                        stats.duplicates += known - len(batch)
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


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

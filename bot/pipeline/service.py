"""One path for every letter: store raw → read → guard → hq → route → extract and check →
decide → apply (`bot.pipeline.stages`), one letter at a time or as a batch.

`Pipeline.ingest` serves the SMTP/LMTP endpoint, the IMAP watcher and `partnerdesk process`
alike. A failure after the raw letter is stored never loses it: the letter (and its case,
when known) is quarantined with the reason, HQ is told, and the next letter goes on.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from datetime import timedelta
from time import monotonic

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

import parsers
from bot.apply import Applier
from bot.clock import Clock
from bot.desk import event_log
from bot.hqmail.handler import HqMail
from bot.ingest import Arrival, StoredLetter, store_many, store_raw
from bot.pipeline.claim import claim_in, release_stranded
from bot.pipeline.config import (
    STRANDED_AFTER,
    Classifier,
    Desk,
    PipelineConfig,
    Reader,
    default_classifier,
)
from bot.pipeline.preload import preload_batch
from bot.pipeline.readers import Readers
from bot.pipeline.record import duplicate_result, quarantine_in
from bot.pipeline.stages import process_letter
from bot.reader_process import ReaderProcess, Ticket
from bot.results import LetterResult
from bot.rules.dispatch import Rules
from bot.store.claims import claimant
from bot.store.models import Letter
from parsers.reading import Reading

log = logging.getLogger(__name__)

# Letters of a batch processed in one transaction while the reading child reads the next
# ones: small enough that the child is soon ahead, big enough that a commit (an fsync on
# SQLite) is shared by many letters.
READ_AHEAD_PART = 20


class Pipeline:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        config: PipelineConfig,
        applier: Applier,
        rules: Rules,
        reader: Reader = parsers.parse_letter,
        classifier: Classifier = default_classifier,
        reader_process: ReaderProcess | None = None,
        hq_mail: HqMail | None = None,
        worker: str = "local",
    ) -> None:
        self._sessions = sessions
        # Who stores letters here, as each letter records it: once this process is gone, what
        # it stored and left unprocessed is recovered at once (`release_stranded`).
        self._storer = claimant(worker)
        self._clock = clock
        self._config = config
        self._applier = applier
        self._rules = rules
        # R-HQ-5, R-ID-5: staff commands by mail, forwards, partner sender authentication.
        self._hq_mail = hq_mail
        # Letters are read there (another process once started) unless a test injects its own.
        self._readers = Readers(
            reader_process or ReaderProcess(), config.own_addresses, reader, classifier
        )
        self._desk = Desk(
            config=config,
            clock=clock,
            applier=applier,
            rules=rules,
            classify=classifier,
            read=self._readers.reading,
            hq_mail=hq_mail,
        )

    def ingest(self, arrival: Arrival, *, hold_replies: bool = False) -> LetterResult:
        """Store, then process. Raises only if the raw letter could not be stored.

        `hold_replies` (IMAP backfill of old letters, issue 6): every reply this letter
        causes is written as `held` in the same transaction, so none goes out unless HQ
        releases it (`partnerdesk outbox --release`).
        """
        stored = self.store(arrival)
        # The bytes in hand are read, not a second copy from the database (a big letter);
        # a duplicate is read as it was first stored.
        raw = None if stored.duplicate else arrival.raw
        return self.process(stored.letter_id, hold_replies=hold_replies, raw=raw)

    def store(self, arrival: Arrival) -> StoredLetter:
        """Only commit the raw letter: the SMTP endpoint answers 250 on this, and processes
        the letter after (issue 19)."""
        return store_raw(
            self._sessions,
            arrival,
            self._config.own_addresses,
            self._clock.now(),
            stored_by=self._storer,
        )

    def _claim_in(self, session: Session, letter_ids: Sequence[int]) -> set[int]:
        """The letters this transaction may process (`bot.pipeline.claim`)."""
        return claim_in(session, letter_ids)

    def recover_unprocessed(self, older_than: timedelta = STRANDED_AFTER) -> int:
        """Finish letters a crash left stored but unprocessed; run at start and on every tick.

        Those stored more than `older_than` ago, and at once those whose storing process is
        gone (a restart after a crash: issue 20 item 3); a fresh letter of a live process,
        this one's endpoint queue or another instance's, is left to it."""
        cutoff = self._clock.now() - older_than
        with self._sessions.begin() as session:
            stranded = release_stranded(session, cutoff)
        done = 0
        for letter_id in stranded:
            if not self.process(letter_id).duplicate:
                log.warning("letter %s was stored but never processed; processed it now", letter_id)
                done += 1
        return done

    def _duplicate_result(self, letter_id: int) -> LetterResult:
        return duplicate_result(self._sessions, letter_id)

    def ingest_many(
        self, arrivals: Sequence[Arrival], holds: Sequence[bool] | None = None
    ) -> list[LetterResult]:
        """`ingest` for a batch (IMAP): one commit stores every raw letter, one more
        processes them all (a part at a time with the reading child, `_ingest_part`)."""
        holds = list(holds) if holds is not None else [False] * len(arrivals)
        # Handed to the reader first: it reads while the letters are stored.
        tickets = self._readers.submit(arrivals)
        stored = store_many(
            self._sessions,
            arrivals,
            self._config.own_addresses,
            self._clock.now(),
            stored_by=self._storer,
        )
        # Each letter once, at its first place in the batch; a repeat is a plain duplicate.
        first: dict[int, int] = {}
        for index, item in enumerate(stored):
            first.setdefault(item.letter_id, index)
        order = list(first.items())
        # With the reading child, a batch is processed a part at a time, each part once its
        # letters are read: the child reads the next parts meanwhile (issue 20). Read in
        # this process, the batch is one part.
        size = READ_AHEAD_PART if self._readers.in_child else max(1, len(order))
        done: dict[int, LetterResult] = {}
        for start in range(0, len(order), size):
            part = dict(order[start : start + size])
            done.update(self._ingest_part(part, arrivals, stored, tickets, holds))
        return [
            done[index] if index in done else self._duplicate_result(item.letter_id)
            for index, item in enumerate(stored)
        ]

    def _ingest_part(
        self,
        part: dict[int, int],
        arrivals: Sequence[Arrival],
        stored: Sequence[StoredLetter],
        tickets: Sequence[Ticket],
        holds: list[bool],
    ) -> dict[int, LetterResult]:
        """Letters of a batch (letter id → place) in one transaction; if any fails
        unexpectedly, it is rolled back and they are processed one at a time, so only the
        bad one is quarantined."""
        # Read before the write transaction, so a slow letter never holds SQLite's write lock
        # (issue 19); a batch is bounded in bytes (imap.batch_bytes), so are its readings.
        readings = {
            index: self._readers.read_first(
                arrivals[index].raw, tickets[index] if tickets else None
            )
            for index in part.values()
            if not stored[index].duplicate
        }
        done: dict[int, LetterResult] = {}
        started = monotonic()
        try:
            with self._sessions.begin() as session:
                ours = self._claim_in(session, list(part))
                todo = [
                    (index, letter_id) for letter_id, index in part.items() if letter_id in ours
                ]
                if todo:
                    done = self._process_batch(session, arrivals, todo, readings, holds)
            # After the commit; the one-by-one fallback below logs through `process`.
            each = (monotonic() - started) * 1000 / len(done) if done else 0.0
            event_log.letters(self._sessions, list(done.values()), each)
        except Exception:
            log.exception("a batch of %s letters failed; processing them one by one", len(part))
            done = {
                index: self.process(
                    letter_id,
                    hold_replies=holds[index],
                    raw=None if stored[index].duplicate else arrivals[index].raw,
                )
                for letter_id, index in part.items()
            }
        return done

    def _process_batch(
        self,
        session: Session,
        arrivals: Sequence[Arrival],
        todo: list[tuple[int, int]],
        readings: dict[int, Reading | Exception],
        holds: list[bool],
    ) -> dict[int, LetterResult]:
        preload_batch(session, [letter_id for _, letter_id in todo], self._clock.now())
        done = {}
        for index, letter_id in todo:
            # A letter stored earlier and stranded (rare) is read here, from the bytes in hand.
            reading = readings.pop(index, None) or self._readers.read_first(
                arrivals[index].raw, None
            )
            done[index] = self._process_read(session, letter_id, reading, holds[index])
        return done

    def _process_read(
        self, session: Session, letter_id: int, reading: Reading | Exception, hold: bool
    ) -> LetterResult:
        if isinstance(reading, parsers.UnreadableLetter):
            return self._quarantine_in(session, letter_id, _failure_reason(reading), hold)
        if isinstance(reading, Exception):
            raise reading
        return self._process_in(session, letter_id, hold, reading)

    def process(
        self, letter_id: int, *, hold_replies: bool = False, raw: bytes | None = None
    ) -> LetterResult:
        """Process a stored letter unless it is done or another instance is on it; `raw`
        is its bytes when the caller still has them. Logged: one line a letter (issue 21)."""
        started = monotonic()
        result = self._process_one(letter_id, hold_replies, raw)
        event_log.letters(self._sessions, [result], (monotonic() - started) * 1000)
        return result

    def _process_one(self, letter_id: int, hold_replies: bool, raw: bytes | None) -> LetterResult:
        try:
            reading = self._readers.read_stored(self._sessions, letter_id, raw)
            if reading is None:
                return self._duplicate_result(letter_id)
            with self._sessions.begin() as session:
                if self._claim_in(session, [letter_id]):
                    return self._process_in(session, letter_id, hold_replies, reading)
        except Exception as exc:  # unreadable, or our bug / a broken dependency: shunt
            if not isinstance(exc, parsers.UnreadableLetter):
                log.exception("letter %s failed in the pipeline", letter_id)
            reason = _failure_reason(exc)
            return self.quarantine(letter_id, reason, hold_replies=hold_replies)
        return self._duplicate_result(letter_id)

    def reprocess(self, letter_id: int) -> LetterResult:
        """Run a quarantined letter again (HQ: `partnerdesk reprocess`); a letter already
        processed is left alone, since running it again would open a second case."""
        with self._sessions.begin() as session:
            session.execute(
                update(Letter)
                .where(Letter.id == letter_id, Letter.status == "quarantined")
                .values(status="received")
            )
        return self.process(letter_id)

    def _process_in(
        self,
        session: Session,
        letter_id: int,
        hold_replies: bool = False,
        reading: Reading | None = None,
    ) -> LetterResult:
        """A claimed letter through its stages (`bot.pipeline.stages`)."""
        return process_letter(self._desk, session, letter_id, hold_replies, reading)

    def quarantine(
        self, letter_id: int, reason: str, *, hold_replies: bool = False
    ) -> LetterResult:
        """Keep the letter, mark it (and its case) quarantined, tell HQ (architecture §3)."""
        with self._sessions.begin() as session:
            # Claimed again: the failed attempt's claim was rolled back with it.
            if self._claim_in(session, [letter_id]):
                return self._quarantine_in(session, letter_id, reason, hold_replies)
        return self._duplicate_result(letter_id)

    def _quarantine_in(
        self, session: Session, letter_id: int, reason: str, hold_replies: bool = False
    ) -> LetterResult:
        row = session.get(Letter, letter_id)
        assert row is not None
        return quarantine_in(self._desk, session, row, reason, hold_replies)


def _failure_reason(exc: Exception) -> str:
    """What HQ reads in the quarantine notice."""
    if isinstance(exc, parsers.UnreadableLetter):
        return f"cannot read the letter: {exc}"
    detail = "".join(traceback.format_exception_only(exc)).strip()
    return f"processing failed: {detail}"

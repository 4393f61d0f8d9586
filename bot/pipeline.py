"""One path for every letter: store raw → parse → guard → thread → classify → decide → apply.

`Pipeline.ingest` serves the SMTP/LMTP endpoint, the IMAP watcher and `partnerdesk process`
alike. A failure after the raw letter is stored never loses it: the letter (and its case,
when known) is quarantined with the reason, HQ is told, and the next letter goes on.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import monotonic
from typing import Any

from sqlalchemy import false, select, update
from sqlalchemy.orm import Session, sessionmaker

import parsers
from bot.apply import UNMAPPED_IDS, Applier
from bot.apply_types import CaseContext
from bot.case_fields import deserialise_fields, merge_fields, serialise_fields
from bot.clock import Clock, as_utc
from bot.desk import event_log
from bot.followups import PIN_FOLLOWUPS, route_unthreaded
from bot.held import hold_replies_of
from bot.hqmail.handler import HqMail
from bot.ingest import Arrival, StoredLetter, store_many, store_raw
from bot.lookups import SessionLookups
from bot.outbox import count_recent_replies, preload_letter_keys
from bot.partners import Identity, identify, preload_senders
from bot.reader_process import ReaderProcess, Ticket
from bot.results import LetterResult
from bot.reused_ids import awaits_quarantine
from bot.route.case_lookup import case_from_headers
from bot.route.followup_match import license_case_for
from bot.route.thread_refs import case_named_in_body, flag_case, multiple_tags_flag
from bot.route.threads import ThreadMatch, match_thread
from bot.rules.dispatch import LetterFacts, Rules
from bot.rules.loop_guard import automatic_reason, is_bounce
from bot.store.case_views import view_of
from bot.store.models import Case, Letter, ThreadKey
from parsers.reading import Reading
from parsers.requirements import Findings, check
from parsers.types import NEW_CASE_KINDS, Classification, Kind, ParsedLetter, RequestData

log = logging.getLogger(__name__)

# A letter still unprocessed this long after it was stored was stranded by a crash.
STRANDED_AFTER = timedelta(minutes=5)

# Letters that act on an existing case rather than describe a new request (spec §2.2).
FOLLOWUP_KINDS = frozenset(
    {Kind.PIN_CONFIRMATION, Kind.PIN_EXTENSION, Kind.ANNUAL_REPORT, Kind.LICENSE_DOCUMENTS}
)


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    own_addresses: dict[str, str]  # address → mailbox role ("general" | "support")
    hq_staff: frozenset[str]
    case_prefix: str
    number_format: str


Reader = Callable[[bytes], ParsedLetter]
Classifier = Callable[[ParsedLetter, str | None, str | None], Classification]


def default_classifier(
    letter: ParsedLetter, role: str | None, thread_kind: str | None
) -> Classification:
    return parsers.classify(letter, role, thread_kind=thread_kind)


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
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._config = config
        self._applier = applier
        self._rules = rules
        self._read = reader
        self._classify = classifier
        # Letters are read there (another process once started) unless a test injects its own.
        self._reader = reader_process or ReaderProcess()
        self._own_reading = reader is parsers.parse_letter and classifier is default_classifier
        # R-HQ-5, R-ID-5: staff commands by mail, forwards, partner sender authentication.
        self._hq_mail = hq_mail

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
        return store_raw(self._sessions, arrival, self._config.own_addresses, self._clock.now())

    def _claim_in(self, session: Session, letter_ids: Sequence[int]) -> set[int]:
        """The letters this transaction may process: those still waiting to be processed.

        Storing a letter does not make it ours: another instance sharing the database may
        have stored it a moment earlier or be seeing it at the same moment (R-MBX-1). The
        claim is the transaction's first write, so its row locks (a conditional UPDATE) or
        the write lock (SQLite) make a second claimant wait and then find the letter done.
        The claim commits with the processing: a crash leaves the letter `received`, for
        whoever sees it next, instead of a claim nobody would take back.
        """
        if not letter_ids:
            return set()
        if session.get_bind().dialect.name == "sqlite":
            # SQLite has one writer at a time: once this transaction holds the write lock, no
            # other can change a letter's status before it commits. A write that changes no
            # row takes the lock; updating the letters themselves would make SQLite build each
            # whole row, raw bytes included, in memory (+50 MB for a 51 MB letter).
            session.execute(
                update(Letter)
                .where(false())
                .values(status=Letter.status)
                .execution_options(synchronize_session=False)
            )
            waiting = Letter.id.in_(letter_ids), Letter.status == "received"
            return set(session.scalars(select(Letter.id).where(*waiting)))
        claim = (
            update(Letter)
            .where(Letter.id.in_(letter_ids), Letter.status == "received")
            .values(status="processing")
            .execution_options(synchronize_session=False)
        )
        if session.get_bind().dialect.update_returning:
            return set(session.scalars(claim.returning(Letter.id)))
        won: set[int] = set()
        for letter_id in letter_ids:  # rowcount tells which were taken, one row at a time
            if session.execute(claim.where(Letter.id == letter_id)).rowcount == 1:
                won.add(letter_id)
        return won

    def recover_unprocessed(self, older_than: timedelta = STRANDED_AFTER) -> int:
        """Finish letters a crash left stored but unprocessed; run at start and on every tick."""
        cutoff = self._clock.now() - older_than
        with self._sessions.begin() as session:
            # A claim committed by an older version that crashed mid-processing is released.
            session.execute(
                update(Letter)
                .where(Letter.status == "processing", Letter.stored_at < cutoff)
                .values(status="received")
            )
            stranded = session.scalars(
                select(Letter.id)
                .where(Letter.status == "received", Letter.stored_at < cutoff)
                .order_by(Letter.received_at, Letter.id)
            ).all()
        done = 0
        for letter_id in stranded:
            if not self.process(letter_id).duplicate:
                log.warning("letter %s was stored but never processed; processed it now", letter_id)
                done += 1
        return done

    def _duplicate_result(self, letter_id: int) -> LetterResult:
        with self._sessions() as session:
            letter = session.get(Letter, letter_id)
            assert letter is not None
            previous = dict(letter.result or {})
        result = LetterResult(
            letter_id=letter_id,
            kind=previous.get("kind", Kind.IGNORED.value),
            case=previous.get("case"),
            state=previous.get("state"),
            status="duplicate",
            duplicate=True,
            reason="the same letter (Message-ID) was already received; nothing done again",
        )
        return result

    def ingest_many(
        self, arrivals: Sequence[Arrival], holds: Sequence[bool] | None = None
    ) -> list[LetterResult]:
        """`ingest` for a batch (IMAP): one commit stores every raw letter, one more
        processes them all. If any letter fails unexpectedly, that transaction is rolled back
        and the batch is processed one letter at a time, so only the bad one is quarantined.
        """
        holds = list(holds) if holds is not None else [False] * len(arrivals)
        # Handed to the reader first: it reads while the letters are stored.
        tickets = self._submit(arrivals)
        stored = store_many(self._sessions, arrivals, self._config.own_addresses, self._clock.now())
        # Each letter once, at its first place in the batch; a repeat is a plain duplicate.
        first: dict[int, int] = {}
        for index, item in enumerate(stored):
            first.setdefault(item.letter_id, index)
        # Read before the write transaction, so a slow letter never holds SQLite's write lock
        # (issue 19); a batch is bounded in bytes (imap.batch_bytes), so are its readings.
        readings = {
            index: self._read_first(arrivals[index].raw, tickets[index] if tickets else None)
            for index in first.values()
            if not stored[index].duplicate
        }
        done: dict[int, LetterResult] = {}
        started = monotonic()
        try:
            with self._sessions.begin() as session:
                ours = self._claim_in(session, list(first))
                todo = [
                    (index, letter_id) for letter_id, index in first.items() if letter_id in ours
                ]
                if todo:
                    done = self._process_batch(session, arrivals, todo, readings, holds)
            # After the commit; the one-by-one fallback below logs through `process`.
            each = (monotonic() - started) * 1000 / len(done) if done else 0.0
            event_log.letters(self._sessions, list(done.values()), each)
        except Exception:
            log.exception("a batch of %s letters failed; processing them one by one", len(first))
            done = {
                index: self.process(
                    letter_id,
                    hold_replies=holds[index],
                    raw=None if stored[index].duplicate else arrivals[index].raw,
                )
                for letter_id, index in first.items()
            }
        return [
            done[index] if index in done else self._duplicate_result(item.letter_id)
            for index, item in enumerate(stored)
        ]

    def _process_batch(
        self,
        session: Session,
        arrivals: Sequence[Arrival],
        todo: list[tuple[int, int]],
        readings: dict[int, Reading | Exception],
        holds: list[bool],
    ) -> dict[int, LetterResult]:
        # One SELECT for the batch's rows; the list keeps them in the identity map.
        rows = session.scalars(
            select(Letter).where(Letter.id.in_([letter_id for _, letter_id in todo]))
        ).all()
        own_ids = {row.message_id for row in rows if row.message_id}
        mapped = session.scalars(
            select(ThreadKey.message_id).where(ThreadKey.message_id.in_(own_ids))
        ).all()
        session.info[UNMAPPED_IDS] = own_ids.difference(mapped)
        # What each letter would otherwise ask the database on its own.
        senders = {row.from_addr for row in rows if row.from_addr}
        preload_senders(session, senders)
        count_recent_replies(session, senders, self._clock.now())
        preload_letter_keys(session, (row.id for row in rows))
        done = {}
        for index, letter_id in todo:
            # A letter stored earlier and stranded (rare) is read here, from the bytes in hand.
            reading = readings.pop(index, None) or self._read_first(arrivals[index].raw, None)
            done[index] = self._process_read(session, letter_id, reading, holds[index])
        return done

    def _submit(self, arrivals: Sequence[Arrival]) -> list[Ticket]:
        if not self._own_reading:
            return []
        own = self._config.own_addresses
        return self._reader.submit(
            [
                # The role it will have when the envelope names a watched mailbox (IMAP).
                (
                    a.raw,
                    own.get(a.rcpt_tos[0].lower()) if a.rcpt_tos else None,
                    as_utc(a.received_at),
                )
                for a in arrivals
            ]
        )

    def _reading(self, raw: bytes, ticket: Ticket | None = None) -> Reading:
        if not self._own_reading:
            return Reading(self._read(raw), None, None)
        return self._reader.wait(ticket) if ticket is not None else self._reader.read(raw)

    def _read_first(self, raw: bytes, ticket: Ticket | None) -> Reading | Exception:
        """The reading, or the error to raise where the letter is processed."""
        try:
            return self._reading(raw, ticket)
        except Exception as exc:  # unreadable: quarantined there; anything else: one by one
            return exc

    def _process_read(
        self, session: Session, letter_id: int, reading: Reading | Exception, hold: bool
    ) -> LetterResult:
        if isinstance(reading, parsers.UnreadableLetter):
            return self._quarantine_in(session, letter_id, _failure_reason(reading), hold)
        if isinstance(reading, Exception):
            raise reading
        return self._process_in(session, letter_id, hold, reading)

    def _read_stored(self, letter_id: int, raw: bytes | None) -> Reading | None:
        """The letter read outside any write transaction (issue 19: a slow letter held the
        SQLite write lock, and HQ's `partnerdesk case … comment` failed "database is locked");
        None when it is no longer waiting, so there is nothing to read."""
        if raw is None:
            with self._sessions() as session:
                row = session.get(Letter, letter_id)
                if row is None or row.status != "received":
                    return None
                raw = row.raw
        return self._reading(raw)

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
            reading = self._read_stored(letter_id, raw)
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
        # The bytes (`letter_row.raw`) are loaded only if they still have to be read.
        letter_row = session.get(Letter, letter_id)
        assert letter_row is not None
        if reading is None and awaits_quarantine(letter_row):
            reading = self._reading(letter_row.raw)
        if awaits_quarantine(letter_row) and not (
            reading is not None
            and automatic_reason(reading.letter, frozenset(self._config.own_addresses))
        ):
            # R-MBX-1: threading or answering by a Message-ID another letter owns is unsafe;
            # HQ compares the two and re-runs a genuine one (issue 19). Automatic mail (a
            # bounce quoting ours, an auto-reply) is only ever stored: it goes on as ignored.
            return self._quarantine_in(session, letter_id, letter_row.reason or "", hold_replies)
        received_at = as_utc(letter_row.received_at)
        if reading is None:
            reading = self._reading(letter_row.raw)
        letter = reading.letter
        letter_row.subject = letter.subject[:2000]
        roles = list(letter_row.mailboxes)
        role = roles[0] if roles else None
        match = self._match(session, letter)
        case = session.get(Case, match.case_id) if match.case_id else None
        while case is not None and (case.attrs or {}).get("merged_into"):
            # R-THR-13: a merged number is an alias of the case it was merged into.
            case = session.scalar(select(Case).where(Case.number == case.attrs["merged_into"]))

        reason = automatic_reason(letter, frozenset(self._config.own_addresses))
        if reason is not None:
            if case is not None and match.via == "subject-tag":
                # R-THR-7: automatic mail tied only by a tag (not by one of our Message-IDs)
                # joins the case only when it comes from the case's own partner.
                owner = identify(session, letter.from_addr, role)
                if not _same_owner(case, owner, letter.from_addr):
                    case = None
            return self._ignored(
                session, letter_row, letter, case, reason, received_at, hold_replies
            )
        forwarded_by: str | None = None
        if letter.from_addr in self._config.hq_staff and self._hq_mail is not None:
            outcome = self._hq_mail.handle(session, letter_row, letter, case, received_at, role)
            if outcome.forwarded is None:
                assert outcome.result is not None
                self._finish(letter_row, outcome.result, outcome.case)
                return outcome.result
            # R-MBX-7: an HQ forward is processed as its original sender's letter.
            reading, letter, forwarded_by = (
                outcome.forwarded,
                outcome.forwarded.letter,
                outcome.forwarded_by,
            )
            match = self._match(session, letter)
            case = session.get(Case, match.case_id) if match.case_id else None
        if letter.from_addr in self._config.hq_staff:
            return self._from_hq(session, letter_row, letter, case, received_at)
        body_ref = case is None and match.via == "none"
        if body_ref:
            # R-THR-4 step 3: «по заявке TCM-000123» in the text, for every kind.
            config = self._config
            case = case_named_in_body(session, letter, config.case_prefix, config.number_format)

        # R-ID-5: a sender our server says failed DMARC (or SPF and DKIM) is nobody's partner.
        unverified = (
            self._hq_mail.unverified(letter) if self._hq_mail and not forwarded_by else None
        )
        identity = None if unverified else identify(session, letter.from_addr, role)
        flags: list[str] = [f"auth_failed: {unverified}"] if unverified else []
        if case is not None and not _same_owner(case, identity, letter.from_addr):
            # R-THR-7: never attach a letter to another partner's case; HQ is told. A number
            # in the body only joins the sender's own case (step 3); otherwise a new case.
            if not body_ref:
                flags.append(f"cross_partner_reference:{case.number}")
            case = None
        if case is not None and (several := multiple_tags_flag(match.other_tags)):
            flags.append(several)  # R-THR-10: the first tag won; HQ is told
        thread_kind = case.kind if case else None
        classification = reading.classification_for(role, thread_kind) or self._classify(
            letter, role, thread_kind
        )
        kind = classification.kind
        if case is None and kind == Kind.LICENSE_DOCUMENTS and identity is not None:
            # R-THR-4 step 5: the partner's one license case waiting for this document.
            text = f"{letter.subject}\n{letter.new_text}"
            case = license_case_for(session, identity.partner_id, text)
        split_note: tuple[str, str] | None = None
        if case is not None and kind in NEW_CASE_KINDS and kind.value != case.kind:
            # R-THR-8: a new request of another kind in this thread gets its own case.
            split_note = (case.number or "", "other_topic")
            case = None
        ctx = CaseContext(
            letter=letter,
            letter_row=letter_row,
            received_at=received_at,
            role=role,
            kind=kind.value,
            unknown_tags=match.unknown_tags,
            identity=identity,
            flags=tuple(flags),
            previous_case=split_note,
            # R-MBX-6: processed as what it is; the first reply names the right mailbox.
            wrong_mailbox=classification.wrong_mailbox if case is None else None,
        )
        if case is None and kind in PIN_FOLLOWUPS and identity is not None:
            case, answered = route_unthreaded(session, self, ctx, classification)
            if answered is not None:
                return self._answered(letter_row, classification, answered, hold_replies)
        uncertain: list[str] = []
        if case is not None:
            flag_case(case, ctx.flags)
            if kind in FOLLOWUP_KINDS:
                # A software list, extension, report or document letter is read and
                # checked as itself; the case's own data stay as they were.
                request = parsers.extract(letter, kind, received_at=received_at)
                merged = dict(case.fields)
                findings = check(request)
            else:
                # R-VAL-6: later values override the same fields; the rest are kept.
                request = parsers.extract(letter, Kind(case.kind), received_at=received_at)
                merged = merge_fields(case.fields, serialise_fields(request))
                findings = check(RequestData(Kind(case.kind), deserialise_fields(merged)))
            facts = self._facts(case.kind, findings, merged, ctx, classification, request)
            uncertain = list(findings.uncertain)
            decision = self._rules.followup(view_of(case), facts, SessionLookups(session))
            if decision.split_from is None:
                self._applier.update_case(session, ctx, case, decision)
            else:
                # R-TKT-12 after the reopen window: a new case that names the old one.
                self._applier.attach(session, case, letter_row, letter, "letter-after-close", {})
                # Issue 24: the note names why, a rejected ticket has no reopen window.
                why = "closed_long_ago" if decision.state == "closed" else "rejected"
                ctx = ctx.with_note((decision.split_from, why))
                case = None
        if case is None:
            request = reading.request_for(kind, received_at) or parsers.extract(
                letter, kind, received_at=received_at
            )
            fields = serialise_fields(request)
            findings = check(request)
            uncertain = list(findings.uncertain)
            facts = self._facts(kind.value, findings, fields, ctx, classification, request)
            decision = self._rules.new_case(facts, SessionLookups(session))
            case = self._applier.open_case(session, ctx, decision)
        replies = self._applier.flush_replies(session, case, ctx, decision)
        if forwarded_by:
            details = {"by": forwarded_by, "rule": "R-MBX-7"}
            self._applier.event(session, case, "forwarded-by-hq", letter_row.id, details)
        result = LetterResult(
            letter_id=letter_id,
            kind=kind.value,
            case=case.number,
            state=case.state,
            missing=list(decision.missing),
            invalid=list(decision.invalid),
            warnings=list(decision.warnings),
            replies=replies,
            confidence=classification.confidence,
            reasons=list(classification.reasons),
            uncertain=uncertain,
        )
        self._finish(letter_row, result, case, hold_replies=hold_replies)
        return result

    def _answered(
        self,
        row: Letter,
        classification: Classification,
        answered: dict[str, Any],
        hold_replies: bool,
    ) -> LetterResult:
        case, decision = answered["case"], answered["decision"]
        result = LetterResult(
            letter_id=row.id,
            kind=classification.kind.value,
            case=case.number,
            state=case.state,
            missing=list(decision.missing),
            invalid=list(decision.invalid),
            replies=answered["replies"],
            confidence=classification.confidence,
            reasons=list(classification.reasons),
        )
        self._finish(row, result, case, hold_replies=hold_replies)
        return result

    @staticmethod
    def _facts(
        kind: str,
        findings: Findings,
        fields: dict[str, Any],
        ctx: CaseContext,
        classification: Classification,
        request: RequestData,
    ) -> LetterFacts:
        return LetterFacts(
            kind=kind,
            findings=findings,
            fields=fields,
            received_at=ctx.received_at,
            identity=ctx.identity,
            new_text=ctx.letter.new_text,
            attachments=tuple(a.filename for a in ctx.letter.attachments if not a.inline),
            letter_kind=classification.kind.value,
            event=getattr(classification, "event", None),
            flags=tuple(getattr(request, "flags", ()) or ()),
            letter_fields=serialise_fields(request),
        )

    def _match(self, session: Session, letter: ParsedLetter) -> ThreadMatch:
        def by_ids(ids) -> int | None:
            ids = list(ids)
            rows = session.execute(
                select(ThreadKey.message_id, ThreadKey.case_id).where(ThreadKey.message_id.in_(ids))
            ).all()
            found = dict(rows)
            for message_id in ids:  # In-Reply-To first, then the newest reference
                if message_id in found:
                    return found[message_id]
            return None

        def by_number(number: str) -> int | None:
            return session.scalar(select(Case.id).where(Case.number == number))

        return match_thread(
            letter, by_ids, by_number, self._config.case_prefix, self._config.number_format
        )

    def _ignored(
        self,
        session: Session,
        row: Letter,
        letter: ParsedLetter,
        case: Case | None,
        reason: str,
        received_at: datetime,
        hold_replies: bool = False,
    ) -> LetterResult:
        """R-MBX-3: stored and attached to its case, never answered; bounces alert HQ."""
        replies: list[dict[str, Any]] = []
        if case is not None:
            self._applier.attach(session, case, row, letter, "automatic-letter", {"reason": reason})
        if is_bounce(letter):
            replies = self._applier.notify_hq(
                session,
                "hq_bounce",
                f"bounce:{row.id}",
                case,
                {
                    "letter_id": row.id,
                    "sender": letter.from_addr,
                    "received_at": received_at,
                    "letter_subject": letter.subject,
                    "case_number": case.number if case else None,
                },
            )
        elif not letter.from_addr:
            # Issue 19: nobody to answer, yet HQ must hear of it (capped like every notice).
            replies = self._applier.notify_hq(
                session,
                "hq_no_sender",
                f"no-sender:{row.id}",
                case,
                {
                    "letter_id": row.id,
                    "received_at": received_at,
                    "letter_subject": letter.subject or "(без темы)",
                    "reason": reason,
                    "case_number": case.number if case else None,
                },
            )
        result = LetterResult(
            row.id,
            Kind.IGNORED.value,
            case.number if case else None,
            case.state if case else None,
            replies=replies,
            status="ignored",
            reason=reason,
        )
        self._finish(row, result, case, status="ignored", hold_replies=hold_replies)
        return result

    def _from_hq(
        self,
        session: Session,
        row: Letter,
        letter: ParsedLetter,
        case: Case | None,
        received_at: datetime,
    ) -> LetterResult:
        """R-MBX-7: HQ staff never get partner auto-replies; their letters join the case."""
        if case is not None:
            self._applier.attach(session, case, row, letter, "hq-letter", {})
        result = LetterResult(
            row.id,
            Kind.HQ_COMMAND.value,
            case.number if case else None,
            case.state if case else None,
            status="processed",
            reason="letter from HQ staff: recorded, no auto-reply",
        )
        self._finish(row, result, case)
        return result

    def _finish(
        self,
        row: Letter,
        result: LetterResult,
        case: Case | None,
        status: str = "processed",
        hold_replies: bool = False,
    ) -> None:
        if hold_replies:
            hold_replies_of(row, result, case)
        row.status = status
        row.kind = result.kind
        row.case_id = case.id if case else None
        row.processed_at = self._clock.now()
        row.reason = result.reason
        row.result = result.as_json()

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
        case = None
        try:
            case = case_from_headers(
                session, row.raw, self._config.case_prefix, self._config.number_format
            )
        except Exception:  # the headers may be what broke; the case is then unknown
            log.warning("letter %s: case unknown for quarantine", letter_id)
        if case is not None:
            case.quarantine_reason = reason
            self._applier.event(session, case, "quarantined", row.id, {"reason": reason})
        replies = self._applier.notify_hq(
            session,
            "hq_quarantine",
            f"quarantine:{row.id}",
            case,
            {
                "letter_id": row.id,
                "sha256": row.sha256,
                "sender": row.from_addr,
                "received_at": as_utc(row.received_at),
                "reason": reason,
                "letter_subject": row.subject or "(без темы)",
                "case_number": case.number if case else None,
            },
        )
        result = LetterResult(
            row.id,
            Kind.IGNORED.value,
            case.number if case else None,
            "quarantined",
            replies=replies,
            status="quarantined",
            reason=reason,
        )
        self._finish(row, result, case, status="quarantined", hold_replies=hold_replies)
        return result


def _failure_reason(exc: Exception) -> str:
    """What HQ reads in the quarantine notice."""
    if isinstance(exc, parsers.UnreadableLetter):
        return f"cannot read the letter: {exc}"
    detail = "".join(traceback.format_exception_only(exc)).strip()
    return f"processing failed: {detail}"


def _same_owner(case: Case, identity: Identity | None, sender: str) -> bool:
    """The case belongs to the writer: same partner, or the same unidentified address."""
    if case.partner_id is not None:
        return identity is not None and identity.partner_id == case.partner_id
    return sender == case.requester

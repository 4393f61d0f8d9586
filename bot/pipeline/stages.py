"""A letter's path, as a table: read → guard → hq → route (and classify) → extract and
check → decide → apply. Each stage hands the letter on (None) or ends its path with a signal
(`bot.pipeline.signals`); `bot.pipeline.record` writes the result either way.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.apply_types import CaseContext
from bot.clock import as_utc
from bot.partners import identify
from bot.pipeline.apply_stage import apply
from bot.pipeline.config import Desk
from bot.pipeline.decide_stage import decide, extract_and_check
from bot.pipeline.record import record
from bot.pipeline.signals import Ignore, Quarantine, Record, Stop, Work
from bot.results import LetterResult
from bot.reused_ids import awaits_quarantine
from bot.route import route, same_owner, thread_of
from bot.rules.loop_guard import automatic_reason
from bot.store.models import Letter
from parsers.reading import Reading
from parsers.types import Kind

Stage = Callable[[Desk, Session, Work], Stop | None]


def read(desk: Desk, session: Session, letter_id: int, hold: bool, reading: Reading | None) -> Work:
    """The letter as read (outside the transaction when the caller could), and where from.
    The bytes (`row.raw`) are loaded only if they still have to be read."""
    row = session.get(Letter, letter_id)
    assert row is not None
    if reading is None:
        reading = desk.read(row.raw)
    roles = list(row.mailboxes)
    return Work(
        row=row,
        hold=hold,
        reading=reading,
        letter=reading.letter,
        received_at=as_utc(row.received_at),
        role=roles[0] if roles else None,
    )


def guard(desk: Desk, session: Session, work: Work) -> Stop | None:
    """Letters that must not be answered: a reused Message-ID (R-MBX-1), automatic mail and
    loops (R-MBX-3)."""
    config, letter = desk.config, work.letter
    reason = automatic_reason(
        letter, frozenset(config.own_addresses), work.reading.automatic_reason()
    )
    if awaits_quarantine(work.row) and not reason:
        # R-MBX-1: threading or answering by a Message-ID another letter owns is unsafe;
        # HQ compares the two and re-runs a genuine one (issue 19). Automatic mail (a
        # bounce quoting ours, an auto-reply) is only ever stored: it goes on as ignored.
        return Quarantine(work.row.reason or "")
    work.row.subject = letter.subject[:2000]
    if reason is None:
        return None
    thread = thread_of(session, letter, config.case_prefix, config.number_format)
    case = thread.case
    if case is not None and thread.match.via == "subject-tag":
        # R-THR-7: automatic mail tied only by a tag (not by one of our Message-IDs)
        # joins the case only when it comes from the case's own partner.
        owner = identify(session, letter.from_addr, work.role)
        if not same_owner(case, owner, letter.from_addr):
            case = None
    return Ignore(reason, case)


def hq(desk: Desk, session: Session, work: Work) -> Stop | None:
    """R-MBX-7, R-HQ-5: HQ staff never get partner auto-replies; their commands act, their
    letters join the case, and a forward goes on as its original sender's letter."""
    config = desk.config
    if work.letter.from_addr not in config.hq_staff:
        return None
    case = thread_of(session, work.letter, config.case_prefix, config.number_format).case
    if desk.hq_mail is not None:
        outcome = desk.hq_mail.handle(
            session, work.row, work.letter, case, work.received_at, work.role
        )
        if outcome.forwarded is None:
            assert outcome.result is not None
            return Record(outcome.result, outcome.case)
        # R-MBX-7: an HQ forward is processed as its original sender's letter, threaded
        # as that letter would be (a merged number routes to its target, R-THR-13).
        work.reading, work.letter = outcome.forwarded, outcome.forwarded.letter
        work.forwarded_by = outcome.forwarded_by
        work.thread = thread_of(session, work.letter, config.case_prefix, config.number_format)
        case = work.thread.case
        if work.letter.from_addr not in config.hq_staff:
            return None
    result = LetterResult(
        work.row.id,
        Kind.HQ_COMMAND.value,
        case.number if case else None,
        case.state if case else None,
        status="processed",
        reason="letter from HQ staff: recorded, no auto-reply",
    )
    return Record(result, case, attach="hq-letter")


def route_stage(desk: Desk, session: Session, work: Work) -> Stop | None:
    """Which case the letter continues (`bot.route`), and its context for the rest."""
    config, letter, reading, role = desk.config, work.letter, work.reading, work.role
    unverified = desk.hq_mail.unverified(letter) if desk.hq_mail and not work.forwarded_by else None
    found = route(
        session,
        letter,
        role,
        received_at=work.received_at,
        classify=lambda thread_kind: (
            reading.classification_for(role, thread_kind)
            or desk.classify(letter, role, thread_kind)
        ),
        prefix=config.case_prefix,
        number_format=config.number_format,
        unverified=unverified,
        thread=work.thread,
    )
    work.route = found
    work.ctx = CaseContext(
        letter=letter,
        letter_row=work.row,
        received_at=work.received_at,
        role=role,
        kind=found.classification.kind.value,
        unknown_tags=found.unknown_tags,
        identity=found.identity,
        flags=found.flags,
        previous_case=found.previous_case,
        wrong_mailbox=found.wrong_mailbox,
        held=work.hold,
    )
    return None


# The journey of a letter, in order (`read` comes first: it makes the letter in progress).
# Classifying is part of the route: the letter is read in the light of its thread's kind, and
# the route's last steps (R-THR-4 step 5, R-THR-8, step 4) depend on the kind it gets.
STAGES: tuple[tuple[str, Stage], ...] = (
    ("guard", guard),
    ("hq", hq),
    ("route", route_stage),
    ("extract and check", extract_and_check),
    ("decide", decide),
    ("apply", apply),
)


def process_letter(
    desk: Desk, session: Session, letter_id: int, hold: bool, reading: Reading | None
) -> LetterResult:
    """One claimed letter through every stage, inside the caller's transaction."""
    work = read(desk, session, letter_id, hold, reading)
    for _name, stage in STAGES:
        stop = stage(desk, session, work)
        if stop is not None:
            return record(desk, session, work, stop)
    raise AssertionError("the apply stage always ends a letter's path")

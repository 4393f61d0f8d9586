"""How a letter's path ends: its result, written on its row with its status.

Every signal of `bot.pipeline.signals` ends here. Quarantine keeps the letter (and marks its
case, when known) and tells HQ (architecture §3); automatic mail is stored, attached to its
case and never answered (R-MBX-3); an HQ letter is recorded (R-MBX-7); an answered letter
gets the result of its decision.

A letter whose replies are held (IMAP backfill, issue 6) was held before anything was written:
its decision (`bot.rules.hold`) and every notice it causes; nothing is rewritten here.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import as_utc
from bot.pipeline.config import Desk
from bot.pipeline.signals import Answered, Ignore, Quarantine, Record, Stop, Work
from bot.results import LetterResult
from bot.route.case_lookup import case_from_headers
from bot.rules.hold import held_attrs
from bot.rules.loop_guard import is_bounce
from bot.store.models import Case, Letter
from parsers.types import Kind

log = logging.getLogger(__name__)


def record(desk: Desk, session: Session, work: Work, stop: Stop) -> LetterResult:
    """The result of a letter whose path ended with `stop`, written on its row."""
    if isinstance(stop, Quarantine):
        return quarantine_in(desk, session, work.row, stop.reason, work.hold)
    if isinstance(stop, Ignore):
        return _ignored(desk, session, work, stop)
    if isinstance(stop, Record):
        if stop.attach is not None and stop.case is not None:
            desk.applier.attach(session, stop.case, work.row, work.letter, stop.attach, {})
        finish(desk, work.row, stop.result, stop.case)
        return stop.result
    return _answered(desk, work, stop)


def _answered(desk: Desk, work: Work, stop: Answered) -> LetterResult:
    case, decision, classification = stop.case, stop.decision, stop.classification
    result = LetterResult(
        letter_id=work.row.id,
        kind=classification.kind.value,
        case=case.number,
        state=case.state,
        missing=list(decision.missing),
        invalid=list(decision.invalid),
        warnings=list(decision.warnings),
        replies=stop.replies,
        confidence=classification.confidence,
        reasons=list(classification.reasons),
        uncertain=list(stop.uncertain),
    )
    finish(desk, work.row, result, case)
    return result


def _ignored(desk: Desk, session: Session, work: Work, stop: Ignore) -> LetterResult:
    """R-MBX-3: stored and attached to its case, never answered; bounces alert HQ."""
    row, letter, case, reason = work.row, work.letter, stop.case, stop.reason
    replies: list[dict[str, Any]] = []
    if case is not None:
        desk.applier.attach(session, case, row, letter, "automatic-letter", {"reason": reason})
        if work.hold:
            case.attrs = held_attrs(case.attrs)  # what the case sends later is held too
    if is_bounce(letter):
        replies = desk.letters.hq.notify_hq(
            session,
            "hq_bounce",
            f"bounce:{row.id}",
            case,
            {
                "letter_id": row.id,
                "sender": letter.from_addr,
                "received_at": work.received_at,
                "letter_subject": letter.subject,
                "case_number": case.number if case else None,
            },
            held=work.hold,
        )
    elif not letter.from_addr:
        # Issue 19: nobody to answer, yet HQ must hear of it (capped like every notice).
        replies = desk.letters.hq.notify_hq(
            session,
            "hq_no_sender",
            f"no-sender:{row.id}",
            case,
            {
                "letter_id": row.id,
                "received_at": work.received_at,
                "letter_subject": letter.subject or "(без темы)",
                "reason": reason,
                "case_number": case.number if case else None,
            },
            held=work.hold,
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
    finish(desk, row, result, case, status="ignored")
    return result


def quarantine_in(
    desk: Desk, session: Session, row: Letter, reason: str, hold_replies: bool = False
) -> LetterResult:
    """Keep the letter, mark it (and its case) quarantined, tell HQ (architecture §3)."""
    case = None
    config = desk.config
    try:
        case = case_from_headers(session, row.raw, config.case_prefix, config.number_format)
    except Exception:  # the headers may be what broke; the case is then unknown
        log.warning("letter %s: case unknown for quarantine", row.id)
    if case is not None:
        case.quarantine_reason = reason
        desk.applier.history.event(session, case, "quarantined", row.id, {"reason": reason})
        if hold_replies:
            case.attrs = held_attrs(case.attrs)  # what the case sends later is held too
    replies = desk.letters.hq.notify_hq(
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
        held=hold_replies,
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
    finish(desk, row, result, case, status="quarantined")
    return result


def finish(
    desk: Desk,
    row: Letter,
    result: LetterResult,
    case: Case | None,
    status: str = "processed",
) -> None:
    row.status = status
    row.kind = result.kind
    row.case_id = case.id if case else None
    row.processed_at = desk.clock.now()
    row.reason = result.reason
    row.result = result.as_json()


def duplicate_result(sessions: sessionmaker[Session], letter_id: int) -> LetterResult:
    """A letter received again (or processed by another worker): its first result, marked
    as a duplicate; nothing is done again (R-MBX-1)."""
    with sessions() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        previous = dict(letter.result or {})
    return LetterResult(
        letter_id=letter_id,
        kind=previous.get("kind", Kind.IGNORED.value),
        case=previous.get("case"),
        state=previous.get("state"),
        status="duplicate",
        duplicate=True,
        reason="the same letter (Message-ID) was already received; nothing done again",
    )

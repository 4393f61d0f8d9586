"""Replies held instead of sent: letters imported from an existing mailbox (issue 6)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import object_session

from bot.results import LetterResult
from bot.rules import decide
from bot.store.models import Case, Deadline, Letter, OutboxMessage

# Timers that only send the partner a letter and change nothing (held with the letter).
REMINDER_TIMERS = (decide.CLARIFICATION_REMINDER, "tkt_w_end", "pin_remind", "rpt_remind")


def hold_replies_of(row: Letter, result: LetterResult, case: Case | None) -> None:
    """Turn this letter's queued replies into held ones, inside the caller's transaction.

    A reminder timer this letter set would later remind the partner of a request they never
    received, so it is cancelled too. Timers that change a case's state are left alone.
    """
    session = object_session(row)
    assert session is not None
    if case is not None:
        # Whatever this case sends later (a closing, a notice) is held as well.
        case.attrs = {**(case.attrs or {}), "replies_held": True}
        session.execute(
            update(Deadline)
            .where(
                Deadline.case_id == case.id,
                Deadline.kind.in_(REMINDER_TIMERS),
                Deadline.status == "pending",
                Deadline.created_at >= row.stored_at,
            )
            .values(status="cancelled")
        )
    queued = [r["message_id"] for r in result.replies if r.get("status") == "queued"]
    if not queued:
        return
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.message_id.in_(queued), OutboxMessage.status == "queued")
        .values(status="held")
    )
    for reply in result.replies:
        if reply.get("status") == "queued":
            reply["status"] = "held"

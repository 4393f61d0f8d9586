"""Read-only views of cases, letters and the outbox for the CLI (and HQ scripts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import as_utc
from bot.store.models import Case, CaseEvent, Deadline, Letter, OutboxMessage
from parsers.types import LOW_CONFIDENCE


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


def list_cases(
    sessions: sessionmaker[Session], state: str | None, kind: str | None, limit: int
) -> list[dict[str, Any]]:
    with sessions() as session:
        query = select(Case).order_by(Case.id.desc()).limit(limit)
        if state:
            query = query.where(Case.state == state)
        if kind:
            query = query.where(Case.kind == kind)
        return [
            {
                "case": c.number,
                "kind": c.kind,
                "state": c.state,
                "requester": c.requester,
                "subject": c.subject,
                "created_at": _iso(c.created_at),
                "quarantine_reason": c.quarantine_reason,
            }
            for c in session.scalars(query)
        ]


def case_details(sessions: sessionmaker[Session], number: str) -> dict[str, Any] | None:
    with sessions() as session:
        case = session.scalar(select(Case).where(Case.number == number.upper()))
        if case is None:
            return None
        letters = session.scalars(
            select(Letter).where(Letter.case_id == case.id).order_by(Letter.received_at, Letter.id)
        ).all()
        replies = session.scalars(
            select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id)
        ).all()
        deadlines = session.scalars(
            select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.due_at)
        ).all()
        events = session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        ).all()
        return {
            "case": case.number,
            "kind": case.kind,
            "state": case.state,
            "mailbox": case.mailbox,
            "requester": case.requester,
            "subject": case.subject,
            "created_at": _iso(case.created_at),
            "updated_at": _iso(case.updated_at),
            "missing": case.missing,
            "invalid": case.invalid,
            # Fields read with low confidence: HQ checks them before trusting the case.
            "uncertain": sorted(
                code
                for code, item in case.fields.items()
                # A warning is already shown with its reason; a doubtful valid value is not.
                if item.get("status") == "valid" and item.get("confidence", 1.0) < LOW_CONFIDENCE
            ),
            "quarantine_reason": case.quarantine_reason,
            # Kind-specific state: due dates, checklists, HQ flags (R-HQ-11).
            "attrs": case.attrs or {},
            "fields": {
                code: {k: v for k, v in item.items() if k != "evidence"}
                | {"evidence": (item.get("evidence") or {}).get("excerpt")}
                for code, item in case.fields.items()
            },
            "letters": [
                {
                    "id": lt.id,
                    "received_at": _iso(lt.received_at),
                    "from": lt.from_addr,
                    "subject": lt.subject,
                    "kind": lt.kind,
                    "status": lt.status,
                    "reason": lt.reason,
                }
                for lt in letters
            ],
            "replies": [
                {
                    "id": r.id,
                    "kind": r.reply_kind,
                    "template": r.template,
                    "to": r.to_addr,
                    "subject": r.subject,
                    "status": r.status,
                    "created_at": _iso(r.created_at),
                    "sent_at": _iso(r.sent_at),
                }
                for r in replies
            ],
            "deadlines": [
                {
                    "id": d.id,
                    "kind": d.kind,
                    "rule": d.rule_id,
                    "due_at": _iso(d.due_at),
                    "status": d.status,
                }
                for d in deadlines
            ],
            "history": [
                {
                    "at": _iso(e.at),
                    "actor": e.actor,
                    "event": e.event,
                    "old_state": e.old_state,
                    "new_state": e.new_state,
                    "letter": e.letter_id,
                    "details": e.details,
                }
                for e in events
            ],
        }


def letter_details(
    sessions: sessionmaker[Session], letter_id: int, *, raw: bool = False
) -> dict[str, Any] | None:
    """The letter's metadata; with `raw`, its stored bytes too (read only when asked)."""
    with sessions() as session:
        letter = session.get(Letter, letter_id)
        if letter is None:
            return None
        case = session.get(Case, letter.case_id) if letter.case_id else None
        return {
            "id": letter.id,
            "message_id": letter.message_id,
            "sha256": letter.sha256,
            "size": letter.size,
            "mailboxes": letter.mailboxes,
            "envelope": letter.envelope,
            "received_at": _iso(letter.received_at),
            "stored_at": _iso(letter.stored_at),
            "status": letter.status,
            "kind": letter.kind,
            "reason": letter.reason,
            "subject": letter.subject,
            "from": letter.from_addr,
            "case": case.number if case else None,
            "result": letter.result,
            **({"raw": letter.raw} if raw else {}),
        }


def list_outbox(
    sessions: sessionmaker[Session], status: str | None, limit: int
) -> list[dict[str, Any]]:
    with sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if status:
            query = query.where(OutboxMessage.status == status)
        return [
            {
                "id": r.id,
                "status": r.status,
                "kind": r.reply_kind,
                "template": r.template,
                "to": r.to_addr,
                "subject": r.subject,
                "attempts": r.attempts,
                "next_attempt_at": _iso(r.next_attempt_at),
                "last_error": r.last_error,
                "message_id": r.message_id,
                "sent_at": _iso(r.sent_at),
            }
            for r in session.scalars(query)
        ]


def release_held(sessions: sessionmaker[Session], row_id: int, now: datetime) -> bool:
    with sessions.begin() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == "held")
            .values(status="queued", next_attempt_at=now)
        )
        return result.rowcount == 1


def release_many(
    sessions: sessionmaker[Session], row_ids: list[int], now: datetime
) -> dict[int, str]:
    """Each id's outcome: "queued", "no such reply" or "is not held (STATUS)" (issue 25)."""
    out: dict[int, str] = {}
    for row_id in dict.fromkeys(row_ids):
        if release_held(sessions, row_id, now):
            out[row_id] = "queued"
            continue
        with sessions() as session:
            row = session.get(OutboxMessage, row_id)
            out[row_id] = "no such reply" if row is None else f"is not held ({row.status})"
    return out

"""R-THR-13 `split(case, letters)`: HQ moves a letter that joined the wrong case into a case
of its own. The new case is an inquiry in HQ's hands (R-HQ-3); `reclassify` gives it its
real kind, and the letter's Message-ID routes later replies in its thread there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.decide import Decision
from bot.store.ids import reserve_id
from bot.store.models import Case, CaseEvent, Letter, ThreadKey


def split_letter(
    session: Session, case: Case, request: ActionRequest, now: datetime, number_format: str
) -> tuple[Decision, Case]:
    """(the decision for the case the letter leaves, the new case that now holds it)."""
    raw_id = str(request.params.get("letter") or "").strip()
    if not raw_id.isdigit():
        raise ActionRefused(
            f"split needs --param letter=ID, a letter of {case.number}; "
            f"'partnerdesk show {case.number}' lists them"
        )
    row = session.get(Letter, int(raw_id))
    if row is None or row.case_id != case.id:
        raise ActionRefused(
            f"letter {raw_id} is not in {case.number}; "
            f"'partnerdesk show {case.number}' lists its letters"
        )
    first = session.scalar(select(func.min(Letter.id)).where(Letter.case_id == case.id))
    if row.id == first:
        raise ActionRefused(
            f"letter {row.id} opened {case.number}: nothing is left to split it from; "
            "use reclassify to change the case's kind"
        )
    case_id = reserve_id(session, Case.__tablename__)
    new = Case(
        id=case_id,
        number=number_format.format(seq=case_id) if case_id else None,
        kind="inquiry",
        state="open",
        mailbox=case.mailbox,
        requester=row.from_addr or case.requester,
        subject=row.subject or case.subject,
        fields={},
        missing=[],
        invalid=[],
        created_at=now,
        updated_at=now,
        partner_id=case.partner_id,
        attrs={
            "split_from": case.number,
            "owner_role": (case.attrs or {}).get("owner_role") or "curator",
            "flags": [],
        },
    )
    session.add(new)
    if case_id is None:
        session.flush()
        new.number = number_format.format(seq=new.id)
    row.case_id = new.id
    if row.message_id:
        key = session.get(ThreadKey, row.message_id)
        if key is not None:
            key.case_id = new.id
    session.add(
        CaseEvent(
            case_id=new.id,
            at=now,
            actor=request.actor,
            event="split-from",
            old_state=None,
            new_state=new.state,
            letter_id=row.id,
            details={"from": case.number, "rule": "R-THR-13"},
        )
    )
    decision = Decision(
        state=case.state,
        event="split",
        fields=case.fields,
        attrs={"split_into": [*(case.attrs or {}).get("split_into", []), new.number]},
        rule_ids=("R-THR-13",),
    )
    return decision, new

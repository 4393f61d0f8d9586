"""R-THR-13 `split(case, letters)`: HQ moves letters that joined the wrong case into a case of
their own, by `partnerdesk case … split --param letter=ID[,ID…]` or by mail («выделить ID»). The
new case is an inquiry in HQ's hands (R-HQ-3); `reclassify` gives it its real kind. The
letter's Message-ID, and those of our replies to it, route the partner's later letters in its
thread there. The partner is told the new number in the new case's thread (bot/actions.py).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.decide import Decision
from bot.store.ids import reserve_id
from bot.store.models import Case, CaseEvent, Letter, OutboxMessage, ThreadKey


def split_letter(
    session: Session, case: Case, request: ActionRequest, now: datetime, number_format: str
) -> tuple[Decision, Case]:
    """(the decision for the case the letter leaves, the new case that now holds it)."""
    raw = str(request.params.get("letter") or request.params.get("letters") or "")
    ids = [item.strip().lstrip("#№") for item in re.split(r"[\s,;]+", raw) if item.strip()]
    if not ids or not all(item.isdigit() for item in ids):
        raise ActionRefused(
            f"split needs the numbers of letters of {case.number} (--param letter=ID[,ID…]; by "
            f"mail «выделить ID» / «split ID,ID»); {_letters_of(session, case)}"
        )
    rows = [session.get(Letter, int(item)) for item in dict.fromkeys(ids)]
    strangers = [
        item for item, row in zip(ids, rows, strict=False) if row is None or row.case_id != case.id
    ]
    if strangers:
        raise ActionRefused(
            f"letter {', '.join(strangers)} is not in {case.number}; {_letters_of(session, case)}"
        )
    moved = sorted((row for row in rows if row is not None), key=lambda r: r.id)
    first = session.scalar(select(func.min(Letter.id)).where(Letter.case_id == case.id))
    if moved[0].id == first:
        raise ActionRefused(
            f"letter {first} opened {case.number}: nothing is left to split it from; "
            "use reclassify to change the case's kind"
        )
    row = moved[0]  # the new case's first letter: its author and topic
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
    for letter in moved:
        _move(session, letter, case, new)
    session.add(
        CaseEvent(
            case_id=new.id,
            at=now,
            actor=request.actor,
            event="split-from",
            old_state=None,
            new_state=new.state,
            letter_id=row.id,
            details={"from": case.number, "letters": [r.id for r in moved], "rule": "R-THR-13"},
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


def _move(session: Session, letter: Letter, case: Case, new: Case) -> None:
    """One letter into the new case; our replies to it go with it, since a partner answering
    one of them writes about it, and so do their Message-IDs, which thread the answer."""
    letter.case_id = new.id
    answers = list(
        session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.letter_id == letter.id, OutboxMessage.case_id == case.id
            )
        )
    )
    for answer in answers:
        answer.case_id = new.id
    for message_id in (letter.message_id, *(answer.message_id for answer in answers)):
        key = session.get(ThreadKey, message_id) if message_id else None
        if key is not None:
            key.case_id = new.id


def _letters_of(session: Session, case: Case, most: int = 10) -> str:
    """The case's letters HQ can name, for a refusal read by mail as well as in a terminal."""
    rows = session.scalars(
        select(Letter).where(Letter.case_id == case.id).order_by(Letter.id).limit(most + 1)
    ).all()
    if not rows:
        return f"'partnerdesk show {case.number}' lists its letters"
    listed = "; ".join(
        f"{row.id} from {row.from_addr or '?'} «{(row.subject or '')[:60]}»" for row in rows[:most]
    )
    more = f"; … ('partnerdesk show {case.number}' lists them all)" if len(rows) > most else ""
    return f"letters of {case.number} ('partnerdesk show {case.number}'): {listed}{more}"

"""Alerts left to the digest (R-HQ-8 → R-HQ-7): what a rule raised for HQ that the spec
does not list as immediate, read back from the outbox as digest lines.

bot/letters/hq.py keeps such an alert as a row with status `digest`: rendered like a letter,
never sent. The next digest sent shows it in the role's «action needed» section (a flag in
«flags»), under its case, with the alert's subject as the line's note, and marks it `listed`:
each such alert is in exactly one sent digest, however many days without a digest passed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.desk.alert_policy import DIGEST, LISTED
from bot.store.models import OutboxMessage

_TAG = re.compile(r"^\s*\[[^\]]*\]\s*")
# R-HQ-7 item 5: flags have their own section; every other alert asks HQ to act.
_SECTION = {"hq_flag": "flags"}


@dataclass(frozen=True, slots=True)
class HeldAlert:
    row_id: int
    role: str
    section: str
    case_id: int | None
    note: str


def held_alerts(
    session: Session, now: datetime, roles: Mapping[str, Sequence[str]], fallback: str
) -> list[HeldAlert]:
    """The alerts kept for the digest and not yet listed in one, each with the role it was
    for (an address no role holds: `fallback`, the admin)."""
    role_of = {address: role for role, addresses in roles.items() for address in addresses}
    query = (
        select(
            OutboxMessage.id,
            OutboxMessage.to_addr,
            OutboxMessage.template,
            OutboxMessage.case_id,
            OutboxMessage.subject,
        )
        # A digest row is never retried, so its next attempt is its creation; the outbox's
        # (status, next_attempt_at) index serves the query.
        .where(OutboxMessage.status == DIGEST, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
    )
    return [
        HeldAlert(
            row_id=row_id,
            role=role_of.get(to, fallback),
            section=_SECTION.get(template, "action"),
            case_id=case_id,
            note=_TAG.sub("", subject),
        )
        for row_id, to, template, case_id, subject in session.execute(query)
    ]


def mark_listed(session: Session, row_ids: Sequence[int]) -> None:
    """The alerts a queued digest lists: not listed again."""
    for start in range(0, len(row_ids), 500):
        chunk = list(row_ids[start : start + 500])
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chunk), OutboxMessage.status == DIGEST)
            .values(status=LISTED)
        )

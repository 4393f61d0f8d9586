"""The digest's batched reads: partner names, each case's next timer, the hours per partner
(R-HQ-7, R-RES-9), in IN (…) lists of bounded length."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import as_utc
from bot.store.hours_models import HoursLog
from bot.store.models import Deadline, Letter, Partner

# Timers that warn before a deadline, not deadlines: the line shows the deadline itself.
_WARNINGS = (
    "sla_at_risk",
    "sla_soft",
    "lic_hq_warn",
    "pin_remind",
    "clarification_reminder",
    "pin_extension_alert",
)
_CHUNK = 500  # ids per IN (…) list: within every database's parameter limit


def partner_names(session: Session, ids: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(sorted(ids)):
        rows = session.execute(select(Partner.id, Partner.name).where(Partner.id.in_(chunk)))
        out.update((pid, name) for pid, name in rows)
    return out


def next_dues(session: Session, case_ids: list[int]) -> dict[int, datetime]:
    """The next pending timer of each case: its next deadline, whoever owes it."""
    out: dict[int, datetime] = {}
    for chunk in _chunks(case_ids):
        query = (
            select(Deadline.case_id, func.min(Deadline.due_at))
            .where(
                Deadline.case_id.in_(chunk),
                Deadline.status == "pending",
                Deadline.kind.not_in(_WARNINGS),
            )
            .group_by(Deadline.case_id)
        )
        for case_id, due in session.execute(query):
            out[case_id] = as_utc(due)
    return out


def hours_by_partner(
    session: Session, year: int, limits: Mapping[str, float]
) -> list[dict[str, Any]]:
    """R-RES-9: role, limit, used and remaining (or excess) per partner for the year."""
    query = (
        select(Partner.name, Partner.role, func.sum(HoursLog.hours))
        .join(Partner, Partner.id == HoursLog.partner_id)
        .where(HoursLog.year == year)
        .group_by(Partner.id, Partner.name, Partner.role)
        .order_by(Partner.name)
    )
    out = []
    for name, role, used in session.execute(query):
        limit = float(limits.get(role or "", 0.0))
        out.append(
            {
                "partner": name,
                "role": role or "—",
                "limit": limit,
                "used": float(used),
                "left": limit - float(used),
            }
        )
    return out


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def letters_since(
    session: Session, since: datetime, now: datetime, staff: frozenset[str]
) -> dict[int, list[datetime]]:
    """Case id → arrival of each letter processed in it from `since` to `now`, HQ's own
    letters (commands by mail) left out."""
    query = select(Letter.case_id, Letter.received_at, Letter.from_addr).where(
        Letter.received_at >= since,
        Letter.received_at <= now,
        Letter.case_id.is_not(None),
        Letter.status == "processed",
    )
    out: dict[int, list[datetime]] = {}
    for case_id, received_at, sender in session.execute(query):
        if (sender or "").lower() not in staff:
            out.setdefault(case_id, []).append(as_utc(received_at))
    return out

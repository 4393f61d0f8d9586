"""Read-only answers to the rules' questions about other cases, from the current session."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.rules.decide import CaseView
from bot.rules.kinds import SupportRecord
from bot.store.case_views import view_of
from bot.store.hours_models import HoursLog
from bot.store.models import Case, Partner
from bot.store.support_models import PartnerSupport, SupportAct


class SessionLookups:
    def __init__(self, session: Session) -> None:
        self._session = session

    def cases(
        self,
        *,
        kind: str,
        states: tuple[str, ...] = (),
        partner_id: int | None = None,
        attr_equals: dict[str, Any] | None = None,
    ) -> list[CaseView]:
        query = select(Case).where(Case.kind == kind).order_by(Case.id)
        if states:
            query = query.where(Case.state.in_(states))
        if partner_id is not None:
            query = query.where(Case.partner_id == partner_id)
        wanted = attr_equals or {}
        # Attribute filters run here rather than in SQL: JSON operators differ between
        # SQLite and PostgreSQL, and the candidate set is already narrowed by kind and state.
        return [
            view_of(case)
            for case in self._session.scalars(query)
            if all((case.attrs or {}).get(key) == value for key, value in wanted.items())
        ]

    def hours_used(self, partner_id: int, year: int) -> float:
        """R-RES-6: only hours HQ logged count, summed over the calendar year (D-23)."""
        total = self._session.scalar(
            select(func.coalesce(func.sum(HoursLog.hours), 0.0)).where(
                HoursLog.partner_id == partner_id, HoursLog.year == year
            )
        )
        return float(total or 0.0)

    def support_record(self, partner_id: int) -> SupportRecord | None:
        """R-ID-8: what HQ recorded for the partner (`partners add --key-registered …`)."""
        row = self._session.get(PartnerSupport, partner_id)
        if row is None:
            return None
        return SupportRecord(row.key_registered_on, row.paid_until)

    def act_used(self, number: str) -> bool:
        """R-ID-8: an act renews support once (003 «по которому ранее не продлевали»)."""
        return self._session.get(SupportAct, number) is not None

    def partner_name(self, partner_id: int) -> str | None:
        partner = self._session.get(Partner, partner_id)
        return partner.name if partner is not None else None

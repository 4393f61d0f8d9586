"""Read models: a case row as the pure rules see it (a frozen `CaseView`)."""

from __future__ import annotations

from bot.rules.decide import CaseView
from bot.store.models import Case


def view_of(case: Case) -> CaseView:
    return CaseView(
        id=case.id,
        number=case.number or "",
        kind=case.kind,
        state=case.state,
        requester=case.requester,
        fields=dict(case.fields),
        attrs=dict(case.attrs or {}),
        partner_id=case.partner_id,
        missing=tuple(case.missing or ()),
        invalid=tuple(case.invalid or ()),
    )

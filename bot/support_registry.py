"""Support periods in the database (R-ID-8, seed 003): what HQ records for a partner and the
act numbers renewals used. The rules read them through `SessionLookups`; this module writes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.partners import RegistryError
from bot.rules.decide import SupportActEntry
from bot.store.support_models import PartnerSupport, SupportAct

# `partners add` options and import columns (CSV/JSON) that this module keeps.
FIELDS = ("key_registered_on", "support_paid_until")


class SupportError(RegistryError):
    """A support date HQ gave cannot be read; the message says the expected form."""


def _day(name: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise SupportError(f"{name} {value!r} is not a date: use YYYY-MM-DD") from exc


def record_support(
    session: Session, partner_id: int, record: dict[str, Any], now: datetime
) -> PartnerSupport | None:
    """Set the dates the record gives (`key_registered_on`, `support_paid_until`); others stay."""
    key = _day("key_registered_on", record.get("key_registered_on"))
    paid = _day("support_paid_until", record.get("support_paid_until"))
    row = session.get(PartnerSupport, partner_id)
    if key is None and paid is None:
        return row
    if row is None:
        row = PartnerSupport(partner_id=partner_id, updated_at=now)
        session.add(row)
    if key is not None:
        row.key_registered_on = key
    if paid is not None:
        row.paid_until = paid
    row.updated_at = now
    session.flush()
    return row


def record_acts(
    session: Session,
    case_id: int,
    partner_id: int | None,
    acts: tuple[SupportActEntry, ...],
    now: datetime,
) -> None:
    """A renewal: the act joins the registry (unique, so it never renews twice) and the
    partner's paid period reaches its end."""
    for act in acts:
        session.add(
            SupportAct(
                number=act.number,
                partner_id=partner_id,
                case_id=case_id,
                paid_from=act.paid_from,
                paid_until=act.paid_until,
                used_at=now,
            )
        )
        if partner_id is None:
            continue
        row = session.get(PartnerSupport, partner_id)
        if row is None:
            row = PartnerSupport(partner_id=partner_id, updated_at=now)
            session.add(row)
        if row.paid_until is None or row.paid_until < act.paid_until:
            row.paid_until = act.paid_until
        row.updated_at = now


def support_json(session: Session, partner_id: int) -> dict[str, str | None]:
    """The partner's support dates for `partners show` (R-ID-8)."""
    row = session.get(PartnerSupport, partner_id)
    key = row.key_registered_on if row else None
    paid = row.paid_until if row else None
    return {
        "key_registered_on": key.isoformat() if key else None,
        "support_paid_until": paid.isoformat() if paid else None,
    }

"""Support periods of the Shtrih-M preset (R-ID-8, seed 003; migration 0010).

`partner_support`: what HQ recorded for a partner — the protection key's registration date
(start of the free period) and the end of a paid period. `support_acts`: every act number a
renewal used, unique, so one act never renews twice (003 «по которому ранее не продлевали»).
A separate module so the service-core models stay untouched; bot/store/db.py and
migrations/env.py import it so that the fresh schema and Alembic both see the tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class PartnerSupport(Base):
    __tablename__ = "partner_support"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), primary_key=True)
    key_registered_on: Mapped[date | None] = mapped_column(Date)
    paid_until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime]


class SupportAct(Base):
    __tablename__ = "support_acts"

    # Normalised (upper case, no spaces), so «№ 12-ab» and «12-AB» are one act.
    number: Mapped[str] = mapped_column(String(60), primary_key=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    paid_from: Mapped[date] = mapped_column(Date)
    paid_until: Mapped[date] = mapped_column(Date)
    used_at: Mapped[datetime]

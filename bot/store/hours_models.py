"""HQ engineer hours logged per partner (R-RES-6 … R-RES-8, D-23).

The digest's hours section (R-RES-9) is not built yet.

A separate module so the service-core models stay untouched; `migrations/env.py` imports it
so Alembic sees the table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class HoursLog(Base):
    """One `log_hours` (or the remainder of `complete`) entry; only these count as used."""

    __tablename__ = "hours_log"
    __table_args__ = (Index("ix_hours_log_partner_year", "partner_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    hours: Mapped[float] = mapped_column(Float)
    work_date: Mapped[date] = mapped_column(Date)
    # D-23: the calendar year the hours count in (the year of work_date).
    year: Mapped[int] = mapped_column(Integer)
    logged_by: Mapped[str] = mapped_column(String(320))
    logged_at: Mapped[datetime]

"""Working-time calendar: offices, the Russian production calendar, deadline arithmetic (R-CAL)."""

from bot.workcal.arithmetic import NoWorkingTimeError, union_windows
from bot.workcal.calendar import (
    ELECTRONIC_ORDER_OFFICES,
    HQ_TYUMEN,
    TECHNOKAD_OFFICES,
    Office,
    Window,
    WorkCalendar,
    gmt_label,
    shtrih_m_offices,
)
from bot.workcal.data import (
    FIXTURE_F_2025,
    CalendarDataError,
    DaysSource,
    FileDaysSource,
    MemoryDaysSource,
    YearData,
    fallback_year,
)

__all__ = [
    "ELECTRONIC_ORDER_OFFICES",
    "FIXTURE_F_2025",
    "HQ_TYUMEN",
    "TECHNOKAD_OFFICES",
    "CalendarDataError",
    "DaysSource",
    "FileDaysSource",
    "MemoryDaysSource",
    "NoWorkingTimeError",
    "Office",
    "Window",
    "WorkCalendar",
    "YearData",
    "fallback_year",
    "gmt_label",
    "shtrih_m_offices",
    "union_windows",
]

"""A partner's calendar-day deadline on a non-working day (R-CAL-9, D-12). Pure.

With `calendar.rollover_non_working` on, such a deadline moves to the same local time of the
next working day (Civil Code art. 193 practice); HQ's own deadlines never move, so only the
partner's terms call this: the yearly report date and its final day (R-PIN-18, R-PIN-25) and
the return of signed originals (R-LIC-10).
"""

from __future__ import annotations

from datetime import datetime

from bot.policy import Policy
from bot.workcal import WorkCalendar


def partner_due(calendar: WorkCalendar, policy: Policy, due: datetime) -> datetime:
    if not policy.calendar.rollover_non_working:
        return due
    return calendar.rollover_non_working(due)

"""Deadlines counted in working time, and what each one is counted from (R-CAL-4, R-SLA-14).

Each kind's rules list theirs as a table of `WorkingTerm`: the timer (a `Deadline` row's
kind), the case attribute that shows its due moment, the attribute holding the moment the
count started, and how much working time it counts. `bot/schedule/calendar_refresh.py` reads the
tables when the production calendar or the offices' hours change and recomputes every
pending one. Terms counted in calendar days or months (the 60-day pre-pin, the yearly
report's D+10, the month for the license documents, the 72-hour window W) are not listed:
new calendar data do not move them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.policy import Policy
from bot.rules.decide import when
from bot.workcal import WorkCalendar

# The due moment from the calendar, the policy, the case attributes and the start; None when
# the case has no such term (e.g. a target without a soft reminder).
Count = Callable[[WorkCalendar, Policy, dict[str, Any], datetime], datetime | None]
# How many working days or hours a term counts, from the case or the policy.
Amount = Callable[[dict[str, Any], Policy], float | None]


@dataclass(frozen=True, slots=True)
class WorkingTerm:
    timer: str  # Deadline.kind
    start: str  # the attribute with the moment the count started
    count: Count
    rule: str  # the rule that sets the term, for the event HQ sees
    shows: str | None = None  # the attribute showing the due moment (moves with the timer)
    # Attributes that, when set, mean the moment is no longer the count's: HQ set the date
    # by hand (R-SLA-10, R-LIC-6) or a paused clock moved it (R-SLA-11). It is kept.
    kept_if: tuple[str, ...] = ()
    not_before: str | None = None  # the term is never earlier than this attribute

    def due(self, calendar: WorkCalendar, policy: Policy, attrs: dict[str, Any]) -> datetime | None:
        """The moment under the calendar as it is now; None when it is not to be recomputed."""
        if any(attrs.get(key) for key in self.kept_if):
            return None
        start = when(attrs, self.start)
        if start is None:
            return None
        moment = self.count(calendar, policy, attrs, start)
        floor = when(attrs, self.not_before) if self.not_before else None
        if moment is not None and floor is not None:
            moment = max(moment, floor)
        return moment


def working_days(amount: Amount) -> Count:
    """`add_working_days` from the start (R-CAL-6); zero days is the start itself."""

    def count(
        calendar: WorkCalendar, policy: Policy, attrs: dict[str, Any], start: datetime
    ) -> datetime | None:
        days = amount(attrs, policy)
        if days is None:
            return None
        return calendar.add_working_days(start, int(days)) if days else start

    return count


def working_hours(amount: Amount) -> Count:
    """`add_working_hours` from the start (R-CAL-5)."""

    def count(
        calendar: WorkCalendar, policy: Policy, attrs: dict[str, Any], start: datetime
    ) -> datetime | None:
        hours = amount(attrs, policy)
        if hours is None:
            return None
        return calendar.add_working_hours(start, timedelta(hours=hours))

    return count


def case_term(
    key: str, policy_value: Callable[[Policy], float]
) -> Callable[[dict[str, Any], Policy], float]:
    """R-CFG-3: the term kept with the case (`attrs["terms"][key]`), else the policy's."""

    def amount(attrs: dict[str, Any], policy: Policy) -> float:
        kept = (attrs.get("terms") or {}).get(key)
        return float(kept) if kept is not None else policy_value(policy)

    return amount


def timers_of(table: tuple[WorkingTerm, ...]) -> dict[str, WorkingTerm]:
    return {term.timer: term for term in table}

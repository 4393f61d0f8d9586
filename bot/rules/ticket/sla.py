"""Resolution targets of a ticket in working time (R-SLA-3 … R-SLA-7). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.policy import SlaPolicy
from bot.workcal import WorkCalendar


@dataclass(frozen=True, slots=True)
class SlaTarget:
    """When a ticket is breached, when HQ hears it is at risk, or why there is no target."""

    deadline_at: datetime | None
    at_risk_at: datetime | None = None
    soft_at: datetime | None = None
    # Why there is no deadline, in the words the reply uses (R-SLA-5, D-8, R-TKT-14, R-SLA-6).
    no_target_reason: str | None = None
    amount: float | None = None
    unit: str | None = None  # "WD" (working days) or "wh" (working hours)


def resolution_target(
    *,
    tracker: str,
    priority: str | None,
    project_status: str,
    clock_started_at: datetime,
    calendar: WorkCalendar,
    policy: SlaPolicy,
    suspended_reason: str | None = None,
) -> SlaTarget:
    if project_status == "demo":
        return SlaTarget(None, no_target_reason="срок не регламентирован (demo)")  # R-SLA-5
    if suspended_reason and tracker == "bug" and priority in {"urgent", "high"}:
        return SlaTarget(None, no_target_reason=f"не применяется: {suspended_reason}")  # R-SLA-6
    target = policy.target(tracker, priority)
    if target is None:
        if tracker == "feature":
            return SlaTarget(None, no_target_reason="срок выполнения не гарантирован")
        return SlaTarget(None, no_target_reason="исправление в одном из следующих релизов")
    if target.breach_wd is not None:
        amount, unit = float(target.breach_wd), "WD"
    else:
        assert target.breach_wh is not None
        amount, unit = target.breach_wh, "wh"
    deadline, at_risk, soft = sla_moments(
        calendar, policy, clock_started_at, amount, unit, target.soft_wd
    )
    return SlaTarget(deadline, at_risk, soft, None, amount, unit)


def sla_moments(
    calendar: WorkCalendar,
    policy: SlaPolicy,
    clock_started_at: datetime,
    amount: float,
    unit: str,
    soft_wd: int | None,
) -> tuple[datetime, datetime, datetime | None]:
    """Breach, at-risk and soft moments of a target counted from the clock start; also what
    the calendar refresh recomputes them with when the calendar data change (R-CAL-4)."""
    if unit == "WD":
        deadline = calendar.add_working_days(clock_started_at, int(amount))
    else:
        deadline = calendar.add_working_hours(clock_started_at, amount)
    soft = calendar.add_working_days(clock_started_at, soft_wd) if soft_wd is not None else None
    # R-SLA-7: "at risk" once the given share of the target's working time has elapsed.
    total = calendar.working_time_between(clock_started_at, deadline)
    at_risk = calendar.add_working_hours(clock_started_at, total * policy.at_risk_ratio)
    return deadline, at_risk, soft

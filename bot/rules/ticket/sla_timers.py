"""A ticket's resolution clock as timers: the deadline, at-risk and soft moments from its
start (R-SLA-3, R-SLA-7, R-SLA-9), for an accepted, reopened or reclassified ticket."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.rules.decide import DeadlineIntent, iso
from bot.rules.ticket.sla import resolution_target
from bot.rules.ticket.states import SLA_AT_RISK, SLA_BREACH, SLA_SOFT, TicketContext


def schedule_sla(
    attrs: dict[str, Any], clock_started_at: datetime, ctx: TicketContext
) -> tuple[dict[str, Any], tuple[DeadlineIntent, ...]]:
    """Deadline, at-risk and soft moments from the clock start (R-SLA-3, R-SLA-7, R-SLA-9)."""
    target = resolution_target(
        tracker=attrs["tracker"],
        priority=attrs.get("priority"),
        project_status=attrs.get("project_status") or "active",
        clock_started_at=clock_started_at,
        calendar=ctx.calendar,
        policy=ctx.policy.sla,
        suspended_reason=attrs.get("sla_suspended"),
    )
    out = {
        "clock_started_at": iso(clock_started_at),
        "deadline_at": iso(target.deadline_at),
        "at_risk_at": iso(target.at_risk_at),
        "soft_at": iso(target.soft_at),
        "no_target_reason": target.no_target_reason,
        "target_amount": target.amount,
        "target_unit": target.unit,
        # A regulated deadline replaces one HQ extended by hand (R-SLA-8, R-SLA-10).
        "deadline_extended_reason": None,
    }
    deadlines: list[DeadlineIntent] = []
    if target.deadline_at is not None:
        deadlines.append(DeadlineIntent(SLA_BREACH, target.deadline_at, "R-SLA-7", {}))
        if target.at_risk_at is not None:
            deadlines.append(DeadlineIntent(SLA_AT_RISK, target.at_risk_at, "R-SLA-7", {}))
        if target.soft_at is not None:
            deadlines.append(DeadlineIntent(SLA_SOFT, target.soft_at, "D-7", {}))
    return out, tuple(deadlines)

"""A ticket's deadlines counted in working time, and what each is counted from (R-CAL-4).

The SLA moments come from the clock start and the target stored with the ticket (R-SLA-3,
R-SLA-7, R-SLA-14, D-7); the first human answer of a support tier from the receipt
(R-SLA-12, R-CAL-14); the clarification timeout from the last request (R-TKT-15, D-25); the
automatic closing from the resolution (R-TKT-10). The window W is 72 clock hours (D-4) and
the reopening window calendar days (R-TKT-12): calendar data do not move them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.policy import Policy
from bot.rules.ticket.sla import sla_moments
from bot.rules.ticket.sla_pause import PAUSED_AT
from bot.rules.ticket.states import (
    AUTOCLOSE,
    FIRST_RESPONSE,
    INFO_TIMEOUT,
    SLA_AT_RISK,
    SLA_BREACH,
    SLA_SOFT,
)
from bot.rules.working_terms import Count, WorkingTerm, working_days, working_hours
from bot.workcal import WorkCalendar

# R-SLA-10: a date HQ set by hand; R-SLA-11: moments a paused clock moved by working time
# the clock start cannot tell.
SLA_KEPT = ("deadline_extended_reason", PAUSED_AT, "sla_paused_wh")


def _sla(index: int) -> Count:
    """One of the moments of `sla_moments`: 0 breach, 1 at risk, 2 soft."""

    def count(
        calendar: WorkCalendar, policy: Policy, attrs: dict[str, Any], start: datetime
    ) -> datetime | None:
        amount, unit = attrs.get("target_amount"), attrs.get("target_unit")
        if amount is None or unit not in ("WD", "wh"):
            return None
        target = policy.sla.target(str(attrs.get("tracker")), attrs.get("priority"))
        soft_wd = target.soft_wd if target is not None else None
        return sla_moments(calendar, policy.sla, start, float(amount), unit, soft_wd)[index]

    return count


def _first_response_wh(attrs: dict[str, Any], policy: Policy) -> float | None:
    return policy.tier(attrs.get("support_tier")).first_response_wh


TICKET_TERMS = (
    WorkingTerm(SLA_BREACH, "clock_started_at", _sla(0), "R-SLA-7", "deadline_at", SLA_KEPT),
    WorkingTerm(SLA_AT_RISK, "clock_started_at", _sla(1), "R-SLA-7", "at_risk_at", SLA_KEPT),
    WorkingTerm(SLA_SOFT, "clock_started_at", _sla(2), "D-7", "soft_at", SLA_KEPT),
    WorkingTerm(
        FIRST_RESPONSE,
        "received_at",
        working_hours(_first_response_wh),
        "R-SLA-12",
        "first_response_due_at",
    ),
    WorkingTerm(
        INFO_TIMEOUT,
        "last_request_at",
        working_days(lambda attrs, policy: policy.ticket.clarification_timeout_wd),
        "R-TKT-15",
        "timeout_at",
    ),
    WorkingTerm(
        AUTOCLOSE,
        "resolved_at",
        working_days(lambda attrs, policy: policy.ticket.resolved_autoclose_wd),
        "R-TKT-10",
        "autoclose_at",
    ),
)

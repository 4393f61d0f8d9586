"""A ticket's states, timers and the letter as its rules see it (spec §5.2), shared by the
ticket rule modules: tickets.py (letters), closing.py, timers.py, sla_timers.py, actions.py
(HQ)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.policy import Policy
from bot.workcal import WorkCalendar
from parsers.feedback import Feedback
from parsers.requirements import Findings

NEEDS_INFO, OPEN, RESOLVED, DEFERRED, CLOSED, REJECTED = (
    "needs_info", "open", "resolved", "deferred", "closed", "rejected",
)  # fmt: skip
ACTIVE = frozenset({NEEDS_INFO, OPEN, RESOLVED, DEFERRED})

# Timer kinds of a ticket.
W_END = "tkt_w_end"  # R-TKT-15: reminder when the clarification window ends
INFO_TIMEOUT = "tkt_info_timeout"  # R-TKT-15 / D-25: close after 10 WD without data
SLA_AT_RISK = "sla_at_risk"  # R-SLA-7
SLA_BREACH = "sla_breach"  # R-SLA-7
SLA_SOFT = "sla_soft"  # D-7: normal bugs, soft reminder to HQ at 5 WD
AUTOCLOSE = "tkt_autoclose"  # R-TKT-10
FIRST_RESPONSE = "first_response"  # R-SLA-12: first human HQ message per support tier
SLA_TIMERS = (SLA_AT_RISK, SLA_BREACH, SLA_SOFT)
SLA_MOMENTS = {"deadline_at": SLA_BREACH, "at_risk_at": SLA_AT_RISK, "soft_at": SLA_SOFT}
WAITING_TIMERS = (W_END, INFO_TIMEOUT)


@dataclass(frozen=True, slots=True)
class TicketContext:
    calendar: WorkCalendar
    policy: Policy
    now: datetime


@dataclass(frozen=True, slots=True)
class TicketLetter:
    """What the rules need to know about one partner letter in a ticket."""

    received_at: datetime
    findings: Findings
    fields: dict[str, Any]
    identified: bool
    feedback: Feedback
    attachments: tuple[str, ...] = ()
    partner_name: str | None = None
    attrs_extra: dict[str, Any] = field(default_factory=dict)


def listed(findings: Findings) -> tuple[tuple[dict[str, str], ...], tuple[dict[str, str], ...]]:
    invalid = tuple({"field": i.field, "reason": i.reason} for i in findings.invalid)
    warnings = tuple({"field": w.field, "reason": w.reason} for w in findings.warnings)
    return invalid, warnings


def quoted(invalid: tuple[dict[str, str], ...], fields: dict[str, Any]) -> list[dict[str, str]]:
    """Invalid items with the text the partner wrote, for the clarification (R-VAL-7)."""
    return [{**item, "raw": (fields.get(item["field"]) or {}).get("raw", "")} for item in invalid]

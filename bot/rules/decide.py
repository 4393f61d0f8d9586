"""What a letter or a due deadline does to a case: pure functions returning a Decision.

No database, no clock, no mail: the shell (bot/apply.py) writes the Decision in one
transaction. This is the service core's first rule set; the regulations engine refines the
states and replies per kind on the same Decision shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from parsers.requirements import Findings


def iso(value: datetime | None) -> str | None:
    """Instants are kept in case attributes as ISO strings (JSON)."""
    return value.isoformat() if value else None


def when(attrs: dict[str, Any], key: str) -> datetime | None:
    value = attrs.get(key)
    return datetime.fromisoformat(value) if value else None


def field_value(fields: dict[str, Any], code: str) -> Any:
    """The normalised value of a field that is valid (with or without a warning)."""
    item = fields.get(code) or {}
    return item.get("value") if item.get("status") in {"valid", "valid_with_warning"} else None


NEEDS_INFO = "needs_info"
OPEN = "open"
REJECTED = "rejected"

CLARIFICATION_REMINDER = "clarification_reminder"


@dataclass(frozen=True, slots=True)
class CaseView:
    id: int
    number: str
    kind: str
    state: str
    requester: str
    fields: dict[str, Any]
    attrs: dict[str, Any] = field(default_factory=dict)
    partner_id: int | None = None
    missing: tuple[str, ...] = ()
    invalid: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ReplyIntent:
    reply_kind: str  # acceptance | clarification | rejection | reminder | warning | notice
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # To this partner's contact address instead of the case's correspondent (R-PIN-26).
    to_partner: int | None = None
    # The letter that opened the case goes with the reply, attached (R-PIN-26).
    forward_case_letter: bool = False
    # The number of the case whose thread the letter belongs to, when not this one's: the
    # recipient's answer then reaches that case (R-PIN-26: the holder's pin).
    thread_case: str | None = None


@dataclass(frozen=True, slots=True)
class DeadlineIntent:
    kind: str
    due_at: datetime
    rule_id: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HqAlert:
    role: str  # service_desk | dir_software_dev | deputy_science | admin …
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    key: str = ""  # dedupe suffix: one alert per case, template and key


@dataclass(frozen=True, slots=True)
class HoursEntry:
    """HQ engineer hours to record against the case's partner (R-RES-6)."""

    hours: float
    work_date: date


@dataclass(frozen=True, slots=True)
class SupportActEntry:
    """A support renewal by act number to record (R-ID-8, seed 003): the act, never reused."""

    number: str
    paid_from: date
    paid_until: date


@dataclass(frozen=True, slots=True)
class Decision:
    state: str
    event: str
    fields: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    invalid: tuple[dict[str, str], ...] = ()
    warnings: tuple[dict[str, str], ...] = ()
    replies: tuple[ReplyIntent, ...] = ()
    deadlines: tuple[DeadlineIntent, ...] = ()
    cancel_deadlines: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    # Kind-specific attributes to merge into the case (tracker, clock start, deadline …).
    attrs: dict[str, Any] = field(default_factory=dict)
    # Messages to HQ roles (H-ALERT-*): template and context; `role` picks the recipients.
    hq_alerts: tuple[HqAlert, ...] = ()
    # A letter that must not join this case (R-THR-7, R-TKT-12 after the window): open a
    # new case instead, noting the old one.
    split_from: str | None = None
    # Engineer hours HQ logged by this decision (resource cases, R-RES-6).
    hours: tuple[HoursEntry, ...] = ()
    # Act numbers a support renewal used (R-ID-8).
    support_acts: tuple[SupportActEntry, ...] = ()
    # R-CAL-10: when the scheduler letters of this decision may leave (None: at once).
    send_at: datetime | None = None


def _listed(findings: Findings) -> tuple[tuple[dict[str, str], ...], tuple[dict[str, str], ...]]:
    invalid = tuple({"field": i.field, "reason": i.reason} for i in findings.invalid)
    warnings = tuple({"field": w.field, "reason": w.reason} for w in findings.warnings)
    return invalid, warnings


def _completion(
    findings: Findings, fields: dict[str, Any], received_at: datetime, window: timedelta, event: str
) -> Decision:
    """Complete → accepted; otherwise one clarification naming each problem once (R-VAL-7)."""
    invalid, warnings = _listed(findings)
    if findings.complete:
        return Decision(
            state=OPEN,
            event=event,
            fields=fields,
            warnings=warnings,
            replies=(ReplyIntent("acceptance", "acceptance", {"warnings": list(warnings)}),),
            cancel_deadlines=(CLARIFICATION_REMINDER,),
            rule_ids=("R-VAL-1", "R-VAL-2"),
        )
    window_ends_at = received_at + window
    raw_of = {code: (fields.get(code) or {}).get("raw", "") for code in fields}
    return Decision(
        state=NEEDS_INFO,
        event=event,
        fields=fields,
        missing=findings.missing,
        invalid=invalid,
        warnings=warnings,
        replies=(
            ReplyIntent(
                "clarification",
                "clarification",
                {
                    "missing": list(findings.missing),
                    "invalid": [{**item, "raw": raw_of.get(item["field"], "")} for item in invalid],
                    "window_ends_at": window_ends_at,
                },
            ),
        ),
        # The reminder replaces any earlier one: it counts from the latest request.
        cancel_deadlines=(CLARIFICATION_REMINDER,),
        deadlines=(
            DeadlineIntent(
                CLARIFICATION_REMINDER,
                window_ends_at,
                "R-TKT-15",
                {"requested_at": received_at.isoformat()},
            ),
        ),
        rule_ids=("R-VAL-1", "R-VAL-7", "R-SLA-1"),
    )


def decide_new_case(
    findings: Findings, fields: dict[str, Any], received_at: datetime, window: timedelta
) -> Decision:
    return _completion(findings, fields, received_at, window, "created")


def decide_followup(
    case: CaseView,
    findings: Findings,
    merged_fields: dict[str, Any],
    received_at: datetime,
    window: timedelta,
    attachments: list[str],
) -> Decision:
    """A letter in an existing thread: an answer completes a clarification (R-VAL-6)."""
    if case.state == NEEDS_INFO:
        return _completion(findings, merged_fields, received_at, window, "clarification-answer")
    return Decision(
        state=case.state,
        event="followup",
        fields=merged_fields,
        replies=(ReplyIntent("notice", "followup_received", {"attachments": attachments}),),
        rule_ids=("R-MBX-8",),
    )


def decide_deadline(
    case: CaseView,
    kind: str,
    payload: dict[str, Any],
    missing: list[str],
    invalid: list[dict[str, str]],
) -> Decision | None:
    """A due deadline: a reminder only if the case still waits for the partner."""
    if kind == CLARIFICATION_REMINDER and case.state == NEEDS_INFO:
        return Decision(
            state=case.state,
            event="clarification-reminder",
            fields=case.fields,
            missing=tuple(missing),
            invalid=tuple(invalid),
            replies=(
                ReplyIntent(
                    "reminder",
                    "clarification_reminder",
                    {
                        "missing": missing,
                        "invalid": invalid,
                        "requested_at": datetime.fromisoformat(payload["requested_at"]),
                    },
                ),
            ),
            rule_ids=("R-TKT-15", "D-25"),
        )
    return None


def unchanged(
    case: CaseView,
    event: str,
    attrs: dict[str, Any] | None = None,
    *,
    rules: tuple[str, ...] | None = None,
    state: str | None = None,
    **extra: Any,
) -> Decision:
    """A decision that keeps the case where it is (unless `state` says otherwise), and what it
    still waits for: a letter that changes nothing leaves the missing items missing."""
    if rules is not None:
        extra["rule_ids"] = rules
    extra.setdefault("missing", case.missing)
    extra.setdefault("invalid", case.invalid)
    return Decision(
        state=state or case.state,
        event=event,
        fields=case.fields,
        attrs=dict(case.attrs) if attrs is None else attrs,
        **extra,
    )

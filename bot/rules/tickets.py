"""Service Desk ticket lifecycle (spec §5.2, R-TKT, R-SLA, R-ID-2): pure decisions.

Every function takes the case as data, the letter's findings or the due timer, and a
TicketContext (calendar, policy, `now`), and returns a Decision the shell applies in one
transaction. States: needs_info, open, resolved, deferred, closed, rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.policy import Policy
from bot.rules.decide import (
    CaseView,
    DeadlineIntent,
    Decision,
    HqAlert,
    ReplyIntent,
    field_value,
    iso,
    when,
)
from bot.rules.sla import resolution_target
from bot.rules.sla_pause import resume
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
_SLA_MOMENTS = {"deadline_at": SLA_BREACH, "at_risk_at": SLA_AT_RISK, "soft_at": SLA_SOFT}
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


def _listed(findings: Findings) -> tuple[tuple[dict[str, str], ...], tuple[dict[str, str], ...]]:
    invalid = tuple({"field": i.field, "reason": i.reason} for i in findings.invalid)
    warnings = tuple({"field": w.field, "reason": w.reason} for w in findings.warnings)
    return invalid, warnings


def _quoted(invalid: tuple[dict[str, str], ...], fields: dict[str, Any]) -> list[dict[str, str]]:
    """Invalid items with the text the partner wrote, for the clarification (R-VAL-7)."""
    return [{**item, "raw": (fields.get(item["field"]) or {}).get("raw", "")} for item in invalid]


# -- letters ---------------------------------------------------------------------------------


def on_new_ticket(letter: TicketLetter, ctx: TicketContext) -> Decision:
    """T1–T3: reject an unidentified sender, ask for what is missing, or accept."""
    policy = ctx.policy
    attrs: dict[str, Any] = {
        "received_at": iso(letter.received_at),
        # R-SLA-1: 72 hours from the receipt of the first letter.
        "w_ends_at": iso(
            letter.received_at + timedelta(hours=policy.ticket.clarification_window_hours)
        ),
        "policy_version": policy.version,
        **letter.attrs_extra,
    }
    tier = policy.tier(letter.attrs_extra.get("support_tier"))
    first_response: tuple[DeadlineIntent, ...] = ()
    if tier.first_response_wh is not None:
        # R-SLA-12: counted in working hours from the receipt of the ticket (R-CAL-14).
        due = ctx.calendar.add_working_hours(letter.received_at, tier.first_response_wh)
        attrs["first_response_due_at"] = iso(due)
        first_response = (DeadlineIntent(FIRST_RESPONSE, due, "R-SLA-12", {"tier": tier.name}),)
    if policy.identification.required and not letter.identified:
        return Decision(
            state=REJECTED,
            event="rejected-unidentified",
            fields=letter.fields,
            attrs={**attrs, "close_reason": "unidentified", "closed_at": iso(letter.received_at)},
            replies=(ReplyIntent("rejection", "rej_id", {"reason": "unidentified"}),),
            rule_ids=("R-ID-2", "R-TKT-1"),
        )
    decision = _complete_or_clarify(letter, attrs, ctx, event="created")
    return replace(decision, deadlines=(*decision.deadlines, *first_response))


def _complete_or_clarify(
    letter: TicketLetter, attrs: dict[str, Any], ctx: TicketContext, *, event: str
) -> Decision:
    findings = letter.findings
    invalid, warnings = _listed(findings)
    failed_check = any(i.field == "self_diagnosis" for i in findings.invalid)
    only_failed_check = failed_check and not findings.missing and len(findings.invalid) == 1
    policy = ctx.policy.ticket.self_diagnosis_failed_policy
    if only_failed_check and policy == "reject":
        return Decision(
            state=REJECTED,
            event="rejected-self-diagnosis",
            fields=letter.fields,
            invalid=invalid,
            attrs={**attrs, "close_reason": "self_diagnosis_failed"},
            replies=(ReplyIntent("rejection", "tkt_rej", {"reason": "self_diagnosis_failed"}),),
            cancel_deadlines=WAITING_TIMERS,
            rule_ids=("R-TKT-4",),
        )
    if findings.complete or (only_failed_check and policy == "accept_no_sla"):
        suspended = "самостоятельная диагностика выявила сбой" if failed_check else None
        return _accept(letter, attrs, ctx, event=event, warnings=warnings, suspended=suspended)
    timeout = ctx.calendar.add_working_days(
        letter.received_at, ctx.policy.ticket.clarification_timeout_wd
    )
    w_ends_at = when(attrs, "w_ends_at")
    assert w_ends_at is not None
    deadlines = [DeadlineIntent(INFO_TIMEOUT, timeout, "R-TKT-15", {})]
    if w_ends_at > letter.received_at:
        deadlines.append(DeadlineIntent(W_END, w_ends_at, "R-TKT-15", {}))
    return Decision(
        state=NEEDS_INFO,
        event=event,
        fields=letter.fields,
        missing=findings.missing,
        invalid=invalid,
        warnings=warnings,
        attrs={**attrs, "last_request_at": iso(letter.received_at), "timeout_at": iso(timeout)},
        replies=(
            ReplyIntent(
                "clarification",
                "tkt_clarify",
                {
                    "missing": list(findings.missing),
                    "invalid": _quoted(invalid, letter.fields),
                    "w_ends_at": w_ends_at,
                    "timeout_at": timeout,
                },
            ),
        ),
        cancel_deadlines=WAITING_TIMERS,
        deadlines=tuple(deadlines),
        rule_ids=("R-TKT-2", "R-TKT-3", "R-TKT-4", "R-VAL-7"),
    )


def _accept(
    letter: TicketLetter,
    attrs: dict[str, Any],
    ctx: TicketContext,
    *,
    event: str,
    warnings: tuple[dict[str, str], ...],
    suspended: str | None = None,
) -> Decision:
    """T3/T9: open with the clock started at this letter's receipt (R-SLA-2)."""
    tracker = field_value(letter.fields, "tracker") or "support"
    priority = field_value(letter.fields, "priority")
    project_status = field_value(letter.fields, "project_status") or "active"
    attrs = {
        **attrs,
        "tracker": tracker,
        "priority": priority,
        "project_status": project_status,
        "sla_suspended": suspended,
    }
    sla_attrs, deadlines = schedule_sla(attrs, letter.received_at, ctx)
    attrs.update(sla_attrs)
    alerts: tuple[HqAlert, ...] = ()
    if tracker == "bug" and priority == "urgent":
        # R-TKT-7: the Service Desk and the Director of Software Development hear at once.
        alerts = tuple(
            HqAlert(role, "hq_alert_urgent", {"deadline_at": when(attrs, "deadline_at")})
            for role in ("service_desk", "dir_software_dev")
        )
    return Decision(
        state=OPEN,
        event=event,
        fields=letter.fields,
        warnings=warnings,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "tkt_ack", {"warnings": list(warnings)}),),
        deadlines=deadlines,
        cancel_deadlines=(*WAITING_TIMERS, *SLA_TIMERS),
        hq_alerts=alerts,
        rule_ids=("R-TKT-2", "R-SLA-2", "R-SLA-3"),
    )


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


def on_ticket_letter(case: CaseView, letter: TicketLetter, ctx: TicketContext) -> Decision:
    """A partner letter in an existing ticket thread (T2, T3, T8, T17, T18, T20, T21, T24)."""
    attrs = dict(case.attrs)
    feedback = letter.feedback
    if case.state == NEEDS_INFO and not _only_asks_status(case, letter):
        return _complete_or_clarify(letter, attrs, ctx, event="clarification-answer")
    if feedback.status_query and not letter.attachments:
        return _status(case, letter, "status-query")
    if case.state == RESOLVED:
        if feedback.not_solved:
            return _reopen(case, letter, ctx, "not-solved", ("R-TKT-10", "R-SLA-10"))
        if feedback.solved or feedback.thanks_only:
            return _close(case, letter.received_at, "confirmed", letter.fields, ("R-TKT-10",), ctx)
    if case.state in {CLOSED, REJECTED}:
        return _letter_after_close(case, letter, ctx)
    alerts: tuple[HqAlert, ...] = ()
    if feedback.asks_urgent and attrs.get("priority") != "urgent" and case.state == OPEN:
        # R-TKT-19: the Deputy CEO for Science decides; the bot does not raise the priority.
        alerts = (
            HqAlert(
                "deputy_science", "hq_alert_urgent_request", {}, key=iso(letter.received_at) or ""
            ),
        )
    if attrs.get("hq_question_pending"):
        attrs["hq_question_pending"] = False  # T8: the answer to HQ's question
    # R-SLA-11: a clock stopped by HQ's question runs again from this answer (an open ticket:
    # a resolved or deferred one has no SLA timers to restore).
    resumed: tuple[DeadlineIntent, ...] = ()
    if case.state == OPEN:
        attrs, resumed = resume(attrs, letter.received_at, ctx.calendar, _SLA_MOMENTS)
    return Decision(
        state=case.state,
        event="followup",
        fields=letter.fields,
        attrs=attrs,
        deadlines=resumed,
        replies=(
            ReplyIntent("notice", "followup_received", {"attachments": list(letter.attachments)}),
        ),
        hq_alerts=alerts,
        rule_ids=("R-MBX-8", "R-TKT-8"),
    )


def _letter_after_close(case: CaseView, letter: TicketLetter, ctx: TicketContext) -> Decision:
    """R-TKT-12: reopen within the window unless it only says thanks; later, a new ticket."""
    closed_at = when(case.attrs, "closed_at") or letter.received_at
    window_end = ctx.calendar.add_calendar_days(closed_at, ctx.policy.ticket.reopen_window_days)
    if case.state == CLOSED and letter.received_at <= window_end:
        if letter.feedback.thanks_only:
            return Decision(
                state=case.state,
                event="thanks-after-close",
                fields=case.fields,
                attrs=dict(case.attrs),
                rule_ids=("R-TKT-12",),
            )
        return _reopen(case, letter, ctx, "reopened", ("R-TKT-12", "R-SLA-10"), premature=True)
    return Decision(
        state=case.state,
        event="new-ticket-after-close",
        fields=case.fields,
        attrs=dict(case.attrs),
        split_from=case.number,
        rule_ids=("R-TKT-12", "R-THR-11"),
    )


def _reopen(
    case: CaseView,
    letter: TicketLetter,
    ctx: TicketContext,
    event: str,
    rules: tuple[str, ...],
    *,
    premature: bool = False,
) -> Decision:
    """R-SLA-10: a new clock at the reopening letter, same tracker and priority."""
    attrs = {**case.attrs, "closed_at": None, "close_reason": None, "resolved_at": None}
    attrs["reopen_count"] = int(attrs.get("reopen_count") or 0) + 1
    sla_attrs, deadlines = schedule_sla(attrs, letter.received_at, ctx)
    attrs.update(sla_attrs)
    flags = list(attrs.get("flags") or [])
    if premature and "premature_close" not in flags:
        flags.append("premature_close")
    attrs["flags"] = flags
    return Decision(
        state=OPEN,
        event=event,
        fields=letter.fields,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "tkt_reopened", {}),),
        deadlines=deadlines,
        cancel_deadlines=(AUTOCLOSE, *SLA_TIMERS),
        rule_ids=rules,
    )


def closing_attrs(case: CaseView, at: datetime, reason: str, ctx: TicketContext) -> dict[str, Any]:
    """Closed at, why, and until when a reply reopens it (R-TKT-12)."""
    until = ctx.calendar.add_calendar_days(at, ctx.policy.ticket.reopen_window_days)
    return {**case.attrs, "closed_at": iso(at), "close_reason": reason, "reopen_until": iso(until)}


def _close(
    case: CaseView,
    at: datetime,
    reason: str,
    fields: dict[str, Any],
    rules: tuple[str, ...],
    ctx: TicketContext,
    text: str = "",
) -> Decision:
    attrs = closing_attrs(case, at, reason, ctx)
    return Decision(
        state=CLOSED,
        event=f"closed-{reason}",
        fields=fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "tkt_closed", {"reason": reason, "text": text}),),
        cancel_deadlines=(AUTOCLOSE, *WAITING_TIMERS, *SLA_TIMERS),
        rule_ids=rules,
    )


def _only_asks_status(case: CaseView, letter: TicketLetter) -> bool:
    """R-HQ-13 while we wait for data: «какой статус заявки?» with nothing attached that
    leaves every missing or invalid item as it was is a question, not the answer (its
    text must not stand in for the ticket's description)."""
    if not letter.feedback.status_query or letter.attachments:
        return False
    before = set(case.missing) | {item["field"] for item in case.invalid}
    after = set(letter.findings.missing) | {item.field for item in letter.findings.invalid}
    return bool(before) and before <= after


def _status(case: CaseView, letter: TicketLetter, event: str) -> Decision:
    """R-TKT-16 / T24: state, tracker/priority, deadline; no state change."""
    return Decision(
        state=case.state,
        event=event,
        fields=case.fields,
        missing=case.missing,
        invalid=case.invalid,
        attrs=dict(case.attrs),
        replies=(ReplyIntent("notice", "tkt_status", {}),),
        rule_ids=("R-TKT-16", "R-HQ-13"),
    )


# -- timers ----------------------------------------------------------------------------------


def on_ticket_deadline(
    case: CaseView, kind: str, due_at: datetime, ctx: TicketContext
) -> Decision | None:
    """What a due timer means now; None when it no longer applies (R-CAL-11)."""
    attrs = dict(case.attrs)
    if kind == W_END and case.state == NEEDS_INFO:
        return Decision(
            state=case.state,
            event="w-end-reminder",
            fields=case.fields,
            attrs=attrs,
            replies=(
                ReplyIntent("reminder", "tkt_remind", {"timeout_at": when(attrs, "timeout_at")}),
            ),
            rule_ids=("R-TKT-15",),
        )
    if kind == INFO_TIMEOUT and case.state == NEEDS_INFO:
        # State changes take effect at the due moment, whenever the tick runs (R-CAL-11).
        closed = _close(case, due_at, "insufficient_info", case.fields, ("R-TKT-15", "D-25"), ctx)
        # A-TKT-CLOSED-NOINFO names the items that never came (issue 24: no empty claim).
        return replace(closed, missing=case.missing, invalid=case.invalid)
    if kind in SLA_TIMERS and case.state == OPEN and attrs.get("deadline_at"):
        if kind == SLA_BREACH:
            attrs["first_breach_at"] = attrs.get("first_breach_at") or iso(due_at)
        alert = {SLA_AT_RISK: "at_risk", SLA_BREACH: "breached", SLA_SOFT: "soft"}[kind]
        return Decision(
            state=case.state,
            event=f"sla-{alert}",
            fields=case.fields,
            attrs=attrs,
            # R-SLA-7: HQ is told; partners are not told about breaches automatically.
            hq_alerts=(
                HqAlert(
                    "service_desk",
                    "hq_alert_deadline",
                    {"alert": alert, "due_at": due_at},
                    key=iso(due_at) or "",
                ),
            ),
            rule_ids=("R-SLA-7",) if kind != SLA_SOFT else ("D-7",),
        )
    if kind == FIRST_RESPONSE and case.state in ACTIVE and not attrs.get("last_hq_message_at"):
        return Decision(
            state=case.state,
            event="first-response-missed",
            fields=case.fields,
            attrs=attrs,
            hq_alerts=(
                HqAlert(
                    "service_desk",
                    "hq_alert_deadline",
                    {"alert": "first_response", "due_at": due_at},
                    key=iso(due_at) or "",
                ),
            ),
            rule_ids=("R-SLA-12",),
        )
    if kind == AUTOCLOSE and case.state == RESOLVED:
        return _close(case, due_at, "auto", case.fields, ("R-TKT-10",), ctx)
    return None

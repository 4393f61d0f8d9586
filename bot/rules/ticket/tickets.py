"""Service Desk ticket lifecycle (spec §5.2, R-TKT, R-SLA, R-ID-2): pure decisions.

Every function takes the case as data, the letter's findings or the due timer, and a
TicketContext (calendar, policy, `now`), and returns a Decision the shell applies in one
transaction. States: needs_info, open, resolved, deferred, closed, rejected.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

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
from bot.rules.ticket.closing import close, letter_after_close, reopen
from bot.rules.ticket.sla_pause import resume
from bot.rules.ticket.sla_timers import schedule_sla
from bot.rules.ticket.states import (
    CLOSED,
    FIRST_RESPONSE,
    INFO_TIMEOUT,
    NEEDS_INFO,
    OPEN,
    REJECTED,
    RESOLVED,
    SLA_MOMENTS,
    SLA_TIMERS,
    W_END,
    WAITING_TIMERS,
    TicketContext,
    TicketLetter,
    listed,
    quoted,
)

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
    invalid, warnings = listed(findings)
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
                    "invalid": quoted(invalid, letter.fields),
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
            return reopen(case, letter, ctx, "not-solved", ("R-TKT-10", "R-SLA-10"))
        if feedback.solved or feedback.thanks_only:
            return close(case, letter.received_at, "confirmed", letter.fields, ("R-TKT-10",), ctx)
    if case.state in {CLOSED, REJECTED}:
        return letter_after_close(case, letter, ctx)
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
        attrs, resumed = resume(attrs, letter.received_at, ctx.calendar, SLA_MOMENTS)
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

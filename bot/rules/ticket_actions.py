"""HQ actions on a ticket (spec §5.2 T6–T23, R-TKT-8 … R-TKT-20, R-SLA-6 … R-SLA-9). Pure.

An action not allowed in the case's state raises ActionRefused with an explanation, and
nothing changes (R-HQ-5).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.rules.action_base import (
    ActionRefused,
    ActionRequest,
    require_param,
    require_state,
    run_action,
)
from bot.rules.decide import CaseView, DeadlineIntent, Decision, ReplyIntent, iso, unchanged, when
from bot.rules.sla_pause import pause
from bot.rules.ticket_closing import closing_attrs
from bot.rules.ticket_sla import schedule_sla
from bot.rules.ticket_states import (
    ACTIVE,
    AUTOCLOSE,
    CLOSED,
    DEFERRED,
    INFO_TIMEOUT,
    NEEDS_INFO,
    OPEN,
    REJECTED,
    RESOLVED,
    SLA_TIMERS,
    WAITING_TIMERS,
    TicketContext,
)

TRACKERS = ("bug", "feature", "support")
PRIORITIES = ("urgent", "high", "normal", "low")


_need = require_state
_param = require_param
_same = unchanged


def on_ticket_action(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    return run_action(_HANDLERS, case, request, ctx, "ticket")


def _request_info(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """T6/T7 (R-SLA-2): a question within W stops the clock; after W it keeps running."""
    _need(case, "request_info", {OPEN})
    text = _param(request, "text")
    attrs = dict(case.attrs)
    w_ends_at = when(attrs, "w_ends_at")
    within_w = w_ends_at is not None and ctx.now < w_ends_at
    context = {"text": text, "clock_stopped": within_w}
    if within_w:
        timeout = ctx.calendar.add_working_days(ctx.now, ctx.policy.ticket.clarification_timeout_wd)
        attrs.update(
            clock_started_at=None,
            deadline_at=None,
            at_risk_at=None,
            soft_at=None,
            hq_question_pending=True,
            last_request_at=iso(ctx.now),
            timeout_at=iso(timeout),
        )
        return Decision(
            state=NEEDS_INFO,
            event="hq-question",
            fields=case.fields,
            attrs=attrs,
            replies=(
                ReplyIntent("clarification", "tkt_hq_question", {**context, "timeout_at": timeout}),
            ),
            cancel_deadlines=SLA_TIMERS,
            deadlines=(DeadlineIntent(INFO_TIMEOUT, timeout, "R-TKT-15", {}),),
            rule_ids=("R-SLA-2", "R-TKT-8"),
        )
    attrs["hq_question_pending"] = True
    # R-SLA-11: after W the clock runs on, unless sla.pause_while_waiting_partner stops it.
    attrs, paused = pause(attrs, ctx.now, ctx.policy.sla.pause_while_waiting_partner)
    return _same(
        case,
        "hq-question",
        attrs,
        replies=(
            ReplyIntent(
                "clarification",
                "tkt_hq_question",
                {**context, "timeout_at": None, "clock_paused": paused},
            ),
        ),
        cancel_deadlines=SLA_TIMERS if paused else (),
        rule_ids=("R-SLA-2", "R-TKT-8", *(("R-SLA-11",) if paused else ())),
    )


def _mark_data_sufficient(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """T9: HQ decides the data suffice; the clock starts now (R-SLA-2 item 3)."""
    _need(case, "mark_data_sufficient", {NEEDS_INFO})
    attrs = {**case.attrs, "hq_question_pending": False}
    attrs.setdefault("tracker", "support")
    sla_attrs, deadlines = schedule_sla(attrs, ctx.now, ctx)
    attrs.update(sla_attrs)
    return Decision(
        state=OPEN,
        event="data-sufficient",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "tkt_ack", {"warnings": []}),),
        deadlines=deadlines,
        cancel_deadlines=(*WAITING_TIMERS, *SLA_TIMERS),
        rule_ids=("R-SLA-2",),
    )


def _reclassify(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """T10 (R-TKT-20, R-SLA-9): new tracker/priority, deadline from the unchanged clock start."""
    _need(case, request.name, {OPEN, NEEDS_INFO})
    attrs = dict(case.attrs)
    if request.name == "set_priority":
        key, value, allowed = "priority", _param(request, "priority"), PRIORITIES
    else:
        key, value, allowed = "tracker", _param(request, "tracker"), TRACKERS
    if value not in allowed:
        raise ActionRefused(f"{key} {value!r} is unknown; use one of {', '.join(allowed)}")
    old = {"tracker": attrs.get("tracker"), "priority": attrs.get("priority")}
    attrs[key] = value
    return _recompute(case, attrs, ctx, f"{key}-changed", old, ("R-TKT-20", "R-SLA-9"))


def _recompute(
    case: CaseView,
    attrs: dict[str, Any],
    ctx: TicketContext,
    event: str,
    old: dict[str, Any],
    rules: tuple[str, ...],
    reason: str = "",
) -> Decision:
    deadlines: tuple[DeadlineIntent, ...] = ()
    start = when(attrs, "clock_started_at")
    if case.state == OPEN and start is not None:
        sla_attrs, deadlines = schedule_sla(attrs, start, ctx)
        attrs.update(sla_attrs)
    context = {"old": old, "reason": reason}
    return _same(
        case,
        event,
        attrs,
        replies=(ReplyIntent("notice", "tkt_reclassified", context),),
        deadlines=deadlines,
        cancel_deadlines=SLA_TIMERS if deadlines or case.state == OPEN else (),
        rule_ids=rules,
    )


def _flag(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """T12 (R-SLA-6): a remark on the base software or the description suspends urgent/high."""
    _need(case, request.name, {OPEN})
    text = _param(request, "text")
    attrs = dict(case.attrs)
    old = {"tracker": attrs.get("tracker"), "priority": attrs.get("priority")}
    label = (
        "замечания к работе базового ПО"
        if request.name == "flag_base_software_issue"
        else "обращение не соответствует требованиям п. 4.2"
    )
    attrs["sla_suspended"] = f"{label}: {text}"
    return _recompute(
        case, attrs, ctx, request.name.replace("_", "-"), old, ("R-SLA-6",), attrs["sla_suspended"]
    )


def _clear_flag(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    _need(case, "clear_flag", {OPEN})
    if not case.attrs.get("sla_suspended"):
        raise ActionRefused(f"{case.number} has no flag suspending its deadline")
    attrs = {**case.attrs, "sla_suspended": None}
    old = {"tracker": attrs.get("tracker"), "priority": attrs.get("priority")}
    return _recompute(case, attrs, ctx, "flag-cleared", old, ("R-SLA-6",), "замечание снято")


def _extend_deadline(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """T11 (R-SLA-8): a later deadline, announced in writing with the reason."""
    _need(case, "extend_deadline", {OPEN})
    new = _param(request, "deadline")
    reason = _param(request, "reason")
    new_at = new if isinstance(new, datetime) else datetime.fromisoformat(str(new))
    old_at = when(case.attrs, "deadline_at")
    if old_at is not None and new_at <= old_at:
        raise ActionRefused(
            f"the new deadline must be later than the current one ({old_at.isoformat()})"
        )
    attrs = {**case.attrs, "deadline_at": iso(new_at), "deadline_extended_reason": reason}
    replies = ()
    if ctx.policy.sla.deadline_change_notice:
        replies = (
            ReplyIntent(
                "notice", "tkt_deadline_changed", {"old_deadline": old_at, "reason": reason}
            ),
        )
    return _same(
        case,
        "deadline-extended",
        attrs,
        replies=replies,
        deadlines=(DeadlineIntent("sla_breach", new_at, "R-SLA-8", {}),),
        cancel_deadlines=SLA_TIMERS,
        rule_ids=("R-SLA-8",),
    )


def _resolve(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """T14 (R-TKT-9): the answer, a request to confirm, auto-close after 5 WD (R-TKT-10)."""
    _need(case, "resolve", {OPEN, DEFERRED})
    text = _param(request, "text")
    autoclose = ctx.calendar.add_working_days(ctx.now, ctx.policy.ticket.resolved_autoclose_wd)
    attrs = {**case.attrs, "resolved_at": iso(ctx.now), "autoclose_at": iso(autoclose)}
    return Decision(
        state=RESOLVED,
        event="resolved",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "tkt_resolved", {"text": text, "autoclose_at": autoclose}),),
        deadlines=(DeadlineIntent(AUTOCLOSE, autoclose, "R-TKT-10", {}),),
        cancel_deadlines=SLA_TIMERS,
        rule_ids=("R-TKT-9", "R-TKT-10"),
    )


def _defer(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """T15 (R-TKT-13): low bugs and planned features wait for a release."""
    _need(case, "defer", {OPEN})
    release = request.params.get("release") or None
    attrs = {**case.attrs, "release": release}
    return Decision(
        state=DEFERRED,
        event="deferred",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "tkt_deferred", {"release": release}),),
        cancel_deadlines=SLA_TIMERS,
        rule_ids=("R-TKT-13",),
    )


def _release_published(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """T16: the release is out; the deferred ticket is resolved and asks for confirmation."""
    _need(case, "release_published", {DEFERRED})
    release = _param(request, "release")
    autoclose = ctx.calendar.add_working_days(ctx.now, ctx.policy.ticket.resolved_autoclose_wd)
    attrs = {
        **case.attrs,
        "release": release,
        "resolved_at": iso(ctx.now),
        "autoclose_at": iso(autoclose),
    }
    return Decision(
        state=RESOLVED,
        event="released",
        fields=case.fields,
        attrs=attrs,
        replies=(
            ReplyIntent("notice", "tkt_released", {"release": release, "autoclose_at": autoclose}),
        ),
        deadlines=(DeadlineIntent(AUTOCLOSE, autoclose, "R-TKT-10", {}),),
        rule_ids=("R-TKT-13",),
    )


def _close(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """T22 (R-TKT-11, R-TKT-14): closed with HQ's reason."""
    _need(case, request.name, ACTIVE)
    reason = _param(request, "reason")
    code = "feature_declined" if request.name == "decline_feature" else "hq"
    if code == "feature_declined" and case.attrs.get("tracker") != "feature":
        raise ActionRefused(f"{case.number} is not a feature request; use close")
    attrs = closing_attrs(case, ctx.now, code, ctx)
    return Decision(
        state=CLOSED,
        event=f"closed-{code}",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "tkt_closed", {"reason": code, "text": reason}),),
        cancel_deadlines=(AUTOCLOSE, *WAITING_TIMERS, *SLA_TIMERS),
        rule_ids=("R-TKT-11", "R-TKT-14"),
    )


def _reject(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """T23 (R-TKT-17): refused with one of the listed reasons."""
    _need(case, "reject", ACTIVE)
    reason = _param(request, "reason")
    allowed = ctx.policy.ticket.refusal_reasons  # R-TKT-17: the policy's list
    if reason not in allowed:
        raise ActionRefused(f"reason {reason!r} is not listed; use {', '.join(allowed)}")
    attrs = {**case.attrs, "closed_at": iso(ctx.now), "close_reason": reason}
    return Decision(
        state=REJECTED,
        event="rejected",
        fields=case.fields,
        attrs=attrs,
        replies=(
            ReplyIntent(
                "rejection", "tkt_rej", {"reason": reason, "text": request.params.get("text") or ""}
            ),
        ),
        cancel_deadlines=(AUTOCLOSE, *WAITING_TIMERS, *SLA_TIMERS),
        rule_ids=("R-TKT-17",),
    )


def _reopen(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """HQ reopens a closed or resolved ticket: a new clock from now (R-SLA-10)."""
    _need(case, "reopen", {CLOSED, RESOLVED})
    attrs = {**case.attrs, "closed_at": None, "close_reason": None, "resolved_at": None}
    attrs.setdefault("tracker", "support")
    sla_attrs, deadlines = schedule_sla(attrs, ctx.now, ctx)
    attrs.update(sla_attrs)
    return Decision(
        state=OPEN,
        event="reopened-by-hq",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "tkt_reopened", {}),),
        deadlines=deadlines,
        cancel_deadlines=(AUTOCLOSE, *SLA_TIMERS),
        rule_ids=("R-SLA-10",),
    )


def _comment(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """An internal note: recorded in the history, no letter (R-HQ-9)."""
    _param(request, "text")
    return _same(case, "comment", dict(case.attrs), rule_ids=("R-HQ-6", "R-HQ-9"))


def _reply(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
    """R-HQ-10: free text in the thread with the standard tag and headers."""
    if case.state == REJECTED:
        raise ActionRefused(f"{case.number} is rejected; the partner was told why")
    text = _param(request, "text")
    return _same(
        case,
        "hq-reply",
        dict(case.attrs),
        replies=(ReplyIntent("notice", "hq_reply", {"text": text}),),
        rule_ids=("R-HQ-10",),
    )


_HANDLERS = {
    "request_info": _request_info,
    "mark_data_sufficient": _mark_data_sufficient,
    "set_priority": _reclassify,
    "set_tracker": _reclassify,
    "flag_base_software_issue": _flag,
    "flag_description_noncompliant": _flag,
    "clear_flag": _clear_flag,
    "extend_deadline": _extend_deadline,
    "resolve": _resolve,
    "defer": _defer,
    "release_published": _release_published,
    "close": _close,
    "decline_feature": _close,
    "reject": _reject,
    "reopen": _reopen,
    "comment": _comment,
    "reply": _reply,
}
TICKET_ACTIONS = tuple(sorted(_HANDLERS))

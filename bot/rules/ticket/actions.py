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
from bot.rules.ticket.outcomes import (
    close_by_hq,
    defer,
    reject,
    release_published,
    reopen_by_hq,
    resolve,
)
from bot.rules.ticket.sla_pause import pause
from bot.rules.ticket.sla_timers import schedule_sla
from bot.rules.ticket.states import (
    INFO_TIMEOUT,
    NEEDS_INFO,
    OPEN,
    REJECTED,
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
    "resolve": resolve,
    "defer": defer,
    "release_published": release_published,
    "close": close_by_hq,
    "decline_feature": close_by_hq,
    "reject": reject,
    "reopen": reopen_by_hq,
    "comment": _comment,
    "reply": _reply,
}
TICKET_ACTIONS = tuple(sorted(_HANDLERS))

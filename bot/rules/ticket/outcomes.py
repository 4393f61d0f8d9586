"""HQ's actions that end or restart a ticket's work (spec §5.2 T12–T23): resolve, defer to a
release and the release itself, close, reject, reopen. Pure; a move the state does not allow
raises ActionRefused with why (R-HQ-5)."""

from __future__ import annotations

from bot.rules.action_base import ActionRefused, ActionRequest, require_param, require_state
from bot.rules.decide import CaseView, DeadlineIntent, Decision, ReplyIntent, iso, unchanged
from bot.rules.ticket.closing import closing_attrs
from bot.rules.ticket.sla_timers import schedule_sla
from bot.rules.ticket.states import (
    ACTIVE,
    AUTOCLOSE,
    CLOSED,
    DEFERRED,
    OPEN,
    REJECTED,
    RESOLVED,
    SLA_TIMERS,
    WAITING_TIMERS,
    TicketContext,
)

_need = require_state
_param = require_param
_same = unchanged


def resolve(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
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


def defer(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
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


def release_published(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
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


def close_by_hq(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
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


def reject(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
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


def reopen_by_hq(case: CaseView, request: ActionRequest, ctx: TicketContext) -> Decision:
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

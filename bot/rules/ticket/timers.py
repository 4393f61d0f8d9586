"""A ticket's timers as the regulation tables them (spec §5.2, T-rows): which state each timer
applies in and what it does then. A timer due in any other state does nothing (R-CAL-11: the
case moved on while it waited)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.rules.decide import CaseView, Decision, HqAlert, ReplyIntent, iso, when
from bot.rules.ticket.closing import close
from bot.rules.ticket.states import (
    ACTIVE,
    AUTOCLOSE,
    FIRST_RESPONSE,
    INFO_TIMEOUT,
    NEEDS_INFO,
    OPEN,
    RESOLVED,
    SLA_AT_RISK,
    SLA_BREACH,
    SLA_SOFT,
    W_END,
    TicketContext,
)

Handler = Callable[[CaseView, str, datetime, TicketContext], Decision | None]


def _w_end(case: CaseView, kind: str, due_at: datetime, ctx: TicketContext) -> Decision:
    """R-TKT-15: the clarification window ended without the data — one reminder."""
    attrs = dict(case.attrs)
    return Decision(
        state=case.state,
        event="w-end-reminder",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("reminder", "tkt_remind", {"timeout_at": when(attrs, "timeout_at")}),),
        rule_ids=("R-TKT-15",),
    )


def _no_data(case: CaseView, kind: str, due_at: datetime, ctx: TicketContext) -> Decision:
    """R-TKT-15, D-25: closed at the due moment, whenever the tick runs (R-CAL-11); the
    closing letter names the items that never came (issue 24: no empty claim)."""
    closed = close(case, due_at, "insufficient_info", case.fields, ("R-TKT-15", "D-25"), ctx)
    return replace(closed, missing=case.missing, invalid=case.invalid)


def _sla(case: CaseView, kind: str, due_at: datetime, ctx: TicketContext) -> Decision | None:
    """R-SLA-7 (D-7 soft): HQ is told; partners are not told about breaches automatically."""
    attrs = dict(case.attrs)
    if not attrs.get("deadline_at"):
        return None  # no regulated deadline (demo, low priority …): nothing to warn of
    if kind == SLA_BREACH:
        attrs["first_breach_at"] = attrs.get("first_breach_at") or iso(due_at)
    alert = {SLA_AT_RISK: "at_risk", SLA_BREACH: "breached", SLA_SOFT: "soft"}[kind]
    return Decision(
        state=case.state,
        event=f"sla-{alert}",
        fields=case.fields,
        attrs=attrs,
        hq_alerts=(_deadline_alert(alert, due_at),),
        rule_ids=("R-SLA-7",) if kind != SLA_SOFT else ("D-7",),
    )


def _first_response(
    case: CaseView, kind: str, due_at: datetime, ctx: TicketContext
) -> Decision | None:
    """R-SLA-12: no human HQ message by the support tier's first-response moment."""
    if case.attrs.get("last_hq_message_at"):
        return None
    return Decision(
        state=case.state,
        event="first-response-missed",
        fields=case.fields,
        attrs=dict(case.attrs),
        hq_alerts=(_deadline_alert("first_response", due_at),),
        rule_ids=("R-SLA-12",),
    )


def _autoclose(case: CaseView, kind: str, due_at: datetime, ctx: TicketContext) -> Decision:
    """R-TKT-10: a resolution the partner neither confirmed nor disputed in time."""
    return close(case, due_at, "auto", case.fields, ("R-TKT-10",), ctx)


def _deadline_alert(alert: str, due_at: datetime) -> HqAlert:
    return HqAlert(
        "service_desk",
        "hq_alert_deadline",
        {"alert": alert, "due_at": due_at},
        key=iso(due_at) or "",
    )


# timer → (the states it applies in, what it does)
TIMERS: dict[str, tuple[frozenset[str], Handler]] = {
    W_END: (frozenset({NEEDS_INFO}), _w_end),  # R-TKT-15
    INFO_TIMEOUT: (frozenset({NEEDS_INFO}), _no_data),  # R-TKT-15, D-25
    SLA_AT_RISK: (frozenset({OPEN}), _sla),  # R-SLA-7
    SLA_BREACH: (frozenset({OPEN}), _sla),  # R-SLA-7
    SLA_SOFT: (frozenset({OPEN}), _sla),  # D-7
    FIRST_RESPONSE: (ACTIVE, _first_response),  # R-SLA-12
    AUTOCLOSE: (frozenset({RESOLVED}), _autoclose),  # R-TKT-10
}


def on_ticket_deadline(
    case: CaseView, kind: str, due_at: datetime, ctx: TicketContext
) -> Decision | None:
    """What a due timer means now; None when it no longer applies (R-CAL-11)."""
    states, handler = TIMERS.get(kind, (frozenset(), None))
    if handler is None or case.state not in states:
        return None
    return handler(case, kind, due_at, ctx)

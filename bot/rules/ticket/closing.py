"""How a ticket ends and starts again (R-TKT-10, R-TKT-12, R-SLA-10): closing, reopening, and
a letter after the close — reopened within the window, else a new ticket."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.rules.decide import CaseView, Decision, ReplyIntent, iso, when
from bot.rules.ticket.sla_timers import schedule_sla
from bot.rules.ticket.states import (
    AUTOCLOSE,
    CLOSED,
    OPEN,
    SLA_TIMERS,
    WAITING_TIMERS,
    TicketContext,
    TicketLetter,
)


def letter_after_close(case: CaseView, letter: TicketLetter, ctx: TicketContext) -> Decision:
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
        return reopen(case, letter, ctx, "reopened", ("R-TKT-12", "R-SLA-10"), premature=True)
    return Decision(
        state=case.state,
        event="new-ticket-after-close",
        fields=case.fields,
        attrs=dict(case.attrs),
        split_from=case.number,
        rule_ids=("R-TKT-12", "R-THR-11"),
    )


def reopen(
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


def close(
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

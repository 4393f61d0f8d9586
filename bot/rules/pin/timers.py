"""A pin's timers as the regulation tables them (spec §5.1): which state each timer applies in
and what it does then. A timer due in any other state does nothing (R-CAL-11: the case moved
on while it waited)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.rules.decide import CaseView, Decision, HqAlert, ReplyIntent, iso, when
from bot.rules.kinds import RuleContext
from bot.rules.pin.followups import expire
from bot.rules.pin.reports import RPT_DUE, RPT_REMIND, RPT_UNPIN, RPT_WARN, unpin
from bot.rules.pin.states import (
    EXT_ALERT,
    NEEDS_INFO,
    PIN_EXPIRY,
    PIN_REMIND,
    PIN_TIMEOUT,
    PINNED,
    PRE_PINNED,
    REJECTED,
    REPORT_OVERDUE,
    UNPIN_PENDING,
    _same,
)
from bot.rules.pin.terms import extension_terms

Handler = Callable[[CaseView, datetime, RuleContext], Decision | None]


def _no_data(case: CaseView, due_at: datetime, ctx: RuleContext) -> Decision:
    """D-25: a request never completed is refused when its clarification time ends."""
    return Decision(
        state=REJECTED,
        event="rejected-insufficient-info",
        fields=case.fields,
        attrs={**case.attrs, "closed_at": iso(due_at), "close_reason": "insufficient_info"},
        replies=(ReplyIntent("rejection", "pin_rej", {"reason": "insufficient_info"}),),
        rule_ids=("D-25",),
    )


def _expiry_reminder(case: CaseView, due_at: datetime, ctx: RuleContext) -> Decision:
    """R-PIN-17: the pre-pin ends in N days; the list is still missing."""
    expires = when(case.attrs, "prepin_expires_at")
    assert expires is not None
    days_left = max((expires.date() - due_at.date()).days, 0)
    context = {"days_left": days_left, **extension_terms(dict(case.attrs), ctx.policy)}
    return _same(
        case,
        "prepin-reminder",
        replies=(ReplyIntent("reminder", "pin_remind", context),),
        rules=("R-PIN-17",),
    )


def _extension_alert(case: CaseView, due_at: datetime, ctx: RuleContext) -> Decision | None:
    """R-PIN-17: an extension still undecided less than 2 WD before expiry alerts HQ."""
    if not case.attrs.get("extension_pending"):
        return None
    alert = HqAlert(
        "curator", "hq_alert_extension", {"alert": "expiry_near"}, key=iso(due_at) or ""
    )
    return _same(case, "extension-alert", hq_alerts=(alert,), rules=("R-PIN-17",))


def _expired(case: CaseView, due_at: datetime, ctx: RuleContext) -> Decision:
    """R-PIN-13: the pre-pin ends; the client is free."""
    return expire(case, due_at, ctx)


def _report_reminder(case: CaseView, due_at: datetime, ctx: RuleContext) -> Decision:
    """R-PIN-22: the yearly report is due soon."""
    replies = (ReplyIntent("reminder", "rpt_remind", {}),)
    return _same(case, "report-reminder", replies=replies, rules=("R-PIN-22",))


def _report_overdue(case: CaseView, due_at: datetime, ctx: RuleContext) -> Decision:
    """R-PIN-23: overdue at the end of D; partners hear at D+3, HQ in the digest."""
    return _same(case, "report-overdue", rules=("R-PIN-23",), state=REPORT_OVERDUE)


def _report_warning(case: CaseView, due_at: datetime, ctx: RuleContext) -> Decision:
    """R-PIN-23: the warning with the final date D+10."""
    attrs = {**case.attrs, "warned_at": iso(due_at)}
    replies = (ReplyIntent("warning", "rpt_warn", {}),)
    return _same(case, "report-warning", attrs=attrs, replies=replies, rules=("R-PIN-23",))


def _unpin(case: CaseView, due_at: datetime, ctx: RuleContext) -> Decision | None:
    """R-PIN-25: unpinned at the end of D+10 (auto), or waiting for HQ (manual); a
    `hold_unpin` taken before that moment keeps the client."""
    if case.attrs.get("unpin_hold"):
        return None
    if ctx.policy.report.unpin_mode == "manual":
        alert = HqAlert("curator", "hq_alert_unpin", {})
        return _same(
            case, "unpin-pending", rules=("R-PIN-25",), state=UNPIN_PENDING, hq_alerts=(alert,)
        )
    return unpin(case, due_at, "missed_report", "")


# timer → (the state it applies in, what it does)
TIMERS: dict[str, tuple[str, Handler]] = {
    PIN_TIMEOUT: (NEEDS_INFO, _no_data),  # D-25
    PIN_REMIND: (PRE_PINNED, _expiry_reminder),  # R-PIN-17
    EXT_ALERT: (PRE_PINNED, _extension_alert),  # R-PIN-17
    PIN_EXPIRY: (PRE_PINNED, _expired),  # R-PIN-13
    RPT_REMIND: (PINNED, _report_reminder),  # R-PIN-22
    RPT_DUE: (PINNED, _report_overdue),  # R-PIN-23
    RPT_WARN: (REPORT_OVERDUE, _report_warning),  # R-PIN-23
    RPT_UNPIN: (REPORT_OVERDUE, _unpin),  # R-PIN-25
}


def on_pin_deadline(
    case: CaseView, kind: str, due_at: datetime, ctx: RuleContext
) -> Decision | None:
    """What a due timer means now; None when it no longer applies (R-CAL-11)."""
    state, handler = TIMERS.get(kind, ("", None))
    if handler is None or case.state != state:
        return None
    return handler(case, due_at, ctx)

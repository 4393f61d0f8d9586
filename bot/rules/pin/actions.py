"""HQ actions on pins (spec §5.1 P9, P10, P15–P17, P29–P33; R-PIN-8, 14, 16, 25, 28). Pure."""

from __future__ import annotations

from datetime import timedelta

from bot.rules.action_base import (
    ActionRefused,
    ActionRequest,
    require_param,
    require_state,
    run_action,
)
from bot.rules.decide import CaseView, Decision, ReplyIntent, iso, unchanged, when
from bot.rules.kinds import RuleContext
from bot.rules.pin.reports import report_timers, schedule_report, unpin
from bot.rules.pin.states import (
    ACTIVE,
    AWAITING_HQ,
    EXT_ALERT,
    HOLDING,
    KIND,
    PIN_EXPIRY,
    PIN_REMIND,
    PINNED,
    PRE_PINNED,
    REJECTED,
    REPORT_OVERDUE,
    UNPIN_PENDING,
    matches,
)
from bot.rules.pin.terms import extensions_granted, prepin, prepin_timers

_need = require_state
_same = unchanged


def _text(request: ActionRequest, name: str = "reason") -> str:
    return str(require_param(request, name))


def on_pin_action(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    return run_action(_HANDLERS, case, request, ctx, "pin")


def _approve_pin(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """P9/P10 (R-PIN-8): the conflict check runs again at approval; the pre-pin starts now."""
    _need(case, "approve_pin", (AWAITING_HQ,))
    holders = []
    if ctx.lookups is not None:
        holders = [
            v
            for v in ctx.lookups.cases(kind=KIND, states=HOLDING)
            if v.partner_id != case.partner_id and matches(v, case.attrs)
        ]
    if holders:
        return Decision(
            state=REJECTED,
            event="rejected-pinned-by-other",
            fields=case.fields,
            attrs={**case.attrs, "close_reason": "pinned_by_other"},
            replies=(ReplyIntent("rejection", "pin_rej", {"reason": "pinned_by_other"}),),
            rule_ids=("R-PIN-8", "R-PIN-3"),
        )
    return prepin(case.fields, dict(case.attrs), ctx.now, ctx, "approved")


def _reject_pin(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    _need(case, "reject_pin", (AWAITING_HQ,))
    reason = _text(request)
    return Decision(
        state=REJECTED,
        event="rejected-by-hq",
        fields=case.fields,
        attrs={**case.attrs, "close_reason": "hq_rejected", "closed_at": iso(ctx.now)},
        replies=(ReplyIntent("rejection", "pin_rej", {"reason": "hq_rejected", "text": reason}),),
        rule_ids=("R-PIN-8",),
    )


def _approve_extension(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """P15 (R-PIN-16): + days (≤ 30) to the expiry, once, only before expiry."""
    _need(case, "approve_extension", (PRE_PINNED,))
    attrs = dict(case.attrs)
    expires = when(attrs, "prepin_expires_at")
    if not attrs.get("extension_pending"):
        raise ActionRefused(f"{case.number} has no pending extension request")
    if expires is None or ctx.now > expires:
        raise ActionRefused(f"the pre-pin of {case.number} has already ended")
    limit = ctx.policy.pin.extension_max_days
    raw = request.params.get("days") or attrs.get("extension_days_requested") or limit
    try:
        days = int(raw)
    except ValueError as exc:
        raise ActionRefused(f"days must be a whole number from 1 to {limit}") from exc
    if not 1 <= days <= limit:
        raise ActionRefused(f"days must be from 1 to {limit} (R-PIN-16)")
    new_expiry = expires + timedelta(days=days)
    granted = extensions_granted(attrs) + 1
    attrs.update(
        prepin_expires_at=iso(new_expiry),
        extensions_granted=granted,
        # No further extension once pin.extension_max_count is reached (R-PIN-16).
        extension_used=granted >= ctx.policy.pin.extension_max_count,
        extension_pending=False,
        extension_days_granted=days,
    )
    return _same(
        case,
        "extension-approved",
        attrs,
        replies=(ReplyIntent("notice", "pin_ext_ok", {"days": days}),),
        deadlines=prepin_timers(ctx.now, new_expiry, ctx),
        cancel_deadlines=(PIN_EXPIRY, PIN_REMIND, EXT_ALERT),
        rule_ids=("R-PIN-16",),
    )


def _decline_extension(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    _need(case, "decline_extension", (PRE_PINNED,))
    if not case.attrs.get("extension_pending"):
        raise ActionRefused(f"{case.number} has no pending extension request")
    reason = _text(request)
    return _same(
        case,
        "extension-declined",
        {**case.attrs, "extension_pending": False},
        replies=(ReplyIntent("notice", "pin_ext_declined", {"text": reason}),),
        cancel_deadlines=(EXT_ALERT,),
        rule_ids=("R-PIN-16",),
    )


def _mark_licensed(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """P17 (R-PIN-14): licenses bought during the pre-pin pin the client at its end."""
    _need(case, "mark_licensed", (PRE_PINNED,))
    license_case = request.params.get("license") or request.params.get("text") or ""
    return _same(
        case,
        "licensed-during-prepin",
        {**case.attrs, "licensed_during_prepin": True, "license_case": license_case or None},
        replies=(ReplyIntent("notice", "pin_lic_noted", {"license_case": license_case}),),
        cancel_deadlines=(PIN_REMIND,),
        rule_ids=("R-PIN-14",),
    )


def _unpin(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """P29/P33 (R-PIN-28): HQ unpins from any active state, with the reason."""
    _need(case, "unpin", ACTIVE)
    return unpin(case, ctx.now, "hq", _text(request))


def _keep_pinned(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """P30: HQ keeps the client pinned; the next reporting date is a year on."""
    _need(case, "keep_pinned", (UNPIN_PENDING,))
    due = when(case.attrs, "report_due_at")
    assert due is not None
    next_due = ctx.calendar.add_calendar_days(due + timedelta(days=365), 0)
    attrs, timers = schedule_report(ctx.now, ctx, due=next_due)
    return Decision(
        state=PINNED,
        event="kept-pinned",
        fields=case.fields,
        attrs={**case.attrs, **attrs},
        replies=(ReplyIntent("notice", "pin_status_case", {}),),
        deadlines=timers,
        cancel_deadlines=report_timers(),
        rule_ids=("R-PIN-25",),
    )


def _hold_unpin(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """P31 (R-PIN-25): HQ blocks the automatic unpinning; no letter."""
    _need(case, "hold_unpin", (REPORT_OVERDUE,))
    reason = _text(request)
    return _same(case, "unpin-held", {**case.attrs, "unpin_hold": reason}, rule_ids=("R-PIN-25",))


_HANDLERS = {
    "approve_pin": _approve_pin,
    "reject_pin": _reject_pin,
    "approve_extension": _approve_extension,
    "decline_extension": _decline_extension,
    "mark_licensed": _mark_licensed,
    "unpin": _unpin,
    "keep_pinned": _keep_pinned,
    "hold_unpin": _hold_unpin,
}
PIN_ACTIONS = tuple(sorted(_HANDLERS))

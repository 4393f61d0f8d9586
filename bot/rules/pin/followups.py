"""Pin follow-ups: the software list, the extension request, the end of the pre-pin
(R-PIN-10 … R-PIN-17). Pure."""

from __future__ import annotations

from datetime import date, datetime

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
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.pin.states import (
    EXPIRED,
    EXT_ALERT,
    PRE_PINNED,
    PREPIN_TIMERS,
    _same,
    noted,
)
from bot.rules.pin.terms import extensions_granted, pin, two_wd_before


def software_list(case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
    """R-PIN-10 … R-PIN-12: a valid list in time pins the client."""
    attrs = dict(case.attrs)
    if case.state == EXPIRED:
        return _same(
            case,
            "software-list-late",
            replies=(ReplyIntent("notice", "pin_list_late", {}),),
            rules=("R-PIN-12",),
        )
    if case.state != PRE_PINNED:
        return noted(case, facts, "software-list-ignored")
    expires = when(attrs, "prepin_expires_at")
    if expires is not None and facts.received_at > expires:  # R-CAL-12
        return _same(
            case,
            "software-list-late",
            replies=(ReplyIntent("notice", "pin_list_late", {}),),
            rules=("R-PIN-12",),
        )
    if not facts.findings.complete:
        problems = [
            *({"field": c, "reason": "не указано"} for c in facts.findings.missing),
            *({"field": i.field, "reason": i.reason} for i in facts.findings.invalid),
        ]
        return _same(
            case,
            "software-list-incomplete",
            replies=(ReplyIntent("clarification", "pin_list_clarify", {"problems": problems}),),
            rules=("R-PIN-11",),
        )
    items = field_value(facts.letter_fields, "software_list") or []
    return pin(case, {**attrs, "software_list": items}, facts.received_at, "software_list", ctx)


def extension_request(case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
    """R-PIN-15: one extension, requested before expiry, decided by HQ."""
    attrs = dict(case.attrs)
    expires = when(attrs, "prepin_expires_at")
    if case.state != PRE_PINNED or (expires is not None and facts.received_at > expires):
        return _same(
            case,
            "extension-refused",
            replies=(ReplyIntent("rejection", "pin_ext_rej", {"reason": "not_prepinned"}),),
            rules=("R-PIN-15",),
        )
    # R-PIN-16: at most pin.extension_max_count extensions (1 by default), one at a time.
    used_up = extensions_granted(attrs) >= ctx.policy.pin.extension_max_count
    if used_up or attrs.get("extension_pending"):
        return _same(
            case,
            "extension-refused",
            replies=(
                ReplyIntent(
                    "rejection",
                    "pin_ext_rej",
                    {"reason": "already_extended", "max_count": ctx.policy.pin.extension_max_count},
                ),
            ),
            rules=("R-PIN-15",),
        )
    requested = (
        field_value(facts.letter_fields, "extension_days") or ctx.policy.pin.extension_max_days
    )
    days = min(int(requested), ctx.policy.pin.extension_max_days)
    attrs.update(
        extension_pending=True,
        extension_requested_at=iso(facts.received_at),
        extension_days_requested=days,
        extension_reason=field_value(facts.letter_fields, "extension_reason"),
    )
    timers: tuple[DeadlineIntent, ...] = ()
    if expires is not None:
        # R-PIN-17: HQ hears when the request is still undecided 2 working days before expiry.
        alert_at = max(two_wd_before(expires, ctx.calendar), facts.received_at)
        timers = (DeadlineIntent(EXT_ALERT, alert_at, "R-PIN-17", {}),)
    return Decision(
        state=case.state,
        event="extension-requested",
        fields=case.fields,
        attrs=attrs,
        replies=(
            ReplyIntent("notice", "pin_ext_ack", {"requested": int(requested), "days": days}),
        ),
        deadlines=timers,
        hq_alerts=(
            HqAlert("curator", "hq_alert_extension", {"alert": "requested"}, key="requested"),
        ),
        rule_ids=("R-PIN-15",),
    )


def expire(case: CaseView, due_at: datetime, ctx: RuleContext) -> Decision:
    """R-PIN-13/14: licensed during the pre-pin → pinned; otherwise expired and released."""
    attrs = dict(case.attrs)
    if attrs.get("licensed_during_prepin") or paid_license(case, ctx):
        return pin(case, {**attrs, "licensed_during_prepin": True}, due_at, "licenses", ctx)
    return Decision(
        state=EXPIRED,
        event="expired",
        fields=case.fields,
        attrs={
            **attrs,
            "expired_at": iso(due_at),
            "closed_at": iso(due_at),
            "close_reason": "expired",
        },
        replies=(ReplyIntent("notice", "pin_expired", {}),),
        cancel_deadlines=PREPIN_TIMERS,
        rule_ids=("R-PIN-13", "R-PIN-30"),
    )


def paid_license(case: CaseView, ctx: RuleContext) -> bool:
    """R-PIN-14: a license of the same partner, paid inside the pre-pin, for this client."""
    if ctx.lookups is None or case.partner_id is None:
        return False
    inn = case.attrs.get("client_inn")
    start, end = when(case.attrs, "prepin_started_at"), when(case.attrs, "prepin_expires_at")
    for lic in ctx.lookups.cases(kind="license_request", partner_id=case.partner_id):
        paid = lic.attrs.get("payment_date")
        if not paid or inn not in (lic.attrs.get("paid_end_customer_inns") or []):
            continue
        paid_on = date.fromisoformat(str(paid)[:10])
        if start and end and start.date() <= paid_on <= ctx.calendar.local(end).date():
            return True
    return False

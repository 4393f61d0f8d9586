"""HQ actions after payment (spec §5.3 L14–L18, R-LIC-9 … R-LIC-12, D-22): the act and/or
certificate, the originals both ways, the checklist that completes the case. Pure."""

from __future__ import annotations

from typing import Any

from bot.rules import action_params as p
from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.case_helpers import same
from bot.rules.decide import CaseView, DeadlineIntent, Decision, ReplyIntent, iso
from bot.rules.kinds import RuleContext
from bot.rules.license.licenses import (
    ACTIVE,
    ALL_TIMERS,
    AWAITING_DOCS,
    AWAITING_HQ,
    AWAITING_ORIGINALS,
    AWAITING_PAYMENT,
    CHECKLIST,
    COMPLETED,
    DOCS_DUE,
    NEEDS_INFO,
    ORIG_SEND_DUE,
    RETURN_DUE,
    TRANSIT,
    originals_received,
)

DOCUMENTS = ("transfer_act", "license_certificate")  # R-LIC-9: «и/или»
CHANNELS = ("post", "courier", "edo")


def return_set(attrs: dict[str, Any], ctx: RuleContext) -> list[str]:
    """R-LIC-11: the act, plus the support agreement for roles in supp_agreement_roles."""
    docs = ["transfer_act"]
    if attrs.get("partner_role") in ctx.policy.license.supp_agreement_roles:
        docs.append("supp_agreement")
    return docs


def mark_license_docs_sent(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """L14 (R-LIC-9, R-LIC-11): act and/or certificate sent; originals due from HQ in 7 CD."""
    p.need_state(case, "mark_license_docs_sent", {AWAITING_DOCS})
    documents = p.choices(request, "documents", DOCUMENTS)
    channel = p.choice(request, "channel", CHANNELS)
    send_due = ctx.calendar.add_calendar_days(ctx.now, ctx.policy.license.originals_send_due_days)
    attrs = {
        **case.attrs,
        "license_docs_sent": True,
        "license_docs_sent_at": iso(ctx.now),
        "license_documents": documents,
        "license_docs_channel": channel,
        "originals_send_due_at": iso(send_due),
    }
    attrs["return_documents"] = return_set(attrs, ctx)
    return Decision(
        state=AWAITING_ORIGINALS,
        event="license-docs-sent",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "lic_licdocs", {}),),
        deadlines=(DeadlineIntent(ORIG_SEND_DUE, send_due, "R-LIC-10"),),
        cancel_deadlines=(DOCS_DUE,),
        rule_ids=("R-LIC-9", "R-LIC-11"),
    )


def mark_originals_sent(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """L15 (R-LIC-10, D-22): EDO is received at once; post/courier after the transit time."""
    p.need_state(case, "mark_originals_sent", {AWAITING_ORIGINALS})
    channel = p.choice(request, "channel", CHANNELS)
    today = p.today(ctx.calendar, ctx.now)
    sent_on = p.local_date(request, "date", today=today, default=today)
    sent_at = ctx.now if sent_on == today else p.noon(ctx.calendar, sent_on)
    attrs = {**case.attrs, "originals_sent": True, "originals_sent_at": iso(sent_at)}
    attrs["originals_channel"] = channel
    policy = ctx.policy.license
    if channel == "edo":
        decision = originals_received(case, attrs, sent_at, ctx, "edo")
        attrs = decision.attrs
        deadlines = decision.deadlines
    else:
        assumed = ctx.calendar.add_calendar_days(sent_at, policy.postal_transit_days)
        latest = ctx.calendar.add_calendar_days(assumed, policy.originals_return_due_days)
        attrs.update(
            originals_assumed_received_at=iso(assumed), originals_return_due_at=iso(latest)
        )
        deadlines = (DeadlineIntent(TRANSIT, assumed, "R-LIC-10"),)
    return Decision(
        state=AWAITING_ORIGINALS,
        event="originals-sent",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "lic_orig_sent", {}),),
        deadlines=deadlines,
        cancel_deadlines=(ORIG_SEND_DUE, TRANSIT, RETURN_DUE),
        rule_ids=("R-LIC-10", "D-22"),
    )


def mark_originals_received(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """L16 by HQ (R-LIC-10): the partner's receipt as HQ learned it."""
    p.need_state(case, "mark_originals_received", {AWAITING_ORIGINALS})
    if not case.attrs.get("originals_sent"):
        raise ActionRefused("mark_originals_received: the originals are not marked sent yet")
    today = p.today(ctx.calendar, ctx.now)
    day = p.local_date(request, "date", today=today, default=today)
    at = ctx.now if day == today else p.noon(ctx.calendar, day)
    return originals_received(case, dict(case.attrs), at, ctx, "hq")


def _checklist(case: CaseView, ctx: RuleContext, item: str, states: set[str]) -> Decision:
    """L18 (R-LIC-12): tick an item; the last one completes the case."""
    p.need_state(case, f"mark_{item}", states)
    attrs = {**case.attrs, item: True, f"{item}_at": iso(ctx.now)}
    if all(attrs.get(key) for key in CHECKLIST):
        return _completed(case, attrs, ctx, note=None)
    cancel = (RETURN_DUE, TRANSIT) if item == "originals_returned" else ()
    return same(
        case, item.replace("_", "-"), attrs, cancel_deadlines=cancel, rule_ids=("R-LIC-12",)
    )


def mark_originals_returned(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    if not case.attrs.get("originals_sent"):
        raise ActionRefused("mark_originals_returned: the originals are not marked sent yet")
    return _checklist(case, ctx, "originals_returned", {AWAITING_ORIGINALS})


def mark_original_agreement(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    # §5.3: the original agreement may arrive at any step from awaiting_payment on.
    states = {AWAITING_PAYMENT, AWAITING_DOCS, AWAITING_ORIGINALS}
    return _checklist(case, ctx, "original_agreement_received", states)


def _completed(
    case: CaseView, attrs: dict[str, Any], ctx: RuleContext, note: str | None
) -> Decision:
    attrs = {**attrs, "closed_at": iso(ctx.now), "close_reason": "completed", "note": note}
    return Decision(
        state=COMPLETED,
        event="completed",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "lic_completed", {"note": note}),),
        cancel_deadlines=ALL_TIMERS,
        rule_ids=("R-LIC-12",),
    )


def complete(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """R-LIC-12: HQ forces completion with a note."""
    p.need_state(case, "complete", ACTIVE - {NEEDS_INFO, AWAITING_HQ})
    return _completed(case, dict(case.attrs), ctx, p.required_text(request, "note"))

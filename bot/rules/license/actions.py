"""HQ actions on a license request (spec §5.3 L4–L20, R-LIC-2 … R-LIC-13). Pure.

Intake, scans and payment are here; the steps after payment are in `originals.py`.
Parameters arrive as CLI strings and are checked here; an action the state does not allow
is refused with an explanation and nothing changes (R-HQ-5).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from bot.rules import action_params as p
from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.case_helpers import as_list, same, value
from bot.rules.decide import CaseView, DeadlineIntent, Decision, ReplyIntent, iso, when
from bot.rules.kinds import RuleContext
from bot.rules.license.licenses import (
    ACTIVE,
    ALL_TIMERS,
    AWAITING_DOCS,
    AWAITING_HQ,
    AWAITING_PAYMENT,
    AWAITING_SCANS,
    CANCELLED,
    DOCS_DUE,
    HQ_TIMERS,
    IN_REVIEW,
    NEEDS_INFO,
    PAYMENT_DUE,
    REJECTED,
    SCANS_DUE,
    accept,
    payment_term,
)
from bot.rules.license.originals import (
    complete,
    mark_license_docs_sent,
    mark_original_agreement,
    mark_originals_received,
    mark_originals_returned,
    mark_originals_sent,
)

ROLES = {"authorized": "authorized", "gold": "gold", "official": "gold"}  # D-1 alias

Handler = Callable[[CaseView, ActionRequest, RuleContext], Decision]


def on_license_action(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    handler = _HANDLERS.get(request.name)
    if handler is None:
        raise ActionRefused(
            f"unknown action {request.name!r}; license actions: {', '.join(sorted(_HANDLERS))}, "
            "and comment, reply, merge, reclassify"
        )
    return handler(case, request, ctx)


def _approve_partner(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """L4 (R-LIC-2): the applicant becomes a partner; HQ's 5 WD start now."""
    p.need_state(case, "approve_partner", {AWAITING_HQ})
    if case.attrs.get("hq_reason") != "partner_onboarding":
        raise ActionRefused(f"{case.number} waits for manual entry, not onboarding: use accept")
    role = ROLES[p.choice(request, "role", ROLES)]
    fields = case.fields
    # The shell registers the partner from these data (bot/actions.py).
    onboard = {
        # HQ may give the registry name; else the form's applicant, else the sender address.
        "name": p.optional_text(request, "name")
        or value(fields, "applicant_name")
        or case.requester,
        "inn": value(fields, "inn"),
        "kpp": value(fields, "kpp"),
        "ogrn": value(fields, "ogrn"),
        "role": role,
        "addresses": [case.requester],
    }
    attrs = {**case.attrs, "partner_role": role, "approved_partner": onboard}
    attrs["approved_at"] = iso(ctx.now)
    return accept(case, fields, attrs, ctx.now, ctx, "partner-approved")


def _accept_request(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """R-LIC-3 `hq_manual_entry`: HQ has entered the scanned form; HQ's 5 WD start now."""
    p.need_state(case, "accept", {AWAITING_HQ})
    if case.attrs.get("hq_reason") != "manual_entry":
        raise ActionRefused(f"{case.number} is a partner application: use approve_partner")
    return accept(case, case.fields, dict(case.attrs), ctx.now, ctx, "accepted-by-hq")


def _close(
    case: CaseView, ctx: RuleContext, state: str, reason: str, template: str, rules: tuple[str, ...]
) -> Decision:
    attrs = {**case.attrs, "closed_at": iso(ctx.now), "close_reason": reason}
    return Decision(
        state=state,
        event=state,
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", template, {"reason": reason}),),
        cancel_deadlines=ALL_TIMERS,
        rule_ids=rules,
    )


def _decline(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """L5 (R-LIC-2, R-LIC-13): HQ refuses the application or the request."""
    p.need_state(case, request.name, {AWAITING_HQ, IN_REVIEW, NEEDS_INFO})
    reason = p.required_text(request, "reason")
    return _close(case, ctx, REJECTED, reason, "lic_rej", ("R-LIC-2", "R-LIC-13"))


def _cancel(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """L20 (R-LIC-13): HQ cancels at any step, also after payment."""
    p.need_state(case, "cancel", ACTIVE)
    reason = p.required_text(request, "reason")
    return _close(case, ctx, CANCELLED, reason, "lic_cancelled", ("R-LIC-13",))


def _file_name(request: ActionRequest, name: str) -> str:
    return PurePath(p.required_text(request, name)).name


def _send_license_docs(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """L7 (R-LIC-5): draft agreement and invoice sent; the partner's 5 WD for scans start."""
    p.need_state(case, "send_license_docs", {IN_REVIEW})
    draft, invoice = _file_name(request, "draft_agreement"), _file_name(request, "invoice")
    due = ctx.calendar.add_working_days(ctx.now, ctx.policy.license.signed_scans_due_wd)
    attrs = {
        **case.attrs,
        "docs_sent_at": iso(ctx.now),
        "scans_clock_started_at": iso(ctx.now),  # R-CAL-4: the count's start, kept
        "draft_agreement": draft,
        "invoice": invoice,
        "scans_due_at": iso(due),
    }
    return Decision(
        state=AWAITING_SCANS,
        event="license-docs-sent",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "lic_docs", {}),),
        deadlines=(DeadlineIntent(SCANS_DUE, due, "R-LIC-7"),),
        cancel_deadlines=(*HQ_TIMERS, SCANS_DUE),
        rule_ids=("R-LIC-5",),
    )


def _reject_scans(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """L9 (R-LIC-6, D-19): the signed scans are not acceptable; 5 new WD to resend."""
    p.need_state(case, "reject_scans", {AWAITING_PAYMENT})
    reason = p.required_text(request, "reason")
    due = ctx.calendar.add_working_days(ctx.now, ctx.policy.license.signed_scans_due_wd)
    attrs = {**case.attrs, "scans_due_at": iso(due), "payment_due_at": None}
    attrs.update(scans_rejected=reason, scans_clock_started_at=iso(ctx.now))
    return Decision(
        state=AWAITING_SCANS,
        event="scans-rejected",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("clarification", "lic_clarify", _rejected_context(reason)),),
        deadlines=(DeadlineIntent(SCANS_DUE, due, "R-LIC-7"),),
        cancel_deadlines=(PAYMENT_DUE, SCANS_DUE),
        rule_ids=("R-LIC-6", "D-19"),
    )


def _rejected_context(reason: str, *, form: bool = False) -> dict[str, Any]:
    return {
        "missing": [],
        "invalid": [{"field": "signed_form", "reason": reason}] if form else [],
        "warnings": [],
        "text_copy_needed": False,
        "scans_rejected": None if form else reason,
    }


def _reject_scan(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """R-LIC-3: the scan of the request form is not acceptable → clarification."""
    p.need_state(case, "reject_scan", {AWAITING_HQ, IN_REVIEW})
    reason = p.required_text(request, "reason")
    fields = dict(case.fields)
    # Marked invalid in the data, so only a new scan in the thread completes the request.
    fields["signed_form"] = {
        **(fields.get("signed_form") or {}),
        "status": "invalid",
        "reason": reason,
    }
    invalid = ({"field": "signed_form", "reason": reason},)
    return Decision(
        state=NEEDS_INFO,
        event="form-scan-rejected",
        fields=fields,
        invalid=invalid,
        attrs={**case.attrs, "hq_due_at": None},
        replies=(
            ReplyIntent("clarification", "lic_clarify", _rejected_context(reason, form=True)),
        ),
        cancel_deadlines=HQ_TIMERS,
        rule_ids=("R-LIC-3", "D-19"),
    )


def _set_payment_term(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """R-LIC-6: the agreement sets another payment term: `days` (WD) or `date`."""
    p.need_state(case, "set_payment_term", {AWAITING_SCANS, AWAITING_PAYMENT})
    attrs = dict(case.attrs)
    if request.params.get("date"):
        day = p.local_date(request, "date", today=p.today(ctx.calendar, ctx.now), allow_future=True)
        until = ctx.calendar.add_calendar_days(p.noon(ctx.calendar, day), 0)
        if until <= ctx.now:
            raise ActionRefused("set_payment_term: the date must be today or later")
        attrs.update(payment_term_until=iso(until), payment_term_wd=None)
    elif request.params.get("days"):
        attrs.update(payment_term_wd=p.positive_int(request, "days", 120), payment_term_until=None)
    else:
        raise ActionRefused("set_payment_term needs --param days=N (working days) or date=…")
    if case.state == AWAITING_SCANS:
        # The term runs from the scans; the acknowledgement of the scans will state it.
        return same(case, "payment-term-set", attrs, rule_ids=("R-LIC-6",))
    start = when(attrs, "scans_received_at") or ctx.now
    due = payment_term(attrs, start, ctx)
    attrs["payment_due_at"] = iso(due)
    return same(
        case,
        "payment-term-set",
        attrs,
        replies=(ReplyIntent("notice", "lic_payment_term", {}),),
        deadlines=(DeadlineIntent(PAYMENT_DUE, due, "R-LIC-7"),),
        cancel_deadlines=(PAYMENT_DUE,),
        rule_ids=("R-LIC-6", "R-HQ-9"),
    )


def _mark_paid(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """L12 (R-LIC-8, D-21): HQ confirms payment; act/certificate due 1 month after it."""
    p.need_state(case, "mark_paid", {AWAITING_PAYMENT})
    paid_on = p.local_date(request, "payment_date", today=p.today(ctx.calendar, ctx.now))
    due = ctx.calendar.add_months(p.noon(ctx.calendar, paid_on), ctx.policy.license.docs_due_months)
    inns = [inn for inn in as_list(value(case.fields, "end_customer_inn")) if inn]
    attrs = {
        **case.attrs,
        "paid": True,
        "paid_at": iso(ctx.now),
        "payment_date": paid_on.isoformat(),
        "license_docs_due_at": iso(due),
        # R-PIN-14: the pin side reads these to note licenses bought during a pre-pin.
        "paid_end_customer_inns": inns,
    }
    return Decision(
        state=AWAITING_DOCS,
        event="paid",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "lic_paid_ack", {}),),
        deadlines=(DeadlineIntent(DOCS_DUE, due, "R-LIC-9"),),
        cancel_deadlines=(PAYMENT_DUE, SCANS_DUE),
        rule_ids=("R-LIC-8", "D-21", "R-PIN-14"),
    )


_HANDLERS: dict[str, Handler] = {
    "approve_partner": _approve_partner,
    "accept": _accept_request,
    "reject": _decline,
    "decline": _decline,
    "cancel": _cancel,
    "reject_scan": _reject_scan,
    "send_license_docs": _send_license_docs,
    "reject_scans": _reject_scans,
    "set_payment_term": _set_payment_term,
    "mark_paid": _mark_paid,
    "mark_license_docs_sent": mark_license_docs_sent,
    "mark_originals_sent": mark_originals_sent,
    "mark_originals_received": mark_originals_received,
    "mark_originals_returned": mark_originals_returned,
    "mark_original_agreement_received": mark_original_agreement,
    "complete": complete,
}
LICENSE_ACTIONS = tuple(sorted(_HANDLERS))

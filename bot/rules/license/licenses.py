"""License request lifecycle (spec §5.3 L1–L21, R-LIC-1 … R-LIC-17, §3.5–§3.6): pure decisions.

Here: states, timers, the request's completeness and acceptance (L1–L4) and the deadlines
shared by letters and actions. Follow-up letters and timers are in `followups.py`, HQ
actions in `actions.py`, the rule set in `rules.py`. States: needs_info, awaiting_hq,
in_review, awaiting_signed_scans, awaiting_payment, awaiting_license_docs, awaiting_originals,
and the terminal completed, rejected, cancelled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.rules.case_helpers import as_list, value
from bot.rules.decide import CaseView, DeadlineIntent, Decision, HqAlert, ReplyIntent, iso, when
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.partner_terms import partner_due

NEEDS_INFO, AWAITING_HQ, IN_REVIEW = "needs_info", "awaiting_hq", "in_review"
AWAITING_SCANS, AWAITING_PAYMENT = "awaiting_signed_scans", "awaiting_payment"
AWAITING_DOCS, AWAITING_ORIGINALS = "awaiting_license_docs", "awaiting_originals"
COMPLETED, REJECTED, CANCELLED = "completed", "rejected", "cancelled"
TERMINAL = frozenset({COMPLETED, REJECTED, CANCELLED})
ACTIVE = frozenset(
    {NEEDS_INFO, AWAITING_HQ, IN_REVIEW, AWAITING_SCANS, AWAITING_PAYMENT, AWAITING_DOCS}
    | {AWAITING_ORIGINALS}
)
# D-35: the partner may withdraw only before HQ confirmed the payment.
BEFORE_PAYMENT = frozenset({NEEDS_INFO, AWAITING_HQ, IN_REVIEW, AWAITING_SCANS, AWAITING_PAYMENT})

# Timer kinds.
HQ_WARN = "lic_hq_warn"  # R-LIC-4: 1 WD before hq_due_at
HQ_DUE = "lic_hq_due"  # R-LIC-4
SCANS_DUE = "lic_scans_due"  # R-LIC-7
PAYMENT_DUE = "lic_payment_due"  # R-LIC-7
DOCS_DUE = "lic_docs_due"  # R-LIC-9: HQ alert if the act/certificate is late
ORIG_SEND_DUE = "lic_originals_send_due"  # R-LIC-10: HQ sends originals within 7 CD
TRANSIT = "lic_postal_transit"  # D-22: receipt assumed after the postal transit
RETURN_DUE = "lic_originals_return_due"  # R-LIC-10: the partner returns within 7 CD
HQ_TIMERS = (HQ_WARN, HQ_DUE)
ALL_TIMERS = (*HQ_TIMERS, SCANS_DUE, PAYMENT_DUE, DOCS_DUE, ORIG_SEND_DUE, TRANSIT, RETURN_DUE)

# Pin states that hold a client for a partner (R-PIN-3), read for R-LIC-14/15.
PIN_HOLDING = ("pre_pinned", "pinned", "report_overdue", "unpin_pending")
CHECKLIST = ("paid", "license_docs_sent", "originals_sent", "originals_returned")
CHECKLIST += ("original_agreement_received",)  # R-LIC-12
OWNER = "deputy_ceo"  # R-HQ-3 / D-44: licenses go to the Deputy CEO (sales cooperation)


def hq_alert(alert: str, key: str, role: str = OWNER, **context: Any) -> HqAlert:
    return HqAlert(role, "hq_license_alert", {"alert": alert, **context}, key=key)


def terms(ctx: RuleContext) -> dict[str, Any]:
    """The policy terms the letters quote, kept with the case (R-CFG-3)."""
    policy = ctx.policy.license
    return {
        "hq_wd": policy.hq_processing_wd,
        "scans_wd": policy.signed_scans_due_wd,
        "payment_wd": policy.payment_due_wd,
        "docs_months": policy.docs_due_months,
        "return_days": policy.originals_return_due_days,
        "postal_address": policy.postal_address,  # R-LIC-17
    }


def summary(fields: dict[str, Any]) -> dict[str, Any]:
    """Rows of the project table and purposes, as the replies restate them (A-LIC-ACK)."""
    names = as_list(value(fields, "software_name"))
    customers = as_list(value(fields, "end_customer"))
    inns = as_list(value(fields, "end_customer_inn"))
    rows = [
        {
            "software": name,
            "customer": customers[i] if i < len(customers) else "",
            "inn": inns[i] if i < len(inns) else None,
        }
        for i, name in enumerate(names)
    ]
    return {"rows": rows, "purposes": as_list(value(fields, "purpose"))}


# -- completeness ----------------------------------------------------------------------------


def _problems(
    facts: LetterFacts, ctx: RuleContext
) -> tuple[tuple[str, ...], tuple[dict[str, str], ...], tuple[dict[str, str], ...]]:
    findings = facts.findings
    policy = ctx.policy.license
    missing = tuple(m for m in findings.missing if policy.require_signed_form or m != "signed_form")
    invalid = tuple(
        {"field": i.field, "reason": i.reason, "raw": (facts.fields.get(i.field) or {}).get("raw")}
        for i in findings.invalid
    )
    warnings = tuple({"field": w.field, "reason": w.reason} for w in findings.warnings)
    return missing, invalid, warnings


def _flags(
    facts: LetterFacts, ctx: RuleContext, partner_id: int | None
) -> tuple[list[str], dict[str, str], list[dict[str, str]]]:
    """HQ flags (R-LIC-14/15/16, R-VAL-4), the pin status of each end customer, warnings."""
    fields = facts.fields
    flags: list[str] = []
    warnings: list[dict[str, str]] = []
    purposes = as_list(value(fields, "purpose"))
    if purposes == ["demo"]:
        flags.append("demo_only")  # R-LIC-16: the end customer is not an active client
    form_inn = value(fields, "inn")
    identity = facts.identity
    if identity is not None and identity.inn and form_inn and form_inn != identity.inn:
        # R-VAL-4 / D-42: a group company may apply; a warning and an HQ flag, no rejection.
        flags.append("inn_mismatch")
        warnings.append(
            {
                "field": "inn",
                "reason": "ИНН в форме отличается от ИНН партнера в реестре головного офиса",
            }
        )
    pins: dict[str, str] = {}
    lookups = ctx.lookups
    for inn in as_list(value(fields, "end_customer_inn")):
        if not inn or lookups is None:
            continue
        holders = lookups.cases(
            kind="pin_request", states=PIN_HOLDING, attr_equals={"client_inn": inn}
        )
        if not holders:
            pins[inn] = "free"
        elif any(h.partner_id == partner_id and partner_id is not None for h in holders):
            pins[inn] = "own:" + ",".join(h.number for h in holders if h.partner_id == partner_id)
        else:
            # R-LIC-15: another partner holds the client: no partner discount (HQ only).
            pins[inn] = "other:" + ",".join(h.number for h in holders)
            if "no_partner_discount" not in flags:
                flags.append("no_partner_discount")
    return flags, pins, warnings


def assess(case: CaseView | None, facts: LetterFacts, ctx: RuleContext, *, event: str) -> Decision:
    """L1–L3: clarification, HQ review for a non-partner, or acceptance with 5 WD for HQ."""
    attrs = dict(case.attrs) if case else {}
    attrs.setdefault("received_at", iso(facts.received_at))
    attrs.setdefault("policy_version", ctx.policy.version)
    attrs.setdefault("terms", terms(ctx))
    attrs["summary"] = summary(facts.fields)
    identity = facts.identity
    if identity is not None:
        attrs["partner_role"] = identity.role
    missing, invalid, warnings = _problems(facts, ctx)
    scan_only = "scan_without_text" in facts.flags
    if scan_only and ctx.policy.license.scan_only_policy == "hq_manual_entry":
        # R-LIC-3: HQ types the fields in from the scan.
        attrs.update(hq_reason="manual_entry", completed_at=iso(facts.received_at))
        return Decision(
            state=AWAITING_HQ,
            event=event,
            fields=facts.fields,
            attrs=attrs,
            replies=(ReplyIntent("acceptance", "lic_hqreview", {"reason": "manual_entry"}),),
            hq_alerts=(hq_alert("manual_entry", "manual_entry"),),
            rule_ids=("R-LIC-3", "D-19"),
        )
    if missing or invalid:
        return Decision(
            state=NEEDS_INFO,
            event=event,
            fields=facts.fields,
            missing=missing,
            invalid=tuple({"field": i["field"], "reason": i["reason"]} for i in invalid),
            warnings=warnings,
            attrs=attrs,
            replies=(
                ReplyIntent(
                    "clarification",
                    "lic_clarify",
                    {
                        "missing": list(missing),
                        "invalid": list(invalid),
                        "warnings": list(warnings),
                        "text_copy_needed": scan_only,
                        "scans_rejected": None,
                    },
                ),
            ),
            rule_ids=("R-LIC-1", "R-LIC-3", "R-VAL-7"),
        )
    partner_id = identity.partner_id if identity and identity.active else None
    flags, pins, flag_warnings = _flags(facts, ctx, partner_id)
    warnings = (*warnings, *flag_warnings)
    attrs.update(
        completed_at=iso(facts.received_at),
        flags=sorted({*as_list(attrs.get("flags")), *flags}),
        end_customer_pins=pins,
    )
    alerts = (hq_alert("flags", "flags", flags=flags, pins=pins),) if flags else ()
    if partner_id is None:
        # R-LIC-2 / R-ID-4 / D-17: the form is also an application to the Partner Programme.
        attrs["hq_reason"] = "partner_onboarding"
        return Decision(
            state=AWAITING_HQ,
            event=event,
            fields=facts.fields,
            warnings=warnings,
            attrs=attrs,
            replies=(ReplyIntent("acceptance", "lic_hqreview", {"reason": "partner_onboarding"}),),
            hq_alerts=(*alerts, hq_alert("partner_onboarding", "onboarding")),
            rule_ids=("R-LIC-2", "R-ID-4", "D-17"),
        )
    return accept(case, facts.fields, attrs, facts.received_at, ctx, event, warnings, alerts)


def accept(
    case: CaseView | None,
    fields: dict[str, Any],
    attrs: dict[str, Any],
    start: datetime,
    ctx: RuleContext,
    event: str,
    warnings: tuple[dict[str, str], ...] = (),
    alerts: tuple[HqAlert, ...] = (),
) -> Decision:
    """L3/L4 (R-LIC-4): HQ owes the draft agreement and invoice within 5 WD of `start`."""
    wd = ctx.policy.license.hq_processing_wd
    due = ctx.calendar.add_working_days(start, wd)
    warn = ctx.calendar.add_working_days(start, wd - 1) if wd > 1 else start
    attrs = {**attrs, "hq_due_at": iso(due), "hq_clock_started_at": iso(start)}
    return Decision(
        state=IN_REVIEW,
        event=event,
        fields=fields,
        warnings=warnings,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "lic_ack", {"warnings": list(warnings), "wd": wd}),),
        deadlines=(
            DeadlineIntent(HQ_WARN, warn, "R-LIC-4"),
            DeadlineIntent(HQ_DUE, due, "R-LIC-4"),
        ),
        cancel_deadlines=HQ_TIMERS,
        hq_alerts=alerts,
        rule_ids=("R-LIC-1", "R-LIC-4"),
    )


def payment_term(attrs: dict[str, Any], start: datetime, ctx: RuleContext) -> datetime:
    """R-LIC-6: 5 WD from the scans, unless HQ set the agreement's own term."""
    if fixed := when(attrs, "payment_term_until"):
        return fixed
    days = int(attrs.get("payment_term_wd") or ctx.policy.license.payment_due_wd)
    return ctx.calendar.add_working_days(start, days)


def originals_received(
    case: CaseView, attrs: dict[str, Any], at: datetime, ctx: RuleContext, how: str
) -> Decision:
    """L16 (R-LIC-10, D-22): the partner's week to return the signed originals starts."""
    due = ctx.calendar.add_calendar_days(at, ctx.policy.license.originals_return_due_days)
    due = partner_due(ctx.calendar, ctx.policy, due)  # R-CAL-9: the partner's term
    attrs = {**attrs, "originals_received_at": iso(at), "originals_return_due_at": iso(due)}
    replies: tuple[ReplyIntent, ...] = ()
    if how != "transit":  # an assumed receipt tells the partner nothing new
        replies = (ReplyIntent("notice", "lic_followup_ack", {"what": "originals_received"}),)
    return Decision(
        state=case.state,
        event=f"originals-received-{how}",
        fields=case.fields,
        attrs=attrs,
        replies=replies,
        deadlines=(DeadlineIntent(RETURN_DUE, due, "R-LIC-10"),),
        cancel_deadlines=(TRANSIT, RETURN_DUE),
        rule_ids=("R-LIC-10", "D-22"),
    )

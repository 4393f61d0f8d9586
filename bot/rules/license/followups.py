"""License follow-up letters and timers (spec §5.3 L1–L3, L6, L8, L10, L11, L13, L16, L17,
L19, L21; R-LIC-6 … R-LIC-10, R-THR-11, R-HQ-13). Pure."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.rules.case_helpers import after_close, as_list, letter_event, same
from bot.rules.decide import CaseView, DeadlineIntent, Decision, ReplyIntent, iso
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.license.licenses import (
    ALL_TIMERS,
    AWAITING_DOCS,
    AWAITING_ORIGINALS,
    AWAITING_PAYMENT,
    AWAITING_SCANS,
    BEFORE_PAYMENT,
    CANCELLED,
    DOCS_DUE,
    HQ_TIMERS,
    HQ_WARN,
    IN_REVIEW,
    NEEDS_INFO,
    ORIG_SEND_DUE,
    PAYMENT_DUE,
    RETURN_DUE,
    SCANS_DUE,
    TERMINAL,
    TRANSIT,
    assess,
    hq_alert,
    originals_received,
    payment_term,
)
from parsers.dates import DATE_PATTERN, check_date
from parsers.types import FieldStatus


def _payment_date(text: str) -> str | None:
    pattern = rf"(?:оплат\w*|платеж\w*|п/п)[^\n]{{0,60}}?({DATE_PATTERN})"
    if match := re.search(pattern, text, re.I):
        checked = check_date(match.group(1))
        return str(checked.value) if checked.status == FieldStatus.VALID else None
    return None


def on_letter(case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
    """A partner letter in a license thread (L1–L3, L8, L11, L16, L19, L21, R-THR-11)."""
    attrs = dict(case.attrs)
    event = letter_event(facts)
    files = list(facts.attachments)
    if case.state in TERMINAL:
        return after_close(case, attrs)
    if event == "withdrawal":
        return _withdrawal(case, facts, attrs)
    if case.state == NEEDS_INFO:
        # An answer may also ask "when?": the data come first, the reply restates the rest.
        return assess(case, facts, ctx, event="clarification-answer")
    if event == "status_query" and not files:
        return same(
            case,
            "status-query",
            attrs,
            replies=(ReplyIntent("notice", "lic_status", {}),),
            rule_ids=("R-HQ-13",),
        )
    if case.state == AWAITING_SCANS and files and event in (None, "signed_scans"):
        return _signed_scans(case, facts, attrs, ctx)
    if event == "payment_order":
        # R-LIC-8: recorded and acknowledged; only HQ confirms a payment (mark_paid).
        orders = [*as_list(attrs.get("payment_orders")), *files]
        attrs.update(payment_orders=orders, payment_order_at=iso(facts.received_at))
        stated = _payment_date(facts.new_text)
        return same(
            case,
            "payment-order",
            attrs,
            replies=(ReplyIntent("notice", "lic_followup_ack", {"what": event, "files": files}),),
            hq_alerts=(
                hq_alert("payment_order", iso(facts.received_at) or "", files=files, date=stated),
            ),
            rule_ids=("R-LIC-8",),
        )
    awaited = attrs.get("originals_sent") and not attrs.get("originals_received_at")
    if event == "originals_received" and case.state == AWAITING_ORIGINALS and awaited:
        return originals_received(case, attrs, facts.received_at, ctx, "L16-letter")
    if event == "originals_returned" and case.state == AWAITING_ORIGINALS:
        attrs["originals_return_reported_at"] = iso(facts.received_at)
        return same(
            case,
            "originals-returned-reported",
            attrs,
            replies=(ReplyIntent("notice", "lic_followup_ack", {"what": event, "files": files}),),
            hq_alerts=(hq_alert("originals_returned", iso(facts.received_at) or ""),),
            rule_ids=("R-LIC-10", "R-LIC-12"),
        )
    return same(
        case,
        "followup",
        attrs,
        replies=(ReplyIntent("notice", "lic_followup_ack", {"what": "other", "files": files}),),
        rule_ids=("R-MBX-8",),
    )


def _withdrawal(case: CaseView, facts: LetterFacts, attrs: dict[str, Any]) -> Decision:
    """L19 (R-LIC-13, D-35): before payment the partner may withdraw; after it, HQ decides."""
    if case.state in BEFORE_PAYMENT:
        attrs.update(closed_at=iso(facts.received_at), close_reason="withdrawn")
        return Decision(
            state=CANCELLED,
            event="withdrawn",
            fields=case.fields,
            attrs=attrs,
            replies=(ReplyIntent("notice", "lic_cancelled", {"reason": "withdrawn"}),),
            cancel_deadlines=ALL_TIMERS,
            rule_ids=("R-LIC-13", "D-35"),
        )
    return same(
        case,
        "withdrawal-after-payment",
        attrs,
        replies=(ReplyIntent("notice", "lic_followup_ack", {"what": "withdrawal", "files": []}),),
        hq_alerts=(hq_alert("withdrawal_after_payment", iso(facts.received_at) or ""),),
        rule_ids=("R-LIC-13", "D-35"),
    )


def _signed_scans(
    case: CaseView, facts: LetterFacts, attrs: dict[str, Any], ctx: RuleContext
) -> Decision:
    """L8 (R-LIC-6): scans received → the payment term runs."""
    due = payment_term(attrs, facts.received_at, ctx)
    attrs.update(
        scans_received_at=iso(facts.received_at),
        signed_documents=list(facts.attachments),
        payment_due_at=iso(due),
    )
    return Decision(
        state=AWAITING_PAYMENT,
        event="signed-scans",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "lic_scans_ack", {"files": list(facts.attachments)}),),
        deadlines=(DeadlineIntent(PAYMENT_DUE, due, "R-LIC-7"),),
        cancel_deadlines=(SCANS_DUE, PAYMENT_DUE),
        rule_ids=("R-LIC-6",),
    )


# -- timers ------------------------------------------------------------------------------------


def on_deadline(case: CaseView, kind: str, due_at: datetime, ctx: RuleContext) -> Decision | None:
    """L6, L10, L13, L17 and the R-LIC-10 HQ and transit timers; None when no longer due."""
    attrs = dict(case.attrs)
    key = iso(due_at) or ""
    if kind in HQ_TIMERS and case.state == IN_REVIEW:
        alert = "hq_due_soon" if kind == HQ_WARN else "hq_due"
        return same(
            case,
            alert.replace("_", "-"),
            attrs,
            hq_alerts=(hq_alert(alert, key, due_at=due_at),),
            rule_ids=("R-LIC-4",),
        )
    steps = {SCANS_DUE: (AWAITING_SCANS, "scans"), PAYMENT_DUE: (AWAITING_PAYMENT, "payment")}
    if kind in steps and case.state == steps[kind][0]:
        # R-LIC-7 / D-20: one reminder and an HQ flag; no automatic cancellation.
        step = steps[kind][1]
        attrs["flags"] = sorted({*as_list(attrs.get("flags")), f"{step}_overdue"})
        return same(
            case,
            f"{step}-overdue",
            attrs,
            replies=(ReplyIntent("reminder", "lic_remind", {"step": step, "due_at": due_at}),),
            hq_alerts=(hq_alert(f"{step}_overdue", key, due_at=due_at),),
            rule_ids=("R-LIC-7", "D-20"),
        )
    if kind == DOCS_DUE and case.state == AWAITING_DOCS:
        return same(
            case,
            "license-docs-overdue",
            attrs,
            hq_alerts=(hq_alert("docs_due", key, due_at=due_at),),
            rule_ids=("R-LIC-9",),
        )
    if case.state != AWAITING_ORIGINALS:
        return None
    if kind == ORIG_SEND_DUE and not attrs.get("originals_sent"):
        return same(
            case,
            "originals-send-overdue",
            attrs,
            hq_alerts=(hq_alert("originals_send_due", key, due_at=due_at),),
            rule_ids=("R-LIC-10",),
        )
    if kind == TRANSIT and not attrs.get("originals_received_at"):
        return originals_received(case, attrs, due_at, ctx, "transit")
    if kind == RETURN_DUE and not attrs.get("originals_returned"):
        return same(
            case,
            "originals-return-overdue",
            attrs,
            replies=(ReplyIntent("reminder", "lic_orig_remind", {"due_at": due_at}),),
            rule_ids=("R-LIC-10", "R-LIC-11"),
        )
    return None

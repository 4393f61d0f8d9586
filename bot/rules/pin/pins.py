"""Client pins (spec §5.1, R-PIN-*, 000 §3): request → pre-pin → pin → yearly reports. Pure.

A pin case keeps its client's keys in its attributes (`client_inn`, `contract_key`), so the
conflict check (R-PIN-3) and the registry (R-PIN-30) read them through `Lookups`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.rules.decide import (
    CaseView,
    DeadlineIntent,
    Decision,
    HqAlert,
    ReplyIntent,
    iso,
)
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.pin.actions import on_pin_action
from bot.rules.pin.followups import extension_request, software_list
from bot.rules.pin.registry import (
    possible_conflicts,
    recent_own_expiry,
    registry_cases,
    status_answer,
    with_instants,
)
from bot.rules.pin.reports import on_report, report_timers
from bot.rules.pin.states import (
    ACTIVE,
    AWAITING_HQ,
    DUPLICATE,
    HOLDING,
    NEEDS_INFO,
    OWN_ACTIVE,
    PIN_TIMEOUT,
    PREPIN_TIMERS,
    REJECTED,
    WITHDRAWN,
    _same,
    client_keys,
    matches,
    noted,
)
from bot.rules.pin.terms import disclosed_holder, prepin
from bot.rules.pin.timers import on_pin_deadline


class PinRules:
    """The `pin_request` kind on the engine's KindRules protocol."""

    # -- letters ---------------------------------------------------------------------------

    def new_case(self, facts: LetterFacts, ctx: RuleContext) -> Decision:
        keys = client_keys(facts.fields)
        attrs = {**keys, "policy_version": ctx.policy.version}
        identity = facts.identity
        if identity is None or not identity.active:
            # R-PIN-1 / R-ID-3: pins are for partners with a distribution agreement.
            return Decision(
                state=REJECTED,
                event="rejected-not-partner",
                fields=facts.fields,
                attrs={**attrs, "close_reason": "not_partner"},
                replies=(ReplyIntent("rejection", "rej_id", {"reason": "not_partner"}),),
                rule_ids=("R-PIN-1", "R-ID-3"),
            )
        if facts.event == "pin_status_query":
            return status_answer(facts, keys, attrs, ctx)
        if "multiple_subjects" in facts.flags:
            # R-THR-9: one letter, one client.
            return Decision(
                state=REJECTED,
                event="rejected-multiple",
                fields=facts.fields,
                attrs={**attrs, "close_reason": "multiple_subjects"},
                replies=(ReplyIntent("rejection", "rej_multi", {}),),
                rule_ids=("R-THR-9",),
            )
        return _complete_or_clarify(None, facts, attrs, ctx, event="created")

    def followup(self, case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
        attrs = dict(case.attrs)
        if facts.event == "status_query":
            return _same(
                case,
                "status-query",
                replies=(ReplyIntent("notice", "pin_status_case", {}),),
                rules=("R-HQ-13",),
            )
        if facts.event == "withdrawal" and case.state in ACTIVE:
            return Decision(
                state=WITHDRAWN,
                event="withdrawn",
                fields=case.fields,
                attrs={**attrs, "closed_at": iso(facts.received_at), "close_reason": "withdrawn"},
                replies=(ReplyIntent("notice", "pin_withdrawn", {}),),
                cancel_deadlines=(*PREPIN_TIMERS, PIN_TIMEOUT, *report_timers()),
                rule_ids=("R-PIN-28", "D-35"),
            )
        if case.state == NEEDS_INFO and facts.letter_kind not in _FOLLOWUPS:
            attrs.update(client_keys(facts.fields))
            return _complete_or_clarify(case, facts, attrs, ctx, event="clarification-answer")
        if facts.letter_kind == "pin_confirmation":
            return software_list(case, facts, ctx)
        if facts.letter_kind == "pin_extension":
            return extension_request(case, facts, ctx)
        if facts.letter_kind == "annual_report":
            return on_report(case, facts, ctx)
        if case.state not in ACTIVE:
            # R-THR-11: the letter is kept; the partner learns the final state.
            return _same(
                case,
                "letter-in-closed-case",
                replies=(ReplyIntent("notice", "pin_closed_thread", {}),),
                rules=("R-THR-11",),
            )
        return noted(case, facts, "followup")

    # -- timers ----------------------------------------------------------------------------

    def deadline(
        self, case: CaseView, kind: str, due_at: datetime, payload: dict[str, Any], ctx: RuleContext
    ) -> Decision | None:
        return on_pin_deadline(case, kind, due_at, ctx)

    def action(self, case: CaseView, request, ctx: RuleContext) -> Decision:
        return on_pin_action(case, request, ctx)


_FOLLOWUPS = ("pin_confirmation", "pin_extension", "annual_report")


def _complete_or_clarify(
    case: CaseView | None,
    facts: LetterFacts,
    attrs: dict[str, Any],
    ctx: RuleContext,
    *,
    event: str,
) -> Decision:
    findings = facts.findings
    if findings.complete:
        return _on_complete(case, facts, attrs, ctx, event=event)
    timeout = ctx.calendar.add_working_days(
        facts.received_at, ctx.policy.pin.clarification_timeout_wd
    )
    invalid = tuple({"field": i.field, "reason": i.reason} for i in findings.invalid)
    quoted = [{**i, "raw": (facts.fields.get(i["field"]) or {}).get("raw", "")} for i in invalid]
    return Decision(
        state=NEEDS_INFO,
        event=event,
        fields=facts.fields,
        missing=findings.missing,
        invalid=invalid,
        attrs={**attrs, "timeout_at": iso(timeout), "last_request_at": iso(facts.received_at)},
        replies=(
            ReplyIntent(
                "clarification",
                "pin_clarify",
                {"missing": list(findings.missing), "invalid": quoted, "timeout_at": timeout},
            ),
        ),
        deadlines=(DeadlineIntent(PIN_TIMEOUT, timeout, "D-25", {}),),
        cancel_deadlines=(PIN_TIMEOUT,),
        rule_ids=("R-PIN-2", "R-VAL-7"),
    )


def _on_complete(
    case: CaseView | None,
    facts: LetterFacts,
    attrs: dict[str, Any],
    ctx: RuleContext,
    *,
    event: str,
) -> Decision:
    """R-PIN-3 … R-PIN-9, R-PIN-29: duplicate, conflict, HQ review or pre-pin — at completion."""
    identity = facts.identity
    assert identity is not None
    keys = client_keys(facts.fields)
    me = case.id if case else None
    own = [
        v
        for v in registry_cases(ctx, OWN_ACTIVE, identity.partner_id)
        if v.id != me and matches(v, keys)
    ]
    if own:
        existing = own[0]
        return Decision(
            state=DUPLICATE,
            event="duplicate",
            fields=facts.fields,
            attrs={**attrs, "duplicate_of": existing.number, "close_reason": "duplicate"},
            replies=(
                ReplyIntent(
                    "notice",
                    "pin_dup",
                    {
                        "existing": existing.number,
                        "existing_state": existing.state,
                        "existing_attrs": with_instants(existing.attrs),
                    },
                ),
            ),
            cancel_deadlines=(PIN_TIMEOUT,),
            rule_ids=("R-PIN-6",),
        )
    holders = [
        v
        for v in registry_cases(ctx, HOLDING)
        if v.partner_id != identity.partner_id and matches(v, keys)
    ]
    if holders:
        return Decision(
            state=REJECTED,
            event="rejected-pinned-by-other",
            fields=facts.fields,
            attrs={
                **attrs,
                "close_reason": "pinned_by_other",
                "conflict_with": holders[0].number,
                "flags": ["pinned_by_other"],
            },
            replies=(
                ReplyIntent(
                    "rejection",
                    "pin_rej",
                    {
                        "reason": "pinned_by_other",
                        "holder": disclosed_holder(ctx, holders[0].partner_id),
                    },
                ),
            ),
            cancel_deadlines=(PIN_TIMEOUT,),
            rule_ids=("R-PIN-3", "R-PIN-4", "R-PIN-9"),
        )
    flags = possible_conflicts(keys, identity.partner_id, ctx)
    cooldown = recent_own_expiry(keys, identity.partner_id, facts.received_at, ctx)
    if cooldown or ctx.policy.pin.confirmation_mode == "manual":
        reason = "repeat_after_expiry" if cooldown else "manual_mode"
        return Decision(
            state=AWAITING_HQ,
            event="awaiting-hq",
            fields=facts.fields,
            attrs={**attrs, "hq_review_reason": reason, "flags": flags},
            replies=(ReplyIntent("notice", "pin_hqreview", {"reason": reason}),),
            cancel_deadlines=(PIN_TIMEOUT,),
            hq_alerts=(HqAlert("curator", "hq_alert_pin_review", {"reason": reason}),),
            rule_ids=("R-PIN-8", "R-PIN-29"),
        )
    decision = prepin(facts.fields, {**attrs, "flags": flags}, facts.received_at, ctx, event)
    # R-VAL-2: warnings do not block; the acceptance lists them for the partner to check.
    warnings = tuple({"field": w.field, "reason": w.reason} for w in facts.findings.warnings)
    replies = tuple(
        replace(r, context={**r.context, "warnings": list(warnings)}) for r in decision.replies
    )
    return replace(
        decision,
        warnings=warnings,
        replies=replies,
        cancel_deadlines=(*decision.cancel_deadlines, PIN_TIMEOUT),
    )

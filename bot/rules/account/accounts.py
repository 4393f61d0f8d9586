"""The Service Desk account request (spec §5.5, R-ID-3, R-ID-9, R-HQ-13). Pure.

States: needs_info (A-ACC-CLARIFY), awaiting_hq (A-ACC-ACK), and the terminal done
(A-ACC-DONE, the addresses registered by the shell, R-ID-9) and rejected (A-ACC-REJ, or
A-REJ-ID for a non-partner, R-ID-3).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.rules import action_params as p
from bot.rules.action_base import ActionRefused, ActionRequest, run_action
from bot.rules.case_helpers import after_close, as_list, hq_question, letter_event, same, value
from bot.rules.decide import CaseView, Decision, ReplyIntent, iso
from bot.rules.kinds import LetterFacts, RuleContext

NEEDS_INFO, AWAITING_HQ, DONE, REJECTED = "needs_info", "awaiting_hq", "done", "rejected"
TERMINAL = frozenset({DONE, REJECTED})
APPROVED_EVENT = "accounts-approved"  # the shell registers `approved_accounts` (R-ID-9)


def employees(fields: dict[str, Any]) -> list[dict[str, str]]:
    """The listed employees (full name, e-mail), e-mails lower-cased."""
    out = []
    for item in as_list(value(fields, "employees")):
        if isinstance(item, dict) and item.get("email"):
            out.append(
                {"full_name": str(item.get("full_name") or ""), "email": str(item["email"]).lower()}
            )
    return out


def assess(case: CaseView | None, facts: LetterFacts, ctx: RuleContext, event: str) -> Decision:
    """R-ID-3: only a partner with an active agreement; §3.8: names, e-mails, consent."""
    attrs = dict(case.attrs) if case else {}
    attrs.setdefault("received_at", iso(facts.received_at))
    identity = facts.identity
    if identity is None or not identity.active:
        attrs.update(close_reason="not_partner", closed_at=iso(facts.received_at))
        return Decision(
            state=REJECTED,
            event="rejected-not-partner",
            fields=facts.fields,
            attrs=attrs,
            replies=(ReplyIntent("rejection", "rej_id", {"reason": "not_partner"}),),
            rule_ids=("R-ID-3",),
        )
    attrs["requested_accounts"] = employees(facts.fields)
    missing = facts.findings.missing
    invalid = tuple({"field": i.field, "reason": i.reason} for i in facts.findings.invalid)
    if missing or invalid:
        return Decision(
            state=NEEDS_INFO,
            event=event,
            fields=facts.fields,
            missing=missing,
            invalid=invalid,
            attrs=attrs,
            replies=(
                ReplyIntent(
                    "clarification",
                    "acc_clarify",
                    {"missing": list(missing), "invalid": list(invalid), "hq_text": None},
                ),
            ),
            rule_ids=("R-ID-9", "R-VAL-7"),
        )
    return Decision(
        state=AWAITING_HQ,
        event=event,
        fields=facts.fields,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "acc_ack", {"accounts": attrs["requested_accounts"]}),),
        rule_ids=("R-ID-9",),
    )


def on_letter(case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
    attrs = dict(case.attrs)
    if case.state in TERMINAL:
        return after_close(case, attrs)
    if letter_event(facts) == "status_query" and not facts.attachments:
        return same(
            case,
            "status-query",
            attrs,
            replies=(ReplyIntent("notice", "acc_status", {}),),
            rule_ids=("R-HQ-13",),
        )
    if case.state == NEEDS_INFO:
        return assess(case, facts, ctx, "clarification-answer")
    return same(
        case,
        "followup",
        attrs,
        replies=(
            ReplyIntent("notice", "followup_received", {"attachments": list(facts.attachments)}),
        ),
        rule_ids=("R-MBX-8",),
    )


def _approve(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """R-ID-9: the listed addresses (or those HQ names in `addresses=a,b`) are registered."""
    p.need_state(case, "approve_accounts", {AWAITING_HQ})
    listed = list(case.attrs.get("requested_accounts") or [])
    chosen = p.optional_text(request, "addresses")
    if chosen:
        wanted = {a.strip().lower() for a in chosen.split(",") if a.strip()}
        unknown = wanted - {e["email"] for e in listed}
        if unknown:
            raise ActionRefused(
                f"approve_accounts: {', '.join(sorted(unknown))} not in the request; listed: "
                f"{', '.join(e['email'] for e in listed) or 'none'}"
            )
        listed = [e for e in listed if e["email"] in wanted]
    if not listed:
        raise ActionRefused(
            "approve_accounts: the request lists no e-mail; ask with request_info or "
            "reject_accounts --reason"
        )
    if case.partner_id is None:
        raise ActionRefused("approve_accounts: the case has no partner; reject it (R-ID-3)")
    attrs = {
        **case.attrs,
        "approved_accounts": listed,
        "closed_at": iso(ctx.now),
        "close_reason": "approved",
    }
    return Decision(
        state=DONE,
        event=APPROVED_EVENT,
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "acc_done", {"accounts": listed}),),
        rule_ids=("R-ID-9", "R-ID-2"),
    )


def _reject(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    p.need_state(case, request.name, {AWAITING_HQ, NEEDS_INFO})
    reason = p.required_text(request, "reason")
    attrs = {**case.attrs, "close_reason": reason, "closed_at": iso(ctx.now)}
    return Decision(
        state=REJECTED,
        event="rejected-by-hq",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("rejection", "acc_rej", {"reason": reason}),),
        rule_ids=("R-ID-9",),
    )


def _request_info(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    p.need_state(case, "request_info", {AWAITING_HQ})
    return hq_question(case, p.required_text(request, "text"), "acc_clarify", ("R-ID-9",))


_HANDLERS: dict[str, Callable[[CaseView, ActionRequest, RuleContext], Decision]] = {
    "approve_accounts": _approve,
    "reject_accounts": _reject,
    "reject": _reject,
    "request_info": _request_info,
}
ACCOUNT_ACTIONS = tuple(sorted(_HANDLERS))


class AccountRules:
    """The Service Desk account request (spec §5.5), registered for kind `sd_account`."""

    def new_case(self, facts: LetterFacts, ctx: RuleContext) -> Decision:
        return assess(None, facts, ctx, "created")

    def followup(self, case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
        return on_letter(case, facts, ctx)

    def deadline(
        self, case: CaseView, kind: str, due_at: datetime, payload: dict[str, Any], ctx: RuleContext
    ) -> Decision | None:
        return None  # no timer of its own: HQ's review shows in the owner's digest (R-HQ-7)

    def action(self, case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
        return run_action(_HANDLERS, case, request, ctx, "Service Desk account request")

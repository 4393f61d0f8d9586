"""The registry as a pin's rules read it (R-PIN-3 … R-PIN-6, R-PIN-27, R-PIN-29): other pin
cases for the same client, through the read-only lookups."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.rules.decide import Decision, ReplyIntent, when
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.pin.states import ANSWERED, EXPIRED, HOLDING, KIND, matches
from bot.rules.pin.terms import disclosed_holder


def status_answer(
    facts: LetterFacts, keys: dict[str, Any], attrs: dict[str, Any], ctx: RuleContext
) -> Decision:
    """R-PIN-27: free / taken by another partner / yours; the query case closes at once."""
    holders = [v for v in registry_cases(ctx, HOLDING) if matches(v, keys)]
    identity = facts.identity
    own = [v for v in holders if identity and v.partner_id == identity.partner_id]
    status = "yours" if own else ("taken" if holders else "free")
    context = {
        "status": status,
        "own_case": own[0].number if own else None,
        "client_inn": keys.get("client_inn"),
        "holder": disclosed_holder(ctx, holders[0].partner_id) if status == "taken" else None,
    }
    return Decision(
        state=ANSWERED,
        event="status-answered",
        fields=facts.fields,
        attrs={**attrs, "close_reason": "status_query"},
        replies=(ReplyIntent("notice", "pin_status", context),),
        rule_ids=("R-PIN-27",),
    )


def registry_cases(ctx: RuleContext, states: tuple[str, ...], partner_id: int | None = None):
    if ctx.lookups is None:
        return []
    return ctx.lookups.cases(kind=KIND, states=states, partner_id=partner_id)


def possible_conflicts(keys: dict[str, Any], partner_id: int, ctx: RuleContext) -> list[str]:
    """R-PIN-5: same contract number with another date, or same name with another INN."""
    flags = []
    for view in registry_cases(ctx, HOLDING):
        if view.partner_id == partner_id:
            continue
        attrs = view.attrs
        same_number = keys.get("contract_number") and attrs.get("contract_number") == keys.get(
            "contract_number"
        )
        if same_number and attrs.get("contract_key") != keys.get("contract_key"):
            flags.append(f"possible_conflict:{view.number}")
        same_name = keys.get("client_name") and attrs.get("client_name") == keys.get("client_name")
        if same_name and attrs.get("client_inn") != keys.get("client_inn"):
            flags.append(f"possible_conflict:{view.number}")
    return sorted(set(flags))


def recent_own_expiry(
    keys: dict[str, Any], partner_id: int, at: datetime, ctx: RuleContext
) -> bool:
    """R-PIN-29: the same partner's own pre-pin for this client expired recently."""
    limit = timedelta(days=ctx.policy.pin.repin_cooldown_days)
    for view in registry_cases(ctx, (EXPIRED,), partner_id):
        expired_at = when(view.attrs, "expired_at")
        if matches(view, keys) and expired_at is not None and at - expired_at < limit:
            return True
    return False


def with_instants(attrs: dict[str, Any]) -> dict[str, Any]:
    out = dict(attrs)
    for key, value in attrs.items():
        if isinstance(value, str) and key.endswith("_at"):
            out[key] = datetime.fromisoformat(value)
    return out

"""Pin states, timers and registry keys (spec §5.1), shared by the pin rule modules."""

from __future__ import annotations

from typing import Any

from bot.rules.decide import (
    CaseView,
    Decision,
    ReplyIntent,
    field_value,
    unchanged,
)
from bot.rules.kinds import LetterFacts

KIND = "pin_request"
NEEDS_INFO, AWAITING_HQ, PRE_PINNED, PINNED = "needs_info", "awaiting_hq", "pre_pinned", "pinned"
REPORT_OVERDUE, UNPIN_PENDING = "report_overdue", "unpin_pending"
REJECTED, DUPLICATE, EXPIRED, UNPINNED, WITHDRAWN, ANSWERED = (
    "rejected", "duplicate", "expired", "unpinned", "withdrawn", "answered",
)  # fmt: skip
ACTIVE = (NEEDS_INFO, AWAITING_HQ, PRE_PINNED, PINNED, REPORT_OVERDUE, UNPIN_PENDING)
# R-PIN-3: a client is taken while another partner holds it in one of these states.
HOLDING = (PRE_PINNED, PINNED, REPORT_OVERDUE, UNPIN_PENDING)
# R-PIN-6: the same partner's own active cases for the same client.
OWN_ACTIVE = (NEEDS_INFO, AWAITING_HQ, PRE_PINNED, PINNED, REPORT_OVERDUE)

PIN_EXPIRY, PIN_REMIND, PIN_TIMEOUT, EXT_ALERT = (
    "pin_expiry", "pin_remind", "pin_clarify_timeout", "pin_extension_alert",
)  # fmt: skip
PREPIN_TIMERS = (PIN_EXPIRY, PIN_REMIND, EXT_ALERT)


def client_keys(fields: dict[str, Any]) -> dict[str, Any]:
    """The registry keys of a request: INN, normalised contract key, name (R-VAL-9)."""
    contract = field_value(fields, "contract_ref") or {}
    return {
        "client_inn": field_value(fields, "client_inn"),
        "client_name": field_value(fields, "client_name"),
        "contract_key": contract.get("key") if isinstance(contract, dict) else None,
        "contract_number": contract.get("number") if isinstance(contract, dict) else None,
    }


def matches(view: CaseView, keys: dict[str, Any]) -> bool:
    attrs = view.attrs
    inn, contract = keys.get("client_inn"), keys.get("contract_key")
    return bool(
        (inn and attrs.get("client_inn") == inn)
        or (contract and attrs.get("contract_key") == contract)
    )


_same = unchanged


def noted(case: CaseView, facts: LetterFacts, event: str) -> Decision:
    """R-MBX-8: a letter that changes nothing is still acknowledged, with its files."""
    return _same(
        case,
        event,
        rules=("R-MBX-8",),
        replies=(
            ReplyIntent("notice", "followup_received", {"attachments": list(facts.attachments)}),
        ),
    )

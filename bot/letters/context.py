"""What every letter about a case says of it: the template context shared by partner replies
and HQ notices, and the mailbox a case's letters come from (R-NTF-2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.apply_types import ApplierConfig
from bot.partners import partner_name
from bot.rules.recipients import bounded
from bot.store.models import Case


def reply_mailbox(config: ApplierConfig, case: Case) -> str:
    """R-NTF-2: From/Reply-To is the mailbox of the case's kind."""
    return config.support_address if case.kind == "ticket" else config.general_address


def case_context(
    session: Session, case: Case, config: ApplierConfig, now: datetime
) -> dict[str, Any]:
    """The case as every reply and notice template reads it."""
    fields = dict(case.fields or {})

    def field_value(code: str) -> str:
        item = fields.get(code) or {}
        return str(item.get("raw") or item.get("value") or "—")

    return {
        "case_number": case.number,
        "kind": case.kind,
        "state": case.state,
        # A reply quotes a bounded subject, whatever the letter's (R-NTF-3, issue 19).
        "topic": bounded(case.subject or "(без темы)"),
        "company": config.company,
        "phone": config.phone,
        "reply_mailbox": reply_mailbox(config, case),
        "general_mailbox": config.general_address,
        "attrs": instants(case.attrs or {}),
        "missing": list(case.missing or []),
        "invalid": list(case.invalid or []),
        "now": now,
        "partner_name": partner_name(session, case.partner_id) if case.partner_id else None,
        "field_value": field_value,
        "at_risk_ratio": config.at_risk_ratio,
        "previous_case": (case.attrs or {}).get("previous_case"),
        "right_mailbox": None,
    }


class CaseAttrs(dict[str, Any]):
    """A case's attributes in a template: one not set yet reads as None. Attributes come
    with the case's progress (`last_hq_action_at` only after an HQ action), and a status
    question may meet any state (issue 19: a fresh ticket's status reply was quarantined)."""

    def __missing__(self, key: str) -> None:
        return None


def instants(attrs: dict[str, Any]) -> CaseAttrs:
    """Attributes for templates: ISO strings of `*_at`/`*_until` keys become datetimes."""
    out = CaseAttrs(attrs)
    for key, value in attrs.items():
        if isinstance(value, str) and key.endswith(("_at", "_until")):
            try:
                out[key] = datetime.fromisoformat(value)
            except ValueError:
                continue
    return out

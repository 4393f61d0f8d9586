"""R-ID-9: approved Service Desk accounts become the partner's registered addresses, so that
R-ID-2 identifies their tickets from then on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.rules.action_base import ActionRefused
from bot.store.models import PartnerAddress


def register_accounts(
    session: Session, partner_id: int, accounts: list[dict[str, Any]], now: datetime
) -> list[str]:
    """Add each e-mail to the partner; one registered to another partner refuses the whole
    approval (nothing changes), since an address identifies exactly one partner (R-ID-1)."""
    added: list[str] = []
    for account in accounts:
        email = str(account["email"]).lower()
        existing = session.get(PartnerAddress, email)
        if existing is not None and existing.partner_id != partner_id:
            raise ActionRefused(
                f"approve_accounts: {email} is registered to another partner (id "
                f"{existing.partner_id}); remove it there first or approve the others with "
                "--param addresses=a@x,b@x. Nothing was changed"
            )
        if existing is None:
            row = PartnerAddress(
                email=email,
                partner_id=partner_id,
                kind="sd_account",
                full_name=account.get("full_name") or None,
                created_at=now,
            )
            session.add(row)
            added.append(email)
    session.flush()
    return added

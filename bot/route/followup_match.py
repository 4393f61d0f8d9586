"""R-THR-4 step 5: a license document letter without a case reference joins the sender's one
license case that waits for that document. Two or more candidates are never guessed between
(D-39): the letter then opens its own case as before."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Case
from parsers.extract_followups import license_event

# §2.2: which state expects which document.
EXPECTED_STATE = {
    "signed_scans": "awaiting_signed_scans",
    "payment_order": "awaiting_payment",
    "originals_received": "awaiting_originals",
    "originals_returned": "awaiting_originals",
}


def license_case_for(session: Session, partner_id: int, text: str) -> Case | None:
    state = EXPECTED_STATE.get(license_event(text) or "")
    if state is None:
        return None
    candidates = session.scalars(
        select(Case)
        .where(
            Case.kind == "license_request",
            Case.partner_id == partner_id,
            Case.state == state,
        )
        .limit(2)
    ).all()
    return candidates[0] if len(candidates) == 1 else None

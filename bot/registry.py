"""The client registry (000 §3, R-PIN-30): who holds which client, since when, until when.

It is a view over pin cases, so it can never disagree with them; its history is the pin
cases' audit log (R-HQ-6), each change with its date and reason.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Case, CaseEvent, Partner

KIND = "pin_request"
PUBLISHED = {
    "pre_pinned": "pre_pinned",
    "pinned": "pinned",
    "report_overdue": "pinned",
    "unpin_pending": "pinned",
}  # R-PIN-30: overdue and pending show as pinned
COLUMNS = ("client_name", "client_inn", "status", "since", "expires", "holder", "case")


def registry_rows(session: Session, *, publish_holder: bool) -> list[dict[str, Any]]:
    cases = session.scalars(
        select(Case).where(Case.kind == KIND, Case.state.in_(tuple(PUBLISHED))).order_by(Case.id)
    )
    rows = []
    for case in cases:
        attrs = case.attrs or {}
        partner = session.get(Partner, case.partner_id) if case.partner_id else None
        status = PUBLISHED[case.state]
        rows.append(
            {
                "client_name": attrs.get("client_name"),
                "client_inn": attrs.get("client_inn"),
                "status": status,
                "since": attrs.get("registry_since"),
                "expires": attrs.get("prepin_expires_at") if status == "pre_pinned" else None,
                "holder": partner.name if (partner and publish_holder) else None,
                "case": case.number,
            }
        )
    return rows


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def client_history(session: Session, inn: str) -> list[dict[str, Any]]:
    """Every state change of every pin case for this INN, oldest first."""
    cases = {
        case.id: case
        for case in session.scalars(select(Case).where(Case.kind == KIND))
        if (case.attrs or {}).get("client_inn") == inn
    }
    if not cases:
        return []
    events = session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id.in_(tuple(cases)))
        .order_by(CaseEvent.at, CaseEvent.id)
    )
    history = []
    for event in events:
        if event.old_state == event.new_state and event.old_state is not None:
            continue
        case = cases[event.case_id]
        partner = session.get(Partner, case.partner_id) if case.partner_id else None
        history.append(
            {
                "at": event.at.isoformat(),
                "case": case.number,
                "partner": partner.name if partner else None,
                "from": event.old_state,
                "to": event.new_state,
                "event": event.event,
                "by": event.actor,
                "rules": (event.details or {}).get("rules", []),
                "reason": (case.attrs or {}).get("close_reason")
                if event.new_state in {"rejected", "expired", "unpinned", "withdrawn", "duplicate"}
                else None,
            }
        )
    return history

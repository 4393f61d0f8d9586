"""Pin follow-ups written without a thread reference (R-THR-4 step 4, R-THR-6, R-PIN-21).

A software list, an extension request or a yearly report that quotes no case is matched to
the sender's partner's active pin cases by the client INN or case number it names. Exactly
one match joins that case; what to do with several or none (a report on several clients,
A-UNMATCHED rather than a guess, D-39) is decided and applied by the pipeline's apply
stage (`bot.pipeline.unthreaded`). Never across partners. Reads only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Case
from parsers.context import MAX_REFS
from parsers.types import FieldStatus, Kind, RequestData

PIN_FOLLOWUPS = frozenset({Kind.PIN_CONFIRMATION, Kind.PIN_EXTENSION, Kind.ANNUAL_REPORT})
PIN_ACTIVE = (
    "needs_info",
    "awaiting_hq",
    "pre_pinned",
    "pinned",
    "report_overdue",
    "unpin_pending",
)


def _refs(request: RequestData) -> list[dict[str, Any]]:
    """The case numbers and INNs the letter names, each once, at most MAX_REFS (issue 19)."""
    refs: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}
    for code in ("pin_refs", "pin_ref"):
        item = request.fields.get(code)
        if item is None or item.status not in (FieldStatus.VALID, FieldStatus.VALID_WITH_WARNING):
            continue
        values = item.value if isinstance(item.value, list) else [item.value]
        for value in values[:MAX_REFS]:
            if isinstance(value, dict):
                refs.setdefault(tuple(sorted((k, repr(v)) for k, v in value.items())), value)
    return list(refs.values())[:MAX_REFS]


def pin_targets(
    session: Session, partner_id: int, request: RequestData, *, by_client: bool = False
) -> tuple[list[Case], list[Case]]:
    """(matched cases, the partner's active pin cases as candidates for the reply);
    `by_client`: the client INN the letter names counts as a reference too (a withdrawal)."""
    candidates = list(
        session.scalars(
            select(Case)
            .where(
                Case.kind == "pin_request",
                Case.partner_id == partner_id,
                Case.state.in_(PIN_ACTIVE),
            )
            .order_by(Case.id)
        )
    )
    refs = _refs(request)
    client = request.fields.get("client_inn")
    if by_client and client is not None and client.status == FieldStatus.VALID:
        refs.append({"inn": client.value})
    matched: list[Case] = []
    for ref in refs:
        for case in candidates:
            by_number = ref.get("case") and ref.get("case") == case.number
            by_inn = ref.get("inn") and ref.get("inn") == (case.attrs or {}).get("client_inn")
            if (by_number or by_inn) and case not in matched:
                matched.append(case)
    return matched, candidates

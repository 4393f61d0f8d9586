"""Pin follow-ups written without a thread reference (R-THR-4 step 4, R-THR-6, R-PIN-21).

A software list, an extension request or a yearly report that quotes no case is matched to
the sender's partner's active pin cases by the client INN or case number it names. Exactly
one match joins that case; a report naming several clients joins each of them; anything
else is answered with A-UNMATCHED rather than guessed (D-39). Never across partners.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import parsers
from bot.lookups import SessionLookups
from bot.rules.decide import Decision, ReplyIntent
from bot.store.case_views import view_of
from bot.store.models import Case
from parsers.context import MAX_REFS
from parsers.requirements import check
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
    session: Session, partner_id: int, request: RequestData
) -> tuple[list[Case], list[Case]]:
    """(matched cases, the partner's active pin cases as candidates for the reply)."""
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
    matched: list[Case] = []
    for ref in _refs(request):
        for case in candidates:
            by_number = ref.get("case") and ref.get("case") == case.number
            by_inn = ref.get("inn") and ref.get("inn") == (case.attrs or {}).get("client_inn")
            if (by_number or by_inn) and case not in matched:
                matched.append(case)
    return matched, candidates


def route_unthreaded(
    session: Session,
    pipeline: Any,
    ctx: Any,
    classification: Any,
) -> tuple[Case | None, dict[str, Any] | None]:
    """(the case to continue with, or the finished outcome when this function answered)."""
    kind = classification.kind
    request = parsers.extract(ctx.letter, kind, received_at=ctx.received_at)
    matched, candidates = pin_targets(session, ctx.identity.partner_id, request)
    if len(matched) == 1:
        return matched[0], None
    applier, rules = pipeline._applier, pipeline._rules
    if len(matched) > 1 and kind == Kind.ANNUAL_REPORT:
        # R-PIN-21: one letter reports on several clients: recorded on every matched case.
        findings = check(request)
        for case in matched:
            facts = pipeline._facts(
                case.kind, findings, dict(case.fields), ctx, classification, request
            )
            decision = rules.followup(view_of(case), facts, SessionLookups(session))
            applier.update_case(session, ctx, case, replace(decision, replies=()))
        summary = Decision(
            state=matched[0].state,
            event="combined-report",
            fields=matched[0].fields,
            replies=(
                ReplyIntent(
                    "acceptance",
                    "rpt_ack_combined",
                    {
                        "cases": [
                            {
                                "number": c.number,
                                "client_name": (c.attrs or {}).get("client_name"),
                                "client_inn": (c.attrs or {}).get("client_inn"),
                                "state": c.state,
                                "report_due_at": (c.attrs or {}).get("report_due_at"),
                            }
                            for c in matched
                        ]
                    },
                ),
            ),
            rule_ids=("R-PIN-21",),
        )
        replies = applier.flush_replies(session, matched[0], ctx, summary)
        return None, {"case": matched[0], "replies": replies, "decision": summary}
    # R-THR-4 step 6: not guessed; the partner is asked to answer in the right thread.
    decision = Decision(
        state="unmatched",
        event="unmatched",
        fields={},
        replies=(
            ReplyIntent(
                "clarification",
                "unmatched",
                {"candidates": [c.number for c in (matched or candidates)]},
            ),
        ),
        rule_ids=("R-THR-4",),
    )
    case = applier.open_case(session, ctx, decision)
    replies = applier.flush_replies(session, case, ctx, decision)
    return None, {"case": case, "replies": replies, "decision": decision}

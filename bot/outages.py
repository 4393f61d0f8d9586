"""Outage notices (R-TKT-21, seed 001 item 15): HQ declares that a service is down; when it
has been down longer than `outage_notice.threshold_minutes`, the partners concerned get
A-OUTAGE with the expected fix time, and A-OUTAGE-END when HQ ends it.

An outage is kept as a case of kind `outage` (number OUT-…, no partner): its history, attrs
and letters are then visible like any case's, with no new table. The notice is a timer in
effect: `notices_due` runs in every tick, and each outage's letters and its state change are
one transaction, so a killed tick sends them once, at the next tick.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.letters.partner import PartnerLetters
from bot.partners import contact_addresses
from bot.policy import Policy
from bot.rules.action_base import ActionRefused
from bot.rules.decide import ReplyIntent
from bot.store.models import Case, CaseEvent, Partner

OUTAGE = "outage"
OUTAGE_ACTIONS = ("declare_outage", "end_outage")
DECLARED, NOTIFIED, ENDED = "declared", "notified", "ended"
# Tickets still in work: their partners are "concerned" under audience = service.
_CLOSED_TICKET = ("closed", "rejected", "merged", "quarantined")


def outage_action(
    session: Session,
    writer: PartnerLetters,
    policy: Policy,
    number: str,
    name: str,
    params: dict[str, Any],
    actor: str,
    now: datetime,
) -> tuple[str, str, list[dict[str, Any]]]:
    """declare_outage (the case number is ignored: a new outage is created) or end_outage;
    returns the outage's number, its state and the letters written."""
    if not policy.outage_notice.enabled:
        raise ActionRefused(
            "outage notices are off in this policy (R-TKT-21); set outage_notice.enabled = "
            "true in the policy file to use declare_outage and end_outage"
        )
    if name == "declare_outage":
        case = _declare(session, policy, params, actor, now)
        return case.number or "", case.state, []
    case = session.scalar(select(Case).where(Case.number == number.upper(), Case.kind == OUTAGE))
    if case is None:
        raise ActionRefused(f"no outage {number}; declare_outage returned its OUT-… number")
    if case.state == ENDED:
        raise ActionRefused(f"outage {case.number} has already ended; nothing to do")
    ended_at = _instant(params, "ended_at", now)
    notified = case.state == NOTIFIED
    _move(session, case, ENDED, actor, now, {"ended_at": ended_at.isoformat()})
    if not notified:
        return case.number or "", case.state, []  # ended before anyone had to be told
    letters = _send(session, writer, case, "outage_end", list(case.attrs.get("notified_to", [])))
    return case.number or "", case.state, letters


def notices_due(
    session: Session, writer: PartnerLetters, policy: Policy, now: datetime
) -> list[dict]:
    """A-OUTAGE for every declared outage past its threshold (the tick's timer)."""
    if not policy.outage_notice.enabled:
        return []
    out: list[dict[str, Any]] = []
    declared = session.scalars(
        select(Case).where(Case.kind == OUTAGE, Case.state == DECLARED).with_for_update()
    ).all()
    for case in declared:
        if datetime.fromisoformat(case.attrs["notice_due_at"]) > now:
            continue
        audience = _audience(session, policy, str(case.attrs["service"]))
        _move(session, case, NOTIFIED, "scheduler", now, {"notified_to": audience})
        out += _send(session, writer, case, "outage", audience)
    return out


def _declare(
    session: Session, policy: Policy, params: dict[str, Any], actor: str, now: datetime
) -> Case:
    service = str(params.get("service") or "").strip()
    if not service:
        raise ActionRefused("declare_outage needs --param service=NAME, e.g. «Omnicomm Online»")
    started_at = _instant(params, "started_at", now)
    expected = params.get("expected_fix")
    expected_at = _instant(params, "expected_fix", now) if expected else None
    due = started_at + timedelta(minutes=policy.outage_notice.threshold_minutes)
    case = Case(
        kind=OUTAGE,
        state=DECLARED,
        mailbox="general",
        requester=actor,
        subject=f"Недоступен сервис «{service}»",
        fields={},
        missing=[],
        invalid=[],
        created_at=now,
        updated_at=now,
        policy_version=policy.version,
        attrs={
            "service": service,
            "started_at": started_at.isoformat(),
            "expected_fix_at": expected_at.isoformat() if expected_at else None,
            "notice_due_at": due.isoformat(),
            "owner_role": "service_desk",
        },
    )
    session.add(case)
    session.flush()
    case.number = f"OUT-{case.id:06d}"
    session.add(
        CaseEvent(
            case_id=case.id,
            at=now,
            actor=actor,
            event="outage-declared",
            old_state=None,
            new_state=DECLARED,
            details={"rule_ids": ["R-TKT-21"], "service": service},
        )
    )
    return case


def _move(
    session: Session, case: Case, state: str, actor: str, now: datetime, attrs: dict[str, Any]
) -> None:
    session.add(
        CaseEvent(
            case_id=case.id,
            at=now,
            actor=actor,
            event=f"outage-{state}",
            old_state=case.state,
            new_state=state,
            details={"rule_ids": ["R-TKT-21"]},
        )
    )
    case.state = state
    case.attrs = {**case.attrs, **attrs}
    case.updated_at = now


def _audience(session: Session, policy: Policy, service: str) -> list[str]:
    """The contact e-mail of each partner concerned (001 item 15: «указанной в качестве
    контактной»): the official address, else its contact addresses, else its first one."""
    partners = select(Partner).where(Partner.status == "active").order_by(Partner.id)
    if policy.outage_notice.audience == "service":
        with_tickets = select(Case.partner_id).where(
            Case.kind == "ticket",
            Case.state.not_in(_CLOSED_TICKET),
            Case.subject.ilike(f"%{service}%"),
        )
        partners = partners.where(Partner.id.in_(with_tickets))
    out: list[str] = []
    for partner in session.scalars(partners):
        out += [a for a in contact_addresses(session, partner) if a not in out]
    return out


def _send(
    session: Session, writer: PartnerLetters, case: Case, template: str, to: list[str]
) -> list[dict[str, Any]]:
    attrs = case.attrs
    context = {
        **writer.common_context(session, case),
        "service": attrs["service"],
        "started_at": datetime.fromisoformat(attrs["started_at"]),
        "expected_fix_at": _parsed(attrs.get("expected_fix_at")),
        "ended_at": _parsed(attrs.get("ended_at")),
    }
    intent = ReplyIntent("notice", template, context)
    out: list[dict[str, Any]] = []
    for address in to:
        # One letter per address and outage event: the unique key makes a second impossible.
        out += writer.queue_reply(  # the same writer as every partner letter (R-MBX-4)
            session,
            case,
            intent,
            context,
            address,
            dedupe_key=f"outage:{case.id}:{template}:{address}",
            letter_id=None,
            in_reply_to=None,
            references=(),
            auto_submitted="auto-generated",
        )
    return out


def _instant(params: dict[str, Any], key: str, default: datetime) -> datetime:
    value = params.get(key)
    if not value:
        return default
    try:
        instant = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ActionRefused(
            f"{key} {value!r} is not a moment; give ISO 8601 with the zone, "
            "e.g. 2026-03-02T10:00+03:00"
        ) from exc
    if instant.tzinfo is None:
        raise ActionRefused(f"{key} {value!r} has no time zone; add it, e.g. +03:00")
    return instant


def _parsed(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None

"""Letters no partner letter asked for: the scheduler's (reminders, warnings, expiry
notices) and HQ actions', in the case thread (R-NTF-2, R-NTF-3, R-CAL-10, R-CAL-11)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.case_history import CaseHistory
from bot.clock import Clock
from bot.letters.hq import HqNotices
from bot.letters.partner import PartnerLetters
from bot.partners import contact_addresses
from bot.reply_guard import registered_addresses
from bot.rules.action_base import ActionRefused
from bot.rules.decide import Decision, ReplyIntent
from bot.rules.recipients import scheduler_copy
from bot.store.letter_bytes import get_bytes
from bot.store.models import Case, Deadline, Letter, OutboxMessage, Partner


class CaseLetters:
    """The letters that start from a timer or an HQ action, written as partner replies
    (`partner`) with the decision's HQ alerts (`hq`)."""

    def __init__(
        self, partner: PartnerLetters, hq: HqNotices, history: CaseHistory, clock: Clock
    ) -> None:
        self._partner = partner
        self._hq = hq
        self._history = history
        self._clock = clock

    def scheduled_replies(
        self, session: Session, case: Case, decision: Decision, deadline: Deadline
    ) -> list[dict[str, Any]]:
        """Letters caused by a due deadline: auto-generated (RFC 3834), in the case thread,
        at the decision's send slot (R-CAL-10) and copied to the partner's official address
        (R-NTF-3)."""
        if any(i.reply_kind == "reminder" for i in decision.replies) and overtaken(
            session, case, deadline, self._clock.now()
        ):
            # R-CAL-11: a reminder whose deadline passed during downtime is stale; only the
            # outcome (the later timer, due too) goes out.
            self._history.event(session, case, "reminder-stale", None, {"rule": "R-CAL-11"})
            kept = tuple(i for i in decision.replies if i.reply_kind != "reminder")
            decision = replace(decision, replies=kept)
        return self.case_letters(
            session,
            case,
            decision,
            origin=f"deadline:{deadline.id}",
            auto_submitted="auto-generated",
            send_at=decision.send_at,
            official_copy=True,
        )

    def case_letters(
        self,
        session: Session,
        case: Case,
        decision: Decision,
        *,
        origin: str,
        auto_submitted: str,
        send_at: datetime | None = None,
        official_copy: bool = False,
    ) -> list[dict[str, Any]]:
        """Letters not answering a letter (timers, HQ actions): to the partner's last
        correspondent in the case, in its thread (R-NTF-3), then the decision's HQ alerts."""
        partner = session.get(Partner, case.partner_id) if case.partner_id else None
        to = last_correspondent(session, case, partner, self._hq.ours())
        cc = (
            scheduler_copy(to, partner.official_email, ours=self._hq.ours())
            if official_copy and partner is not None
            else ()
        )
        last = (
            session.query(OutboxMessage.message_id)
            .filter(OutboxMessage.case_id == case.id, OutboxMessage.to_addr == to)
            .order_by(OutboxMessage.id.desc())
            .first()
        )
        in_reply_to = last[0] if last else None
        out: list[dict[str, Any]] = []
        for intent in decision.replies:
            context = {
                **self._partner.common_context(session, case),
                "received_at": case.created_at,
                "unknown_tags": [],
                **intent.context,
            }
            if intent.to_partner is not None:
                out += self._to_partner(session, case, intent, context, origin, auto_submitted)
                continue
            out += self._partner.queue_reply(
                session,
                case,
                intent,
                context,
                to,
                dedupe_key=f"{origin}:{intent.template}",
                letter_id=None,
                in_reply_to=in_reply_to,
                references=(in_reply_to,) if in_reply_to else (),
                auto_submitted=auto_submitted,
                cc=cc,
                send_at=send_at,
            )
        return out + self._hq.alerts(session, case, decision, origin)

    def _to_partner(
        self,
        session: Session,
        case: Case,
        intent: ReplyIntent,
        context: dict[str, Any],
        origin: str,
        auto_submitted: str,
    ) -> list[dict[str, Any]]:
        """A letter to another partner than the case's (R-PIN-26: the client's holder), at its
        contact address, with the case's first letter attached when the intent asks for it.
        It is a letter of the intent's `thread_case` (the holder's pin): its Message-ID and
        history are that case's, so the holder's answer reaches it, not this closed case."""
        partner = session.get(Partner, intent.to_partner)
        addresses = contact_addresses(session, partner) if partner is not None else []
        if not addresses:
            raise ActionRefused(
                f"partner {intent.to_partner} has no address to write to; add one with "
                "'partnerdesk partners add … --email …' and repeat the action"
            )
        first = session.scalars(
            select(Letter.id).where(Letter.case_id == case.id).order_by(Letter.id).limit(1)
        ).first()
        attached = get_bytes(session, first) if intent.forward_case_letter and first else None
        context = {**context, "partner_name": partner.name if partner else None}
        thread = (
            session.scalars(select(Case).where(Case.number == intent.thread_case)).first()
            if intent.thread_case
            else None
        )
        return self._partner.queue_reply(
            session,
            thread or case,
            intent,
            context,
            addresses[0],
            dedupe_key=f"{origin}:{intent.template}:{addresses[0]}",
            letter_id=None,
            in_reply_to=None,
            references=(),
            auto_submitted=auto_submitted,
            attached=attached,
        )


def overtaken(session: Session, case: Case, deadline: Deadline, now: datetime) -> bool:
    """True when another timer of the case, due after this one, is due by `now` too: the
    deadline this one reminds of has passed while the scheduler was down (R-CAL-11)."""
    later = (
        session.query(Deadline.id)
        .filter(
            Deadline.case_id == case.id,
            Deadline.id != deadline.id,
            # A tick claims a batch at once: the later timer may be running already.
            Deadline.status.in_(("pending", "running")),
            Deadline.due_at > deadline.due_at,
            Deadline.due_at <= now,
        )
        .first()
    )
    return later is not None


def last_correspondent(
    session: Session, case: Case, partner: Partner | None, ours: frozenset[str]
) -> str:
    """R-NTF-3: the partner's address that wrote last in the case — a registered address of
    the partner or one of its domains —, else the requester. A stranger who wrote in the
    thread, or HQ, never receives the partner's letters."""
    if partner is None:
        return case.requester
    domains = {str(d).lower() for d in partner.domains or ()}
    registered = registered_addresses(session, partner.id)
    senders = session.scalars(
        select(Letter.from_addr)
        .where(Letter.case_id == case.id, Letter.status == "processed")
        .order_by(Letter.received_at.desc(), Letter.id.desc())
        .limit(50)
    )
    for sender in senders:
        address = (sender or "").strip().lower()
        own = address in registered or address.rpartition("@")[2] in domains
        if address and address not in ours and (own or address == case.requester.lower()):
            return address
    return case.requester

"""Write a Decision: case row, history, thread keys, deadlines and replies in one transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.outbox import OutgoingLetter, queue, replies_in_last_hour
from bot.partners import Identity
from bot.rules.decide import DeadlineIntent, Decision, ReplyIntent
from bot.store.hours_models import HoursLog
from bot.store.models import (
    Case,
    CaseEvent,
    Deadline,
    Letter,
    OutboxMessage,
    Partner,
    ThreadKey,
)
from parsers.types import ParsedLetter
from replies.render import Renderer

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ApplierConfig:
    number_format: str
    general_address: str
    support_address: str
    domain: str
    company: str
    phone: str
    hq_alerts_to: tuple[str, ...]
    max_replies_per_hour: int = 10
    # R-HQ-1: role → addresses; a role nobody holds falls back to hq_alerts_to.
    hq_roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    at_risk_ratio: float = 0.75


@dataclass(frozen=True, slots=True)
class CaseContext:
    letter: ParsedLetter
    letter_row: Letter
    received_at: datetime
    role: str | None
    kind: str
    unknown_tags: tuple[str, ...] = ()
    identity: Identity | None = None
    flags: tuple[str, ...] = ()
    # The case this letter arrived in but does not belong to, and why: "other_topic"
    # (R-THR-8) or "closed_long_ago" (R-TKT-12 after the reopen window).
    previous_case: tuple[str, str] | None = None
    wrong_mailbox: str | None = None  # "general" | "support"

    def with_note(self, previous_case: tuple[str, str]) -> CaseContext:
        return replace(self, previous_case=previous_case)


class Applier:
    def __init__(self, config: ApplierConfig, renderer: Renderer, clock: Clock) -> None:
        self._config = config
        self._renderer = renderer
        self._clock = clock

    # -- cases -----------------------------------------------------------------------------

    def open_case(self, session: Session, ctx: CaseContext, decision: Decision) -> Case:
        now = self._clock.now()
        case = Case(
            kind=ctx.kind,
            state=decision.state,
            mailbox=ctx.role or "general",
            requester=ctx.letter.from_addr,
            subject=ctx.letter.subject[:2000],
            fields=decision.fields,
            missing=list(decision.missing),
            invalid=list(decision.invalid),
            created_at=now,
            updated_at=now,
            partner_id=ctx.identity.partner_id if ctx.identity else None,
            policy_version=decision.attrs.get("policy_version"),
            attrs=_jsonable(
                {
                    **decision.attrs,
                    "flags": [*decision.attrs.get("flags", []), *ctx.flags],
                    "previous_case": list(ctx.previous_case) if ctx.previous_case else None,
                }
            ),
        )
        session.add(case)
        session.flush()
        session.info.setdefault("new_cases", set()).add(case.id)
        # R-THR-1/R-THR-2: the number comes from the never-reused row id.
        case.number = self._config.number_format.format(seq=case.id)
        self._record(session, ctx, case, decision, old_state=None)
        return case

    def update_case(
        self, session: Session, ctx: CaseContext, case: Case, decision: Decision
    ) -> None:
        self._remember(session, case, ctx.letter.message_id)
        self.transition(session, case, decision, letter_id=ctx.letter_row.id)

    def transition(
        self,
        session: Session,
        case: Case,
        decision: Decision,
        *,
        letter_id: int | None = None,
        actor: str = "partnerdesk",
        details: dict[str, Any] | None = None,
        keep_findings: bool = False,
    ) -> None:
        """Apply a decision to an existing case: state, data, history (R-HQ-6), timers.

        Timers and HQ actions do not re-read the letter data (`keep_findings`): what is
        missing stays recorded while the case still waits for it.
        """
        old_state = case.state
        case.state = decision.state
        case.fields = decision.fields or case.fields
        if not keep_findings or decision.state != "needs_info":
            case.missing = list(decision.missing)
            case.invalid = list(decision.invalid)
        case.attrs = _jsonable({**(case.attrs or {}), **decision.attrs})
        case.updated_at = self._clock.now()
        for entry in decision.hours:
            # R-RES-6: logged hours are the only usage; the year is the work date's (D-23).
            session.add(
                HoursLog(
                    case_id=case.id,
                    partner_id=case.partner_id,
                    hours=entry.hours,
                    work_date=entry.work_date,
                    year=entry.work_date.year,
                    logged_by=actor,
                    logged_at=case.updated_at,
                )
            )
        self._history(session, case, decision, letter_id, old_state, actor, details or {})

    def _record(
        self,
        session: Session,
        ctx: CaseContext,
        case: Case,
        decision: Decision,
        *,
        old_state: str | None,
    ) -> None:
        """Thread key, history entry and timers of a new case's first decision."""
        self._remember(session, case, ctx.letter.message_id)
        self._history(session, case, decision, ctx.letter_row.id, old_state, "partnerdesk", {})

    def _history(
        self,
        session: Session,
        case: Case,
        decision: Decision,
        letter_id: int | None,
        old_state: str | None,
        actor: str,
        details: dict[str, Any],
    ) -> None:
        details = {
            "rules": list(decision.rule_ids),
            "missing": list(decision.missing),
            "invalid": list(decision.invalid),
            **details,
        }
        self.event(
            session, case, decision.event, letter_id, details, old_state=old_state, actor=actor
        )
        self._deadlines(session, case, decision)

    def attach(
        self,
        session: Session,
        case: Case,
        row: Letter,
        letter: ParsedLetter,
        event: str,
        details: dict[str, Any],
    ) -> None:
        """Record a letter in the case history without changing its state."""
        self._remember(session, case, letter.message_id)
        self.event(session, case, event, row.id, details)

    def event(
        self,
        session: Session,
        case: Case,
        event: str,
        letter_id: int | None,
        details: dict[str, Any],
        *,
        old_state: str | None = ...,  # type: ignore[assignment]
        actor: str = "partnerdesk",
    ) -> None:
        session.add(
            CaseEvent(
                case_id=case.id,
                at=self._clock.now(),
                actor=actor,
                event=event,
                old_state=case.state if old_state is ... else old_state,
                new_state=case.state,
                letter_id=letter_id,
                details=_jsonable(details),
            )
        )

    def _remember(
        self, session: Session, case: Case, message_id: str | None, *, fresh: bool = False
    ) -> None:
        """Map a Message-ID to the case; `fresh` ids (our own, just made) need no look-up."""
        if message_id and (fresh or session.get(ThreadKey, message_id) is None):
            session.add(ThreadKey(message_id=message_id, case_id=case.id))

    def _deadlines(self, session: Session, case: Case, decision: Decision) -> None:
        now = self._clock.now()
        if case.id not in session.info.setdefault("new_cases", set()):
            self._revise_timers(session, case, decision, now)
        else:
            # A case created in this transaction has no timers yet: nothing to look up.
            for item in decision.deadlines:
                session.add(_deadline_row(case, item, now))
        session.flush()

    def _revise_timers(
        self, session: Session, case: Case, decision: Decision, now: datetime
    ) -> None:
        if decision.cancel_deadlines:
            session.execute(
                update(Deadline)
                .where(
                    Deadline.case_id == case.id,
                    Deadline.kind.in_(decision.cancel_deadlines),
                    Deadline.status == "pending",
                )
                .values(status="cancelled", done_at=now)
            )
        session.flush()
        for item in decision.deadlines:
            existing = session.scalar(
                select(Deadline).where(
                    Deadline.case_id == case.id,
                    Deadline.kind == item.kind,
                    Deadline.due_at == item.due_at,
                )
            )
            if existing is not None:
                # The same timer asked for again (e.g. a second clarification in the same
                # minute): revive it rather than add a twin; a done one stays done.
                if existing.status == "cancelled":
                    existing.status = "pending"
                    existing.payload = _jsonable(item.payload)
                continue
            session.add(_deadline_row(case, item, now))

    # -- replies ---------------------------------------------------------------------------

    def reply_mailbox(self, case: Case) -> str:
        # R-NTF-2: From/Reply-To is the mailbox of the case's kind.
        return (
            self._config.support_address if case.kind == "ticket" else self._config.general_address
        )

    def _mailbox_of(self, role: str | None) -> str | None:
        if role is None:
            return None
        return self._config.support_address if role == "support" else self._config.general_address

    def common_context(self, session: Session, case: Case) -> dict[str, Any]:
        partner = session.get(Partner, case.partner_id) if case.partner_id else None
        fields = dict(case.fields or {})

        def field_value(code: str) -> str:
            item = fields.get(code) or {}
            return str(item.get("raw") or item.get("value") or "—")

        return {
            "case_number": case.number,
            "kind": case.kind,
            "state": case.state,
            "topic": case.subject or "(без темы)",
            "company": self._config.company,
            "phone": self._config.phone,
            "reply_mailbox": self.reply_mailbox(case),
            "general_mailbox": self._config.general_address,
            "attrs": _instants(case.attrs or {}),
            "missing": list(case.missing or []),
            "invalid": list(case.invalid or []),
            "now": self._clock.now(),
            "partner_name": partner.name if partner else None,
            "field_value": field_value,
            "at_risk_ratio": self._config.at_risk_ratio,
            "previous_case": (case.attrs or {}).get("previous_case"),
            "right_mailbox": None,
        }

    def flush_replies(
        self, session: Session, case: Case, ctx: CaseContext, decision: Decision
    ) -> list[dict[str, Any]]:
        """Replies to a partner letter: to its sender, in its thread (R-THR-3, R-NTF-3)."""
        letter = ctx.letter
        to = _reply_address(letter)
        out: list[dict[str, Any]] = []
        for intent in decision.replies:
            context = {
                **self.common_context(session, case),
                "received_at": ctx.received_at,
                # R-THR-6: a quoted number that does not exist is named in the reply.
                "unknown_tags": list(ctx.unknown_tags),
                "right_mailbox": self._mailbox_of(ctx.wrong_mailbox),
                **intent.context,
            }
            references = (
                (*letter.references, letter.message_id) if letter.message_id else letter.references
            )
            out += self._queue_partner(
                session,
                case,
                intent,
                context,
                to,
                dedupe_key=f"letter:{ctx.letter_row.id}:{intent.template}",
                letter_id=ctx.letter_row.id,
                in_reply_to=letter.message_id,
                references=tuple(references),
                auto_submitted="auto-replied",
            )
        out += self.alerts(session, case, decision, f"letter:{ctx.letter_row.id}")
        for flag in ctx.flags:
            out += self.notify_hq(
                session,
                "hq_flag",
                f"flag:{ctx.letter_row.id}:{flag}",
                case,
                {**self.common_context(session, case), "flag": flag},
                role="admin",
            )
        return out

    def alerts(
        self, session: Session, case: Case, decision: Decision, origin: str
    ) -> list[dict[str, Any]]:
        """H-ALERT-* of a decision, to the holders of each role (R-HQ-8)."""
        out: list[dict[str, Any]] = []
        for alert in decision.hq_alerts:
            context = {**self.common_context(session, case), **alert.context}
            key = f"alert:{case.id}:{alert.template}:{alert.role}:{alert.key or origin}"
            out += self.notify_hq(session, alert.template, key, case, context, role=alert.role)
        return out

    def scheduled_replies(
        self, session: Session, case: Case, decision: Decision, deadline: Deadline
    ) -> list[dict[str, Any]]:
        """Letters caused by a due deadline: auto-generated (RFC 3834), in the case thread."""
        return self.case_letters(
            session,
            case,
            decision,
            origin=f"deadline:{deadline.id}",
            auto_submitted="auto-generated",
        )

    def case_letters(
        self,
        session: Session,
        case: Case,
        decision: Decision,
        *,
        origin: str,
        auto_submitted: str,
    ) -> list[dict[str, Any]]:
        """Letters not answering a letter (timers, HQ actions): to the case's requester, in
        its thread (R-NTF-3), then the decision's HQ alerts."""
        last = (
            session.query(OutboxMessage.message_id)
            .filter(OutboxMessage.case_id == case.id, OutboxMessage.to_addr == case.requester)
            .order_by(OutboxMessage.id.desc())
            .first()
        )
        in_reply_to = last[0] if last else None
        out: list[dict[str, Any]] = []
        for intent in decision.replies:
            context = {
                **self.common_context(session, case),
                "received_at": case.created_at,
                "unknown_tags": [],
                **intent.context,
            }
            out += self._queue_partner(
                session,
                case,
                intent,
                context,
                case.requester,
                dedupe_key=f"{origin}:{intent.template}",
                letter_id=None,
                in_reply_to=in_reply_to,
                references=(in_reply_to,) if in_reply_to else (),
                auto_submitted=auto_submitted,
            )
        return out + self.alerts(session, case, decision, origin)

    def _queue_partner(
        self,
        session: Session,
        case: Case,
        intent: ReplyIntent,
        context: dict[str, Any],
        to: str,
        *,
        dedupe_key: str,
        letter_id: int | None,
        in_reply_to: str | None,
        references: tuple[str, ...],
        auto_submitted: str,
    ) -> list[dict[str, Any]]:
        now = self._clock.now()
        rendered = self._renderer.render(intent.template, context)
        status = "queued"
        # R-MBX-4: a capped number of auto-replies per address per hour; the rest are held.
        over_limit = replies_in_last_hour(session, to, now) >= self._config.max_replies_per_hour
        # A case imported from old mail without replies (IMAP backfill) stays silent.
        if over_limit or (case.attrs or {}).get("replies_held"):
            status = "held"
        outgoing = OutgoingLetter(
            reply_kind=intent.reply_kind,
            template=intent.template,
            sender=self.reply_mailbox(case),
            sender_name=self._config.company,
            to=to,
            rendered=rendered,
            dedupe_key=dedupe_key,
            in_reply_to=in_reply_to,
            references=references,
            auto_submitted=auto_submitted,
            extra_headers={"X-Partnerdesk-Case": case.number or ""},
        )
        row = queue(
            session,
            outgoing,
            case_id=case.id,
            letter_id=letter_id,
            domain=self._config.domain,
            now=now,
            status=status,
        )
        if row is None:
            return []
        self._remember(session, case, row.message_id, fresh=True)
        self.event(
            session,
            case,
            f"reply-{intent.reply_kind}",
            letter_id,
            {"template": intent.template, "to": to, "status": status, "message_id": row.message_id},
        )
        out = [reply_json(row)]
        if over_limit:
            out += self.notify_hq(
                session,
                "hq_held_replies",
                f"held:{to}:{now:%Y%m%d%H}",
                case,
                {
                    "address": to,
                    "count": self._config.max_replies_per_hour,
                    "limit": self._config.max_replies_per_hour,
                },
            )
        return out

    def notify_hq(
        self,
        session: Session,
        template: str,
        dedupe_key: str,
        case: Case | None,
        context: dict[str, Any],
        *,
        role: str | None = None,
    ) -> list[dict[str, Any]]:
        """A notice to HQ: to the holders of `role`, else to the operational alert list."""
        now = self._clock.now()
        rendered = self._renderer.render(template, context)
        alerts = self._config.hq_roles.get(role or "") or self._config.hq_alerts_to
        outgoing = OutgoingLetter(
            reply_kind="notice",
            template=template,
            sender=self._config.general_address,
            sender_name="partnerdesk",
            to=alerts[0],
            cc=tuple(alerts[1:]),
            rendered=rendered,
            dedupe_key=dedupe_key,
            auto_submitted="auto-generated",
        )
        row = queue(
            session,
            outgoing,
            case_id=case.id if case else None,
            letter_id=None,
            domain=self._config.domain,
            now=now,
        )
        return [reply_json(row)] if row is not None else []


def _reply_address(letter: ParsedLetter) -> str:
    reply_to = letter.header("reply-to")
    if reply_to:
        from email.utils import getaddresses

        addresses = [addr for _, addr in getaddresses([reply_to]) if "@" in addr]
        if addresses:
            return addresses[0].lower()
    return letter.from_addr


def reply_json(row: OutboxMessage) -> dict[str, Any]:
    return {
        "to": row.to_addr,
        "cc": list(row.recipients[1:]),
        "subject": row.subject,
        "kind": row.reply_kind,
        "text": row.text,
        "message_id": row.message_id,
        "template": row.template,
        "status": row.status,
    }


def _deadline_row(case: Case, item: DeadlineIntent, now: datetime) -> Deadline:
    return Deadline(
        case_id=case.id,
        kind=item.kind,
        rule_id=item.rule_id,
        due_at=item.due_at,
        status="pending",
        created_at=now,
        payload=_jsonable(item.payload),
    )


def _instants(attrs: dict[str, Any]) -> dict[str, Any]:
    """Attributes for templates: ISO strings of `*_at`/`*_until` keys become datetimes."""
    out = dict(attrs)
    for key, value in attrs.items():
        if isinstance(value, str) and key.endswith(("_at", "_until")):
            try:
                out[key] = datetime.fromisoformat(value)
            except ValueError:
                continue
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value

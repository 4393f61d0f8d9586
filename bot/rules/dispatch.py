"""Which rule set decides: tickets run on their state machine (spec §5.2), other kinds on the
generic first rules until their own lifecycles exist. Pure: data in, Decision out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.partners import Identity
from bot.policy import Policy
from bot.rules import decide
from bot.rules.decide import CaseView, Decision
from bot.rules.ticket_actions import ActionRequest, on_ticket_action
from bot.rules.tickets import (
    TicketContext,
    TicketLetter,
    on_new_ticket,
    on_ticket_deadline,
    on_ticket_letter,
)
from bot.workcal import WorkCalendar
from parsers.feedback import read_feedback
from parsers.requirements import Findings

TICKET = "ticket"


@dataclass(frozen=True, slots=True)
class LetterFacts:
    """One partner letter as the rules see it."""

    kind: str  # the kind of the case it opens or belongs to
    findings: Findings
    fields: dict[str, Any]
    received_at: datetime
    identity: Identity | None
    new_text: str
    attachments: tuple[str, ...]


class Rules:
    def __init__(self, policy: Policy, calendar: WorkCalendar) -> None:
        self.policy = policy
        self.calendar = calendar

    def _ctx(self, now: datetime) -> TicketContext:
        return TicketContext(self.calendar, self.policy, now)

    def _window(self) -> timedelta:
        return timedelta(hours=self.policy.ticket.clarification_window_hours)

    def _ticket_letter(self, facts: LetterFacts) -> TicketLetter:
        identity = facts.identity
        return TicketLetter(
            received_at=facts.received_at,
            findings=facts.findings,
            fields=facts.fields,
            identified=identity is not None and identity.active,
            feedback=read_feedback(facts.new_text, bool(facts.attachments)),
            attachments=facts.attachments,
            partner_name=identity.partner_name if identity else None,
            attrs_extra={"support_tier": identity.support_tier} if identity else {},
        )

    def new_case(self, facts: LetterFacts) -> Decision:
        if facts.kind == TICKET:
            return on_new_ticket(self._ticket_letter(facts), self._ctx(facts.received_at))
        return decide.decide_new_case(
            facts.findings, facts.fields, facts.received_at, self._window()
        )

    def followup(self, case: CaseView, facts: LetterFacts) -> Decision:
        if case.kind == TICKET:
            return on_ticket_letter(case, self._ticket_letter(facts), self._ctx(facts.received_at))
        return decide.decide_followup(
            case,
            facts.findings,
            facts.fields,
            facts.received_at,
            self._window(),
            list(facts.attachments),
        )

    def deadline(
        self, case: CaseView, kind: str, due_at: datetime, payload: dict[str, Any], now: datetime
    ) -> Decision | None:
        if case.kind == TICKET:
            return on_ticket_deadline(case, kind, due_at, self._ctx(now))
        return decide.decide_deadline(case, kind, payload, list(case.missing), list(case.invalid))

    def action(self, case: CaseView, request: ActionRequest, now: datetime) -> Decision:
        return on_ticket_action(case, request, self._ctx(now))

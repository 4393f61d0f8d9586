"""Which rule set decides. Each case kind has its rule set (tickets: spec §5.2); kinds without
one yet run on the generic first rules. Pure: data in, Decision out; what the rules need from
the database (other partners' pins, hours used) comes through the read-only `Lookups`."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from bot.policy import Policy
from bot.rules import decide
from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.decide import CaseView, Decision
from bot.rules.kinds import KindRules, LetterFacts, Lookups, RuleContext
from bot.rules.send_slots import SEND_SLOT, send_moment
from bot.rules.ticket.rules import TicketRules
from bot.workcal import WorkCalendar

TICKET = "ticket"


class GenericRules:
    """The service core's first rules: complete → open, else one clarification."""

    def _window(self, ctx: RuleContext) -> timedelta:
        return timedelta(hours=ctx.policy.ticket.clarification_window_hours)

    def new_case(self, facts: LetterFacts, ctx: RuleContext) -> Decision:
        return decide.decide_new_case(
            facts.findings, facts.fields, facts.received_at, self._window(ctx)
        )

    def followup(self, case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
        return decide.decide_followup(
            case,
            facts.findings,
            facts.fields,
            facts.received_at,
            self._window(ctx),
            list(facts.attachments),
        )

    def deadline(
        self, case: CaseView, kind: str, due_at: datetime, payload: dict[str, Any], ctx: RuleContext
    ) -> Decision | None:
        return decide.decide_deadline(case, kind, payload, list(case.missing), list(case.invalid))

    def action(self, case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
        raise ActionRefused(
            f"{request.name} is not available for a {case.kind} case; possible here: "
            "comment, reply, merge, reclassify"
        )


class Rules:
    def __init__(
        self,
        policy: Policy,
        calendar: WorkCalendar,
        by_kind: dict[str, KindRules] | None = None,
        send_slot: time = SEND_SLOT,
    ) -> None:
        self.policy = policy
        self.calendar = calendar
        self.send_slot = send_slot  # R-CAL-10: mail.send_slot
        self._by_kind: dict[str, KindRules] = {TICKET: TicketRules(), **(by_kind or {})}
        self._generic = GenericRules()

    def _for(self, kind: str) -> KindRules:
        return self._by_kind.get(kind, self._generic)

    def context(self, now: datetime, lookups: Lookups | None = None) -> RuleContext:
        return RuleContext(self.calendar, self.policy, now, lookups)

    def new_case(self, facts: LetterFacts, lookups: Lookups | None = None) -> Decision:
        return self._for(facts.kind).new_case(facts, self.context(facts.received_at, lookups))

    def followup(
        self, case: CaseView, facts: LetterFacts, lookups: Lookups | None = None
    ) -> Decision:
        return self._for(case.kind).followup(case, facts, self.context(facts.received_at, lookups))

    def deadline(
        self,
        case: CaseView,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any],
        now: datetime,
        lookups: Lookups | None = None,
    ) -> Decision | None:
        decision = self._for(case.kind).deadline(
            case, kind, due_at, payload, self.context(now, lookups)
        )
        if decision is None or not decision.replies:
            return decision
        # R-CAL-10: a scheduler letter to the partner waits for the next send slot.
        return replace(decision, send_at=send_moment(now, self.calendar, self.send_slot))

    def action(
        self, case: CaseView, request: ActionRequest, now: datetime, lookups: Lookups | None = None
    ) -> Decision:
        return self._for(case.kind).action(case, request, self.context(now, lookups))

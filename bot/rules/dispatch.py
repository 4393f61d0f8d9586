"""Which rule set decides. Each case kind has its rule set (tickets: spec §5.2); kinds without
one yet run on the generic first rules. Pure: data in, Decision out; what the rules need from
the database (other partners' pins, hours used) comes through the read-only `Lookups`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any, Protocol

from bot.partners import Identity
from bot.policy import Policy
from bot.rules import decide
from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.decide import CaseView, Decision
from bot.rules.send_slots import SEND_SLOT, send_moment
from bot.rules.ticket.actions import on_ticket_action
from bot.rules.ticket.identification import identified, refusal
from bot.rules.ticket.states import TicketContext, TicketLetter
from bot.rules.ticket.support_period import SupportRecord, check_support, with_renewal
from bot.rules.ticket.tickets import on_new_ticket, on_ticket_letter
from bot.rules.ticket.timers import on_ticket_deadline
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
    # What the classifier made of this letter: pin_confirmation, followup … (contract names)
    letter_kind: str = ""
    # A finer reading: status_query, withdrawal, resolution_confirmed, pin_status_query …
    event: str | None = None
    # Facts the extractor noticed: multiple_subjects, urgent_requested, event:payment_order …
    flags: tuple[str, ...] = ()
    # Fields of this letter alone (before merging with the case), e.g. a software list.
    letter_fields: dict[str, Any] = field(default_factory=dict)


class Lookups(Protocol):
    """Read-only questions the rules may ask about other cases (answered by the shell)."""

    def cases(
        self,
        *,
        kind: str,
        states: tuple[str, ...] = (),
        partner_id: int | None = None,
        attr_equals: dict[str, Any] | None = None,
    ) -> list[CaseView]: ...

    def hours_used(self, partner_id: int, year: int) -> float:
        """HQ engineer hours logged for the partner in the calendar year (R-RES-6, D-23)."""
        ...

    def support_record(self, partner_id: int) -> SupportRecord | None:
        """R-ID-8: the partner's key registration date and paid period, as HQ recorded them."""
        ...

    def act_used(self, number: str) -> bool:
        """R-ID-8: whether a support renewal already used this act number."""
        ...

    def partner_name(self, partner_id: int) -> str | None:
        """A partner's name, for letters that may name it (R-PIN-4 with disclose_holder)."""
        ...


@dataclass(frozen=True, slots=True)
class RuleContext:
    calendar: WorkCalendar
    policy: Policy
    now: datetime
    lookups: Lookups | None = None

    def ticket(self) -> TicketContext:
        return TicketContext(self.calendar, self.policy, self.now)


class KindRules(Protocol):
    def new_case(self, facts: LetterFacts, ctx: RuleContext) -> Decision: ...

    def followup(self, case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision: ...

    def deadline(
        self, case: CaseView, kind: str, due_at: datetime, payload: dict[str, Any], ctx: RuleContext
    ) -> Decision | None: ...

    def action(self, case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision: ...


def ticket_letter(facts: LetterFacts) -> TicketLetter:
    identity = facts.identity
    return TicketLetter(
        received_at=facts.received_at,
        findings=facts.findings,
        fields=facts.fields,
        identified=identity is not None and identity.active,
        feedback=read_feedback(facts.new_text, bool(facts.attachments)),
        attachments=facts.attachments,
        partner_name=identity.partner_name if identity else None,
        attrs_extra={
            **({"support_tier": identity.support_tier} if identity else {}),
            # R-TKT-5: e.g. `description_incomplete` when logs are N/A, shown to HQ.
            "flags": [flag for flag in facts.flags if not flag.startswith("event:")],
        },
    )


class TicketRules:
    """The Service Desk ticket (spec §5.2)."""

    def new_case(self, facts: LetterFacts, ctx: RuleContext) -> Decision:
        letter = ticket_letter(identified(facts, ctx.policy.identification))  # R-ID-7
        refused = refusal(letter, ctx.policy.identification) if letter.identified else None
        if refused is None and facts.identity is not None and letter.identified:
            support = check_support(
                letter,
                facts.new_text,
                facts.identity.partner_id,
                ctx.policy.support_period,
                ctx.calendar,
                ctx.lookups,
            )  # R-ID-8
            if isinstance(support, Decision):
                return support
            if support is not None:
                return with_renewal(on_new_ticket(letter, ctx.ticket()), support)
        return refused or on_new_ticket(letter, ctx.ticket())

    def followup(self, case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
        letter = ticket_letter(identified(facts, ctx.policy.identification))  # R-ID-7
        return on_ticket_letter(case, letter, ctx.ticket())

    def deadline(
        self, case: CaseView, kind: str, due_at: datetime, payload: dict[str, Any], ctx: RuleContext
    ) -> Decision | None:
        return on_ticket_deadline(case, kind, due_at, ctx.ticket())

    def action(self, case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
        return on_ticket_action(case, request, ctx.ticket())


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

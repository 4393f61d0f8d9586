"""What every kind's rule set is given and answers: the letter's facts, the context, the
read-only look-ups, and the protocol a kind's rules follow (spec §5). Shared by the kinds'
folders and `dispatch`, which picks the rule set; it imports none of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from bot.partners import Identity
from bot.policy import Policy
from bot.rules.action_base import ActionRequest
from bot.rules.decide import CaseView, Decision
from bot.workcal import WorkCalendar
from parsers.requirements import Findings


@dataclass(frozen=True, slots=True)
class SupportRecord:
    """What HQ recorded for a partner (`partners add --key-registered/--support-until`)."""

    key_registered_on: date | None = None
    paid_until: date | None = None


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
    # The sender's address: a client known by its domain (R-PIN-26).
    sender: str = ""


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


class KindRules(Protocol):
    def new_case(self, facts: LetterFacts, ctx: RuleContext) -> Decision: ...

    def followup(self, case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision: ...

    def deadline(
        self, case: CaseView, kind: str, due_at: datetime, payload: dict[str, Any], ctx: RuleContext
    ) -> Decision | None: ...

    def action(self, case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision: ...

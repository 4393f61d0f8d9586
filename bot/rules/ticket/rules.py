"""The Service Desk ticket's rule set (spec §5.2): a partner letter read as the ticket rules
see it, and the kind's answers to letters, timers and HQ actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.rules.action_base import ActionRequest
from bot.rules.decide import CaseView, Decision
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.ticket.actions import on_ticket_action
from bot.rules.ticket.identification import identified, refusal
from bot.rules.ticket.states import TicketContext, TicketLetter
from bot.rules.ticket.support_period import check_support, with_renewal
from bot.rules.ticket.tickets import on_new_ticket, on_ticket_letter
from bot.rules.ticket.timers import on_ticket_deadline
from parsers.feedback import read_feedback


def _context(ctx: RuleContext) -> TicketContext:
    return TicketContext(ctx.calendar, ctx.policy, ctx.now)


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
                return with_renewal(on_new_ticket(letter, _context(ctx)), support)
        return refused or on_new_ticket(letter, _context(ctx))

    def followup(self, case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
        letter = ticket_letter(identified(facts, ctx.policy.identification))  # R-ID-7
        return on_ticket_letter(case, letter, _context(ctx))

    def deadline(
        self, case: CaseView, kind: str, due_at: datetime, payload: dict[str, Any], ctx: RuleContext
    ) -> Decision | None:
        return on_ticket_deadline(case, kind, due_at, _context(ctx))

    def action(self, case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
        return on_ticket_action(case, request, _context(ctx))

"""The license request rule set (spec §5.3), registered for case kind `license_request`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.rules.action_base import ActionRequest
from bot.rules.decide import CaseView, Decision
from bot.rules.dispatch import LetterFacts, RuleContext
from bot.rules.license_actions import on_license_action
from bot.rules.license_followups import on_deadline, on_letter
from bot.rules.licenses import assess


class LicenseRules:
    """The license request (spec §5.3), registered for case kind `license_request`."""

    def new_case(self, facts: LetterFacts, ctx: RuleContext) -> Decision:
        return assess(None, facts, ctx, event="created")

    def followup(self, case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
        return on_letter(case, facts, ctx)

    def deadline(
        self, case: CaseView, kind: str, due_at: datetime, payload: dict[str, Any], ctx: RuleContext
    ) -> Decision | None:
        return on_deadline(case, kind, due_at, ctx)

    def action(self, case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
        return on_license_action(case, request, ctx)

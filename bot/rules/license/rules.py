"""The license request rule set (spec §5.3), registered for case kind `license_request`,
and its deadlines counted in working time (R-CAL-4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.policy import Policy
from bot.rules.action_base import ActionRequest
from bot.rules.decide import CaseView, Decision
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.license.actions import on_license_action
from bot.rules.license.followups import on_deadline, on_letter
from bot.rules.license.licenses import HQ_DUE, HQ_WARN, PAYMENT_DUE, SCANS_DUE, assess
from bot.rules.working_terms import WorkingTerm, case_term, working_days

_HQ_WD = case_term("hq_wd", lambda policy: policy.license.hq_processing_wd)
_SCANS_WD = case_term("scans_wd", lambda policy: policy.license.signed_scans_due_wd)
_PAYMENT_WD = case_term("payment_wd", lambda policy: policy.license.payment_due_wd)


def _payment_wd(attrs: dict[str, Any], policy: Policy) -> float:
    """R-LIC-6: the working days HQ set for this agreement, else the standard term."""
    return float(attrs.get("payment_term_wd") or _PAYMENT_WD(attrs, policy))


def _warn_wd(attrs: dict[str, Any], policy: Policy) -> float:
    """R-LIC-4: one working day before the due moment (the start itself for a 1-WD term)."""
    return max(_HQ_WD(attrs, policy) - 1, 0)


# What the calendar refresh recomputes (R-CAL-4): HQ's 5 WD for the draft agreement and its
# warning (R-LIC-4), the partner's 5 WD for the scans (R-LIC-5, R-LIC-6) and for payment
# (R-LIC-6; a date HQ set by hand stays). The month for the documents (R-LIC-8) and the
# calendar days of the originals (R-LIC-10) do not depend on working days.
LICENSE_TERMS = (
    WorkingTerm(HQ_DUE, "hq_clock_started_at", working_days(_HQ_WD), "R-LIC-4", "hq_due_at"),
    WorkingTerm(HQ_WARN, "hq_clock_started_at", working_days(_warn_wd), "R-LIC-4"),
    WorkingTerm(
        SCANS_DUE, "scans_clock_started_at", working_days(_SCANS_WD), "R-LIC-5", "scans_due_at"
    ),
    WorkingTerm(
        PAYMENT_DUE,
        "scans_received_at",
        working_days(_payment_wd),
        "R-LIC-6",
        "payment_due_at",
        kept_if=("payment_term_until",),
    ),
)


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

"""A pin follow-up without a thread that matched no case or several (R-THR-4 steps 4 and 6,
R-PIN-21): decided and applied here, for the apply stage. The matching is the route's
(`bot.route.pin_targets`).

A report naming several clients is recorded on each of their cases and answered once; any
other letter is answered with A-UNMATCHED rather than guessed (D-39).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from bot.apply import Applier
from bot.apply_types import CaseContext
from bot.lookups import SessionLookups
from bot.pipeline.decide_stage import for_letter, letter_facts
from bot.pipeline.signals import Answered, Checked
from bot.route import PinMatch
from bot.rules.decide import Decision, ReplyIntent
from bot.rules.dispatch import Rules
from bot.store.case_views import view_of
from parsers.requirements import check
from parsers.types import Classification, Kind


def answer_unthreaded(
    session: Session,
    applier: Applier,
    rules: Rules,
    ctx: CaseContext,
    classification: Classification,
    pins: PinMatch,
) -> Answered:
    matched, request = pins.matched, pins.request
    if len(matched) > 1 and classification.kind == Kind.ANNUAL_REPORT:
        # R-PIN-21: one letter reports on several clients: recorded on every matched case.
        findings = check(request)
        for case in matched:
            checked = Checked(case.kind, request, dict(case.fields), findings)
            facts = letter_facts(checked, ctx, classification)
            decision = rules.followup(view_of(case), facts, SessionLookups(session))
            decision = for_letter(replace(decision, replies=()), ctx)
            applier.update_case(session, ctx, case, decision)
        summary = Decision(
            state=matched[0].state,
            event="combined-report",
            fields=matched[0].fields,
            replies=(
                ReplyIntent(
                    "acceptance",
                    "rpt_ack_combined",
                    {
                        "cases": [
                            {
                                "number": c.number,
                                "client_name": (c.attrs or {}).get("client_name"),
                                "client_inn": (c.attrs or {}).get("client_inn"),
                                "state": c.state,
                                "report_due_at": (c.attrs or {}).get("report_due_at"),
                            }
                            for c in matched
                        ]
                    },
                ),
            ),
            rule_ids=("R-PIN-21",),
        )
        summary = for_letter(summary, ctx)
        replies = applier.letters.partner.flush_replies(session, matched[0], ctx, summary)
        return Answered(matched[0], summary, replies, classification)
    # R-THR-4 step 6: not guessed; the partner is asked to answer in the right thread.
    decision = Decision(
        state="unmatched",
        event="unmatched",
        fields={},
        replies=(
            ReplyIntent(
                "clarification",
                "unmatched",
                {"candidates": [c.number for c in (matched or pins.candidates)]},
            ),
        ),
        rule_ids=("R-THR-4",),
    )
    decision = for_letter(decision, ctx)
    case = applier.open_case(session, ctx, decision)
    replies = applier.letters.partner.flush_replies(session, case, ctx, decision)
    return Answered(case, decision, replies, classification)

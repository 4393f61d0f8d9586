"""The apply stage: the one writer of a letter's decision. The route's flags go on the case
the letter joins, the decision on its case (or a new one), its replies are written."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.pipeline.config import Desk
from bot.pipeline.decide_stage import with_flags
from bot.pipeline.signals import Answered, Stop, Work
from bot.pipeline.unthreaded import answer_unthreaded
from bot.store.models import Case


def apply(desk: Desk, session: Session, work: Work) -> Stop | None:
    route, ctx, decided = work.route, work.ctx, work.decided
    assert route is not None and ctx is not None
    applier = desk.applier
    if route.pins is not None:
        return answer_unthreaded(
            session, applier, desk.rules, ctx, route.classification, route.pins
        )
    assert decided is not None
    if route.case is not None:
        flag_case(route.case, ctx.flags)
    if decided.closed is not None:
        # R-TKT-12 after the reopen window: the old case records the letter, a new one
        # (naming it) takes the request.
        applier.attach(session, decided.closed, work.row, work.letter, "letter-after-close", {})
    if decided.case is not None:
        case = decided.case
        applier.update_case(session, ctx, case, decided.decision)
    else:
        case = applier.open_case(session, ctx, decided.decision)
    replies = desk.letters.partner.flush_replies(session, case, ctx, decided.decision)
    if work.forwarded_by:
        details = {"by": work.forwarded_by, "rule": "R-MBX-7"}
        applier.history.event(session, case, "forwarded-by-hq", work.row.id, details)
    uncertain = tuple(decided.checked.findings.uncertain)
    return Answered(case, decided.decision, replies, route.classification, uncertain)


def flag_case(case: Case, flags: tuple[str, ...]) -> None:
    """Add flags to a case the letter joins; a new case gets them when it is opened."""
    flagged = with_flags(case.attrs or {}, flags)
    if flagged is not None:
        case.attrs = flagged

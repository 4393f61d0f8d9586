"""Extract and check, then decide: the letter's data read as its case's kind (R-VAL-6) and
the rules' pure decision on them. Nothing is written here."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

import parsers
from bot.apply_types import CaseContext
from bot.case_fields import deserialise_fields, merge_fields, serialise_fields
from bot.lookups import SessionLookups
from bot.pipeline.config import FOLLOWUP_KINDS, Desk
from bot.pipeline.signals import Checked, Decided, Stop, Work
from bot.rules.decide import Decision
from bot.rules.hold import held
from bot.rules.kinds import LetterFacts
from bot.store.case_views import view_of
from bot.store.models import Case
from parsers.reading import Reading
from parsers.requirements import check
from parsers.types import NEW_CASE_KINDS, Classification, Kind, ParsedLetter, RequestData


def extract_and_check(desk: Desk, session: Session, work: Work) -> Stop | None:
    route = work.route
    assert route is not None
    if route.pins is not None:
        return None  # answered as a whole by the apply stage (R-PIN-21, R-THR-4 step 6)
    kind = route.classification.kind
    if route.case is None:
        work.checked = checked_new(work.reading, work.letter, kind, work.ctx)
    else:
        work.checked = checked_followup(route.case, work.reading, kind, work.ctx)
    return None


def checked_new(
    reading: Reading, letter: ParsedLetter, kind: Kind, ctx: CaseContext | None
) -> Checked:
    """A new case's data: what the letter says, as its kind."""
    assert ctx is not None
    request = reading.request_for(kind, ctx.received_at) or parsers.extract(
        letter, kind, received_at=ctx.received_at
    )
    return Checked(kind.value, request, serialise_fields(request), check(request))


def checked_followup(case: Case, reading: Reading, kind: Kind, ctx: CaseContext | None) -> Checked:
    assert ctx is not None
    # A follow-up is read as its case's kind; what was read ahead is taken when it was
    # read as that kind (a reply often reads as a new letter of its case's kind).
    as_kind = kind if kind in FOLLOWUP_KINDS else Kind(case.kind)
    request = reading.request_for(as_kind, ctx.received_at) or parsers.extract(
        reading.letter, as_kind, received_at=ctx.received_at
    )
    if kind in FOLLOWUP_KINDS:
        # A software list, extension, report or document letter is read and
        # checked as itself; the case's own data stay as they were.
        return Checked(case.kind, request, dict(case.fields), check(request))
    # R-VAL-6: later values override the same fields; the rest are kept.
    merged = merge_fields(case.fields, serialise_fields(request))
    findings = check(RequestData(Kind(case.kind), deserialise_fields(merged)))
    return Checked(case.kind, request, merged, findings)


def decide(desk: Desk, session: Session, work: Work) -> Stop | None:
    route, ctx, checked = work.route, work.ctx, work.checked
    assert route is not None and ctx is not None
    if route.pins is not None:
        return None
    assert checked is not None
    classification = route.classification
    lookups = SessionLookups(session)
    closed: Case | None = None
    if route.case is not None:
        # The case as it is once the route's flags are on it (the apply stage adds them).
        view = view_of(route.case)
        flagged = with_flags(view.attrs, ctx.flags)
        if flagged is not None:
            view = replace(view, attrs=flagged)
        facts = letter_facts(checked, ctx, classification)
        decision = desk.rules.followup(view, facts, lookups)
        if decision.split_from is None:
            work.decided = Decided(for_letter(decision, ctx), route.case, checked)
            return None
        # R-TKT-12 after the reopen window: a new case that names the old one.
        # Issue 24: the note names why, a rejected ticket has no reopen window.
        why = "closed_long_ago" if decision.state == "closed" else "rejected"
        closed = route.case
        # R-TKT-12: «opens a new ticket» — of the old case's kind (the letter itself reads
        # as a follow-up), and with the old case's data for what the letter does not repeat.
        kind = classification.kind
        if kind not in NEW_CASE_KINDS:
            kind = Kind(closed.kind)
        ctx = work.ctx = replace(ctx.with_note((decision.split_from, why)), kind=kind.value)
        if kind.value == closed.kind:
            checked = checked_followup(closed, work.reading, kind, ctx)
        else:
            checked = checked_new(work.reading, work.letter, kind, ctx)
    facts = letter_facts(checked, ctx, classification)
    decision = for_letter(desk.rules.new_case(facts, lookups), ctx)
    work.decided = Decided(decision, None, checked, closed)
    return None


def for_letter(decision: Decision, ctx: CaseContext) -> Decision:
    """The decision as the letter's context has it: a held letter's is held (issue 6)."""
    return held(decision) if ctx.held else decision


def with_flags(attrs: dict[str, Any], flags: tuple[str, ...]) -> dict[str, Any] | None:
    """The attributes with the flags not yet among them added (R-THR-7, R-THR-10, R-ID-5);
    None when there is none to add."""
    new = [flag for flag in flags if flag not in attrs.get("flags", [])]
    if not new:
        return None
    return {**attrs, "flags": [*attrs.get("flags", []), *new]}


def letter_facts(checked: Checked, ctx: CaseContext, classification: Classification) -> LetterFacts:
    request = checked.request
    return LetterFacts(
        kind=checked.kind,
        findings=checked.findings,
        fields=checked.fields,
        received_at=ctx.received_at,
        identity=ctx.identity,
        new_text=ctx.letter.new_text,
        attachments=tuple(a.filename for a in ctx.letter.attachments if not a.inline),
        letter_kind=classification.kind.value,
        event=getattr(classification, "event", None),
        flags=tuple(getattr(request, "flags", ()) or ()),
        letter_fields=serialise_fields(request),
        sender=ctx.letter.from_addr,
    )

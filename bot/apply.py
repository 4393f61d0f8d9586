"""Write a Decision: case row, history, thread keys and deadlines, in the caller's transaction.

The replies are the reply writer's (`bot.letters.writer`), passed in: the Applier holds it for the
stages and services that apply decisions, and records history with its recorder.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.apply_types import ApplierConfig, CaseContext
from bot.case_history import jsonable
from bot.clock import Clock, as_utc
from bot.letters.writer import Letters
from bot.rules.decide import DeadlineIntent, Decision
from bot.store.hours_models import HoursLog
from bot.store.ids import reserve_id
from bot.store.models import Case, Deadline, Letter
from bot.store.txn_cache import cache_of
from bot.support_registry import record_acts
from parsers.types import ParsedLetter

log = logging.getLogger(__name__)


class Applier:
    def __init__(self, config: ApplierConfig, clock: Clock, *, letters: Letters) -> None:
        self._config = config
        self._clock = clock
        self.letters = letters  # the reply writer, for whoever applies a decision
        self.history = letters.history

    @property
    def number_format(self) -> str:
        """The case number format (R-THR-1), for a case HQ opens by `split` (R-THR-13)."""
        return self._config.number_format

    # -- cases -----------------------------------------------------------------------------

    def open_case(self, session: Session, ctx: CaseContext, decision: Decision) -> Case:
        now = self._clock.now()
        # R-THR-1/R-THR-2: the number comes from the never-reused row id, taken beforehand
        # so that the case is written with its number and without a flush of its own.
        case_id = reserve_id(session, Case.__tablename__)
        case = Case(
            id=case_id,
            number=self._config.number_format.format(seq=case_id) if case_id else None,
            kind=ctx.kind,
            state=decision.state,
            mailbox=ctx.role or "general",
            requester=ctx.letter.from_addr,
            subject=ctx.letter.subject[:2000],
            fields=decision.fields,
            missing=list(decision.missing),
            invalid=list(decision.invalid),
            created_at=now,
            updated_at=now,
            partner_id=ctx.identity.partner_id if ctx.identity else None,
            policy_version=decision.attrs.get("policy_version"),
            attrs=jsonable(
                {
                    **decision.attrs,
                    "flags": [*decision.attrs.get("flags", []), *ctx.flags],
                    "previous_case": list(ctx.previous_case) if ctx.previous_case else None,
                }
            ),
        )
        session.add(case)
        if case_id is None:
            session.flush()
            case.number = self._config.number_format.format(seq=case.id)
        cache_of(session).new_cases.add(case.id)
        self._record(session, ctx, case, decision, old_state=None)
        return case

    def update_case(
        self, session: Session, ctx: CaseContext, case: Case, decision: Decision
    ) -> None:
        self.history.remember(session, case, ctx.letter.message_id)
        self.transition(session, case, decision, letter_id=ctx.letter_row.id)

    def transition(
        self,
        session: Session,
        case: Case,
        decision: Decision,
        *,
        letter_id: int | None = None,
        actor: str = "partnerdesk",
        details: dict[str, Any] | None = None,
        keep_findings: bool = False,
    ) -> None:
        """Apply a decision to an existing case: state, data, history (R-HQ-6), timers.

        Timers and HQ actions do not re-read the letter data (`keep_findings`): what is
        missing stays recorded while the case still waits for it.
        """
        old_state = case.state
        case.state = decision.state
        case.fields = decision.fields or case.fields
        if not keep_findings or decision.state != "needs_info":
            case.missing = list(decision.missing)
            case.invalid = list(decision.invalid)
        case.attrs = jsonable({**(case.attrs or {}), **decision.attrs})
        case.updated_at = self._clock.now()
        for entry in decision.hours:
            # R-RES-6: logged hours are the only usage; the year is the work date's (D-23).
            session.add(
                HoursLog(
                    case_id=case.id,
                    partner_id=case.partner_id,
                    hours=entry.hours,
                    work_date=entry.work_date,
                    year=entry.work_date.year,
                    logged_by=actor,
                    logged_at=case.updated_at,
                )
            )
        self._history(session, case, decision, letter_id, old_state, actor, details or {})

    def _record(
        self,
        session: Session,
        ctx: CaseContext,
        case: Case,
        decision: Decision,
        *,
        old_state: str | None,
    ) -> None:
        """Thread key, history entry and timers of a new case's first decision."""
        self.history.remember(session, case, ctx.letter.message_id)
        if decision.support_acts:  # R-ID-8: a renewal by act number
            record_acts(session, case.id, case.partner_id, decision.support_acts, case.created_at)
        self._history(session, case, decision, ctx.letter_row.id, old_state, "partnerdesk", {})

    def _history(
        self,
        session: Session,
        case: Case,
        decision: Decision,
        letter_id: int | None,
        old_state: str | None,
        actor: str,
        details: dict[str, Any],
    ) -> None:
        details = {
            "rules": list(decision.rule_ids),
            "missing": list(decision.missing),
            "invalid": list(decision.invalid),
            **details,
        }
        self.history.event(
            session, case, decision.event, letter_id, details, old_state=old_state, actor=actor
        )
        self._deadlines(session, case, decision)

    def attach(
        self,
        session: Session,
        case: Case,
        row: Letter,
        letter: ParsedLetter,
        event: str,
        details: dict[str, Any],
    ) -> None:
        """Record a letter in the case history without changing its state."""
        self.history.remember(session, case, letter.message_id)
        self.history.event(session, case, event, row.id, details)

    def _deadlines(self, session: Session, case: Case, decision: Decision) -> None:
        now = self._clock.now()
        new_cases = cache_of(session).new_cases
        if case.id in new_cases:
            # The decision that opened the case: it has no timers yet, nothing to look up.
            # Only that first one: a later letter of the same batch (a follow-up in the same
            # transaction) revises the timers like any other, or it would write twins.
            new_cases.discard(case.id)
            for item in decision.deadlines:
                session.add(_deadline_row(case, item, now))
        else:
            self._revise_timers(session, case, decision, now)

    def _revise_timers(
        self, session: Session, case: Case, decision: Decision, now: datetime
    ) -> None:
        if decision.cancel_deadlines:
            session.execute(
                update(Deadline)
                .where(
                    Deadline.case_id == case.id,
                    Deadline.kind.in_(decision.cancel_deadlines),
                    Deadline.status == "pending",
                )
                .values(status="cancelled", done_at=now)
            )
        session.flush()
        if not decision.deadlines:
            return
        # The case's timers of the kinds asked for, in one query (unique per kind and time).
        kinds = {item.kind for item in decision.deadlines}
        known = {
            (row.kind, as_utc(row.due_at)): row
            for row in session.scalars(
                select(Deadline).where(Deadline.case_id == case.id, Deadline.kind.in_(kinds))
            )
        }
        for item in decision.deadlines:
            existing = known.get((item.kind, as_utc(item.due_at)))
            if existing is not None:
                # The same timer asked for again (e.g. a second clarification in the same
                # minute): revive it rather than add a twin; a done one stays done.
                if existing.status == "cancelled":
                    existing.status = "pending"
                    existing.payload = jsonable(item.payload)
                continue
            known[(item.kind, as_utc(item.due_at))] = row = _deadline_row(case, item, now)
            session.add(row)


def _deadline_row(case: Case, item: DeadlineIntent, now: datetime) -> Deadline:
    return Deadline(
        case_id=case.id,
        kind=item.kind,
        rule_id=item.rule_id,
        due_at=item.due_at,
        status="pending",
        created_at=now,
        payload=jsonable(item.payload),
    )

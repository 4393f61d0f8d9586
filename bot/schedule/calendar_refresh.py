"""Open deadlines follow the calendar data (R-CAL-4, R-SLA-14).

A tick compares the calendar's version (bot/workcal/version.py) with the one it last
reconciled. When it differs (a year file added or changed in the data folder, the packaged
years after an upgrade, or the offices' hours after a restart with a new policy), the
calendar forgets its loaded years, and every pending timer counted in working time is
recomputed from its stored start under the new data, with the case attribute that shows it.
Each kind's rules say which timers those are and what each is counted from: a table of
`WorkingTerm` per kind (bot/rules/working_terms.py). Calendar-day terms are in no table
and never move; nor does a date HQ set by hand (R-SLA-10, R-LIC-6) or one a paused clock
moved (R-SLA-11).

A year without data is computed Mon–Fri plus art. 112 and HQ is told (the ticker's alert);
its file arriving changes the version, so the deadlines computed without it move then.

The first tick after a start reconciles once, so changes made while the service was down
count too; it skips cases already reconciled under the same version (their stamp). A tick
that reloaded changed data recomputes every case, stamped or not: a case another instance
stamped may hold a moment this instance computed from the data it held before the reload.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.apply import Applier
from bot.clock import as_utc
from bot.rules.decide import iso
from bot.rules.dispatch import Rules
from bot.rules.inquiry.inquiries import INQUIRY_TERMS
from bot.rules.license.rules import LICENSE_TERMS
from bot.rules.pin.states import KIND as PIN_KIND
from bot.rules.pin.terms import PIN_TERMS
from bot.rules.resource.terms import RESOURCE_TERMS
from bot.rules.ticket.terms import TICKET_TERMS
from bot.rules.working_terms import WorkingTerm, timers_of
from bot.store.models import Case, Deadline
from bot.workcal import WorkCalendar
from bot.workcal.version import calendar_version

VERSION_KEY = "calendar_version"
# Each kind's deadlines counted in working time, as its rules list them.
TERMS: dict[str, dict[str, WorkingTerm]] = {
    "ticket": timers_of(TICKET_TERMS),
    "license_request": timers_of(LICENSE_TERMS),
    "resource": timers_of(RESOURCE_TERMS),
    "inquiry": timers_of(INQUIRY_TERMS),
    PIN_KIND: timers_of(PIN_TERMS),
}
BATCH = 200  # cases loaded and written at a time


class CalendarRefresh:
    def __init__(self, sessions: sessionmaker[Session], applier: Applier, rules: Rules) -> None:
        self._sessions = sessions
        self._applier = applier
        self._rules = rules
        self._reconciled: str | None = None  # None: not yet since this process started

    def run(self, now: datetime) -> int:
        """Recompute what the changed calendar moves; the number of cases whose deadlines moved."""
        calendar: WorkCalendar = self._rules.calendar
        version = calendar_version(calendar)
        if version == self._reconciled:
            return 0
        reloaded = self._reconciled is not None
        if reloaded:
            calendar.reload()  # new data: forget the years loaded (and found missing) before
        with self._sessions() as session:
            case_ids = list(session.scalars(_cases_with_pending_terms()))
        moved = 0
        for first in range(0, len(case_ids), BATCH):
            with self._sessions.begin() as session:
                moved += self._batch(
                    session, case_ids[first : first + BATCH], version, now, reloaded
                )
        self._reconciled = version
        return moved

    def _batch(
        self, session: Session, case_ids: list[int], version: str, now: datetime, reloaded: bool
    ) -> int:
        pending: dict[int, list[Deadline]] = defaultdict(list)
        rows = session.scalars(
            select(Deadline)
            .where(Deadline.case_id.in_(case_ids), Deadline.status == "pending")
            .order_by(Deadline.id)
        )
        for row in rows:
            pending[row.case_id].append(row)
        moved = 0
        cases = session.scalars(select(Case).where(Case.id.in_(case_ids)).order_by(Case.id))
        for case in cases:
            if not reloaded and (case.attrs or {}).get(VERSION_KEY) == version:
                continue
            moved += self._recompute(session, case, pending[case.id], version, now)
        return moved

    def _recompute(
        self, session: Session, case: Case, rows: list[Deadline], version: str, now: datetime
    ) -> int:
        attrs: dict[str, Any] = {**(case.attrs or {}), VERSION_KEY: version}
        terms = TERMS.get(case.kind, {})
        old: dict[str, str | None] = {}
        new: dict[str, str | None] = {}
        rules: set[str] = set()
        for row in rows:
            term = terms.get(row.kind)
            if term is None:
                continue
            due = term.due(self._rules.calendar, self._rules.policy, attrs)
            before = as_utc(row.due_at)
            if due is None or as_utc(due) == before:
                continue
            label = term.shows or term.timer
            old[label] = (attrs.get(term.shows) if term.shows else None) or iso(before)
            new[label] = iso(due)
            rules.add(term.rule)
            if term.shows and attrs.get(term.shows):
                attrs[term.shows] = iso(due)  # what the digest and `show` read moves too
            _move(session, row, as_utc(due), now)
        case.attrs = attrs
        if not new:
            return 0
        details = {
            "rule": "R-CAL-4",
            "rules": sorted(rules),
            "calendar_version": version,
            "old": old,
            "new": new,
        }
        self._applier.history.event(session, case, "deadline-recomputed", None, details)
        case.updated_at = now
        return 1


def _cases_with_pending_terms() -> Any:
    """Ids of the cases with a pending timer of a kind their rules count in working time."""
    return (
        select(Deadline.case_id)
        .join(Case, Case.id == Deadline.case_id)
        .where(
            Deadline.status == "pending",
            or_(
                *(
                    and_(Case.kind == kind, Deadline.kind.in_(list(terms)))
                    for kind, terms in TERMS.items()
                )
            ),
        )
        .distinct()
        .order_by(Deadline.case_id)
    )


def _move(session: Session, row: Deadline, due: datetime, now: datetime) -> None:
    """The timer to its new moment. A row of the same case, kind and moment may already be
    there (one cancelled or done, from an earlier count): the same timer asked for again,
    revived as the applier does rather than twinned; a done one stays done."""
    clash = session.scalar(
        select(Deadline).where(
            Deadline.case_id == row.case_id,
            Deadline.kind == row.kind,
            Deadline.due_at == due,
            Deadline.id != row.id,
        )
    )
    if clash is None:
        row.due_at = due
        return
    if clash.status == "cancelled":
        clash.status, clash.done_at, clash.payload = "pending", None, row.payload
    row.status, row.done_at = "cancelled", now

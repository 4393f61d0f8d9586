"""Open deadlines follow the calendar data (R-CAL-4, R-SLA-14).

A tick compares the calendar's version (bot/workcal/version.py) with the one it last
reconciled. When it differs (a year file added or changed in the data folder, or the
offices' hours after a restart with a new policy), the calendar forgets its loaded years
and each open ticket whose SLA was computed under another version gets its deadline,
at-risk and soft moments recomputed from its stored clock start and target. A deadline HQ
set by hand (extend_deadline, R-SLA-10), or moved by a paused clock (R-SLA-11), is kept.
The first tick after a start reconciles once, so changes made while the service was down
count too.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.apply import Applier
from bot.clock import as_utc
from bot.rules.decide import iso, when
from bot.rules.dispatch import Rules
from bot.rules.tickets import OPEN, SLA_AT_RISK, SLA_BREACH, SLA_SOFT
from bot.store.models import Case, Deadline
from bot.workcal import WorkCalendar
from bot.workcal.version import calendar_version

VERSION_KEY = "calendar_version"


class CalendarRefresh:
    def __init__(self, sessions: sessionmaker[Session], applier: Applier, rules: Rules) -> None:
        self._sessions = sessions
        self._applier = applier
        self._rules = rules
        self._reconciled: str | None = None  # None: not yet since this process started

    def run(self, now: datetime) -> int:
        """Recompute what the changed calendar moves; the number of tickets recomputed."""
        calendar: WorkCalendar = self._rules.calendar
        version = calendar_version(calendar)
        if version == self._reconciled:
            return 0
        if self._reconciled is not None:
            calendar.reload()  # new data: forget the years loaded (and found missing) before
        moved = 0
        with self._sessions.begin() as session:
            tickets = session.scalars(
                select(Case).where(Case.kind == "ticket", Case.state == OPEN).order_by(Case.id)
            )
            for case in tickets:
                if (case.attrs or {}).get(VERSION_KEY) != version:
                    moved += self._recompute(session, case, version, now)
        self._reconciled = version
        return moved

    def _recompute(self, session: Session, case: Case, version: str, now: datetime) -> int:
        attrs: dict[str, Any] = dict(case.attrs or {})
        attrs[VERSION_KEY] = version
        start, old_deadline = when(attrs, "clock_started_at"), when(attrs, "deadline_at")
        amount, unit = attrs.get("target_amount"), attrs.get("target_unit")
        if (
            start is None
            or old_deadline is None
            or amount is None
            or unit not in ("WD", "wh")
            or attrs.get("deadline_extended_reason")  # HQ's own date stays (R-SLA-10)
            # R-SLA-11: a paused clock moved the moments by time the start cannot tell.
            or attrs.get("sla_paused_at")
            or attrs.get("sla_paused_wh")
        ):
            case.attrs = attrs
            return 0
        new = self._moments(attrs, as_utc(start), float(amount), unit)
        changed = {k: v for k, v in new.items() if attrs.get(k) and iso(v) != attrs.get(k)}
        case.attrs = {**attrs, **{k: iso(v) for k, v in changed.items()}}
        if not changed:
            return 0
        kinds = {"deadline_at": SLA_BREACH, "at_risk_at": SLA_AT_RISK, "soft_at": SLA_SOFT}
        for key, moment in changed.items():
            row = session.scalar(
                select(Deadline).where(
                    Deadline.case_id == case.id,
                    Deadline.kind == kinds[key],
                    Deadline.status == "pending",
                )
            )
            if row is not None:
                row.due_at = moment
        details = {
            "rule": "R-CAL-4",
            "calendar_version": version,
            "old": {k: attrs.get(k) for k in changed},
            "new": {k: iso(v) for k, v in changed.items()},
        }
        self._applier.event(session, case, "deadline-recomputed", None, details)
        case.updated_at = now
        return 1

    def _moments(
        self, attrs: dict[str, Any], start: datetime, amount: float, unit: str
    ) -> dict[str, datetime]:
        """The SLA moments from the clock start, as bot/rules/sla.py computes them."""
        calendar = self._rules.calendar
        policy = self._rules.policy.sla
        if unit == "WD":
            deadline = calendar.add_working_days(start, int(amount))
        else:
            deadline = calendar.add_working_hours(start, timedelta(hours=amount))
        total = calendar.working_time_between(start, deadline)
        out = {
            "deadline_at": deadline,
            "at_risk_at": calendar.add_working_hours(start, total * policy.at_risk_ratio),
        }
        target = policy.target(str(attrs.get("tracker")), attrs.get("priority"))
        if target is not None and target.soft_wd is not None:
            out["soft_at"] = calendar.add_working_days(start, target.soft_wd)
        return out

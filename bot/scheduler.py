"""Deadlines are rows; `tick(now)` performs each due one exactly once, even across instances.

APScheduler only calls tick on an interval (and once at start, to catch up after downtime):
it holds no business state, so a restart loses nothing.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.apply import Applier
from bot.clock import Clock, as_utc
from bot.lookups import SessionLookups
from bot.rules.dispatch import Rules
from bot.store.claims import claim_due
from bot.store.models import Case, Deadline

log = logging.getLogger(__name__)


@dataclass(slots=True)
class TickResult:
    replies: list[dict[str, Any]] = field(default_factory=list)
    done: int = 0
    failed: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "replies": self.replies,
            "deadlines_done": self.done,
            "deadlines_failed": self.failed,
        }


class Ticker:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        applier: Applier,
        rules: Rules,
        clock: Clock,
        worker: str = "local",
    ) -> None:
        self._sessions = sessions
        self._applier = applier
        self._rules = rules
        self._clock = clock
        self._worker = f"{worker}:{uuid.uuid4().hex[:8]}"

    def _claim(self, now: datetime, limit: int) -> list[int]:
        return claim_due(
            self._sessions,
            Deadline,
            Deadline.due_at,
            ready="pending",
            claimed="running",
            worker=self._worker,
            now=now,
            limit=limit,
        )

    def _calendar_alerts(self) -> list[dict[str, Any]]:
        """R-CAL-4: a year without production-calendar data is computed Mon–Fri plus the
        fixed holidays, and HQ is told once per year."""
        missing = self._rules.calendar.missing_years()
        if not missing:
            return []
        with self._sessions.begin() as session:
            out: list[dict[str, Any]] = []
            for year in missing:
                out += self._applier.notify_hq(
                    session,
                    "hq_calendar_missing",
                    f"calendar-missing:{year}",
                    None,
                    {"year": year},
                    role="admin",
                )
            return out

    def tick(self, now: datetime | None = None, limit: int = 500) -> TickResult:
        """Run every deadline due by `now`, oldest first (R-CAL-11 catch-up)."""
        now = as_utc(now) if now else self._clock.now()
        result = TickResult()
        for deadline_id in self._claim(now, limit):
            try:
                result.replies += self._run(deadline_id, now)
                result.done += 1
            except Exception:
                log.exception("deadline %s failed; it stays visible as failed", deadline_id)
                with self._sessions.begin() as session:
                    session.execute(
                        update(Deadline)
                        .where(Deadline.id == deadline_id)
                        .values(status="failed", done_at=now)
                    )
                result.failed += 1
        result.replies += self._calendar_alerts()
        return result

    def _run(self, deadline_id: int, now: datetime) -> list[dict[str, Any]]:
        from bot.pipeline import view_of

        with self._sessions.begin() as session:
            deadline = session.get(Deadline, deadline_id)
            assert deadline is not None
            case = session.get(Case, deadline.case_id)
            assert case is not None
            due_at = as_utc(deadline.due_at)
            # R-CAL-11: the effect is computed as of the due moment, not the run moment.
            decision = self._rules.deadline(
                view_of(case),
                deadline.kind,
                due_at,
                dict(deadline.payload),
                now,
                SessionLookups(session),
            )
            replies: list[dict[str, Any]] = []
            if decision is not None:
                details = {"deadline": deadline.id, "rule": deadline.rule_id, "due_at": due_at}
                self._applier.transition(
                    session, case, decision, details=details, keep_findings=True
                )
                replies = self._applier.scheduled_replies(session, case, decision, deadline)
            deadline.status = "done"
            deadline.done_at = now
            return replies

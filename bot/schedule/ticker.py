"""Deadlines are rows; `tick(now)` performs each due one exactly once, even across instances.

APScheduler only calls tick on an interval (and once at start, to catch up after downtime):
it holds no business state, so a restart loses nothing.

Timers are claimed a small batch at a time with a lease (bot/store/claims.py), and every
tick first takes back the claims of a crashed tick (issue 19). Running a timer is one
transaction whose first write marks it `done` on condition that the claim is still this
tick's: its effects and that mark commit together, so a timer interrupted before the commit
runs again, and one that committed never does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import monotonic
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.apply import Applier
from bot.clock import Clock, as_utc
from bot.desk import event_log
from bot.desk.alert_batch import merge as merge_alerts
from bot.desk.alert_keys import BATCHED
from bot.desk.digest_send import DigestDesk
from bot.lookups import SessionLookups
from bot.outages import notices_due
from bot.rules.dispatch import Rules
from bot.schedule.calendar_refresh import CalendarRefresh
from bot.store.case_views import view_of
from bot.store.claims import claim_due, claimant, release_stale, still_ours
from bot.store.models import Case, Deadline

log = logging.getLogger("bot.scheduler")  # the logger name log lines have always carried

# Timers claimed at once, and how long the claim holds: a timer runs in milliseconds, so a
# batch is done long before its lease ends, and a crash strands a few for two minutes at most
# (at once when the crashed claimant was a process of this host).
CLAIM_BATCH = 20
CLAIM_LEASE = timedelta(minutes=2)


@dataclass(slots=True)
class TickResult:
    replies: list[dict[str, Any]] = field(default_factory=list)
    done: int = 0
    failed: int = 0
    # R-HQ-7: digests queued by this tick, apart from the replies the timers caused.
    digests: list[dict[str, Any]] = field(default_factory=list)
    # R-CAL-4: open cases (every kind) whose deadlines the changed calendar data moved.
    recomputed: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "replies": self.replies,
            "deadlines_done": self.done,
            "deadlines_failed": self.failed,
            "digests": self.digests,
            "deadlines_recomputed": self.recomputed,
        }


class Ticker:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        applier: Applier,
        rules: Rules,
        clock: Clock,
        worker: str = "local",
        digests: DigestDesk | None = None,
    ) -> None:
        self._sessions = sessions
        self._applier = applier
        self._letters = applier.letters
        self._rules = rules
        self._clock = clock
        self._worker = claimant(worker)
        self._digests = digests  # R-HQ-7: sent by the tick that reaches their slot
        self._calendar_refresh = CalendarRefresh(sessions, applier, rules)

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
            lease=CLAIM_LEASE,
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
                out += self._letters.hq.notify_hq(
                    session,
                    "hq_calendar_missing",
                    f"calendar-missing:{year}",
                    None,
                    {"year": year},
                    role="admin",
                )
            return out

    def tick(self, now: datetime | None = None, limit: int = 500) -> TickResult:
        """Run every deadline due by `now` (at most `limit`), oldest first (R-CAL-11 catch-up)."""
        now = as_utc(now) if now else self._clock.now()
        result = TickResult()
        released = release_stale(
            self._sessions, Deadline, ready="pending", claimed="running", now=now
        )
        if released:
            log.warning("took back %s timers a stopped tick had claimed", len(released))
        # R-CAL-4, R-SLA-14: new calendar data move open deadlines before any of them runs.
        result.recomputed = self._calendar_refresh.run(now)
        claimed = 0
        while claimed < limit:
            batch = self._claim(now, min(CLAIM_BATCH, limit - claimed))
            if not batch:
                break
            claimed += len(batch)
            for deadline_id in batch:
                self._run_one(deadline_id, now, result)
        # R-HQ-8: the timers' alerts, one letter per recipient list; after a crash, the next
        # tick merges what this one left batched.
        with self._sessions.begin() as session:
            result.replies += merge_alerts(session, self._letters.hq, now)
        result.replies += self._calendar_alerts()
        with self._sessions.begin() as session:
            # R-TKT-21: outages past their threshold are announced to the partners.
            result.replies += notices_due(session, self._letters.partner, self._rules.policy, now)
        if self._digests is not None:
            result.digests = self._digests.send_due(now)
        return result

    def _run_one(self, deadline_id: int, now: datetime, result: TickResult) -> None:
        started = monotonic()
        try:
            replies = self._run(deadline_id, now)
            outcome = "done" if replies is not None else "taken_back"
            event_log.timer(deadline_id, outcome, len(replies or ()), _ms(started))
        except Exception:
            event_log.timer(deadline_id, "failed", 0, _ms(started))
            log.exception("deadline %s failed; it stays visible as failed", deadline_id)
            with self._sessions.begin() as session:
                mine = still_ours(Deadline, deadline_id, claimed="running", worker=self._worker)
                session.execute(update(Deadline).where(*mine).values(status="failed", done_at=now))
            result.failed += 1
            return
        if replies is None:
            log.warning("deadline %s was taken back from this tick; its taker runs it", deadline_id)
            return
        # Batched alerts are reported by the merge, as the letters they become (R-HQ-8).
        result.replies += [reply for reply in replies if reply["status"] != BATCHED]
        result.done += 1

    def _run(self, deadline_id: int, now: datetime) -> list[dict[str, Any]] | None:
        """The timer's effects and its `done` mark in one transaction; None when the claim
        is no longer this tick's (its lease ran out and another tick took it)."""
        with self._sessions.begin() as session:
            # The first write: from here the row is locked (SQLite: the database) until the
            # commit, so a tick taking the claim back waits and then finds it done.
            mine = still_ours(Deadline, deadline_id, claimed="running", worker=self._worker)
            marked = session.execute(
                update(Deadline)
                .where(*mine)
                .values(status="done", done_at=now, claim_until=None)
                .execution_options(synchronize_session=False)
            )
            if marked.rowcount != 1:
                return None
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
                replies = self._letters.cases.scheduled_replies(session, case, decision, deadline)
            return replies


def _ms(started: float) -> float:
    return (monotonic() - started) * 1000

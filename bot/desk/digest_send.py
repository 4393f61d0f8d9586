"""Sending the digest: once per role per working day at `hq.digest_time` (R-HQ-7, R-CAL-13).

What was sent is recorded as the outbox row itself, under the unique key
`digest:<role>:<local date>`: a tick after a restart, or a second instance, cannot queue a
second one. A tick at or after the slot of a working day sends that day's digest, so one
missed at 08:30 while the service was down goes out at start-up (catch-up); a non-working
day sends none, and days missed entirely are not sent late (the next digest covers them).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import as_utc
from bot.desk.digest import ADMIN, Digest, DigestConfig, build_digests
from bot.desk.digest_held import mark_listed
from bot.desk.digest_render import render_digest
from bot.letters.hq import reply_json
from bot.outbox.compose import OutgoingLetter
from bot.outbox.queue import queue
from bot.policy import Policy
from bot.settings import Settings
from bot.store.models import OutboxMessage
from bot.workcal import WorkCalendar
from replies.render import RenderedReply

log = logging.getLogger(__name__)
TEMPLATE = "hq_digest"


class DigestDesk:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        calendar: WorkCalendar,
        policy: Policy,
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self._calendar = calendar
        self._config = DigestConfig(
            owners=settings.hq.owners,
            actor=settings.hq.staff[0] if settings.hq.staff else "hq@" + settings.mailboxes.domain,
            hours_limit=policy.resource.hours_limit,
            local=calendar.format_local,
            roles={role: tuple(addrs) for role, addrs in settings.hq.roles.items()},
            staff=frozenset(
                a.lower()
                for a in (*settings.hq.staff, *(x for xs in settings.hq.roles.values() for x in xs))
            ),
        )

    def slot(self, now: datetime) -> datetime | None:
        """Today's digest moment if today (primary-office time) is a working day."""
        local = self._calendar.local(now)
        if not self._calendar.is_working_day(local.date()):
            return None
        at = self._settings.hq.digest_time
        return local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)

    def build(self, now: datetime, role: str | None = None) -> dict[str, Digest]:
        """Every role's digest (or one role's) as it would be sent at `now`."""
        now = as_utc(now)
        with self._sessions() as session:
            digests = build_digests(session, now, self._since(session, now), self._config)
        return {r: d for r, d in digests.items() if role is None or r == role}

    def recipients(self, digests: dict[str, Digest]) -> dict[str, list[str]]:
        """Roles nobody holds (hq.roles) are read in the admin digest, not sent apart to the
        alert list: one address would otherwise get the same case in several letters."""
        out = {}
        for role in digests:
            holders = self._settings.hq.roles.get(role)
            if holders or role == ADMIN:
                out[role] = holders or self._settings.hq.alerts_to
        return out

    def render(self, digest: Digest) -> RenderedReply:
        return render_digest(
            digest, self._calendar.local(digest.at), self._calendar.format_local(digest.at)
        )

    def send_due(self, now: datetime) -> list[dict[str, Any]]:
        """Queue today's digests if their slot has come and they are not queued yet."""
        now = as_utc(now)
        slot = self.slot(now)
        if slot is None or now < slot:
            return []
        day = f"{slot:%Y-%m-%d}"
        digests = self.build(now)
        try:
            return self._queue(digests, day, now)
        except IntegrityError:
            # Instances sharing a database tick at once: another one queued the digest.
            log.info("digests of %s already queued by another instance", day)
            return []

    def _queue(self, digests: dict[str, Digest], day: str, now: datetime) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        with self._sessions.begin() as session:
            for role, to in self.recipients(digests).items():
                letter = OutgoingLetter(
                    reply_kind="notice",
                    template=TEMPLATE,
                    sender=self._settings.mailboxes.general_address,
                    sender_name="partnerdesk",
                    to=to[0],
                    cc=tuple(to[1:]),
                    rendered=self.render(digests[role]),
                    dedupe_key=f"digest:{role}:{day}",
                    auto_submitted="auto-generated",
                )
                row = queue(
                    session,
                    letter,
                    case_id=None,
                    letter_id=None,
                    domain=self._settings.mailboxes.domain,
                    now=now,
                )
                if row is not None:
                    log.info("digest for %s of %s queued to %s", role, day, ", ".join(to))
                    out.append(reply_json(row))
                    # R-HQ-8: the alerts it lists were said; the next digest has new ones.
                    mark_listed(session, digests[role].held)
        return out

    def _since(self, session: Session, now: datetime) -> datetime:
        """The previous digest's moment; a day back before the first one."""
        last = session.scalar(
            select(func.max(OutboxMessage.created_at)).where(
                OutboxMessage.template == TEMPLATE, OutboxMessage.created_at < now
            )
        )
        return as_utc(last) if last else now - timedelta(days=1)

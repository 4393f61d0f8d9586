"""Delivery of the outbox: a sender claims due rows and hands them to a transport (the relay,
or a Maildir when no relay is configured).

Claims are leases taken a small batch at a time (bot/store/claims.py); every delivery round
first recovers the rows a crashed sender left `sending` (issue 19). What a crash may have
done to such a row decides what happens to it:

* Maildir: a file named after the row (its id and Message-ID) is in new/ or cur/ — the row
  was delivered and is marked sent; otherwise it is queued again.
* Relay: a row is marked (`attempt_started_at`) just before it is handed to the relay. A
  recovered row without the mark never left, and is queued again. A row with it may or may
  not have reached the relay: a relay cannot be asked, and sending it again would answer a
  partner twice, so it is held (`partnerdesk outbox --status held`) and HQ is told to check
  the relay's log for its Message-ID and release it if it is not there. At most one row per
  sender is in that state after a crash: rows are handed over one at a time. The trade-off:
  a reply in that window waits for HQ instead of risking a second copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.desk import event_log
from bot.outbox.transports import MaildirTransport, RelayTransport, Transport
from bot.store.claims import DEFAULT_LEASE, claim_due, claimant, stale_claims, still_ours
from bot.store.models import OutboxMessage

log = logging.getLogger(__name__)
__all__ = [
    "CLAIM_BATCH",
    "MaildirTransport",
    "RelayTransport",
    "RetryPolicy",
    "Sender",
    "Transport",
]

# Rows claimed at once: a crash strands no more than these until their lease ends.
CLAIM_BATCH = 20
UNCONFIRMED = (
    "the sender stopped while handing this reply to the relay, so it may or may not have "
    "been delivered; look for Message-ID {message_id} in the relay's log, and if it is not "
    "there, send it with 'partnerdesk outbox --release {id}'"
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 12
    base_seconds: float = 30
    max_seconds: float = 3600

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.base_seconds * 2 ** (attempts - 1), self.max_seconds))


class Sender:
    """Delivers due outbox rows exactly once each from this side: claim, send, mark."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        transport: Transport,
        clock: Clock,
        retry: RetryPolicy,
        worker: str = "local",
        *,
        lease: timedelta = DEFAULT_LEASE,
        on_unconfirmed: Callable[[Session, OutboxMessage], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._transport = transport
        self._clock = clock
        self._retry = retry
        self._worker = claimant(worker)
        self._lease = lease
        # Tells HQ, in the transaction that holds the row, of a reply that may not have left.
        self._on_unconfirmed = on_unconfirmed

    def _claim(self, now: datetime, limit: int) -> list[int]:
        return claim_due(
            self._sessions,
            OutboxMessage,
            OutboxMessage.next_attempt_at,
            ready="queued",
            claimed="sending",
            worker=self._worker,
            now=now,
            limit=limit,
            lease=self._lease,
        )

    async def deliver_due(self, limit: int = 100) -> int:
        """Recover stale claims, then send what is due now, a small batch at a time; returns
        how many were delivered."""
        self.recover_stale_claims()
        delivered = claimed = 0
        while claimed < limit:
            ids = self._claim(self._clock.now(), min(CLAIM_BATCH, limit - claimed))
            if not ids:
                break
            claimed += len(ids)
            delivered += await self._deliver(ids)
        return delivered

    async def _deliver(self, ids: list[int]) -> int:
        with self._sessions() as session:
            rows = session.scalars(
                select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
            ).all()
            session.expunge_all()
        sent: list[int] = []
        for row in rows:
            if not self._transport.idempotent and not self._mark_attempt(row.id):
                continue  # the claim ran out and another sender took the row
            try:
                await self._transport.deliver(row)
            except Exception as exc:  # any transport failure: keep the row, try later
                event_log.delivery(row.id, row.to_addr, row.template, "failed", repr(exc)[:300])
                self._record_failure(row.id, exc)
                continue
            event_log.delivery(row.id, row.to_addr, row.template, "sent")
            sent.append(row.id)
            if not self._transport.idempotent:
                self._mark_sent([row.id])
        if self._transport.idempotent:
            self._mark_sent(sent)
        return len(sent)

    def _mark_attempt(self, row_id: int) -> bool:
        """Before a hand-over to the relay: from now on a crash leaves the row unconfirmed."""
        now = self._clock.now()
        mine = still_ours(OutboxMessage, row_id, claimed="sending", worker=self._worker)
        with self._sessions.begin() as session:
            result = session.execute(
                update(OutboxMessage)
                .where(*mine)
                .values(attempt_started_at=now, claim_until=now + self._lease)
            )
            return result.rowcount == 1

    def _mark_sent(self, ids: list[int]) -> None:
        # By id alone: the letter went, whoever holds the row's claim now.
        if not ids:
            return
        with self._sessions.begin() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(
                    status="sent",
                    sent_at=self._clock.now(),
                    attempts=OutboxMessage.attempts + 1,
                    last_error=None,
                    attempt_started_at=None,
                    claim_until=None,
                )
            )

    def _record_failure(self, row_id: int, exc: Exception) -> None:
        now = self._clock.now()
        with self._sessions.begin() as session:
            row = session.get(OutboxMessage, row_id)
            assert row is not None
            if row.status != "sending" or row.claimed_by != self._worker:
                return  # taken back meanwhile: its new holder decides
            row.attempts += 1
            row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            row.attempt_started_at = row.claim_until = None  # the relay refused it
            if row.attempts >= self._retry.max_attempts:
                row.status = "failed"
                log.error(
                    "outbox %s failed for good after %s attempts: %s",
                    row_id,
                    row.attempts,
                    row.last_error,
                )
            else:
                row.status = "queued"
                row.next_attempt_at = now + self._retry.delay(row.attempts)
                log.warning(
                    "outbox %s attempt %s failed (%s); next try at %s",
                    row_id,
                    row.attempts,
                    row.last_error,
                    row.next_attempt_at.isoformat(),
                )

    def recover_stale_claims(self) -> int:
        """Rows a crashed (or stalled past its lease) sender left `sending`: delivered ones
        are marked sent, ones that never left are queued again, and ones that may have
        reached the relay are held for HQ (module docstring). Runs before every round."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            stale = stale_claims(session, OutboxMessage, claimed="sending", now=now)
            if not stale:
                return 0
            for row in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(stale))):
                self._recover(session, row, now)
        log.warning("recovered %s replies a stopped sender had claimed", len(stale))
        return len(stale)

    def _recover(self, session: Session, row: OutboxMessage, now: datetime) -> None:
        if self._transport.idempotent:
            arrived = self._transport.delivered(row)
        else:
            arrived = False if row.attempt_started_at is None else None
        row.claimed_by = row.claim_until = None
        if arrived:
            row.status, row.sent_at, row.last_error = "sent", now, None
            row.attempts += 1
        elif arrived is False:
            row.status, row.next_attempt_at = "queued", now
        else:
            row.status = "held"
            row.last_error = UNCONFIRMED.format(message_id=row.message_id, id=row.id)
            log.error("outbox %s: %s", row.id, row.last_error)
            if self._on_unconfirmed is not None:
                self._on_unconfirmed(session, row)
        row.attempt_started_at = None

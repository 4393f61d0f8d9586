"""Outbox claims are leases: the running sender takes back what a crashed one left `sending`,
delivers each reply once, and holds for HQ a reply that may already be at the relay
(issue 19, R-MBX-1: never reply twice)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select, update

from bot.app import build
from bot.outbox.sender import CLAIM_BATCH, MaildirTransport, RetryPolicy, Sender
from bot.store.claims import DEFAULT_LEASE
from bot.store.models import OutboxMessage
from tests.conftest import PARTNER, deliver, maildir_messages, register_partner
from tests.support.letters import COMPLETE_TICKET, letter

pytestmark = pytest.mark.both_databases


class Recording:
    """A relay-like transport (not idempotent) that records what it was handed."""

    idempotent = False

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def deliver(self, row: OutboxMessage) -> None:
        self.sent.append(row.message_id)

    def delivered(self, row: OutboxMessage) -> None:
        return None

    def describe(self) -> str:
        return "recording relay"


def _letters(service, count: int) -> None:
    senders = [f"user{n}@partner.ru" for n in range(count)]
    register_partner(service, {**PARTNER, "addresses": senders})
    for n, sender in enumerate(senders):
        deliver(service, letter(sender=sender, body=COMPLETE_TICKET, message_id=f"<s{n}@p.ru>"))


def _sender(service, transport, name: str) -> Sender:
    return Sender(service.sessions, transport, service.clock, RetryPolicy(), worker=name)


def _statuses(service) -> dict[str, int]:
    with service.sessions() as session:
        rows = session.scalars(select(OutboxMessage.status)).all()
    return {status: rows.count(status) for status in set(rows)}


def _maildir_ids(path) -> list[str]:
    return sorted(m["Message-ID"] for m in maildir_messages(path))


async def test_r_mbx_1_stale_sending_rows_are_delivered_once_by_the_running_sender(
    service, frozen_clock, tmp_path
) -> None:
    _letters(service, 5)
    outbox = tmp_path / "outbox"
    crashed = _sender(service, MaildirTransport(outbox), "crashed")
    ids = crashed._claim(frozen_clock.now(), 5)
    # The crash came after two files were written, before any row was marked sent; a reader
    # already moved one of them to cur/.
    with service.sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids[:2]))).all()
        for row in rows:
            await MaildirTransport(outbox).deliver(row)
    moved = sorted((outbox / "new").iterdir())[0]
    os.rename(moved, outbox / "cur" / f"{moved.name}:2,S")
    running = service.sender
    assert await running.deliver_due() == 0  # its lease holds: the claimant may be at work
    assert _statuses(service) == {"sending": 5}
    frozen_clock.advance(seconds=DEFAULT_LEASE.total_seconds() + 1)
    assert await running.deliver_due() == 3  # without a restart
    assert _statuses(service) == {"sent": 5}
    delivered = _maildir_ids(outbox)
    assert len(delivered) == len(set(delivered)) == 5


async def test_r_mbx_1_a_relay_row_interrupted_mid_hand_over_is_held_and_hq_told(
    settings, frozen_clock
) -> None:
    relay = Recording()
    service = build(settings, clock=frozen_clock, transport=relay)
    _letters(service, 3)
    crashed = Sender(
        service.sessions, relay, frozen_clock, RetryPolicy(), worker="crashed", lease=DEFAULT_LEASE
    )
    first, *rest = crashed._claim(frozen_clock.now(), 3)
    assert crashed._mark_attempt(first)  # then the process died inside the relay's DATA
    frozen_clock.advance(seconds=DEFAULT_LEASE.total_seconds() + 1)
    assert await service.sender.deliver_due() == 3  # the two never handed over + HQ's notice
    with service.sessions() as session:
        held = session.get(OutboxMessage, first)
        assert held.status == "held" and held.message_id not in relay.sent
        assert f"outbox --release {first}" in held.last_error
        [notice] = session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == "hq_outbox_unconfirmed")
        ).all()
    assert held.message_id in notice.text and notice.message_id in relay.sent
    assert sorted(relay.sent) == sorted([notice.message_id, *(service_row_ids(service, rest))])
    service.engine.dispose()


def service_row_ids(service, ids: list[int]) -> list[str]:
    with service.sessions() as session:
        return list(
            session.scalars(select(OutboxMessage.message_id).where(OutboxMessage.id.in_(ids)))
        )


async def test_a_sender_whose_claim_was_taken_back_does_not_hand_the_row_over(
    settings, frozen_clock
) -> None:
    relay = Recording()
    service = build(settings, clock=frozen_clock, transport=relay)
    _letters(service, 1)
    slow = Sender(service.sessions, relay, frozen_clock, RetryPolicy(), worker="slow")
    [row_id] = slow._claim(frozen_clock.now(), 1)
    frozen_clock.advance(seconds=DEFAULT_LEASE.total_seconds() + 1)
    assert await service.sender.deliver_due() == 1  # took it back (never handed over)
    assert await slow._deliver([row_id]) == 0  # the slow one finds it is no longer its own
    assert len(relay.sent) == 1
    service.engine.dispose()


async def test_replies_are_claimed_a_small_batch_at_a_time(service, frozen_clock) -> None:
    _letters(service, CLAIM_BATCH + 3)
    sizes: list[int] = []
    claim = service.sender._claim

    def counting(now, limit):
        ids = claim(now, limit)
        sizes.append(len(ids))
        return ids

    service.sender._claim = counting  # type: ignore[method-assign]
    assert await service.sender.deliver_due(100) == CLAIM_BATCH + 3
    assert sizes == [CLAIM_BATCH, 3, 0]
    with service.sessions() as session:
        row = session.scalars(select(OutboxMessage)).first()
        assert row.claim_until is None and row.attempt_started_at is None


async def test_stale_rows_of_a_version_without_leases_are_recovered(
    service, frozen_clock, tmp_path
) -> None:
    _letters(service, 2)
    with service.sessions.begin() as session:
        session.execute(
            update(OutboxMessage).values(
                status="sending", claimed_by="partnerdesk:0badc0de", claimed_at=frozen_clock.now()
            )
        )
    frozen_clock.advance(seconds=1)
    assert await service.sender.deliver_due() == 2
    assert len(_maildir_ids(tmp_path / "outbox")) == 2

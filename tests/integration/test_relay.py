"""Delivery through an SMTP relay (aiosmtpd sink on 127.0.0.1), including the relay being down."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select

from bot.app import build
from bot.outbox.sender import RelayTransport
from bot.store.models import OutboxMessage
from tests.conftest import deliver
from tests.support.letters import COMPLETE_TICKET, letter
from tests.support.sinks import RelaySink

pytestmark = pytest.mark.integration


@pytest.fixture
def relay_sink():
    sink = RelaySink()
    yield sink
    sink.stop()


@pytest.fixture
def relayed(settings, frozen_clock, relay_sink):
    transport = RelayTransport("127.0.0.1", relay_sink.port, timeout=5)
    service = build(settings, clock=frozen_clock, transport=transport)
    yield service
    service.engine.dispose()


def _row(service) -> OutboxMessage:
    with service.sessions() as session:
        return session.scalars(select(OutboxMessage)).one()


async def test_reply_goes_through_relay_once(relayed, relay_sink) -> None:
    relay_sink.start()
    result = deliver(relayed, letter(body=COMPLETE_TICKET))
    assert await relayed.sender.deliver_due() == 1
    assert await relayed.sender.deliver_due() == 0  # exactly once
    [(mail_from, rcpts, content)] = relay_sink.messages
    assert (mail_from, rcpts) == ("support@technocom.tech", ["ivan@partner.ru"])
    msg = message_from_bytes(content, policy=default)
    assert msg["Message-ID"] == result.replies[0]["message_id"]
    assert _row(relayed).status == "sent"


async def test_relay_down_keeps_reply_queued_then_delivers(
    relayed, relay_sink, frozen_clock
) -> None:
    deliver(relayed, letter(body=COMPLETE_TICKET))
    assert await relayed.sender.deliver_due() == 0  # relay not started: connection refused
    row = _row(relayed)
    assert (row.status, row.attempts) == ("queued", 1)
    assert (row.last_error and "SMTP" in row.last_error) or "onnect" in row.last_error
    # Not retried before the backoff has passed.
    assert await relayed.sender.deliver_due() == 0
    assert _row(relayed).attempts == 1
    relay_sink.start()
    frozen_clock.advance(seconds=relayed.settings.outbox.retry_base_seconds)
    assert await relayed.sender.deliver_due() == 1
    row = _row(relayed)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    assert len(relay_sink.messages) == 1


async def test_reply_fails_for_good_after_max_attempts_and_stays_visible(
    settings, frozen_clock
) -> None:
    from bot.outbox.sender import RetryPolicy, Sender

    service = build(
        settings, clock=frozen_clock, transport=RelayTransport("127.0.0.1", 9, timeout=1)
    )
    deliver(service, letter(body=COMPLETE_TICKET))
    sender = Sender(
        service.sessions,
        service.transport,
        frozen_clock,
        RetryPolicy(max_attempts=3, base_seconds=1, max_seconds=1),
    )
    for _ in range(3):
        await sender.deliver_due()
        frozen_clock.advance(seconds=2)
    row = _row(service)
    assert (row.status, row.attempts) == ("failed", 3)
    service.engine.dispose()

"""Issue 19: large letters in flight share one memory budget at the SMTP endpoint; beyond
it a large letter is answered 451 (try again later) and accepted once the budget is free.
The endpoint is a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import gc
import os
import smtplib
import time

import pytest
from sqlalchemy import select

from bot.receive.smtp import DataBudget, IngestHandler, make_controller
from bot.store.models import Letter
from tests.support.letters import COMPLETE_TICKET, letter
from tests.support.ports import free_port

MIB = 1024 * 1024
FROM, TO = "ivan@partner.ru", "support@technocom.tech"


@pytest.fixture
def budget() -> DataBudget:
    return DataBudget(3 * MIB)


@pytest.fixture
def endpoint(service, budget: DataBudget):
    port = free_port()
    handler = IngestHandler(service.pipeline, service.clock, frozenset({TO}), budget=budget)
    controller = make_controller(handler, "127.0.0.1", port, lmtp=False, max_message_size=64 * MIB)
    controller.start()
    yield port
    controller.stop()


def _large(subject: str) -> bytes:
    scan = os.urandom(2 * MIB)
    return letter(
        subject=subject, body=COMPLETE_TICKET, attachments=[("scan.pdf", scan, "application/pdf")]
    )


def _stored(service) -> list[str]:
    with service.sessions() as session:
        return list(session.scalars(select(Letter.subject).order_by(Letter.id)))


def test_r_mbx_1_large_data_beyond_the_budget_gets_451_then_is_accepted(
    service, endpoint: int
) -> None:
    big = _large("Большое письмо")
    holder = smtplib.SMTP("127.0.0.1", endpoint)
    # Another session declares 2.5 MiB (RFC 1870 SIZE) and holds it without sending it.
    holder.ehlo()
    assert holder.mail(FROM, [f"SIZE={int(2.5 * MIB)}"])[0] == 250
    assert holder.rcpt(TO)[0] == 250
    # A client that declares its size is asked to come back before sending the bytes …
    with smtplib.SMTP("127.0.0.1", endpoint) as client:
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            client.sendmail(FROM, [TO], big)
        assert refused.value.smtp_code == 451
        assert b"try again later" in refused.value.smtp_error
    # … one that does not is answered 451 after DATA, and nothing of it is kept.
    with smtplib.SMTP("127.0.0.1", endpoint) as client:
        client.ehlo()
        assert client.mail(FROM)[0] == 250
        assert client.rcpt(TO)[0] == 250
        code, message = client.data(big)
        assert (code, b"try again later" in message) == (451, True)
    assert _stored(service) == []
    # Small letters are never held back.
    with smtplib.SMTP("127.0.0.1", endpoint) as client:
        client.sendmail(FROM, [TO], letter(subject="Маленькое", body=COMPLETE_TICKET))
    # The holder gives up: its share is free, and the MTA's retry is accepted.
    holder.quit()
    with smtplib.SMTP("127.0.0.1", endpoint) as client:
        assert client.sendmail(FROM, [TO], big) == {}
    assert _stored(service) == ["Маленькое", "Большое письмо"]


def test_a_dropped_connection_gives_its_share_back(endpoint: int, budget: DataBudget) -> None:
    holder = smtplib.SMTP("127.0.0.1", endpoint)
    holder.ehlo()
    assert holder.mail(FROM, [f"SIZE={2 * MIB}"])[0] == 250
    assert budget.in_flight == 2 * MIB
    holder.close()  # no QUIT: the client vanished
    deadline = time.monotonic() + 5
    while budget.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)  # the server notices the closed socket on its own thread
    assert budget.in_flight == 0


def test_budget_is_given_back_when_a_session_is_collected() -> None:
    class Session:  # stands for an aiosmtpd session
        pass

    budget = DataBudget(3 * MIB)
    first, second = Session(), Session()
    assert budget.reserve(2 * MIB, first)
    assert not budget.reserve(2 * MIB, second)
    assert budget.reserve(4 * MIB // 10, second)  # under LARGE_LETTER: never counted
    del first
    gc.collect()
    assert budget.in_flight == 0
    assert budget.reserve(2 * MIB, second)
    budget.release(second)
    assert budget.in_flight == 0
    # Alone, a letter larger than the whole budget still goes through.
    assert budget.reserve(5 * MIB, Session()) is True

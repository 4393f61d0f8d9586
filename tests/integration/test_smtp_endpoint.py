"""End to end over real sockets on 127.0.0.1: SMTP client → aiosmtpd endpoint → outbox."""

from __future__ import annotations

import asyncio
import contextlib
import smtplib
import time
from pathlib import Path

import pytest

from bot.app import build
from bot.clock import SystemClock
from bot.runner import run_service
from bot.settings import load_settings
from tests.conftest import READ_IN_PROCESS, maildir_messages, register_partner
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, dsn, letter
from tests.support.ports import free_port

pytestmark = pytest.mark.integration


@contextlib.asynccontextmanager
async def running_service(tmp_path: Path, hq: dict | None = None, **smtp):
    """The real service (endpoint, sender, scheduler) on a free port, replies to a Maildir;
    `hq` overrides the HQ settings."""
    port = free_port()
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'pd.sqlite3'}",
        outbox={"maildir": str(tmp_path / "outbox"), "poll_seconds": 0.2},
        smtp={"port": port, **smtp},
        reading=READ_IN_PROCESS,
        **({"hq": hq} if hq is not None else {}),
    )
    service = build(settings, clock=SystemClock())
    register_partner(service)
    stop = asyncio.Event()
    task = asyncio.create_task(run_service(service, stop))
    try:
        await _wait_listening(port)
        yield service, port, tmp_path / "outbox"
    finally:
        stop.set()
        await task


@pytest.fixture
async def endpoint(tmp_path: Path, clean_env: None):
    async with running_service(tmp_path) as running:
        yield running


async def _wait_listening(port: int) -> None:
    for _ in range(100):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise AssertionError("endpoint did not start")


def _send(port: int, raw: bytes, to: str = "support@technocom.tech") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail("ivan@partner.ru", [to], raw)


async def _send_async(port: int, raw: bytes, to: str = "support@technocom.tech") -> None:
    await asyncio.to_thread(_send, port, raw, to)


async def _replies(outbox: Path, count: int, within: float = 5.0):
    """Poll the Maildir until `count` replies are there (the bar is one second; CI gets 5)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        messages = maildir_messages(outbox)
        if len(messages) >= count:
            return messages
        await asyncio.sleep(0.05)
    return maildir_messages(outbox)


async def test_new_letter_gets_tagged_reply_in_outbox_within_a_second(endpoint) -> None:
    _service, port, outbox = endpoint
    started = time.monotonic()
    await _send_async(port, letter(subject="Сбой при сохранении", body=COMPLETE_TICKET))
    [reply] = await _replies(outbox, 1)
    elapsed = time.monotonic() - started
    assert reply["Subject"].startswith("[TCM-000001]")
    assert reply["Auto-Submitted"] == "auto-replied"
    assert elapsed < 5.0


async def test_followup_with_references_and_changed_subject_stays_in_thread(endpoint) -> None:
    service, port, outbox = endpoint
    await _send_async(port, letter(message_id="<e1@partner.ru>", body=INCOMPLETE_TICKET))
    [first] = await _replies(outbox, 1)
    await _send_async(
        port,
        letter(
            subject="Другая тема",
            body="Данные ниже",
            in_reply_to=first["Message-ID"],
            references=["<e1@partner.ru>", first["Message-ID"]],
        ),
    )
    replies = await _replies(outbox, 2)
    assert len(replies) == 2
    assert all("[TCM-000001]" in r["Subject"] for r in replies)
    from bot.inspect import list_cases

    assert [c["case"] for c in list_cases(service.sessions, None, None, 10)] == ["TCM-000001"]


async def test_new_thread_is_new_case(endpoint) -> None:
    _service, port, outbox = endpoint
    await _send_async(port, letter(body=COMPLETE_TICKET))
    await _send_async(port, letter(body=COMPLETE_TICKET))
    subjects = sorted(r["Subject"][:12] for r in await _replies(outbox, 2))
    assert subjects == ["[TCM-000001]", "[TCM-000002]"]


async def test_automatic_letters_are_stored_without_reply(endpoint) -> None:
    service, port, outbox = endpoint
    await _send_async(
        port, letter(headers={"Auto-Submitted": "auto-replied"}, subject="Out of office")
    )
    await _send_async(port, letter(headers={"List-Id": "<news.partner.ru>"}))
    await _send_async(port, dsn("<unknown@technocom.tech>"), to="mail@technocom.tech")
    await _send_async(port, letter(body=COMPLETE_TICKET))  # a marker that the others are done
    messages = await _replies(outbox, 2, within=2.0)
    partner = [m for m in messages if m["To"] == "ivan@partner.ru"]
    assert len(partner) == 1  # only the marker letter was answered
    from sqlalchemy import select

    from bot.store.models import Letter

    with service.sessions() as session:
        statuses = sorted(session.scalars(select(Letter.status)))
    assert statuses == ["ignored", "ignored", "ignored", "processed"]


async def test_same_letter_twice_one_case_one_reply(endpoint) -> None:
    _service, port, outbox = endpoint
    raw = letter(message_id="<twice@partner.ru>", body=COMPLETE_TICKET)
    await _send_async(port, raw)
    await _send_async(port, raw)
    await _send_async(port, letter(body=COMPLETE_TICKET))
    subjects = sorted(r["Subject"][:12] for r in await _replies(outbox, 3, within=2.0))
    assert subjects == ["[TCM-000001]", "[TCM-000002]"]


async def test_unknown_recipient_is_refused_at_rcpt(endpoint) -> None:
    _service, port, _outbox = endpoint

    def attempt() -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("ivan@partner.ru", ["nobody@technocom.tech"], letter())

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        await asyncio.to_thread(attempt)
    code, message = refused.value.recipients["nobody@technocom.tech"]
    assert code == 550 and b"5.1.1" in message


async def test_lmtp_mode_accepts_and_answers(tmp_path: Path, clean_env: None) -> None:
    def send_lmtp(port: int) -> list[int]:
        # smtplib reads one reply after DATA; RFC 2033 gives one per recipient, so the
        # dialogue is driven by hand to read them all.
        client = smtplib.LMTP("127.0.0.1", port, timeout=10)
        try:
            client.ehlo_or_helo_if_needed()
            client.mail("ivan@partner.ru")
            for rcpt in ("support@technocom.tech", "mail@technocom.tech"):
                assert client.rcpt(rcpt)[0] == 250
            first, _ = client.data(letter(body=COMPLETE_TICKET))
            second, _ = client.getreply()
            return [first, second]
        finally:
            client.close()

    async with running_service(tmp_path, lmtp=True) as (_service, port, outbox):
        codes = await asyncio.to_thread(send_lmtp, port)
        assert codes == [250, 250]
        [reply] = await _replies(outbox, 1)
        assert reply["Subject"].startswith("[TCM-000001]")

"""The SMTP endpoint answers `250` once the letter is stored and processes it after; a crash
between the two loses nothing, and the restarted service answers the letter at once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock, as_utc
from bot.store.models import Case, Letter, OutboxMessage
from tests.conftest import T0, maildir_messages
from tests.integration.test_concurrent_ingest import _count, _send, running
from tests.support.letters import COMPLETE_TICKET, letter
from tests.support.ports import free_port

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
SENDER = "u0@partner.ru"


async def _stalled_endpoint(database_url: str, port: int, maildir: Path) -> subprocess.Popen:
    """The service in a process of its own whose endpoint stores and answers but never
    processes (tests/support/stalled_endpoint.py), listening on `port`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERDESK_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.stalled_endpoint",
            database_url,
            str(port),
            str(maildir),
            T0.isoformat(),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, process.communicate()[0]
        assert time.monotonic() < deadline, "the endpoint did not start"
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return process


def _answers(outbox: Path) -> list:
    """What the Maildir holds for the partner (HQ's notices aside)."""
    return [m for m in maildir_messages(outbox) if m["To"] == SENDER]


def _processing(process: subprocess.Popen) -> str:
    """The stalled endpoint's output up to the line saying its processing thread reached a
    letter (its start-up lines come first)."""
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        if line.startswith("processing "):
            return line
        seen.append(line)
    raise AssertionError(f"the endpoint never reached the processing: {''.join(seen)}")


async def test_r_mbx_1_smtp_250_then_crash_before_processing_letter_processed_once_at_restart(
    tmp_path: Path, clean_env: None, database_url: str
) -> None:
    """Issue 20 item 3: "SMTP `250` before processing with a crash between the two → the
    letter is processed after restart". R-MBX-1: the letter is processed, and only once.

    The first service runs in a process of its own: its endpoint stores the letter and
    answers `250`, its processing thread reaches the letter, and the process is killed
    there (SIGKILL: nothing of it runs after). The letter stays `received`. A new service
    on the same database, its clock frozen at the very moment the letter was stored, must
    answer it within seconds: the letter is far younger than the five minutes after which
    any instance takes over a letter (`STRANDED_AFTER`), so it is picked up only because the
    process that stored it is gone. A live instance's fresh letters are left alone
    (tests/unit/test_pipeline.py).
    """
    outbox = tmp_path / "outbox"
    port = free_port()
    crashed = await _stalled_endpoint(database_url, port, outbox)
    try:
        code, _seconds = await asyncio.to_thread(
            _send, port, letter(sender=SENDER, body=COMPLETE_TICKET), SENDER
        )
        assert code == 250
        said = await asyncio.wait_for(asyncio.to_thread(_processing, crashed), timeout=30)
        crashed.send_signal(signal.SIGKILL)  # between the 250 and the processing
    finally:
        if crashed.poll() is None:
            crashed.kill()
        crashed.communicate(timeout=20)
    letter_id = int(said.split()[1])

    def still_unprocessed(service) -> None:  # the restarted service, before it starts
        with service.sessions() as session:
            row = session.get(Letter, letter_id)
            assert row is not None and row.status == "received"
            assert as_utc(row.stored_at) == T0  # as fresh as it gets at the restart
        assert _count(service, Case) == 0 and maildir_messages(outbox) == []

    async with running(tmp_path, database_url, FrozenClock(T0), still_unprocessed) as (
        service,
        _port,
    ):
        deadline = time.monotonic() + 3
        while not _answers(outbox):
            assert time.monotonic() < deadline, "the restart did not process the stored letter"
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # a few more recovery rounds and ticks: nothing twice
    with service.sessions() as session:
        row = session.get(Letter, letter_id)
        assert row is not None and (row.status, row.kind) == ("processed", "ticket")
        cases = session.scalars(select(Case)).all()
        to_partner = OutboxMessage.to_addr == SENDER
        replies = session.scalars(select(OutboxMessage).where(to_partner)).all()
    assert [(case.id, case.number) for case in cases] == [(row.case_id, "TCM-000001")]
    assert [reply.status for reply in replies] == ["sent"]  # one answer to the partner
    [answer] = _answers(outbox)
    assert answer["Subject"].startswith("[TCM-000001]")
    service.engine.dispose()

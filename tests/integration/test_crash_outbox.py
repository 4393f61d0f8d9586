"""A sender killed while delivering loses and repeats no reply: the service's running sender
takes the dead one's `sending` rows back without a restart (issue 19, R-MBX-1)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import build
from bot.clock import FrozenClock
from bot.ingest import Arrival
from bot.runner import deliver_forever
from bot.settings import load_settings
from bot.store.models import OutboxMessage
from tests.conftest import PARTNER, T0, maildir_messages, register_partner
from tests.support.letters import COMPLETE_TICKET, letter

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
LETTERS = 100
QUEUED_AT = T0 + timedelta(hours=1)


def _send_once(url: str, outbox: Path) -> subprocess.Popen:
    """`partnerdesk outbox --send`: one delivery round in a process of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERDESK_")}
    env["PARTNERDESK_OUTBOX__MAILDIR"] = str(outbox)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "outbox", "--send", "--db", url],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_at_first_new_file(run: subprocess.Popen, new: Path, seen: int) -> None:
    """SIGKILL the moment the sender has written a file more: mid-batch, before its mark."""
    deadline = time.monotonic() + 30
    while run.poll() is None and time.monotonic() < deadline:
        if new.is_dir() and len(os.listdir(new)) > seen:
            break
    run.send_signal(signal.SIGKILL)
    run.wait(10)


def _count(service, *where) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage).where(*where)) or 0


async def _until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def test_r_mbx_1_sender_killed_mid_delivery_every_reply_once_without_restart(
    tmp_path: Path, clean_env: None, database_url: str
) -> None:
    outbox = tmp_path / "outbox"
    settings = load_settings(database_url=database_url, outbox={"maildir": str(outbox)})
    clock = FrozenClock(QUEUED_AT)
    service = build(settings, clock=clock)
    senders = [f"user{n}@partner.ru" for n in range(LETTERS)]  # under R-MBX-4's hourly limit
    register_partner(service, {**PARTNER, "addresses": senders})
    service.pipeline.ingest_many(
        [
            Arrival(raw=letter(sender=s, body=COMPLETE_TICKET), received_at=QUEUED_AT)
            for s in senders
        ]
    )
    total = _count(service)
    assert total >= LETTERS
    # The running service's sender, on a clock before the replies were queued: it delivers
    # nothing of its own accord, only what it takes back from the killed sender.
    clock.set(T0)
    recovered: list[int] = []
    recover = service.sender.recover_stale_claims

    def counting() -> int:
        recovered.append(recover())
        return recovered[-1]

    service.sender.recover_stale_claims = counting  # type: ignore[method-assign]
    wake, stop = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(deliver_forever(service.sender, wake, stop, 0.05))
    try:
        for _kill in range(10):  # as in issue 19: kill after kill until one strands rows
            seen = len(os.listdir(outbox / "new")) if (outbox / "new").is_dir() else 0
            run = _send_once(database_url, outbox)
            await asyncio.to_thread(_kill_at_first_new_file, run, outbox / "new", seen)
            await _until(
                lambda: _count(service, OutboxMessage.status == "sending") == 0,
                10,
                "the running sender to take the killed sender's rows back",
            )
            if sum(recovered):
                break
        assert sum(recovered), "no kill left a row claimed"
        clock.set(QUEUED_AT)  # now the rest falls due for the running sender too
        wake.set()
        await _until(lambda: _count(service, OutboxMessage.status == "sent") == total, 30, "all")
    finally:
        stop.set()
        wake.set()
        await running
    delivered = Counter(m["Message-ID"] for m in maildir_messages(outbox))
    assert len(delivered) == total
    assert set(delivered.values()) == {1}  # no reply twice in the Maildir
    service.engine.dispose()

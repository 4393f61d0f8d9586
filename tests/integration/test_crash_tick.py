"""A `partnerdesk tick` killed mid-tick loses no deadline: the next tick runs every timer the
dead one had claimed, and no reminder goes out twice (issue 19, R-TKT-15, R-CAL-11)."""

from __future__ import annotations

import asyncio
import os
import signal
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
from bot.settings import load_settings
from bot.store.models import Case, Deadline, OutboxMessage
from tests.conftest import PARTNER, T0, maildir_messages, register_partner
from tests.support.letters import INCOMPLETE_TICKET, letter
from tests.support.logged_process import LoggedProcess

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
TICKETS = 150
WINDOW_END = T0 + timedelta(hours=72)  # R-SLA-1: 72 hours from receipt


def _partnerdesk(url: str, outbox: Path, *args: str) -> LoggedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERDESK_")}
    env["PARTNERDESK_OUTBOX__MAILDIR"] = str(outbox)
    return LoggedProcess(
        [sys.executable, "-m", "bot.cli", *args, "--db", url],
        outbox.parent,  # the output, in a file beside the outbox
        cwd=REPO,
        env=env,
    )


def _count(service, *where) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(Deadline).where(*where)) or 0


async def test_r_tkt_15_tick_killed_mid_tick_then_next_tick_sends_every_reminder_once(
    tmp_path: Path, clean_env: None, database_url: str
) -> None:
    outbox = tmp_path / "outbox"
    settings = load_settings(database_url=database_url, outbox={"maildir": str(outbox)})
    clock = FrozenClock(T0)
    service = build(settings, clock=clock)
    senders = [f"user{n}@partner.ru" for n in range(TICKETS)]  # under R-MBX-4's hourly limit
    register_partner(service, {**PARTNER, "addresses": senders})
    service.pipeline.ingest_many(
        [
            Arrival(
                raw=letter(sender=s, body=INCOMPLETE_TICKET, message_id=f"<c{n}@partner.ru>"),
                received_at=T0,
                source="test",
            )
            for n, s in enumerate(senders)
        ]
    )
    while await service.sender.deliver_due(500):  # the clarifications
        pass
    pending = Deadline.kind == "tkt_w_end", Deadline.status == "pending"
    assert _count(service, *pending) == TICKETS

    at = ("tick", "--at", WINDOW_END.isoformat())
    run = _partnerdesk(database_url, outbox, *at)
    try:
        deadline = time.monotonic() + 60
        while _count(service, Deadline.kind == "tkt_w_end", Deadline.status == "done") < 10:
            assert run.poll() is None, "the tick ended before it could be killed"
            assert time.monotonic() < deadline, "the tick did not start"
            await asyncio.sleep(0.005)
        run.send_signal(signal.SIGKILL)  # no graceful stop, mid-tick
    finally:
        run.communicate(timeout=20)
    done = _count(service, Deadline.kind == "tkt_w_end", Deadline.status == "done")
    assert done < TICKETS, "the tick finished before it was killed"
    assert _count(service, Deadline.status == "running") > 0  # the dead tick's claims

    # The next tick, at the same moment, takes the dead tick's claims back at once.
    again = _partnerdesk(database_url, outbox, *at, "--json")
    output = again.communicate(timeout=60)[0].decode(errors="replace")
    assert again.returncode == 0, output
    assert _count(service, Deadline.status == "running") == 0
    assert _count(service, Deadline.kind == "tkt_w_end", Deadline.status == "done") == TICKETS
    clock.set(WINDOW_END)  # whatever the tick left queued is delivered here
    while await service.sender.deliver_due(500):
        pass
    with service.sessions() as session:
        numbers = dict(session.execute(select(Case.id, Case.number)).all())
        rows = session.execute(
            select(OutboxMessage.case_id, OutboxMessage.status).where(
                OutboxMessage.reply_kind == "reminder"
            )
        ).all()
    assert Counter(case for case, _status in rows) == Counter(dict.fromkeys(numbers, 1))
    assert {status for _case, status in rows} == {"sent"}
    delivered = Counter(
        m["Subject"].split("]")[0] + "]"
        for m in maildir_messages(outbox)
        if m["Auto-Submitted"] == "auto-generated" and m["To"] in senders
    )
    assert delivered == Counter({f"[{number}]": 1 for number in numbers.values()})
    service.engine.dispose()

"""Timer claims are leases: a crashed tick's timers run again, exactly once (issue 19,
R-TKT-15 reminders, R-CAL-11 catch-up)."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.schedule.ticker import CLAIM_BATCH, CLAIM_LEASE, Ticker
from bot.store.claims import claimant, claimant_gone
from bot.store.models import Deadline, OutboxMessage
from tests.conftest import deliver
from tests.support.letters import INCOMPLETE_TICKET, letter

pytestmark = pytest.mark.both_databases
WINDOW = timedelta(hours=72)  # R-SLA-1: the clarification window


def _tickets(service, count: int) -> None:
    for n in range(count):
        deliver(service, letter(message_id=f"<lease-{n}@partner.ru>", body=INCOMPLETE_TICKET))


def _other(service, clock, name: str = "other") -> Ticker:
    return Ticker(service.sessions, service.applier, service.rules, clock, worker=name)


def _reminders(service) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).where(OutboxMessage.reply_kind == "reminder"))


def _statuses(service, kind: str = "tkt_w_end") -> list[str]:
    with service.sessions() as session:
        return sorted(session.scalars(select(Deadline.status).where(Deadline.kind == kind)))


def test_r_tkt_15_a_crashed_ticks_timers_run_once_its_lease_ran_out(service, frozen_clock) -> None:
    _tickets(service, 3)
    crashed = _other(service, frozen_clock, "crashed")
    now = frozen_clock.advance(hours=72)
    assert len(crashed._claim(now, 500)) == 3  # claimed, then the process died
    # The claimant may still be at work while its lease holds: nothing is run twice.
    assert service.ticker.tick(now).replies == []
    later = now + CLAIM_LEASE + timedelta(seconds=1)
    assert [r["kind"] for r in service.ticker.tick(later).replies] == ["reminder"] * 3
    assert service.ticker.tick(later).replies == []
    assert _statuses(service) == ["done"] * 3 and _reminders(service) == 3


def test_r_tkt_15_claims_of_a_process_of_this_host_that_is_gone_are_taken_back_at_once(
    service, frozen_clock
) -> None:
    _tickets(service, 2)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    now = frozen_clock.advance(hours=72)
    crashed = _other(service, frozen_clock, "crashed")
    crashed._worker = crashed._worker.replace(
        f":{crashed._worker.split(':')[-2]}:", f":{dead.stdout.strip()}:"
    )
    assert claimant_gone(crashed._worker)
    assert len(crashed._claim(now, 500)) == 2
    assert len(service.ticker.tick(now).replies) == 2  # no lease to wait out
    assert _reminders(service) == 2


def test_a_claimant_that_outlived_its_lease_does_not_run_what_its_successor_ran(
    service, frozen_clock
) -> None:
    _tickets(service, 1)
    slow = _other(service, frozen_clock, "slow")
    now = frozen_clock.advance(hours=72)
    [deadline_id] = [d for d in slow._claim(now, 500)]
    later = now + CLAIM_LEASE * 2
    assert len(service.ticker.tick(later).replies) == 1  # took the claim back and ran it
    assert slow._run(deadline_id, later) is None  # its claim is no longer its own
    assert _reminders(service) == 1 and _statuses(service) == ["done"]


def test_running_timers_claimed_before_leases_existed_are_taken_back(service, frozen_clock) -> None:
    """The 218 `running` timers of issue 19: claimed by a version without `claim_until`."""
    _tickets(service, 2)
    now = frozen_clock.advance(hours=72)
    with service.sessions.begin() as session:
        session.execute(
            update(Deadline)
            .where(Deadline.kind == "tkt_w_end")
            .values(status="running", claimed_by="partnerdesk:1a2b3c4d", claimed_at=now)
        )
    assert not claimant_gone("partnerdesk:1a2b3c4d")  # an old name: only the lease tells
    assert len(service.ticker.tick(now).replies) == 2
    assert _statuses(service) == ["done", "done"]


def test_r_cal_11_timers_are_claimed_a_small_batch_at_a_time_and_all_run(
    service, frozen_clock
) -> None:
    _tickets(service, CLAIM_BATCH * 2 + 5)
    ticker = service.ticker
    sizes: list[int] = []
    claim = ticker._claim

    def counting(now, limit):
        ids = claim(now, limit)
        sizes.append(len(ids))
        return ids

    ticker._claim = counting  # type: ignore[method-assign]
    result = ticker.tick(frozen_clock.advance(hours=72))
    assert result.done == CLAIM_BATCH * 2 + 5
    assert sizes == [CLAIM_BATCH, CLAIM_BATCH, 5, 0]
    with service.sessions() as session:
        assert session.scalar(select(func.count()).where(Deadline.status == "running")) == 0


def test_tick_limit_still_bounds_one_tick(service, frozen_clock) -> None:
    _tickets(service, 5)
    now = frozen_clock.advance(hours=72)
    assert service.ticker.tick(now, limit=3).done == 3
    assert service.ticker.tick(now).done == 2


def test_a_claimant_name_tells_host_and_process() -> None:
    name = claimant("x" * 200)
    assert len(name) <= 100
    assert not claimant_gone(name)  # this very process
    assert not claimant_gone(None) and not claimant_gone("garbage")


def test_a_claimant_of_an_earlier_process_with_this_pid_is_gone() -> None:
    """A restarted container's service has the pid (1) its crashed predecessor had: a name
    with this host and pid that this process never gave is that predecessor's."""
    name = claimant("partnerdesk")
    instance, host, pid, token = name.rsplit(":", 3)
    assert not claimant_gone(name)
    other = "00000000" if token != "00000000" else "00000001"
    assert claimant_gone(f"{instance}:{host}:{pid}:{other}")

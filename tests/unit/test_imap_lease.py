"""The mailbox lease: one watching service per IMAP mailbox among those sharing a database.

Several instances on one database (PostgreSQL in production) each run every configured
watcher; the lease decides which one actually watches a mailbox, and fences its progress.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from datetime import datetime, timedelta

import pytest

from bot.clock import as_utc
from bot.receive import imap_lease, imap_state
from bot.receive.imap_lease import Holder, LeaseLost
from bot.store.imap_models import MailboxState

pytestmark = pytest.mark.both_databases

A = str(Holder("one", socket.gethostname(), os.getpid(), "aaaa0001"))
B = str(Holder("two", "elsewhere.example", 4242, "bbbb0002"))


def holder_of(service) -> tuple[str | None, datetime | None]:
    with service.sessions() as session:
        row = session.get(MailboxState, "support")
        return row.lease_holder, as_utc(row.lease_until) if row.lease_until else None


def take(service, who: str, seconds: float = 60) -> imap_lease.Lease:
    return imap_lease.acquire(
        service.sessions, "support", "INBOX", who, service.clock.now(), seconds
    )


def test_a_free_mailbox_is_taken_and_refused_to_another_until_the_lease_runs_out(
    service, frozen_clock
) -> None:
    start = frozen_clock.now()
    first = take(service, A)
    assert first.ours and first.until == start + timedelta(seconds=60)

    frozen_clock.advance(seconds=59)
    refused = take(service, B)
    assert not refused.ours
    assert (refused.holder, refused.until) == (A, start + timedelta(seconds=60))

    renewed = take(service, A)  # the holder renews before the end
    assert renewed.ours and renewed.until == start + timedelta(seconds=119)
    frozen_clock.advance(seconds=59)
    assert not take(service, B).ours

    frozen_clock.advance(seconds=1)  # 119 s: the renewed lease ran out unrenewed
    assert take(service, B).ours
    assert not take(service, A).ours
    assert holder_of(service)[0] == B


def test_released_lease_is_taken_at_once(service, frozen_clock) -> None:
    assert take(service, A).ours
    assert not take(service, B).ours
    imap_lease.release(service.sessions, "support", B)  # not B's to release
    assert not take(service, B).ours
    imap_lease.release(service.sessions, "support", A)
    assert holder_of(service) == (None, None)
    assert take(service, B).ours


def test_a_holder_of_this_host_whose_process_is_gone_is_taken_over_at_once(
    service, frozen_clock
) -> None:
    # A service restarted after a crash takes its mailboxes back without waiting.
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    crashed = str(Holder("one", socket.gethostname(), child.pid, "dead0001"))
    assert take(service, crashed).ours
    assert take(service, B).ours

    # Alive on this host (our parent), or on another host: the lease is waited out.
    alive = str(Holder("one", socket.gethostname(), os.getppid(), "live0001"))
    frozen_clock.advance(seconds=61)
    assert take(service, alive).ours
    assert not take(service, B).ours
    elsewhere = str(Holder("one", "elsewhere.example", child.pid, "far00001"))
    frozen_clock.advance(seconds=61)
    assert take(service, elsewhere).ours
    assert not take(service, A).ours


def test_holder_names_read_back() -> None:
    holder = Holder("partnerdesk", "hq-1.technocom.tech", 31337, "0a1b2c3d")
    assert Holder.parse(str(holder)) == holder
    assert str(holder) == "partnerdesk on hq-1.technocom.tech, pid 31337 (0a1b2c3d)"
    assert Holder.parse("written by hand") is None


def test_progress_is_written_only_by_the_holder(service, frozen_clock) -> None:
    """The fence: a holder that stalled past its lease cannot move the UID mark under the
    service that took the mailbox over (R-MBX-1: nothing skipped)."""
    sessions, now = service.sessions, frozen_clock.now()
    with pytest.raises(LeaseLost):  # no lease, no progress
        imap_state.begin(sessions, "support", "INBOX", 7, 1, A)
    assert take(service, A).ours
    progress = imap_state.begin(sessions, "support", "INBOX", 7, 1, A)
    imap_state.commit(sessions, "support", 7, 10, [9, 10], [], 2, now, A)

    frozen_clock.advance(seconds=61)
    assert take(service, B).ours
    with pytest.raises(LeaseLost) as lost:
        imap_state.commit(sessions, "support", 7, 50, list(range(11, 51)), [], 40, now, A)
    assert lost.value.holder == B
    with pytest.raises(LeaseLost):
        imap_state.done(sessions, "support", 7, {9, 10}, A)
    with pytest.raises(LeaseLost):
        imap_state.begin(sessions, "support", "INBOX", 7, 1, A)

    resumed = imap_state.begin(sessions, "support", "INBOX", 7, 1, B)
    assert (progress.last_uid, resumed.last_uid, resumed.processed) == (0, 10, (9, 10))


def test_services_racing_for_a_new_mailbox_get_one_lease(service) -> None:
    holders = [str(Holder("race", "elsewhere.example", n, f"{n:08x}")) for n in range(8)]
    won: list[str] = []
    gate = threading.Barrier(len(holders))

    def race(who: str) -> None:
        gate.wait()
        if take(service, who).ours:
            won.append(who)

    threads = [threading.Thread(target=race, args=(who,)) for who in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    assert holder_of(service)[0] == won[0]

"""Several instances on one database, one IMAP mailbox: one watches, the others stand by and
take over when it stops or stops renewing (bot/receive/imap_lease.py)."""

from __future__ import annotations

import email
import logging
import socket
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import build, imap_watchers
from bot.receive import imap_lease, imap_state
from bot.receive.backfill import MailboxBusy, backfill
from bot.store.db import open_database
from tests.imap.conftest import (
    cases,
    delivered,
    imap_settings,
    letters,
    mailbox_config,
    partner_replies,
    state,
    until,
)
from tests.imap.test_watcher import idling, ticket

pytestmark = [pytest.mark.integration, pytest.mark.both_databases]


class ShiftedClock:
    """The system clock, moved forward on demand: a lease runs out without waiting for it."""

    def __init__(self) -> None:
        self.shift = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


def holder(service) -> str | None:
    row = state(service, "support")
    return row.lease_holder if row is not None else None


async def test_two_instances_watching_one_mailbox_answer_each_letter_once(
    dovecot, clients, folder, tmp_path, start_service, database_url, caplog
) -> None:
    """Both run the same configuration; one watches, the other stands by (R-MBX-1: every
    letter stored, processed and answered once between them)."""
    caplog.set_level(logging.INFO, logger="bot.receive.imap")
    client = clients("support")
    client.create(folder)
    box = mailbox_config(dovecot, "support", "support", folder, batch_size=20)
    one = await idling(start_service, imap_settings(tmp_path, [box], database_url, "outbox-1"))
    two = await start_service(imap_settings(tmp_path, [box], database_url, "outbox-2"))
    standing_by = f"watched by {one.service.holder}"
    await until(lambda: standing_by in caplog.text, 10, "the second instance to stand by")

    client.append_many(folder, [ticket(n) for n in range(200)])
    both = lambda: len(delivered(one.outbox)) + len(delivered(two.outbox))  # noqa: E731
    await until(lambda: both() >= 200, 90, "200 replies between the two")
    # A reply can be delivered before its batch's flags are even owed (the sender runs on its
    # own), so wait for the flags themselves, not for the owed list to look empty.
    flagged = lambda: sum("$Partnerdesk" in f for f in client.flags(folder).values())  # noqa: E731
    await until(lambda: flagged() == 200, 10, "flags")
    await until(lambda: state(one.service, "support").pending["processed"] == [], 10, "owed")

    [status] = imap_state.all_states(two.service.sessions)  # `partnerdesk status --json`
    assert status["watched_by"] == one.service.holder and status["lease_until"]
    assert letters(one.service) == 200
    assert cases(one.service) == 200
    replies = partner_replies(one.service)
    assert len(replies) == 200 and len({r.letter_id for r in replies}) == 200
    answered = [
        email.message_from_bytes(path.read_bytes())["In-Reply-To"]
        for path in delivered(one.outbox) + delivered(two.outbox)
    ]
    assert len(answered) == len(set(answered)) == 200
    flags = client.flags(folder)
    assert len(flags) == 200 and all("$Partnerdesk" in f for f in flags.values())


async def test_a_stopped_watcher_hands_the_mailbox_over_at_once(
    dovecot, clients, folder, tmp_path, start_service, database_url
) -> None:
    client = clients("support")
    client.create(folder)
    box = mailbox_config(dovecot, "support", "support", folder)
    # The standby looks every 2 s; a lease of 6 s is not lost to a busy machine's pause while
    # the first answers, and a handover within 4 s shows it was released, not run out.
    lease = {"lease_seconds": 6}
    one = await idling(
        start_service, imap_settings(tmp_path, [box], database_url, "outbox-1", imap=lease)
    )
    two = await start_service(imap_settings(tmp_path, [box], database_url, "outbox-2", imap=lease))
    client.append_many(folder, [ticket(n) for n in range(5)])
    await until(lambda: len(delivered(one.outbox)) == 5, 10, "five replies from the first")

    await one.stop()
    # Released on the way out, not left to run out: the standby takes over at its next look.
    await until(lambda: holder(two.service) == two.service.holder, 4, "the handover")
    client.append_many(folder, [ticket(n) for n in range(5, 10)])
    await until(lambda: len(delivered(two.outbox)) == 5, 10, "five replies from the second")
    assert len(delivered(one.outbox)) == 5
    assert letters(two.service) == cases(two.service) == 10
    assert len(partner_replies(two.service)) == 10


async def test_a_lease_left_by_a_hung_instance_is_taken_over_when_it_runs_out(
    dovecot, clients, folder, tmp_path, start_service, database_url, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="bot.receive.imap")
    client = clients("support")
    client.create(folder)
    settings = imap_settings(
        tmp_path,
        # Letters found at first sight are answered: this one waits for the takeover.
        [mailbox_config(dovecot, "support", "support", folder, existing_letters="reply")],
        database_url,
        imap={"lease_seconds": 3},
    )
    # An instance on another host holds the mailbox and stopped renewing (hung or cut off).
    hung = str(imap_lease.Holder("partnerdesk", "elsewhere.example", 4242, "0000beef"))
    clock = ShiftedClock()
    engine, sessions = open_database(settings.database_url)
    assert imap_lease.acquire(sessions, "support", folder, hung, clock.now(), 3600).ours
    engine.dispose()

    client.append(folder, ticket(1))
    running = await start_service(settings, clock)
    await until(lambda: f"watched by {hung}" in caplog.text, 10, "the instance to stand by")
    assert letters(running.service) == 0
    assert holder(running.service) == hung

    clock.shift = timedelta(hours=2)  # the hung instance's lease runs out
    await until(lambda: len(delivered(running.outbox)) == 1, 10, "the letter answered")
    assert holder(running.service) == running.service.holder


async def test_import_refuses_a_mailbox_a_running_service_watches(
    dovecot, clients, folder, tmp_path, start_service, database_url
) -> None:
    client = clients("support")
    client.create(folder)
    box = mailbox_config(dovecot, "support", "support", folder)
    running = await idling(start_service, imap_settings(tmp_path, [box], database_url))
    other = build(imap_settings(tmp_path, [box], database_url, "outbox-import"))
    try:
        [watcher] = imap_watchers(other, other.writer_lock)
        with pytest.raises(MailboxBusy) as busy:
            await backfill(watcher, reply=False)
        assert f"watched by {running.service.holder}" in str(busy.value)
        assert "stop that service first" in str(busy.value)
        assert holder(running.service) == running.service.holder  # untouched
    finally:
        other.engine.dispose()


async def test_an_instance_cut_off_from_the_server_hands_the_mailbox_over(
    dovecot, clients, folder, tmp_path, start_service, database_url, caplog
) -> None:
    """The holder reaches the database but not the IMAP server: once it has failed for a
    whole lease it releases the mailbox, and an instance that can reach the server takes
    it over instead of standing by behind a lease renewed while nothing is read.

    Real time, not a shifted clock: the handover is between two clocks, and one shifted
    by a lease would see the other's lease as run out."""
    caplog.set_level(logging.INFO, logger="bot.receive.imap")
    client = clients("support")
    client.create(folder)
    lease = {"lease_seconds": 2}
    with socket.socket() as probe:  # a port nothing listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    cut_off = mailbox_config(dovecot, "support", "support", folder, port=closed_port)
    one = await start_service(
        imap_settings(tmp_path, [cut_off], database_url, "outbox-1", imap=lease)
    )
    await until(lambda: "reconnecting in" in caplog.text, 10, "the first failed connection")
    assert holder(one.service) == one.service.holder  # still renewed: the database answers

    box = mailbox_config(dovecot, "support", "support", folder)
    two = await start_service(imap_settings(tmp_path, [box], database_url, "outbox-2", imap=lease))
    took = await until(lambda: holder(two.service) == two.service.holder, 10, "the handover")
    assert "releasing it for another instance" in caplog.text
    # Appended once the second watches (a letter found at its first look would be old mail).
    await until(lambda: state(two.service, "support").status == "idle", 10, "the second idling")
    client.append(folder, ticket(1))
    # Only the second can read it; either instance's sender may deliver the reply, since
    # the outbox is shared (the first's polls it every second).
    answered = lambda: delivered(one.outbox) + delivered(two.outbox)  # noqa: E731
    await until(lambda: len(answered()) == 1, 10, "the letter read by the second answered")
    assert holder(two.service) == two.service.holder, "the cut-off instance took it back"
    assert letters(two.service) == cases(two.service) == 1
    assert took < 5

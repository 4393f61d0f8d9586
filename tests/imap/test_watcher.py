"""The IMAP watcher against a real Dovecot on 127.0.0.1 (issue 6)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import build, imap_watchers
from bot.clock import as_utc
from bot.receive.imap_session import ImapSession
from bot.store.models import Letter, OutboxMessage
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
from tests.support.letters import COMPLETE_TICKET, letter

pytestmark = pytest.mark.integration


def ticket(n: int, **extra) -> bytes:
    # One sender per letter: R-MBX-4 holds an 11th auto-reply to one address within an hour.
    return letter(
        subject=f"Ошибка при сохранении №{n}",
        body=COMPLETE_TICKET,
        sender=f"partner{n}@partner.ru",
        message_id=f"<imap-{n}@partner.ru>",
        **extra,
    )


def is_idle(service, name: str) -> bool:
    row = state(service, name)
    return row is not None and row.status == "idle"


async def idling(start_service, settings, name: str = "support"):
    """The service started on `settings`, once the watcher `name` idles."""
    running = await start_service(settings)
    await until(lambda: is_idle(running.service, name), 10, "the watcher to idle")
    return running


async def test_r_mbx_2_letter_appended_while_idling_is_answered_within_a_second(
    dovecot, clients, folder, tmp_path, start_service
) -> None:
    client = clients("support")
    client.create(folder)
    running = await idling(
        start_service,
        imap_settings(tmp_path, [mailbox_config(dovecot, "support", "support", folder)]),
    )
    service = running.service

    # R-MBX-2: the receipt time is the server's INTERNALDATE, not the Date header or our clock.
    arrived = datetime(2026, 3, 2, 10, 0, 7, tzinfo=UTC)
    client.append(folder, ticket(1), date=arrived)
    await until(lambda: len(delivered(running.outbox)) == 1, 10, "the first reply")
    with service.sessions() as session:
        row = session.scalars(select(Letter)).one()
        assert as_utc(row.received_at) == arrived
        assert row.mailboxes == ["support"]
        assert row.envelope["source"] == "imap:support"

    await until(lambda: is_idle(service, "support"), 10, "the watcher to idle again")
    client.append(folder, ticket(2))
    took = await until(lambda: len(delivered(running.outbox)) == 2, 5, "the second reply")
    assert took < 1.0, f"APPEND → reply in the outbox took {took:.3f} s"

    # The server's flags are stored after the reply is queued (a lost flag only means a
    # re-fetch that the store answers once), so they are awaited, not read at once.
    def marked() -> bool:
        return all("\\Seen" in f and "$Partnerdesk" in f for f in client.flags(folder).values())

    await until(marked, 5, "both letters flagged \\Seen $Partnerdesk on the server")


async def test_500_letters_appended_at_once_are_each_ingested_once(
    dovecot, clients, folder, tmp_path, start_service
) -> None:
    client = clients("support")
    client.create(folder)
    running = await idling(
        start_service,
        imap_settings(tmp_path, [mailbox_config(dovecot, "support", "support", folder)]),
    )
    service = running.service

    client.append_many(folder, [ticket(n) for n in range(500)])
    await until(lambda: len(delivered(running.outbox)) >= 500, 90, "500 replies")

    assert letters(service) == 500
    assert cases(service) == 500
    replies = partner_replies(service)
    assert len(replies) == 500
    assert len({r.letter_id for r in replies}) == 500
    assert len(delivered(running.outbox)) == 500
    # The last batch's flags are set just after its replies go out: wait for the bookkeeping.
    await until(lambda: state(service, "support").pending["processed"] == [], 5, "flags done")
    flags = client.flags(folder)
    assert len(flags) == 500
    assert all("$Partnerdesk" in f for f in flags.values())
    row = state(service, "support")
    assert row.last_uid == max(flags) and row.letters_ingested == 500
    assert row.last_error is None


async def test_server_restart_while_idling_reconnects_and_carries_on(
    dovecot, clients, folder, tmp_path, start_service
) -> None:
    client = clients("support")
    client.create(folder)
    running = await idling(
        start_service,
        imap_settings(tmp_path, [mailbox_config(dovecot, "support", "support", folder)]),
    )
    service = running.service
    client.append(folder, ticket(1))
    await until(lambda: len(delivered(running.outbox)) == 1, 10, "the first reply")
    await until(lambda: is_idle(service, "support"), 10, "the watcher to idle again")

    dovecot.restart()
    # The outage is recorded, then the watcher comes back by itself.
    await until(lambda: state(service, "support").last_error is not None, 10, "the error")
    await until(lambda: is_idle(service, "support"), 15, "the watcher to reconnect")
    again = clients("support")
    again.append(folder, ticket(2))
    await until(lambda: len(delivered(running.outbox)) == 2, 10, "the reply after restart")
    row = state(service, "support")
    assert row.down_since is None and row.connected_since is not None
    assert letters(service) == 2 and cases(service) == 2


async def test_uidvalidity_change_resyncs_without_duplicates(
    dovecot, clients, folder, tmp_path, start_service
) -> None:
    client = clients("support")
    client.create(folder)
    settings = imap_settings(tmp_path, [mailbox_config(dovecot, "support", "support", folder)])
    running = await idling(start_service, settings)
    service = running.service
    old = [ticket(n) for n in range(5)]
    client.append_many(folder, old)
    await until(lambda: len(delivered(running.outbox)) == 5, 20, "five replies")
    before = state(service, "support").uidvalidity
    await running.stop()

    # Recreate the folder: a new UIDVALIDITY, the same five letters under new UIDs above a
    # new one (so the known letters are the highest UIDs, the case a resync must get past).
    client.imap.select("INBOX")
    assert client.imap.rename(folder, f"{folder}-old")[0] == "OK"
    client.create(folder)
    client.append_many(folder, [ticket(99), *old])
    running = await start_service(settings)
    service = running.service
    await until(lambda: len(delivered(running.outbox)) == 6, 20, "the new letter's reply")
    await until(lambda: is_idle(service, "support"), 10, "the watcher to idle")

    row = state(service, "support")
    assert row.uidvalidity != before and row.last_uid == 6
    assert letters(service) == 6 and cases(service) == 6
    assert len(partner_replies(service)) == 6
    flags = client.flags(folder)
    assert len(flags) == 6 and all("$Partnerdesk" in f for f in flags.values()), flags


async def test_folder_recreated_while_idling_is_found_again_without_duplicates(
    dovecot, clients, folder, tmp_path, start_service
) -> None:
    client = clients("support")
    client.create(folder)
    running = await idling(
        start_service,
        imap_settings(tmp_path, [mailbox_config(dovecot, "support", "support", folder)]),
    )
    service = running.service
    old = [ticket(n) for n in range(3)]
    client.append_many(folder, old)
    await until(lambda: len(delivered(running.outbox)) == 3, 10, "three replies")
    await until(lambda: is_idle(service, "support"), 10, "the watcher to idle again")
    before = state(service, "support").uidvalidity

    client.imap.select("INBOX")
    assert client.imap.rename(folder, f"{folder}-old")[0] == "OK"
    client.create(folder)
    client.append_many(folder, [*old, ticket(7)])
    await until(lambda: len(delivered(running.outbox)) == 4, 15, "the new letter's reply")
    await until(lambda: state(service, "support").uidvalidity != before, 10, "the new epoch")
    assert letters(service) == 4 and cases(service) == 4
    assert len(partner_replies(service)) == 4


async def test_unreadable_letter_goes_to_quarantine_and_the_watcher_carries_on(
    dovecot, clients, folder, tmp_path, start_service
) -> None:
    client = clients("mail")
    client.create(folder)
    box = mailbox_config(dovecot, "mail", "general", folder, processed_action="move")
    running = await idling(start_service, imap_settings(tmp_path, [box]), "mail")
    service = running.service

    client.append(folder, b"\r\n\r\n")  # nothing to read: the pipeline quarantines it
    client.append(folder, ticket(1, to="mail@technocom.tech"))
    await until(lambda: len(client.uids(f"{folder}-processed")) == 1, 10, "the good letter")
    await until(lambda: len(client.uids(f"{folder}-quarantine")) == 1, 10, "the bad letter")

    assert client.uids(folder) == []
    with service.sessions() as session:
        statuses = sorted(session.scalars(select(Letter.status)).all())
        notices = session.scalars(
            select(OutboxMessage.template).where(OutboxMessage.reply_kind == "notice")
        ).all()
    assert statuses == ["processed", "quarantined"]
    assert "hq_quarantine" in notices
    assert "$PartnerdeskQuarantine" in next(iter(client.flags(f"{folder}-quarantine").values()))


async def test_without_move_letters_are_copied_flagged_deleted_and_expunged(
    dovecot, clients, folder, tmp_path, start_service, monkeypatch
) -> None:
    """RFC 6851's fallback for servers without MOVE, against the real server."""
    real = ImapSession.has_capability
    monkeypatch.setattr(
        ImapSession, "has_capability", lambda self, name: name != "MOVE" and real(self, name)
    )
    client = clients("support")
    client.create(folder)
    box = mailbox_config(dovecot, "support", "support", folder, processed_action="move")
    running = await idling(start_service, imap_settings(tmp_path, [box]))
    client.append_many(folder, [ticket(n) for n in range(3)])
    await until(lambda: len(client.uids(f"{folder}-processed")) == 3, 10, "three letters moved")
    # The copies appear before the originals are flagged and expunged: wait for the latter.
    await until(lambda: client.uids(folder) == [], 10, "the originals expunged, not just flagged")
    await until(lambda: len(delivered(running.outbox)) == 3, 10, "three replies")
    assert all("$Partnerdesk" in f for f in client.flags(f"{folder}-processed").values())


async def test_both_mailboxes_are_watched_at_once(
    dovecot, clients, folder, tmp_path, start_service
) -> None:
    mail, support = clients("mail"), clients("support")
    mail.create(folder)
    support.create(folder)
    running = await start_service(
        imap_settings(
            tmp_path,
            [
                mailbox_config(dovecot, "mail", "general", folder),
                mailbox_config(dovecot, "support", "support", folder),
            ],
        )
    )
    service = running.service
    await until(
        lambda: is_idle(service, "mail") and is_idle(service, "support"), 10, "both to idle"
    )
    support.append(folder, ticket(1))
    mail.append(folder, ticket(2, to="mail@technocom.tech"))
    # One letter sent to both addresses reaches both folders: one case, both mailboxes.
    both = ticket(3, to="mail@technocom.tech, support@technocom.tech")
    support.append(folder, both)
    mail.append(folder, both)
    await until(lambda: letters(service) == 3, 10, "three letters")
    await until(
        lambda: (
            all(f for f in [*mail.flags(folder).values(), *support.flags(folder).values()])
            and len(mail.flags(folder)) == 2
            and all("$Partnerdesk" in f for f in [*mail.flags(folder).values()])
            and all("$Partnerdesk" in f for f in [*support.flags(folder).values()])
        ),
        10,
        "every letter flagged in both folders",
    )
    with service.sessions() as session:
        roles = {
            row.subject: sorted(row.mailboxes) for row in session.scalars(select(Letter)).all()
        }
    assert roles == {
        "Ошибка при сохранении №1": ["support"],
        "Ошибка при сохранении №2": ["general"],
        "Ошибка при сохранении №3": ["general", "support"],
    }
    assert cases(service) == 3
    assert state(service, "mail").letters_ingested + state(service, "support").letters_ingested == 4


async def test_without_idle_the_watcher_polls(
    dovecot, clients, folder, tmp_path, start_service
) -> None:
    client = clients("support")
    client.create(folder)
    box = mailbox_config(dovecot, "support", "support", folder, idle=False, poll_seconds=0.2)
    running = await start_service(imap_settings(tmp_path, [box]))
    service = running.service
    await until(lambda: state(service, "support") is not None, 10, "the watcher")
    await until(lambda: state(service, "support").status == "polling", 10, "polling")
    client.append(folder, ticket(1))
    await until(lambda: len(delivered(running.outbox)) == 1, 5, "the reply")


async def test_thousands_of_waiting_letters_are_listed_in_one_go(
    dovecot, clients, folder, tmp_path
) -> None:
    # Regression: listing them with one FETCH line each hung aioimaplib (its response parser
    # recurses once per line, and a read of 3000 lines goes past Python's recursion limit).
    client = clients("mail")
    client.create(folder)
    client.append_many(folder, [b"Subject: %d\r\n\r\nx\r\n" % n for n in range(3000)])
    service = build(imap_settings(tmp_path, [mailbox_config(dovecot, "mail", "general", folder)]))
    [watcher] = imap_watchers(service, service.writer_lock)
    assert (await watcher.take_lease()).ours
    imap = await watcher.connect()
    try:
        await watcher.open_folder(imap)
        uids = await watcher.new_uids(imap, 0)
        assert uids == list(range(1, 3001))
        assert await watcher.new_uids(imap, 2990) == list(range(2991, 3001))
        assert await watcher.new_uids(imap, 3000) == []  # not the "n:*" highest UID
    finally:
        await watcher.close(imap)
        service.engine.dispose()

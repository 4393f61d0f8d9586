"""Pure parts of the IMAP watcher, and what needs no server (issue 6)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from aioimaplib import aioimaplib
from sqlalchemy import select

from bot import cli
from bot.app import build, imap_watchers
from bot.receive.imap import WatcherConfig
from bot.receive.imap_wire import (
    ImapProtocol,
    backoff_delay,
    batches,
    parse_fetch,
    parse_internaldate,
    parse_search,
    parse_sizes,
    uid_set,
)
from bot.settings import ConfigError, load_settings
from bot.store.models import OutboxMessage
from tests.imap.conftest import imap_settings, state, until
from tests.support.ports import free_port


def test_uid_sets_are_compressed_into_ranges() -> None:
    assert uid_set([5, 1, 2, 3, 7, 8, 10]) == "1:3,5,7:8,10"
    assert uid_set([4]) == "4"


def test_fetch_items_carry_uid_date_and_bytes_and_skip_unsolicited_flags() -> None:
    lines = [
        b'1 FETCH (UID 7 INTERNALDATE "02-Mar-2026 10:00:07 +0500" BODY[] {5}',
        bytearray(b"(((\r\n"),  # parentheses in the letter must not confuse anything
        b")",
        b"2 FETCH (FLAGS (\\Seen) UID 3)",  # another client's flag change
        b"3 FETCH (UID 9 BODY[] {2}",
        bytearray(b"hi"),
        b' INTERNALDATE "02-Mar-2026 05:00:08 +0000")',  # items after the literal
        b"Fetch completed (0.001 + 0.000 secs).",
    ]
    items = parse_fetch(lines)
    assert [(i.uid, i.raw) for i in items] == [(7, b"(((\r\n"), (9, b"hi")]
    assert items[0].internaldate == datetime(2026, 3, 2, 5, 0, 7, tzinfo=UTC)
    assert items[1].internaldate == datetime(2026, 3, 2, 5, 0, 8, tzinfo=UTC)


def _fed(protocol_class, response: bytes, chunk: int) -> list:
    """What a protocol of this class hands a UID FETCH for `response` arriving in chunks."""

    async def feed() -> list:
        protocol = protocol_class(asyncio.get_running_loop())
        protocol.state = aioimaplib.SELECTED
        command = aioimaplib.FetchCommand("A1", "FETCH", loop=asyncio.get_running_loop())
        protocol.pending_sync_command = command
        for start in range(0, len(response), chunk):
            protocol.data_received(response[start : start + chunk])
        assert command.response is not None
        return [command.response.result, *command.response.lines]

    return asyncio.run(feed())


@pytest.mark.parametrize("chunk", [1, 7, 64, 4096, 1 << 20])
def test_the_protocol_reads_fetch_responses_as_aioimaplib_does_in_any_chunks(chunk) -> None:
    """ImapProtocol replaces aioimaplib's data_received (which formatted every chunk for a
    debug line); split anywhere (inside a literal, between CR and LF), it reads the same."""
    letters = [b"Subject: one\r\n\r\n(((body\r\n", b"Subject: two\r\n\r\n" + b"x" * 9000]
    response = (
        b"".join(
            b"* %d FETCH (UID %d BODY[] {%d}\r\n%s)\r\n" % (n, n + 10, len(raw), raw)
            for n, raw in enumerate(letters, 1)
        )
        + b"* 3 EXISTS\r\nA1 OK Fetch completed.\r\n"
    )
    ours = _fed(ImapProtocol, response, chunk)
    assert ours == _fed(aioimaplib.IMAP4ClientProtocol, response, chunk)
    assert ours[0] == "OK"
    assert [(item.uid, item.raw) for item in parse_fetch(ours[1:])] == [
        (11, letters[0]),
        (12, letters[1]),
    ]


def test_sizes_and_batches_by_count_and_bytes() -> None:
    lines = [b"1 FETCH (UID 4 RFC822.SIZE 10)", b"2 FETCH (RFC822.SIZE 20 UID 5)", b"done"]
    assert parse_sizes(lines) == [(4, 10), (5, 20)]
    items = [(1, 10), (2, 10), (3, 100), (4, 10), (5, 10), (6, 10)]
    assert list(batches(items, count=3, size=50)) == [[1, 2], [3], [4, 5, 6]]


def test_internaldate_garbage_is_none_not_a_crash() -> None:
    assert parse_internaldate(b"yesterday") is None


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    for attempt, ceiling in [(1, 1), (2, 2), (3, 4), (10, 60)]:
        delays = [backoff_delay(attempt, 1, 60) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1


def test_passwords_never_show(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    box = {"name": "mail", "role": "general", "user": "u", "password": "hunter2-secret"}
    settings = imap_settings(tmp_path, [box])
    assert "hunter2-secret" not in repr(settings) and "hunter2-secret" not in str(settings)
    config = WatcherConfig("mail", "a@b", "h", 1, "none", "u", "hunter2-secret")
    assert "hunter2-secret" not in repr(config)

    # From the environment, under a name derived from the mailbox (or the one given).
    del box["password"]
    monkeypatch.setenv("PARTNERDESK_IMAP_MAIL_PASSWORD", "from-env")
    assert imap_settings(tmp_path, [box]).imap.mailboxes[0].secret() == "from-env"
    monkeypatch.delenv("PARTNERDESK_IMAP_MAIL_PASSWORD")
    with pytest.raises(ConfigError, match="PARTNERDESK_IMAP_MAIL_PASSWORD"):
        imap_settings(tmp_path, [box]).imap.mailboxes[0].secret()


def test_bad_imap_settings_name_the_key(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"imap\.mailboxes\.0\.tls"):
        load_settings(
            imap={"mailboxes": [{"name": "m", "role": "general", "user": "u", "tls": "maybe"}]}
        )


async def test_unreachable_mailbox_alerts_hq_once_after_the_outage_limit(tmp_path) -> None:
    box = {
        "name": "mail",
        "role": "general",
        "host": "127.0.0.1",
        "port": free_port(),  # nobody listens
        "tls": "none",
        "user": "u",
        "password": "p",
        "backoff_initial_seconds": 0.05,
        "backoff_max_seconds": 0.1,
    }
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'pd.sqlite3'}",
        outbox={"maildir": str(tmp_path / "outbox")},
        smtp={"enabled": False},
        imap={"mailboxes": [box], "outage_alert_minutes": 0.005},  # 0.3 s
    )
    service = build(settings)
    [watcher] = imap_watchers(service, service.writer_lock)
    stop = asyncio.Event()
    task = asyncio.create_task(watcher.run(stop))

    def notices() -> list[OutboxMessage]:
        with service.sessions() as session:
            query = select(OutboxMessage).where(OutboxMessage.template == "hq_mailbox_outage")
            return list(session.scalars(query).all())

    try:
        await until(notices, 10, "the outage alert")
        # Still failing for a while longer: still one alert per outage.
        first_error_at = state(service, "mail").last_error_at
        await until(lambda: state(service, "mail").last_error_at != first_error_at, 5, "retry")
        assert len(notices()) == 1
        [notice] = notices()
        assert notice.to_addr == "hq@technocom.tech" and "mail" in notice.subject
        row = state(service, "mail")
        assert row.status == "backoff" and row.outage_alerted_at is not None
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
        service.engine.dispose()


def test_status_lists_configured_mailboxes_with_their_health(tmp_path, capsys) -> None:
    config = tmp_path / "pd.toml"
    config.write_text(
        f'database_url = "sqlite:///{tmp_path / "pd.sqlite3"}"\n'
        "[[imap.mailboxes]]\n"
        'name = "support"\nrole = "support"\nuser = "support@technocom.tech"\n'
        'password = "never-printed"\nhost = "imap.example.org"\n',
        encoding="utf-8",
    )
    # status only reads: the database is made by a command that writes (issue 21 item 5).
    assert cli.main(["tick", "--queue-only", "--config", str(config)]) == 0
    capsys.readouterr()
    assert cli.main(["status", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "support" in out and "never connected" in out
    assert "support@technocom.tech@imap.example.org:993/INBOX" in out
    assert "never-printed" not in out
    assert cli.main(["status", "--config", str(config), "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["name"] == "support" and row["status"] == "never connected"


def test_search_results_as_aioimaplib_hands_them_over() -> None:
    assert parse_search([b"1 2 30", b"Search completed"]) == [1, 2, 30]
    assert parse_search([b"SEARCH 4", b"Search completed"]) == [4]
    assert parse_search([b"", b"Search completed"]) == []


def test_held_old_letter_gets_no_reply_and_no_later_reminder(service, frozen_clock) -> None:
    from datetime import timedelta

    from bot.ingest import Arrival
    from tests.support.letters import INCOMPLETE_TICKET, letter

    old = frozen_clock.now() - timedelta(days=30)
    result = service.pipeline.ingest(
        Arrival(
            raw=letter(body=INCOMPLETE_TICKET),
            received_at=old,
            rcpt_tos=("support@technocom.tech",),
            source="imap:support",
        ),
        hold_replies=True,
    )
    assert result.state == "needs_info"
    assert [r["status"] for r in result.replies] == ["held"]
    # No reminder chases a clarification request the partner never got, and what the case
    # sends later (here the closing after the timeout) is held with it.
    ticked = service.ticker.tick(frozen_clock.advance(days=5))
    assert "reminder" not in [r["kind"] for r in ticked.replies]
    assert all(r["status"] == "held" for r in ticked.replies)
    with service.sessions() as session:
        statuses = set(session.scalars(select(OutboxMessage.status)).all())
    assert statuses == {"held"}

    # Without hold_replies the same letter is answered and reminded as before.
    fresh = service.pipeline.ingest(
        Arrival(
            raw=letter(body=INCOMPLETE_TICKET),
            received_at=frozen_clock.now(),
            rcpt_tos=("support@technocom.tech",),
        )
    )
    assert [r["status"] for r in fresh.replies] == ["queued"]
    assert service.ticker.tick(frozen_clock.advance(days=5)).replies

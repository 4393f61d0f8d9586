"""Crashes and backfill: a killed watcher, an interrupted import (issue 6)."""

from __future__ import annotations

import asyncio
import email
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from bot.store.db import make_engine, session_factory
from bot.store.imap_models import MailboxState
from bot.store.models import Case, Letter, OutboxMessage
from tests.imap.conftest import delivered, imap_settings, mailbox_config, until
from tests.support.letters import COMPLETE_TICKET, letter
from tests.support.logged_process import LoggedProcess

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def ticket(n: int) -> bytes:
    return letter(
        subject=f"Ошибка №{n}",
        body=COMPLETE_TICKET,
        sender=f"partner{n}@partner.ru",
        message_id=f"<crash-{n}@partner.ru>",
    )


def write_config(tmp_path: Path, url: str, dovecot, folder: str, **extra) -> Path:
    box = mailbox_config(dovecot, "support", "support", folder, **extra)
    box.pop("password")  # from the environment, as in production
    lines = [
        f'database_url = "{url}"',
        "[smtp]",
        "enabled = false",
        "[outbox]",
        f'maildir = "{tmp_path / "outbox"}"',
        "poll_seconds = 1",
        "[[imap.mailboxes]]",
        *(f"{key} = {value!r}".replace("'", '"') for key, value in box.items()),
    ]
    path = tmp_path / "partnerdesk.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def partnerdesk(config: Path, dovecot, *args: str) -> LoggedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PARTNERDESK_")},
        "PARTNERDESK_IMAP_SUPPORT_PASSWORD": dovecot.password,
    }
    return LoggedProcess(
        [sys.executable, "-m", "bot.cli", *args, "--config", str(config)],
        config.parent,
        cwd=REPO,
        env=env,
    )


class Db:
    """A reader beside the subprocess; it migrates, so we never do (no DDL race)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = session_factory(self.engine)

    def ready(self) -> bool:
        try:
            self.count(MailboxState)
        except DBAPIError:  # no tables yet (OperationalError or ProgrammingError)
            return False
        return True

    def count(self, model, *where) -> int:
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    def replies(self) -> list[OutboxMessage]:
        with self.sessions() as session:
            query = select(OutboxMessage).where(OutboxMessage.reply_kind != "notice")
            return list(session.scalars(query).all())


def in_reply_to(paths: list[Path]) -> Counter:
    return Counter(email.message_from_bytes(p.read_bytes())["In-Reply-To"] for p in paths)


@pytest.mark.both_databases
async def test_watcher_killed_mid_batch_and_restarted_loses_and_repeats_nothing(
    dovecot, clients, folder, tmp_path, database_url
) -> None:
    total = 200
    client = clients("support")
    client.create(folder)
    client.append_many(folder, [ticket(n) for n in range(total)])
    # `existing_letters = reply`: these letters count as new mail, so every one is answered.
    config = write_config(
        tmp_path,
        database_url,
        dovecot,
        folder,
        processed_action="move",
        existing_letters="reply",
        batch_size=20,
    )
    run = partnerdesk(config, dovecot, "run")
    db = None
    try:
        db = Db(database_url)
        await until(db.ready, 20, "the database")
        await until(lambda: db.count(Letter) >= 30, 30, "the first letters")
        run.send_signal(signal.SIGKILL)  # no graceful stop
        run.wait(10)
        stored = db.count(Letter)
        assert stored < total, "the watcher finished before it could be killed"

        run = partnerdesk(config, dovecot, "run")
        await until(lambda: len(client.uids(f"{folder}-processed")) == total, 60, "every letter")
        await until(
            lambda: (
                len(delivered(tmp_path / "outbox"))
                + db.count(OutboxMessage, OutboxMessage.status == "sending")
                >= total
            ),
            30,
            "every reply delivered (or left claimed by the killed sender)",
        )
    finally:
        run.send_signal(signal.SIGTERM)
        output = run.communicate(timeout=20)[0].decode(errors="replace")
    assert db is not None
    assert db.count(Letter) == total, output
    assert db.count(Case) == total
    replies = db.replies()
    assert len(replies) == total
    assert len({r.letter_id for r in replies}) == total
    # No partner got two letters, whatever the sender was doing at the kill.
    assert max(in_reply_to(delivered(tmp_path / "outbox")).values()) == 1
    assert client.uids(folder) == []
    with db.sessions() as session:
        row = session.get(MailboxState, "support")
        assert row.pending.get("processed") == [] and row.letters_ingested >= total
    db.engine.dispose()


async def test_import_backfills_without_replies_resumes_after_interrupt_and_hands_over(
    dovecot, clients, folder, tmp_path, start_service, database_url
) -> None:
    total = 150
    client = clients("support")
    client.create(folder)
    client.append_many(folder, [ticket(n) for n in range(total)])
    config = write_config(tmp_path, database_url, dovecot, folder, batch_size=10)

    # Interrupted like Ctrl-C…
    first = partnerdesk(config, dovecot, "import")
    db = Db(database_url)
    await until(db.ready, 20, "the database")
    await until(lambda: db.count(Letter) >= 20, 30, "the import to start")
    first.send_signal(signal.SIGINT)
    out = first.communicate(timeout=20)[0].decode(errors="replace")
    assert first.returncode == 130, out
    assert db.count(Letter) < total, "the import finished before it could be interrupted"

    # …and resumed: every letter once, old letters get no reply (held for HQ).
    # As a command of its own (it forks its reading child at start, issue 20).
    second = partnerdesk(config, dovecot, "import")
    out = (await asyncio.to_thread(second.communicate, timeout=120))[0].decode(errors="replace")
    assert second.returncode == 0, out
    assert db.count(Letter) == total and db.count(Case) == total
    replies = db.replies()
    assert len(replies) == total and {r.status for r in replies} == {"held"}
    assert not delivered(tmp_path / "outbox")

    # The watcher carries on after the import's high-water mark; new mail is answered.
    settings = imap_settings(tmp_path, [mailbox_config(dovecot, "support", "support", folder)])
    running = await start_service(settings)
    client.append(folder, ticket(1000))
    await until(lambda: len(delivered(running.outbox)) == 1, 10, "the reply to new mail")
    assert db.count(Letter) == total + 1
    db.engine.dispose()

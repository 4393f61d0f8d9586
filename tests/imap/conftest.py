"""Fixtures for the IMAP tests: one real Dovecot per session, a fresh folder per test.

The tests skip only when the `dovecot` binary is missing, and fail instead under CI (where
`.ci/run` installs dovecot-imapd).
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import itertools
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import Service, build
from bot.clock import Clock
from bot.runner import run_service
from bot.settings import Settings, load_settings
from bot.store.imap_models import MailboxState
from bot.store.models import Case, Letter, OutboxMessage
from tests.conftest import READ_IN_PROCESS
from tests.imap.dovecot import Dovecot, dovecot_binary
from tests.support.servers import require_installed

_folders = itertools.count(1)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    require_installed(dovecot_binary(), "dovecot", "dovecot-imapd", "IMAP tests")
    server = Dovecot()
    server.start()
    yield server
    server.cleanup()


class MailClient:
    """The partner's side of the server (stdlib imaplib): deliver, inspect, rearrange."""

    def __init__(self, server: Dovecot, user: str) -> None:
        self.imap = imaplib.IMAP4(server.host, server.port)
        self.imap.login(user, server.password)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.imap.logout()

    def create(self, folder: str) -> None:
        self.imap.create(folder)

    def append(self, folder: str, raw: bytes, date: datetime | None = None) -> None:
        when = imaplib.Time2Internaldate(date) if date else None
        status, data = self.imap.append(folder, None, when, raw)
        assert status == "OK", data

    def append_many(self, folder: str, raws: list[bytes]) -> None:
        """One MULTIAPPEND (RFC 3502) with LITERAL+: all letters arrive at the same instant."""
        tag = b"MA1"
        parts = [tag + b" APPEND " + folder.encode()]
        for raw in raws:
            parts.append(b" {%d+}\r\n" % len(raw) + raw)
        self.imap.send(b"".join(parts) + b"\r\n")
        while True:
            line = self.imap.readline()
            if line.startswith(tag):
                assert line.split()[1] == b"OK", line
                return

    def uids(self, folder: str) -> list[int]:
        self.imap.select(folder, readonly=True)
        status, data = self.imap.uid("search", None, "ALL")
        assert status == "OK", data
        return [int(x) for x in data[0].split()]

    def flags(self, folder: str) -> dict[int, str]:
        self.imap.select(folder, readonly=True)
        _status, data = self.imap.uid("fetch", "1:*", "(FLAGS)")
        out = {}
        for item in data:
            if isinstance(item, bytes) and b"UID" in item:
                text = item.decode()
                uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                out[uid] = text.split("FLAGS (")[1].split(")")[0]
        return out


@pytest.fixture
def folder() -> str:
    """A folder name of our own: the session's Dovecot is shared between tests."""
    return f"t{next(_folders)}"


@pytest.fixture
def clients(dovecot: Dovecot) -> Iterator[Callable[[str], MailClient]]:
    made: list[MailClient] = []

    def make(user: str) -> MailClient:
        client = MailClient(dovecot, user)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def mailbox_config(dovecot: Dovecot, name: str, role: str, folder: str, **extra: Any) -> dict:
    return {
        "name": name,
        "role": role,
        "host": dovecot.host,
        "port": dovecot.port,
        "tls": "none",
        "user": name,
        "password": dovecot.password,
        "folder": folder,
        "processed_folder": f"{folder}-processed",
        "quarantine_folder": f"{folder}-quarantine",
        # Fast reconnects keep the restart tests short.
        "backoff_initial_seconds": 0.1,
        "backoff_max_seconds": 1,
        "command_timeout_seconds": 10,
        **extra,
    }


def imap_settings(
    tmp_path: Path,
    mailboxes: list[dict],
    database_url: str | None = None,
    outbox: str = "outbox",
    imap: dict | None = None,
    **extra: Any,
) -> Settings:
    # These tests run on the real clock: a digest (R-HQ-7) would join the outbox whenever
    # they happen to run after its moment on a working day.
    extra.setdefault("hq", {"digest_enabled": False})
    return load_settings(
        database_url=database_url or f"sqlite:///{tmp_path / 'pd.sqlite3'}",
        outbox={"maildir": str(tmp_path / outbox), "poll_seconds": 1},
        smtp={"enabled": False},
        imap={"mailboxes": mailboxes, **(imap or {})},
        **extra,
    )


@dataclass
class Running:
    service: Service
    outbox: Path
    stop_event: asyncio.Event
    task: asyncio.Task
    tasks: list[asyncio.Task] = field(default_factory=list)

    async def stop(self) -> None:
        self.stop_event.set()
        await asyncio.wait_for(self.task, 20)


@pytest.fixture
async def start_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Callable[[Settings], Any]]:
    for key in list(os.environ):
        if key.startswith("PARTNERDESK_") and key != "PARTNERDESK_SHARED":
            monkeypatch.delenv(key)
    running: list[Running] = []

    async def start(settings: Settings, clock: Clock | None = None) -> Running:
        reading = settings.reading.model_copy(update=READ_IN_PROCESS)
        service = build(settings.model_copy(update={"reading": reading}), clock)
        stop = asyncio.Event()
        task = asyncio.create_task(run_service(service, stop))
        handle = Running(service, Path(settings.outbox.maildir), stop, task)
        running.append(handle)
        return handle

    yield start
    for handle in running:
        if not handle.task.done():
            await handle.stop()


async def until(predicate: Callable[[], Any], timeout: float, what: str) -> float:
    """Poll `predicate` until true; the seconds it took. No fixed sleeps as assertions."""
    start = time.monotonic()
    while True:
        if await asyncio.to_thread(predicate):
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.01)


def count(service: Service, model, *where) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def letters(service: Service) -> int:
    return count(service, Letter)


def cases(service: Service) -> int:
    return count(service, Case)


def partner_replies(service: Service) -> list[OutboxMessage]:
    with service.sessions() as session:
        return list(
            session.scalars(select(OutboxMessage).where(OutboxMessage.reply_kind != "notice")).all()
        )


def delivered(outbox: Path) -> list[Path]:
    """Files in the Maildir outbox (cheaper than parsing them)."""
    dirs = [outbox / "new", outbox / "cur"]
    return [path for d in dirs if d.exists() for path in d.iterdir()]


def state(service: Service, name: str) -> MailboxState | None:
    with service.sessions() as session:
        return session.get(MailboxState, name)

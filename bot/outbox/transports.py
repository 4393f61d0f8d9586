"""Where the sender hands a reply: an SMTP relay (aiosmtplib), or a Maildir when no relay is
configured. A transport says whether it can tell, after a crash, if a row was delivered."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Protocol

import aiosmtplib

from bot.clock import as_utc
from bot.private_files import private_dir, write_private
from bot.store.models import OutboxMessage


class Transport(Protocol):
    # True when delivering the same row twice leaves one copy: the sender may then mark a
    # whole batch sent at once, since a crash before that mark cannot duplicate a letter.
    idempotent: bool

    async def deliver(self, row: OutboxMessage) -> None:
        """Deliver or raise; the caller records failures."""
        ...

    def delivered(self, row: OutboxMessage) -> bool | None:
        """Whether an interrupted delivery of `row` arrived; None when it cannot be told."""
        ...

    def describe(self) -> str: ...


class MaildirTransport:
    """Replies kept in a local Maildir when no relay is configured.

    Each row has a fixed file name (its id and Message-ID), written to tmp/ and linked into
    new/, so delivering a row again after a crash finds it there instead of adding a copy.
    """

    idempotent = True

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._ready = False

    def describe(self) -> str:
        return f"Maildir {self._path.resolve()}"

    def _dirs(self) -> tuple[Path, Path]:
        if not self._ready or not self._path.is_dir():
            private_dir(self._path)  # replies name partners and cases: owner only (issue 19)
            for sub in ("tmp", "new", "cur"):
                private_dir(self._path / sub)
            self._ready = True
        return self._path / "tmp", self._path / "new"

    @staticmethod
    def _name(row: OutboxMessage) -> str:
        digest = hashlib.sha1(row.message_id.encode(), usedforsecurity=False).hexdigest()[:16]
        return f"{int(as_utc(row.created_at).timestamp())}.R{row.id}_{digest}.partnerdesk"

    def delivered(self, row: OutboxMessage) -> bool:
        """The row's file is in new/, or in cur/ where a reader moved it (`name:2,flags`)."""
        _tmp, new = self._dirs()
        name = self._name(row)
        if (new / name).exists():
            return True
        return any(
            entry.name == name or entry.name.startswith(f"{name}:")
            for entry in os.scandir(self._path / "cur")
        )

    async def deliver(self, row: OutboxMessage) -> None:
        tmp, new = self._dirs()
        name = self._name(row)
        staged = tmp / f"{name}.{uuid.uuid4().hex[:8]}"
        # Maildir files use the local line ending; the stored bytes keep CRLF for SMTP.
        write_private(staged, row.raw.replace(b"\r\n", b"\n"))
        try:
            os.link(staged, new / name)
        except FileExistsError:
            pass  # delivered before a crash: one copy is enough
        finally:
            staged.unlink()


class RelayTransport:
    """Delivery through an SMTP relay with aiosmtplib."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        use_tls: bool = False,
        timeout: float = 30,
    ) -> None:
        self._host, self._port = host, port
        self._username, self._password = username, password
        self._starttls, self._use_tls, self._timeout = starttls, use_tls, timeout

    # A relay cannot take a letter back: every row is marked sent as soon as it went.
    idempotent = False

    def describe(self) -> str:
        return f"SMTP relay {self._host}:{self._port}"

    def delivered(self, row: OutboxMessage) -> None:
        return None  # SMTP has no way to ask a relay whether it took a message

    async def deliver(self, row: OutboxMessage) -> None:
        await aiosmtplib.send(
            row.raw,
            sender=row.sender,
            recipients=list(row.recipients),
            hostname=self._host,
            port=self._port,
            username=self._username,
            password=self._password,
            start_tls=self._starttls,
            use_tls=self._use_tls,
            timeout=self._timeout,
        )

"""One IMAP session of a watcher: the connection (TLS, STARTTLS or plain loopback), the
login, commands that fail at once when the connection drops, IDLE and polling waits, MOVE
with its fallback, and a clean logout. The watcher (imap.py) keeps the exactly-once
procedure; this module keeps aioimaplib's connection handling out of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from aioimaplib import aioimaplib

from bot.receive.imap_wire import ImapClient, ImapError, ok, quote, server_trouble

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WatcherConfig:
    """Plain values for one watched folder (built from `ImapMailboxSettings` in bot/app.py)."""

    name: str
    address: str  # the watched address: gives the letter its mailbox role
    host: str
    port: int
    tls: str  # none | starttls | tls
    user: str
    password: str
    folder: str = "INBOX"
    tls_verify: bool = True
    ca_file: str = ""
    processed_action: str = "flag"  # flag | move
    processed_folder: str = "Processed"
    quarantine_folder: str = "Quarantine"
    keyword: str = "$Partnerdesk"
    existing_letters: str = "hold"  # hold | reply
    idle: bool = True  # use IDLE when the server has it
    poll_seconds: float = 60
    idle_timeout_seconds: float = 1500
    command_timeout_seconds: float = 60
    backoff_initial_seconds: float = 1
    backoff_max_seconds: float = 300
    batch_size: int = 100
    batch_bytes: int = 16 * 1024 * 1024
    lease_seconds: float = 60  # bot/receive/imap_lease.py

    def __repr__(self) -> str:  # never show the password, not even in a traceback
        return f"WatcherConfig(name={self.name!r}, {self.user}@{self.host}:{self.port})"


class ImapSession:
    """A logged-in connection: `open` it, use `client` through `call`, `close` it."""

    def __init__(self, config: WatcherConfig) -> None:
        self.config = config
        lost = self.lost = asyncio.Event()  # set by aioimaplib when the socket closes
        self.client = ImapClient(
            config.host,
            config.port,
            timeout=config.command_timeout_seconds,
            conn_lost_cb=lambda _exc: lost.set(),
            ssl_context=self._ssl_context() if config.tls == "tls" else None,
        )

    @classmethod
    async def open(cls, config: WatcherConfig) -> ImapSession:
        """Connect, (STARTTLS,) log in and read the capabilities."""
        session = cls(config)
        client = session.client
        try:
            await client.wait_hello_from_server()
            if config.tls == "starttls":
                await session._starttls()
            response = await client.login(config.user, config.password)
            if response.result != "OK":
                # The server's words only: the password is never part of a message.
                raise ImapError(f"login as {config.user} refused by {config.host}")
            # RFC 3501 §6.2.3: capabilities may change after login; ask again.
            await asyncio.wait_for(client.protocol.capability(), config.command_timeout_seconds)
        except BaseException:
            await session.close()
            raise
        return session

    def _ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(
            ssl.Purpose.SERVER_AUTH, cafile=self.config.ca_file or None
        )
        if not self.config.tls_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    async def _starttls(self) -> None:
        proto = self.client.protocol
        if "STARTTLS" not in proto.capabilities:
            raise ImapError(f"{self.config.host} does not offer STARTTLS")
        command = aioimaplib.Command("STARTTLS", proto.new_tag(), loop=proto.loop)
        ok(
            await asyncio.wait_for(proto.execute(command), self.config.command_timeout_seconds),
            "STARTTLS",
        )
        loop = asyncio.get_running_loop()
        transport = await loop.start_tls(
            proto.transport, proto, self._ssl_context(), server_hostname=self.config.host
        )
        proto.transport = transport
        # RFC 3501 §6.2.1: forget what the server said before TLS.
        await asyncio.wait_for(proto.capability(), self.config.command_timeout_seconds)

    async def close(self) -> None:
        client = self.client
        with contextlib.suppress(Exception):
            if client.has_pending_idle():
                # Also cancels aioimaplib's timer that would re-arm IDLE on a dead client.
                client.idle_done()
            if client.protocol.transport is not None and not self.lost.is_set():
                await asyncio.wait_for(client.logout(), 2)
        with contextlib.suppress(Exception):
            if client.protocol.transport is not None:
                client.protocol.transport.close()

    @property
    def new_mail(self) -> asyncio.Event:
        """Raised by every untagged EXISTS (imap_wire.ImapProtocol)."""
        return self.client.protocol.new_mail

    def has_capability(self, name: str) -> bool:
        return self.client.has_capability(name)

    async def call(self, command: Awaitable[T]) -> T:
        """Await an IMAP command, or fail at once when the connection drops.

        aioimaplib leaves a command pending forever when the socket closes under it (only
        the command timeout would end it); a restarted server must not cost us that long.
        """
        task = asyncio.ensure_future(command)
        lost = asyncio.ensure_future(self.lost.wait())
        try:
            await asyncio.wait({task, lost}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
        if not task.done():
            task.cancel()
            raise ImapError("connection lost")
        return task.result()

    async def uid(self, command: str, *args: str) -> aioimaplib.Response:
        """A UID command (FETCH, STORE, MOVE…), failing at once when the connection drops."""
        return await self.call(self.client.uid(command, *args))

    async def idle(self, stop: asyncio.Event) -> None:
        """IDLE until new mail, `stop`, or the re-IDLE time; fail when the connection drops."""
        client, proto = self.client, self.client.protocol
        if proto.new_mail.is_set():
            return
        timeout = self.config.idle_timeout_seconds
        idle = await client.idle_start(timeout=timeout)
        push = asyncio.ensure_future(client.wait_server_push(timeout=timeout))
        waiters = [
            asyncio.ensure_future(proto.new_mail.wait()),
            asyncio.ensure_future(self.lost.wait()),
            asyncio.ensure_future(stop.wait()),
            push,
        ]
        try:
            # RFC 2177: re-issue IDLE before the server's inactivity timeout (≥ 29 min).
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        # Dovecot answers a deleted or renamed selected folder with an untagged NO and keeps
        # the connection: only a new SELECT finds the folder (and its new UIDVALIDITY).
        trouble = server_trouble(push)
        if self.lost.is_set():
            idle.cancel()
            raise ImapError("connection lost while idling")
        client.idle_done()
        await asyncio.wait_for(idle, self.config.command_timeout_seconds)
        # Pushes are tracked by `new_mail`; aioimaplib's queue would only grow.
        while not proto.idle_queue.empty():
            proto.idle_queue.get_nowait()
        if trouble:
            raise ImapError(f"server says: {trouble}")

    async def poll(self, stop: asyncio.Event) -> None:
        """Wait `poll_seconds` (or `stop`), then NOOP: the server reports new mail with it."""
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.lost.wait())]
        try:
            await asyncio.wait(
                waiters, timeout=self.config.poll_seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for waiter in waiters:
                waiter.cancel()
        if self.lost.is_set():
            raise ImapError("connection lost")
        if not stop.is_set():
            ok(await self.call(self.client.noop()), "NOOP")

    async def move(self, uids: str, folder: str) -> None:
        if self.has_capability("MOVE"):
            ok(await self.uid("move", uids, quote(folder)), f"UID MOVE to {folder}")
            return
        # RFC 6851 fallback: copy, mark deleted, expunge just these UIDs (needs UIDPLUS).
        ok(await self.uid("copy", uids, quote(folder)), f"UID COPY to {folder}")
        ok(await self.uid("store", uids, "+FLAGS.SILENT", "(\\Deleted)"), "UID STORE")
        if self.has_capability("UIDPLUS"):
            ok(await self.uid("expunge", uids), "UID EXPUNGE")

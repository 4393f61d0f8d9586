"""Transactional outbox: replies are rows written with the case change; a sender delivers them.

Queuing happens inside the caller's transaction, so a reply exists if and only if the case
change that caused it was committed. Delivery claims a row with a conditional UPDATE (safe with
several instances on one database), sends it, then marks it sent; a failure leaves the row
queued with the error and the time of the next attempt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, as_utc
from bot.compose import OutgoingLetter, compose
from bot.store.claims import claim_due
from bot.store.models import OutboxMessage

log = logging.getLogger(__name__)

PARTNER_REPLY_KINDS = frozenset(
    {"acceptance", "clarification", "rejection", "reminder", "warning", "notice"}
)


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who the letter is from and to, as the transport saw it (not the headers)."""

    sender: str
    recipients: tuple[str, ...]


def new_message_id(domain: str) -> str:
    # Short enough never to be folded: some clients compare folded IDs with the blank kept.
    return f"<{uuid.uuid4().hex}@{domain}>"


def queue(
    session: Session,
    letter: OutgoingLetter,
    *,
    case_id: int | None,
    letter_id: int | None,
    domain: str,
    now: datetime,
    status: str = "queued",
) -> OutboxMessage | None:
    """Add a reply row in the caller's transaction; None if this reply already exists."""
    if _exists(session, letter.dedupe_key):
        return None
    message_id = new_message_id(domain)
    row = OutboxMessage(
        dedupe_key=letter.dedupe_key,
        case_id=case_id,
        letter_id=letter_id,
        reply_kind=letter.reply_kind,
        template=letter.template,
        sender=letter.sender,
        to_addr=letter.to.lower(),
        recipients=[letter.to, *letter.cc],
        subject=letter.rendered.subject,
        message_id=message_id,
        text=letter.rendered.text,
        raw=compose(letter, message_id, now),
        status=status,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)  # flushed with the rest of the letter's changes
    counted = session.info.get(_RECENT_REPLIES)
    if counted is not None and row.to_addr in counted and row.reply_kind in PARTNER_REPLY_KINDS:
        counted[row.to_addr] += 1
    return row


# Per batch transaction (`preload_letter_keys`): the letters whose reply keys were read at
# once, and the keys already used; `queue` keeps the set up to date.
_LETTER_KEYS = "outbox_letter_keys"


def preload_letter_keys(session: Session, letter_ids: Iterable[int]) -> None:
    """Read the reply keys of a batch's letters (`letter:<id>:…`) with one query."""
    prefixes = sorted({f"letter:{letter_id}:" for letter_id in letter_ids})
    known: set[str] = set()
    # SQLite parses a chain of ORs as a tree with a depth limit of 1000: ask in slices.
    for start in range(0, len(prefixes), 200):
        # A range per prefix, not LIKE: SQLite's LIKE ignores case and so skips the index.
        ranges = [
            and_(OutboxMessage.dedupe_key >= prefix, OutboxMessage.dedupe_key < prefix[:-1] + ";")
            for prefix in prefixes[start : start + 200]
        ]
        known.update(session.scalars(select(OutboxMessage.dedupe_key).where(or_(*ranges))))
    session.info[_LETTER_KEYS] = (set(prefixes), known)


def _exists(session: Session, key: str) -> bool:
    preloaded = session.info.get(_LETTER_KEYS)
    if preloaded is not None and key.startswith("letter:"):
        prefixes, known = preloaded
        if key[: key.find(":", 7) + 1] in prefixes:
            if key in known:
                return True
            known.add(key)  # the caller adds the row right away
            return False
    return (
        session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None
    )


# Per transaction: replies counted per address, kept up to date by `queue`, so a batch of
# letters from one partner asks the database once (R-MBX-4).
_RECENT_REPLIES = "replies_in_last_hour"


def count_recent_replies(session: Session, addresses: Iterable[str], now: datetime) -> None:
    """`replies_in_last_hour` for many addresses with one query (a batch's senders)."""
    counted = session.info.setdefault(_RECENT_REPLIES, {})
    todo = {address.lower() for address in addresses}.difference(counted)
    if not todo:
        return
    rows = session.execute(
        select(OutboxMessage.to_addr, func.count(OutboxMessage.id))
        .where(
            OutboxMessage.to_addr.in_(todo),
            OutboxMessage.reply_kind.in_(PARTNER_REPLY_KINDS),
            OutboxMessage.created_at > now - timedelta(hours=1),
        )
        .group_by(OutboxMessage.to_addr)
    ).all()
    counted.update(dict.fromkeys(todo, 0))
    counted.update({address: count for address, count in rows})


def replies_in_last_hour(session: Session, address: str, now: datetime) -> int:
    """Auto-replies queued to one address in the last hour (R-MBX-4)."""
    address = address.lower()
    counted = session.info.setdefault(_RECENT_REPLIES, {})
    if address not in counted:
        counted[address] = (
            session.scalar(
                select(func.count(OutboxMessage.id)).where(
                    OutboxMessage.to_addr == address,
                    OutboxMessage.reply_kind.in_(PARTNER_REPLY_KINDS),
                    OutboxMessage.created_at > now - timedelta(hours=1),
                )
            )
            or 0
        )
    return counted[address]


class Transport(Protocol):
    # True when delivering the same row twice leaves one copy: the sender may then mark a
    # whole batch sent at once, since a crash before that mark cannot duplicate a letter.
    idempotent: bool

    async def deliver(self, row: OutboxMessage) -> None:
        """Deliver or raise; the caller records failures."""
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
            for sub in ("tmp", "new", "cur"):
                (self._path / sub).mkdir(parents=True, exist_ok=True)
            self._ready = True
        return self._path / "tmp", self._path / "new"

    async def deliver(self, row: OutboxMessage) -> None:
        tmp, new = self._dirs()
        digest = hashlib.sha1(row.message_id.encode(), usedforsecurity=False).hexdigest()[:16]
        name = f"{int(as_utc(row.created_at).timestamp())}.R{row.id}_{digest}.partnerdesk"
        staged = tmp / f"{name}.{uuid.uuid4().hex[:8]}"
        # Maildir files use the local line ending; the stored bytes keep CRLF for SMTP.
        staged.write_bytes(row.raw.replace(b"\r\n", b"\n"))
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

    async def deliver(self, row: OutboxMessage) -> None:
        import aiosmtplib

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


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 12
    base_seconds: float = 30
    max_seconds: float = 3600

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.base_seconds * 2 ** (attempts - 1), self.max_seconds))


class Sender:
    """Delivers due outbox rows exactly once each from this side: claim, send, mark."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        transport: Transport,
        clock: Clock,
        retry: RetryPolicy,
        worker: str = "local",
    ) -> None:
        self._sessions = sessions
        self._transport = transport
        self._clock = clock
        self._retry = retry
        self._worker = f"{worker}:{uuid.uuid4().hex[:8]}"

    def _claim(self, now: datetime, limit: int) -> list[int]:
        return claim_due(
            self._sessions,
            OutboxMessage,
            OutboxMessage.next_attempt_at,
            ready="queued",
            claimed="sending",
            worker=self._worker,
            now=now,
            limit=limit,
        )

    async def deliver_due(self, limit: int = 100) -> int:
        """Send what is due now; returns how many were delivered."""
        now = self._clock.now()
        ids = self._claim(now, limit)
        if not ids:
            return 0
        with self._sessions() as session:
            rows = session.scalars(
                select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
            ).all()
            session.expunge_all()
        sent: list[int] = []
        for row in rows:
            try:
                await self._transport.deliver(row)
            except Exception as exc:  # any transport failure: keep the row, try later
                self._record_failure(row.id, exc)
                continue
            sent.append(row.id)
            if not self._transport.idempotent:
                self._mark_sent([row.id])
        if self._transport.idempotent:
            self._mark_sent(sent)
        return len(sent)

    def _mark_sent(self, ids: list[int]) -> None:
        if not ids:
            return
        with self._sessions.begin() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(
                    status="sent",
                    sent_at=self._clock.now(),
                    attempts=OutboxMessage.attempts + 1,
                    last_error=None,
                )
            )

    def _record_failure(self, row_id: int, exc: Exception) -> None:
        now = self._clock.now()
        with self._sessions.begin() as session:
            row = session.get(OutboxMessage, row_id)
            assert row is not None
            row.attempts += 1
            row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if row.attempts >= self._retry.max_attempts:
                row.status = "failed"
                log.error(
                    "outbox %s failed for good after %s attempts: %s",
                    row_id,
                    row.attempts,
                    row.last_error,
                )
            else:
                row.status = "queued"
                row.next_attempt_at = now + self._retry.delay(row.attempts)
                log.warning(
                    "outbox %s attempt %s failed (%s); next try at %s",
                    row_id,
                    row.attempts,
                    row.last_error,
                    row.next_attempt_at.isoformat(),
                )

    def recover_stale_claims(self, older_than: timedelta = timedelta(minutes=10)) -> int:
        """Rows left in `sending` by a crashed instance go back to the queue."""
        cutoff = self._clock.now() - older_than
        with self._sessions.begin() as session:
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < cutoff)
                .values(status="queued", claimed_by=None)
            )
            return result.rowcount or 0

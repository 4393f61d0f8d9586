"""Store the raw letter first: nothing is acknowledged before this commit (R-MBX-1)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import as_utc
from bot.store.models import Letter

MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True, slots=True)
class Arrival:
    """A letter as a receiver hands it over: bytes, transport envelope, arrival time."""

    raw: bytes
    received_at: datetime
    mail_from: str | None = None
    rcpt_tos: tuple[str, ...] = ()
    source: str = "smtp"  # smtp | lmtp | imap:<mailbox> | file


@dataclass(frozen=True, slots=True)
class StoredLetter:
    letter_id: int
    duplicate: bool


def header_facts(raw: bytes) -> tuple[str | None, str, str, str]:
    """Message-ID, From, Date and Subject from the header block only (cheap, never fails)."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024])
    except Exception:  # even a broken header block must not stop the raw letter being stored
        return None, "", "", ""

    def get(name: str) -> str:
        value = headers.get(name)
        return str(value) if value is not None else ""

    ids = MESSAGE_ID.findall(get("Message-ID"))
    return (ids[0] if ids else None), get("From"), get("Date"), _decoded(get("Subject"))


def _decoded(value: str) -> str:
    """RFC 2047 words decoded for display; undecodable input is kept as it came."""
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # broken encoded-words are common in the wild
        return value


def dedupe_key(raw: bytes, message_id: str | None, sender: str, date: str, subject: str) -> str:
    """R-MBX-1: the Message-ID, else a hash of (From, Date, Subject, body)."""
    if message_id:
        return f"mid:{message_id[:500]}"
    body = raw.split(b"\r\n\r\n", 1)[-1] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[-1]
    digest = hashlib.sha256()
    for part in (sender, date, subject):
        digest.update(part.encode("utf-8", "replace") + b"\0")
    digest.update(body)
    return f"hash:{digest.hexdigest()}"


def mailbox_roles(arrival: Arrival, raw_headers: dict[str, str], own: dict[str, str]) -> list[str]:
    """Watched mailboxes this letter reached: envelope first, then Delivered-To/To/Cc."""
    candidates = [r.lower() for r in arrival.rcpt_tos]
    for name in ("delivered-to", "x-original-to", "to", "cc"):
        value = raw_headers.get(name)
        if value:
            candidates += [addr.lower() for _, addr in getaddresses([value])]
    roles: list[str] = []
    for address in candidates:
        role = own.get(address)
        if role and role not in roles:
            roles.append(role)
    return roles


def address_headers(raw: bytes) -> dict[str, str]:
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024])
    except Exception:
        return {}
    wanted = ("delivered-to", "x-original-to", "to", "cc")
    return {name: ", ".join(str(v) for v in headers.get_all(name) or []) for name in wanted}


def store_raw(
    sessions: sessionmaker[Session], arrival: Arrival, own: dict[str, str], now: datetime
) -> StoredLetter:
    """Commit the raw bytes; the same letter twice returns the first row, marked duplicate."""
    message_id, sender, date, subject = header_facts(arrival.raw)
    key = dedupe_key(arrival.raw, message_id, sender, date, subject)
    roles = mailbox_roles(arrival, address_headers(arrival.raw), own)
    with sessions() as session:
        existing = session.scalar(select(Letter).where(Letter.dedupe_key == key))
        if existing is not None:
            # R-MBX-1: one letter reaching both mailboxes is one case recording both.
            merged = [*existing.mailboxes, *(r for r in roles if r not in existing.mailboxes)]
            if merged != existing.mailboxes:
                existing.mailboxes = merged
                session.commit()
            return StoredLetter(existing.id, duplicate=True)
        letter = Letter(
            dedupe_key=key,
            message_id=message_id,
            sha256=hashlib.sha256(arrival.raw).hexdigest(),
            raw=arrival.raw,
            size=len(arrival.raw),
            mailboxes=roles,
            envelope={
                "mail_from": arrival.mail_from,
                "rcpt_tos": list(arrival.rcpt_tos),
                "source": arrival.source,
            },
            received_at=as_utc(arrival.received_at),
            stored_at=now,
            status="received",
            subject=subject[:2000],
            from_addr=(getaddresses([sender])[0][1].lower() if sender else None),
        )
        session.add(letter)
        try:
            session.commit()
        except IntegrityError:
            # Another instance stored the same letter between our check and our insert.
            session.rollback()
            winner = session.scalar(select(Letter.id).where(Letter.dedupe_key == key))
            assert winner is not None
            return StoredLetter(winner, duplicate=True)
        return StoredLetter(letter.id, duplicate=False)

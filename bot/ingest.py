"""Store the raw letter first: nothing is acknowledged before this commit (R-MBX-1)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import as_utc
from bot.reused_ids import content_digest, reused, reused_note
from bot.store.letter_bytes import put_bytes
from bot.store.models import Letter
from parsers.charsets import decode_header_value

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


_ADDRESS_HEADERS = ("delivered-to", "x-original-to", "to", "cc")


def _header_block(raw: bytes) -> Message | None:
    head = raw[: 256 * 1024]
    # Only the header block is parsed: the parser would otherwise split the whole body.
    crlf = head.find(b"\r\n\r\n")
    # A bare-LF blank line counts only before the CRLF one: bounded, the search stops at the
    # header block instead of scanning a CRLF letter's whole body for "\n\n".
    lf = head.find(b"\n\n", 0, crlf if crlf >= 0 else len(head))
    ends = [at for at in (crlf, lf) if at >= 0]
    if ends:
        head = head[: min(ends) + 2]
    try:
        return BytesHeaderParser(policy=compat32).parsebytes(head)
    except Exception:  # even a broken header block must not stop the raw letter being stored
        return None


def _header_facts(block: Message | None) -> tuple[str | None, str, str, str]:
    """Message-ID, From, Date and Subject from the header block only (cheap, never fails)."""
    if block is None:
        return None, "", "", ""

    def get(name: str) -> str:
        value = block.get(name)
        return str(value) if value is not None else ""

    ids = MESSAGE_ID.findall(get("Message-ID"))
    return (ids[0] if ids else None), get("From"), get("Date"), _subject(block)


def _subject(block: Message) -> str:
    """Decoded as the reader decodes it: RFC 2047 words, and raw 8-bit bytes (UTF-8, else the
    letter's charset) that str() of compat32's header turned into «������» (issue 19: the
    quarantine notice shows this stored subject)."""
    raw = next((str(v) for k, v in block.raw_items() if k.lower() == "subject"), "")
    try:
        return decode_header_value(raw, block.get_content_charset())
    except Exception:  # the subject must never stop the raw letter being stored
        return raw.encode("utf-8", "replace").decode("utf-8")


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
    return _address_values(_header_block(raw))


def _address_values(block: Message | None) -> dict[str, str]:
    if block is None:
        return {}
    return {name: ", ".join(str(v) for v in block.get_all(name) or []) for name in _ADDRESS_HEADERS}


@dataclass(frozen=True, slots=True)
class _Prepared:
    """What storing needs from a letter, read from its header block once."""

    key: str
    message_id: str | None
    subject: str
    from_addr: str | None
    roles: list[str]


def _prepare(arrival: Arrival, own: dict[str, str]) -> _Prepared:
    headers = _header_block(arrival.raw)
    message_id, sender, date, subject = _header_facts(headers)
    return _Prepared(
        key=dedupe_key(arrival.raw, message_id, sender, date, subject),
        message_id=message_id,
        subject=subject,
        from_addr=_first_address(sender),
        roles=mailbox_roles(arrival, _address_values(headers), own),
    )


def _first_address(sender: str) -> str | None:
    """The From address; a list of one that an unquoted comma in the name split is skipped."""
    pairs = getaddresses([sender]) if sender else []
    found = next((addr for _, addr in pairs if "@" in addr), pairs[0][1] if pairs else "")
    return found.lower() or None


def _values(
    arrival: Arrival, prepared: _Prepared, now: datetime, stored_by: str | None
) -> dict[str, Any]:
    """The new `letters` row; its bytes go to `letter_raw`. `stored_by` names the process
    that stored it (`bot.store.claims.claimant`): once that process is gone, a letter it left
    unprocessed is recovered at once instead of after `STRANDED_AFTER` (issue 20 item 3)."""
    envelope: dict[str, Any] = {
        "mail_from": arrival.mail_from,
        "rcpt_tos": list(arrival.rcpt_tos),
        "source": arrival.source,
    }
    if stored_by is not None:
        envelope["stored_by"] = stored_by
    return {
        "dedupe_key": prepared.key,
        "message_id": prepared.message_id,
        "sha256": hashlib.sha256(arrival.raw).hexdigest(),
        "size": len(arrival.raw),
        "mailboxes": prepared.roles,
        "envelope": envelope,
        "received_at": as_utc(arrival.received_at),
        "stored_at": now,
        "status": "received",
        "subject": prepared.subject[:2000],
        "from_addr": prepared.from_addr,
    }


def _merged(mailboxes: list[str], roles: list[str]) -> list[str]:
    # R-MBX-1: one letter reaching both mailboxes is one case recording both.
    return [*mailboxes, *(r for r in roles if r not in mailboxes)]


def _merge_roles(row: Letter, roles: list[str]) -> None:
    merged = _merged(row.mailboxes, roles)
    if merged != row.mailboxes:
        row.mailboxes = merged


def store_raw(
    sessions: sessionmaker[Session],
    arrival: Arrival,
    own: dict[str, str],
    now: datetime,
    stored_by: str | None = None,
) -> StoredLetter:
    """Commit the raw bytes; the same letter twice returns the first row, marked duplicate."""
    prepared = _prepare(arrival, own)
    values = _values(arrival, prepared, now, stored_by)
    with sessions() as session:
        existing = session.scalar(select(Letter).where(Letter.dedupe_key == prepared.key))
        if existing is not None and reused(existing, arrival.raw, values["sha256"]):
            # Kept as a letter of its own (nothing lost), under a key of its content, so a
            # retry of this one is still its duplicate; the pipeline quarantines it.
            key = f"reused:{content_digest(arrival.raw)}:{prepared.key[:400]}"
            values.update(dedupe_key=key, reason=reused_note(existing))
            prepared = replace(prepared, key=key)
            existing = session.scalar(select(Letter).where(Letter.dedupe_key == key))
        if existing is not None:
            _merge_roles(existing, prepared.roles)
            session.commit()
            return StoredLetter(existing.id, duplicate=True)
        letter = Letter(**values)
        session.add(letter)
        try:
            session.flush()
            put_bytes(session, [(letter.id, arrival.raw)])
            session.commit()
        except IntegrityError:
            # Another instance stored the same letter between our check and our insert.
            session.rollback()
            winner = session.scalar(select(Letter.id).where(Letter.dedupe_key == prepared.key))
            assert winner is not None
            return StoredLetter(winner, duplicate=True)
        return StoredLetter(letter.id, duplicate=False)


def store_many(
    sessions: sessionmaker[Session],
    arrivals: Sequence[Arrival],
    own: dict[str, str],
    now: datetime,
    stored_by: str | None = None,
) -> list[StoredLetter]:
    """`store_raw` for a batch in one transaction: one look-up, one INSERT per table, one
    commit (issue 6 speed).

    A letter that repeats an earlier one of the same batch is its duplicate. If another
    instance stores one of these letters meanwhile, the batch is stored one by one instead.
    """
    prepared = [_prepare(arrival, own) for arrival in arrivals]
    try:
        with sessions.begin() as session:
            rows = {
                row.dedupe_key: row
                for row in session.scalars(
                    select(Letter).where(Letter.dedupe_key.in_({p.key for p in prepared}))
                )
            }
            new: dict[str, tuple[dict[str, Any], bytes]] = {}
            entries: list[tuple[str, bool]] = []
            for arrival, item in zip(arrivals, prepared, strict=True):
                sha = hashlib.sha256(arrival.raw).hexdigest()
                if (row := rows.get(item.key)) is not None:
                    if reused(row, arrival.raw, sha):
                        raise _OneByOne  # rare: store_raw keeps it apart
                    _merge_roles(row, item.roles)
                elif (values := new.get(item.key)) is not None:
                    if values[0]["sha256"] != sha and content_digest(values[1]) != content_digest(
                        arrival.raw
                    ):
                        raise _OneByOne
                    values[0]["mailboxes"] = _merged(values[0]["mailboxes"], item.roles)
                else:
                    new[item.key] = _values(arrival, item, now, stored_by), arrival.raw
                    entries.append((item.key, False))
                    continue
                entries.append((item.key, True))
            # Inserted in key order: two instances storing the same letters then wait for
            # each other in the same order (PostgreSQL: no deadlock on the unique index) and
            # the later one falls back to storing one by one.
            keys = sorted(new)
            ids = dict(zip(keys, _insert(session, [new[key] for key in keys]), strict=True))
            session.flush()  # the roles merged into letters stored before
            return [
                StoredLetter(ids[key] if key in ids else rows[key].id, duplicate)
                for key, duplicate in entries
            ]
    except (IntegrityError, _OneByOne):
        return [store_raw(sessions, arrival, own, now, stored_by) for arrival in arrivals]


class _OneByOne(Exception):
    """A batch letter reuses a known Message-ID: the batch is stored one by one."""


def _insert(session: Session, letters: list[tuple[dict[str, Any], bytes]]) -> list[int]:
    """Rows and bytes of new letters, in this order, with a statement per table; their ids.

    Core statements, not ORM objects: nothing else in the batch reads these rows back as
    objects, and building one object per letter cost more than the INSERT itself.
    """
    if not letters:
        return []
    if session.get_bind().dialect.insert_executemany_returning_sort_by_parameter_order:
        ids = list(
            session.scalars(
                insert(Letter).returning(Letter.id, sort_by_parameter_order=True),
                [values for values, _ in letters],
            )
        )
    else:  # without RETURNING for many rows, each INSERT reports its own id
        ids = [
            session.execute(insert(Letter).values(values)).inserted_primary_key[0]
            for values, _ in letters
        ]
    put_bytes(session, [(id_, raw) for id_, (_, raw) in zip(ids, letters, strict=True)])
    return ids

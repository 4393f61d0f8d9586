"""Transactional outbox: replies are rows written with the case change; a sender delivers them.

Queuing happens inside the caller's transaction, so a reply exists if and only if the case
change that caused it was committed. Delivery (bot/outbox/sender.py) claims a row with a conditional
UPDATE (safe with several instances on one database), sends it, then marks it sent; a failure
leaves the row queued with the error and the time of the next attempt.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.outbox.compose import OutgoingLetter, compose
from bot.store.models import OutboxMessage
from bot.store.txn_cache import cache_of

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
    if key_used(session, letter.dedupe_key):
        return None
    cache_of(session).used_keys.add(letter.dedupe_key)
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
    counted = cache_of(session).recent_replies
    automatic = not letter.dedupe_key.startswith("action:")
    if counted is not None and row.to_addr in counted and row.reply_kind in PARTNER_REPLY_KINDS:
        counted[row.to_addr] += automatic
    return row


# Per batch transaction (`preload_letter_keys`): the letters whose reply keys were read at
# once, and the keys already used; `queue` keeps the set up to date.


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
    cache_of(session).letter_keys = (set(prefixes), known)


def key_used(session: Session, key: str) -> bool:
    """Whether a reply with this dedupe key exists or was queued in this transaction.

    Read without flushing: every row of the transaction is added by `queue`, which notes its
    key, so pending rows are known without writing them first (a flush per check cost more
    than the rest of a notice)."""
    cache = cache_of(session)
    if key in cache.used_keys:
        return True
    preloaded = cache.letter_keys
    if preloaded is not None and key.startswith("letter:"):
        prefixes, known = preloaded
        if key[: key.find(":", 7) + 1] in prefixes:
            return key in known
    with session.no_autoflush:
        found = session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key))
    if found is not None:
        cache.used_keys.add(key)  # outbox rows are never deleted: asked again, still used
    return found is not None


# Per transaction: replies counted per address, kept up to date by `queue`, so a batch of
# letters from one partner asks the database once (R-MBX-4).
# R-MBX-4 counts automatic replies only: letters of an HQ action (by hand or by a command
# letter, dedupe key `action:…`) are a person's, never counted (issue 22 item 5).
_AUTOMATIC = OutboxMessage.dedupe_key.not_like("action:%")


def count_recent_replies(session: Session, addresses: Iterable[str], now: datetime) -> None:
    """`replies_in_last_hour` for many addresses with one query (a batch's senders)."""
    cache = cache_of(session)
    counted = cache.recent_replies = cache.recent_replies or {}
    todo = {address.lower() for address in addresses}.difference(counted)
    if not todo:
        return
    rows = session.execute(
        select(OutboxMessage.to_addr, func.count(OutboxMessage.id))
        .where(
            OutboxMessage.to_addr.in_(todo),
            OutboxMessage.reply_kind.in_(PARTNER_REPLY_KINDS),
            _AUTOMATIC,
            OutboxMessage.created_at > now - timedelta(hours=1),
        )
        .group_by(OutboxMessage.to_addr)
    ).all()
    counted.update(dict.fromkeys(todo, 0))
    counted.update({address: count for address, count in rows})


def replies_in_last_hour(session: Session, address: str, now: datetime) -> int:
    """Auto-replies queued to one address in the last hour (R-MBX-4)."""
    address = address.lower()
    cache = cache_of(session)
    counted = cache.recent_replies = cache.recent_replies or {}
    if address not in counted:
        counted[address] = (
            session.scalar(
                select(func.count(OutboxMessage.id)).where(
                    OutboxMessage.to_addr == address,
                    OutboxMessage.reply_kind.in_(PARTNER_REPLY_KINDS),
                    _AUTOMATIC,
                    OutboxMessage.created_at > now - timedelta(hours=1),
                )
            )
            or 0
        )
    return counted[address]

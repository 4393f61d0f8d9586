"""The database side of R-NTF-3 and R-MBX-4: whose addresses a reply may use, and how many
replies one author's letters caused in the last hour (issue 19)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.outbox.queue import PARTNER_REPLY_KINDS
from bot.partners import Identity
from bot.rules.recipients import Recipient, reply_recipient
from bot.store.models import Letter, OutboxMessage, PartnerAddress
from bot.store.txn_cache import cache_of
from parsers.types import ParsedLetter

# HQ notices of one kind per hour before the rest are held behind one summary.
MAX_HQ_NOTICES_PER_HOUR = 20


def partner_addresses(session: Session, identity: Identity | None) -> frozenset[str]:
    """The registered addresses of the author's partner (read once per transaction)."""
    return registered_addresses(session, identity.partner_id) if identity else frozenset()


def registered_addresses(session: Session, partner_id: int) -> frozenset[str]:
    """A partner's registered addresses (R-ID-1), read once per transaction."""
    known = cache_of(session).partner_addresses
    if partner_id not in known:
        known[partner_id] = frozenset(
            session.scalars(
                select(PartnerAddress.email).where(PartnerAddress.partner_id == partner_id)
            )
        )
    return known[partner_id]


def recipient_of(
    session: Session, letter: ParsedLetter, identity: Identity | None, ours: frozenset[str]
) -> Recipient:
    """R-NTF-3 for one letter; the registry is read only when Reply-To names someone else."""
    reply_to = letter.header("reply-to")
    registered = frozenset()
    if reply_to and identity is not None:
        registered = partner_addresses(session, identity)
    return reply_recipient(
        letter.header("from"),
        letter.header("sender"),
        reply_to,
        ours=ours,
        partner_addresses=registered,
    )


def caused_in_last_hour(
    session: Session, author: str, addresses: frozenset[str], now: datetime, cap: int | None
) -> int:
    """Partner replies in the last hour to any of `addresses` that letters of `author` caused,
    counted up to `cap` (R-MBX-4's limit, all the hold compares with), or all of them.

    Replies only ever go to the author or the author's partner's addresses (R-NTF-3), so
    those addresses bound the search (indexed with the creation time; `from_addr` is not).
    Stopping at the cap keeps the count's cost flat however many replies an import of old
    mail queued within the hour; the capped count is kept for the transaction.
    """
    cache = cache_of(session)
    counted = cache.caused
    if cap is not None and author in counted:
        return counted[author]
    preloaded = cache.caused_by_address.get(author)
    if cap is not None and preloaded is not None:
        reach = addresses | {author}
        count = sum(n for address, n in preloaded.items() if address in reach)
        counted[author] = count
        return count
    replies = (
        select(OutboxMessage.id)
        .join(Letter, Letter.id == OutboxMessage.letter_id)
        .where(
            OutboxMessage.to_addr.in_(addresses | {author}),
            OutboxMessage.reply_kind.in_(PARTNER_REPLY_KINDS),
            OutboxMessage.created_at > now - timedelta(hours=1),
            Letter.from_addr == author,
        )
    )
    limited = (replies if cap is None else replies.limit(cap)).subquery()
    count = session.scalar(select(func.count()).select_from(limited)) or 0
    if cap is not None:
        counted[author] = count
    return count


def preload_caused(session: Session, authors: set[str], now: datetime) -> None:
    """`caused_in_last_hour` for a batch's authors with one query: the replies their letters
    caused in the last hour, per address; each author's partner addresses pick theirs later
    (uncapped, so the limit compares the same)."""
    todo = authors.difference(cache_of(session).caused_by_address)
    if not todo:
        return
    rows = session.execute(
        select(Letter.from_addr, OutboxMessage.to_addr, func.count(OutboxMessage.id))
        .join(Letter, Letter.id == OutboxMessage.letter_id)
        .where(
            Letter.from_addr.in_(todo),
            OutboxMessage.reply_kind.in_(PARTNER_REPLY_KINDS),
            OutboxMessage.created_at > now - timedelta(hours=1),
        )
        .group_by(Letter.from_addr, OutboxMessage.to_addr)
    ).all()
    found: dict[str, dict[str, int]] = {author: {} for author in todo}
    for author, address, count in rows:
        found[author][address] = count
    cache_of(session).caused_by_address.update(found)


def note_caused(session: Session, author: str) -> None:
    counted = cache_of(session).caused
    if author in counted:
        counted[author] += 1


def notices_in_last_hour(session: Session, address: str, template: str, now: datetime) -> int:
    """HQ notices of one kind queued to `address` in the last hour, held ones included."""
    counted = cache_of(session).notices
    key = (address, template)
    if key not in counted:
        counted[key] = (
            session.scalar(
                select(func.count(OutboxMessage.id)).where(
                    OutboxMessage.to_addr == address,
                    OutboxMessage.template == template,
                    OutboxMessage.reply_kind == "notice",
                    OutboxMessage.created_at > now - timedelta(hours=1),
                )
            )
            or 0
        )
    return counted[key]


def note_notice(session: Session, address: str, template: str) -> None:
    counted = cache_of(session).notices
    if (address, template) in counted:
        counted[(address, template)] += 1

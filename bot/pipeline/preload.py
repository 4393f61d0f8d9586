"""What a batch's letters would otherwise ask the database one by one, asked once: their
rows, their senders (R-ID-1), the replies counted per address and per author (R-MBX-4),
their reply keys and the Message-IDs no case has yet. Kept in the transaction's cache
(`bot.store.txn_cache`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.outbox.queue import count_recent_replies, preload_letter_keys
from bot.partners import preload_senders
from bot.reply_guard import preload_caused
from bot.store.models import Letter, ThreadKey
from bot.store.txn_cache import cache_of


def preload_batch(session: Session, letter_ids: Sequence[int], now: datetime) -> None:
    """The batch's letter rows, with what their processing will ask, read ahead."""
    rows = list(session.scalars(select(Letter).where(Letter.id.in_(letter_ids))).all())
    cache = cache_of(session)
    cache.batch_rows = rows  # held here, they stay in the (weak) identity map for the batch
    own_ids = {row.message_id for row in rows if row.message_id}
    mapped = session.scalars(
        select(ThreadKey.message_id).where(ThreadKey.message_id.in_(own_ids))
    ).all()
    cache.unmapped_ids = set(own_ids.difference(mapped))
    senders = {row.from_addr for row in rows if row.from_addr}
    preload_senders(session, senders)
    count_recent_replies(session, senders, now)
    preload_caused(session, senders, now)
    preload_letter_keys(session, (row.id for row in rows))

"""The statuses and the repeat check of batched HQ alerts (R-HQ-8), apart from the merge so
that the alert writer (bot/letters/hq.py) can use them without importing what builds on it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import OutboxMessage

# A timer's alert waits for the end of its tick; once listed in a batch letter it is merged.
BATCHED = "batched"
MERGED = "merged"
# The digest period (R-HQ-7 sends one a working day): an alert of one kind for one case is
# sent at most once in it.
DIGEST_PERIOD = timedelta(days=1)


def sent_recently(session: Session, key_prefix: str, now: datetime) -> bool:
    """An alert whose dedupe key starts with `key_prefix` within the digest period."""
    # A range, not LIKE: SQLite's LIKE ignores case and so skips the unique index.
    upper = key_prefix[:-1] + chr(ord(key_prefix[-1]) + 1)
    found = session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.dedupe_key >= key_prefix,
            OutboxMessage.dedupe_key < upper,
            OutboxMessage.created_at > now - DIGEST_PERIOD,
        )
        .limit(1)
    )
    return found is not None

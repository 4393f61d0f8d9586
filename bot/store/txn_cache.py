"""What one transaction has learned from the database, shared by the letters it processes.

A batch asks once what each letter would otherwise ask on its own (the senders, the reply
counts, the reply keys, the unmapped Message-IDs), and the writers keep the answers up to
date as they add rows. One typed object per session, so that what the pipeline preloads and
what partners, reply guards, the outbox and the applier read is written down in one place.
`None` means "not preloaded": the reader then asks the database itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.identity import Identity
from bot.store.models import Letter

_KEY = "partnerdesk_transaction_cache"


@dataclass(slots=True)
class TransactionCache:
    # bot/partners.py: address → its partner (None: not registered), for a batch's senders.
    senders: dict[str, Identity | None] | None = None
    # bot/partners.py: [(domains, partner)] in id order, read on first need in a batch.
    by_domain: list[tuple[list[str], Identity]] | None = None
    # bot/partners.py: partner id → its name, for the replies' context.
    partner_names: dict[int, str | None] = field(default_factory=dict)
    # bot/reply_guard.py: partner id → its registered addresses.
    partner_addresses: dict[int, frozenset[str]] = field(default_factory=dict)
    # bot/reply_guard.py: author → replies their letters caused in the last hour, counted up
    # to R-MBX-4's limit and kept up to date by the partner letters' writer.
    caused: dict[str, int] = field(default_factory=dict)
    # bot/reply_guard.py: a batch's authors → {address: replies there in the last hour that
    # their letters caused}, read at once; turned into `caused` on the author's first reply.
    caused_by_address: dict[str, dict[str, int]] = field(default_factory=dict)
    # bot/reply_guard.py: (HQ address, template) → notices of that kind in the last hour.
    notices: dict[tuple[str, str], int] = field(default_factory=dict)
    # bot/outbox/queue.py: address → automatic replies in the last hour, kept up to date by queue.
    recent_replies: dict[str, int] | None = None
    # bot/outbox/queue.py: the batch letters' reply-key prefixes, and the keys already used.
    letter_keys: tuple[set[str], set[str]] | None = None
    # bot/outbox/queue.py: the reply keys queued in this transaction (rows not yet flushed)
    # or found used: an hour's held-reply notice is asked for by every held reply.
    used_keys: set[str] = field(default_factory=set)
    # bot/pipeline/preload.py: the batch's letter rows, read at once and held for the batch.
    batch_rows: list[Letter] = field(default_factory=list)
    # bot/apply.py: the batch letters' Message-IDs that no case had when the batch began.
    unmapped_ids: set[str] = field(default_factory=set)
    # bot/apply.py: cases opened in this transaction, whose first timers need no look-up.
    new_cases: set[int] = field(default_factory=set)


def cache_of(session: Session) -> TransactionCache:
    """The session's cache, made on first use."""
    cache = session.info.get(_KEY)
    if cache is None:
        cache = session.info[_KEY] = TransactionCache()
    return cache

"""IMAP watcher state: one row per watched mailbox (issue 6).

A separate module so the service-core models stay untouched; `migrations/env.py` imports it
so Alembic sees the table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class MailboxState(Base):
    """Progress (UID high-water mark per UIDVALIDITY) and health of one watched mailbox."""

    __tablename__ = "mailbox_state"

    # The configured mailbox name (imap.mailboxes[].name), e.g. "mail" or "support".
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    folder: Mapped[str] = mapped_column(String(500), default="INBOX")
    # RFC 3501 §2.3.1.1: UIDs mean something only together with the folder's UIDVALIDITY.
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    # Every UID up to this one is stored in `letters` (committed) for this UIDVALIDITY.
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    # Letters with a UID below this were in the folder when partnerdesk first saw it:
    # they are backfilled without auto-replies unless asked (issue 6, item 3).
    backfill_below_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    # Flag/move actions owed to the server for stored letters: {"uidvalidity": n,
    # "processed": [uid…], "quarantine": [uid…]}; written with last_uid, cleared once done.
    pending: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # connecting | syncing | idle | polling | backoff | stopped
    status: Mapped[str] = mapped_column(String(20), default="stopped")
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    # The last time the server answered and the folder was fully synchronised.
    last_success_at: Mapped[datetime | None]
    connected_since: Mapped[datetime | None]
    # First failure since the last success; R-HQ-8 alerts when this gets too old.
    down_since: Mapped[datetime | None]
    outage_alerted_at: Mapped[datetime | None]
    letters_ingested: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime | None]
    # Which instance watches the mailbox, until when (bot/receive/imap_lease.py): several
    # instances on one database watch each mailbox from one of them at a time.
    lease_holder: Mapped[str | None] = mapped_column(String(300))
    lease_until: Mapped[datetime | None]

    @classmethod
    def fresh(cls, name: str, folder: str) -> MailboxState:
        """The row of a mailbox never seen before: no progress, nothing owed."""
        return cls(
            name=name, folder=folder, last_uid=0, backfill_below_uid=0, pending={}, status="new"
        )

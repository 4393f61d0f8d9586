"""The `mailbox_state` row of one watched mailbox: UID high-water mark, owed actions, health.

Every function is synchronous (SQLAlchemy); the watcher calls them with `asyncio.to_thread`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import as_utc
from bot.receive import imap_lease
from bot.store.imap_models import MailboxState


@dataclass(frozen=True, slots=True)
class Progress:
    uidvalidity: int
    last_uid: int
    backfill_below_uid: int
    processed: tuple[int, ...]  # owed: flag \Seen + keyword, or move to Processed
    quarantine: tuple[int, ...]  # owed: move to Quarantine
    resync: bool  # UIDVALIDITY changed: old letters come back under new UIDs


def _row(session: Session, name: str, folder: str) -> MailboxState:
    row = session.get(MailboxState, name)
    if row is None:
        row = MailboxState.fresh(name, folder)
        session.add(row)
    return row


def begin(
    sessions: sessionmaker[Session],
    name: str,
    folder: str,
    uidvalidity: int,
    uidnext: int,
    me: str,
) -> Progress:
    """Match the stored progress to the folder just selected; reset it on a new UIDVALIDITY.

    `me`: the lease holder (imap_lease); every progress write checks it still holds it."""
    with sessions.begin() as session:
        row = session.get(MailboxState, name, with_for_update=True)
        if row is None:  # the lease creates the row: no row, no lease
            raise imap_lease.LeaseLost(name, None)
        imap_lease.check(row, me)
        resync = False
        if row.uidvalidity is None:
            # First sight: what is already there is old mail (backfilled, no auto-replies).
            row.uidvalidity, row.last_uid, row.backfill_below_uid = uidvalidity, 0, uidnext
        elif row.uidvalidity != uidvalidity or row.folder != folder:
            # RFC 3501 §2.3.1.1: the old UIDs mean nothing now. Start again from UID 1; the
            # letters we already have are recognised by Message-ID/hash and not answered twice.
            resync = True
            row.uidvalidity, row.last_uid, row.backfill_below_uid = uidvalidity, 0, 0
            row.pending = {}
        row.folder = folder
        pending = row.pending if row.pending.get("uidvalidity") == uidvalidity else {}
        return Progress(
            uidvalidity,
            row.last_uid,
            row.backfill_below_uid,
            tuple(pending.get("processed", ())),
            tuple(pending.get("quarantine", ())),
            resync,
        )


def commit(
    sessions: sessionmaker[Session],
    name: str,
    uidvalidity: int,
    last_uid: int,
    processed: list[int],
    quarantine: list[int],
    ingested: int,
    now: datetime,
    me: str,
) -> None:
    """Advance the high-water mark and record the server actions now owed, in one commit."""
    with sessions.begin() as session:
        row = session.get(MailboxState, name, with_for_update=True)
        if row is None:
            return
        imap_lease.check(row, me)
        if row.uidvalidity != uidvalidity:
            return
        pending: dict[str, Any] = (
            dict(row.pending) if row.pending.get("uidvalidity") == uidvalidity else {}
        )
        pending["uidvalidity"] = uidvalidity
        pending["processed"] = sorted({*pending.get("processed", ()), *processed})
        pending["quarantine"] = sorted({*pending.get("quarantine", ()), *quarantine})
        row.pending = pending
        row.last_uid = max(row.last_uid, last_uid)
        row.letters_ingested += ingested
        row.last_success_at = now
        row.updated_at = now


def done(
    sessions: sessionmaker[Session], name: str, uidvalidity: int, uids: set[int], me: str
) -> None:
    """The server has flagged or moved these letters: forget the owed actions."""
    with sessions.begin() as session:
        row = session.get(MailboxState, name, with_for_update=True)
        if row is None:
            return
        imap_lease.check(row, me)
        if row.pending.get("uidvalidity") != uidvalidity:
            return
        pending = dict(row.pending)
        for key in ("processed", "quarantine"):
            pending[key] = [uid for uid in pending.get(key, ()) if uid not in uids]
        row.pending = pending


def health(
    sessions: sessionmaker[Session],
    name: str,
    folder: str,
    status: str,
    now: datetime,
    *,
    error: str | None = None,
    success: bool = False,
    connected: bool = False,
) -> MailboxState:
    """Record the watcher's state; an error starts (or continues) the outage clock."""
    with sessions.begin() as session:
        row = _row(session, name, folder)
        row.status = status
        row.updated_at = now
        if connected:
            row.connected_since = now
        if success:
            row.last_success_at = now
            row.down_since = None
            row.outage_alerted_at = None
        if error is not None:
            row.last_error = error[:2000]
            row.last_error_at = now
            row.connected_since = None
            if row.down_since is None:
                row.down_since = now
        session.flush()
        session.expunge(row)
        return row


def mark_alerted(sessions: sessionmaker[Session], name: str, now: datetime) -> None:
    with sessions.begin() as session:
        row = session.get(MailboxState, name)
        if row is not None:
            row.outage_alerted_at = now


def all_states(sessions: sessionmaker[Session]) -> list[dict[str, Any]]:
    """Every mailbox the watchers have seen, for `partnerdesk status`."""

    def iso(value: datetime | None) -> str | None:
        return as_utc(value).isoformat() if value is not None else None

    with sessions() as session:
        rows = session.scalars(select(MailboxState).order_by(MailboxState.name)).all()
        return [
            {
                "name": r.name,
                "folder": r.folder,
                "status": r.status,
                "uidvalidity": r.uidvalidity,
                "last_uid": r.last_uid,
                "letters_ingested": r.letters_ingested,
                "pending_actions": len(r.pending.get("processed", ()))
                + len(r.pending.get("quarantine", ())),
                "last_success_at": iso(r.last_success_at),
                "connected_since": iso(r.connected_since),
                "down_since": iso(r.down_since),
                "last_error": r.last_error,
                "last_error_at": iso(r.last_error_at),
                "outage_alerted_at": iso(r.outage_alerted_at),
                "updated_at": iso(r.updated_at),
                "watched_by": r.lease_holder,
                "lease_until": iso(r.lease_until),
            }
            for r in rows
        ]

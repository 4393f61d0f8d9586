"""Who watches an IMAP mailbox: a lease in its `mailbox_state` row.

Several instances may share one database (PostgreSQL); each mailbox is then watched by one
of them at a time. The holder renews its lease every third of `lease_seconds`; another
instance stands by and takes the mailbox over when the lease runs out (the holder crashed,
hangs or lost the database) or is released (the holder stopped). The holder's progress
commits are fenced by the lease (`imap_state`), so a holder that stalled past its lease
cannot move the UID mark under its successor; the letters it ingested meanwhile were
claimed, so the successor finds them as duplicates and answers nothing twice (R-MBX-1).

A holder on this host whose process no longer exists is stale at once: a service restarted
after a crash takes its mailboxes back without waiting out its predecessor's lease.

Times come from the injected clock: instances sharing a database need synchronised clocks
(NTP), as the lease is compared across them.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import as_utc
from bot.store.imap_models import MailboxState


class LeaseLost(Exception):
    """Another instance holds the mailbox now: stand by, do not touch its progress."""

    def __init__(self, name: str, holder: str | None) -> None:
        super().__init__(f"mailbox {name} is now watched by {holder or 'another service'}")
        self.name, self.holder = name, holder


@dataclass(frozen=True, slots=True)
class Holder:
    """One running service: its configured name, host, process and a token of its own (two
    services in one process, as in tests, are still two holders)."""

    instance: str
    host: str
    pid: int
    token: str

    @classmethod
    def this_process(cls, instance: str) -> Holder:
        return cls(instance, socket.gethostname(), os.getpid(), secrets.token_hex(4))

    def __str__(self) -> str:
        return f"{self.instance} on {self.host}, pid {self.pid} ({self.token})"

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        instance, sep, rest = text.partition(" on ")
        host, sep2, rest = rest.rpartition(", pid ")
        pid, sep3, token = rest.partition(" (")
        if not (sep and sep2 and sep3 and pid.isdigit() and token.endswith(")")):
            return None
        return cls(instance, host, int(pid), token[:-1])

    def gone(self) -> bool:
        """True only when this holder surely exited: a process of this host that is gone."""
        if self.host != socket.gethostname() or self.pid == os.getpid():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, another user's
            return False
        return False


@dataclass(frozen=True, slots=True)
class Lease:
    """The outcome of `acquire`: ours (until when), or whose it is."""

    ours: bool
    holder: str | None
    until: datetime | None


def acquire(
    sessions: sessionmaker[Session],
    name: str,
    folder: str,
    me: str,
    now: datetime,
    seconds: float,
) -> Lease:
    """Take or renew the lease of mailbox `name` when it is free, ours, expired or stale."""
    until = now + timedelta(seconds=seconds)
    with sessions.begin() as session:
        # The conditional UPDATE comes first: it is the write that serialises instances.
        if _take(session, name, me, until, now):
            return Lease(True, me, until)
        row = session.get(MailboxState, name)
        if row is None:
            try:
                with session.begin_nested():
                    row = MailboxState.fresh(name, folder)
                    row.lease_holder, row.lease_until = me, until
                    session.add(row)
                return Lease(True, me, until)
            except IntegrityError:  # another instance created it meanwhile
                row = session.get(MailboxState, name, populate_existing=True)
        assert row is not None
        holder = Holder.parse(row.lease_holder) if row.lease_holder else None
        if holder is not None and holder.gone() and _take(session, name, me, until, now, holder):
            return Lease(True, me, until)
        return Lease(False, row.lease_holder, as_utc(row.lease_until) if row.lease_until else None)


def _take(
    session: Session,
    name: str,
    me: str,
    until: datetime,
    now: datetime,
    stale: Holder | None = None,
) -> bool:
    free = (
        MailboxState.lease_holder == str(stale)
        if stale is not None
        else or_(
            MailboxState.lease_holder.is_(None),
            MailboxState.lease_holder == me,
            MailboxState.lease_until.is_(None),
            MailboxState.lease_until <= now,
        )
    )
    result = session.execute(
        update(MailboxState)
        .where(MailboxState.name == name, free)
        .values(lease_holder=me, lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release(sessions: sessionmaker[Session], name: str, me: str) -> None:
    """Hand the mailbox over at once (a graceful stop): a standby need not wait it out."""
    with sessions.begin() as session:
        session.execute(
            update(MailboxState)
            .where(MailboxState.name == name, MailboxState.lease_holder == me)
            .values(lease_holder=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )


def check(row: MailboxState, me: str) -> None:
    """The fence of every progress write: only the holder moves the mailbox's progress."""
    if row.lease_holder != me:
        raise LeaseLost(row.name, row.lease_holder)

"""Claim due rows (outbox, deadlines) so that of several instances exactly one runs each.

A conditional UPDATE is the claim: it works the same on SQLite and PostgreSQL, and of two
instances racing for a row exactly one finds its own name on it afterwards (ARCHITECTURE:
"left open on purpose").

A claim is a lease (issue 19): it names its claimant (instance, host, process) and ends at
`claim_until`. A claimant that crashed leaves its rows claimed; whoever looks next finds the
claim stale — its lease ran out, or its claimant was a process of this host that no longer
exists (or an earlier process that had this one's pid, as a restarted container's service
has) — and takes the row back. Claims are taken a small batch at a time, so a crash
strands little and the lease can be short. Whatever runs a claimed row re-checks its claim in
the transaction that records the outcome, so a claimant that outlived its lease cannot run a
row its successor took back.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

# How long a claim holds when the claimant names no other lease.
DEFAULT_LEASE = timedelta(minutes=2)
_NAME_LENGTH = 100  # the claimed_by column
_HOST = socket.gethostname()[:40]
# The tokens of the claimants this process named: a name with this host and pid but another
# token was given by an earlier process with the same pid, which has therefore exited.
_TOKENS: set[str] = set()


def claimant(instance: str) -> str:
    """This process as its claims name it: `instance:host:pid:token` (the token tells apart
    two claimants in one process, as in tests)."""
    token = secrets.token_hex(4)
    _TOKENS.add(token)
    tail = f":{_HOST}:{os.getpid()}:{token}"
    return instance[: _NAME_LENGTH - len(tail)] + tail


def claimant_gone(name: str | None) -> bool:
    """True only when the claimant surely exited: a process of this host that is gone (the
    check the IMAP mailbox lease makes of its holder), or one that had this process's pid
    before it (pid 1 of a restarted container) and so is not this one."""
    parts = (name or "").rsplit(":", 3)
    if len(parts) != 4 or not parts[2].isdigit():
        return False  # a name of an older version: only its lease can tell
    _instance, host, pid, token = parts
    if host != _HOST:
        return False
    if int(pid) == os.getpid():
        return token not in _TOKENS
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def stale_claims(session: Session, model: type, *, claimed: str, now: datetime) -> list[int]:
    """Rows in `claimed` whose lease ran out (or never had one: claimed before 0008), or
    whose claimant is gone."""
    rows = session.execute(
        select(model.id, model.claimed_by, model.claim_until).where(model.status == claimed)
    ).all()
    gone: dict[str | None, bool] = {}
    stale = []
    for row_id, name, until in rows:
        if name not in gone:
            gone[name] = claimant_gone(name)
        if until is None or until < now or gone[name]:
            stale.append(row_id)
    return stale


def release_stale(
    sessions: sessionmaker[Session], model: type, *, ready: str, claimed: str, now: datetime
) -> list[int]:
    """Stale claims go back to `ready`, for any claimant to take again."""
    with sessions.begin() as session:
        stale = stale_claims(session, model, claimed=claimed, now=now)
        if not stale:
            return []
        session.execute(
            update(model)
            .where(model.id.in_(stale), model.status == claimed)
            .values(status=ready, claimed_by=None, claim_until=None)
            .execution_options(synchronize_session=False)
        )
        return stale


def still_ours(
    model: type, row_id: int, *, claimed: str, worker: str
) -> tuple[ColumnElement[bool], ...]:
    """The condition under which a claimant may record a row's outcome."""
    return (model.id == row_id, model.status == claimed, model.claimed_by == worker)


def claim_due(
    sessions: sessionmaker[Session],
    model: type,
    due_column: InstrumentedAttribute,
    *,
    ready: str,
    claimed: str,
    worker: str,
    now: datetime,
    limit: int,
    lease: timedelta = DEFAULT_LEASE,
) -> list[int]:
    """Ids of rows in `ready` due by `now`, moved to `claimed` by this worker until
    `now + lease`."""
    with sessions.begin() as session:
        due = session.scalars(
            select(model.id)
            .where(model.status == ready, due_column <= now)
            .order_by(due_column, model.id)
            .limit(limit)
        ).all()
        if not due:
            return []
        # One UPDATE for all: the status condition is checked row by row, so a row another
        # worker took between the SELECT and here stays theirs.
        session.execute(
            update(model)
            .where(model.id.in_(due), model.status == ready)
            .values(status=claimed, claimed_by=worker, claimed_at=now, claim_until=now + lease)
            .execution_options(synchronize_session=False)
        )
        won = set(
            session.scalars(
                select(model.id).where(
                    model.id.in_(due), model.status == claimed, model.claimed_by == worker
                )
            )
        )
        return [row_id for row_id in due if row_id in won]

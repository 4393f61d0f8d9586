"""Claim due rows (outbox, deadlines) so that of several instances exactly one runs each.

A conditional UPDATE is the claim: it works the same on SQLite and PostgreSQL, and of two
instances racing for a row exactly one finds its own name on it afterwards (ARCHITECTURE:
"left open on purpose").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker


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
) -> list[int]:
    """Ids of rows in state `ready` due by `now`, moved to `claimed` by this worker."""
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
            .values(status=claimed, claimed_by=worker, claimed_at=now)
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

"""Claim due rows (outbox, deadlines) so that of several instances exactly one runs each.

A conditional UPDATE is the claim: it works the same on SQLite and PostgreSQL, and of two
instances racing for a row exactly one sees rowcount 1 (ARCHITECTURE: "left open on purpose").
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
        won = []
        for row_id in due:
            result = session.execute(
                update(model)
                .where(model.id == row_id, model.status == ready)
                .values(status=claimed, claimed_by=worker, claimed_at=now)
            )
            if result.rowcount == 1:
                won.append(row_id)
        return won

"""Row ids taken from the database's own counter before the row is written.

A case's number is made from its id (R-THR-1, R-THR-2). Taking the id first lets the number
go into the INSERT itself, and lets a batch of letters write all its rows in one flush
instead of flushing once per new case to learn the id.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import text
from sqlalchemy.orm import Session

_RETURNING = sqlite3.sqlite_version_info >= (3, 35)


def reserve_id(session: Session, table: str) -> int | None:
    """The next id of an AUTOINCREMENT (SQLite) or serial (PostgreSQL) table, never handed
    out again; None on other databases, where the caller flushes to learn it.

    On SQLite the counter is `sqlite_sequence`, which the INSERT of an explicit id keeps in
    step. Updating it takes the write lock, so two writers cannot be given the same id; a
    rolled-back transaction gives its id back, as a rolled-back INSERT would.
    """
    # The connection, not the session: no autoflush of what is pending.
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id'))"), {"table": table}
        ).scalar_one()
    if dialect != "sqlite":
        return None
    bump = "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = :table"
    if _RETURNING:
        # Once per new case: straight to the driver, in the same transaction; the statement
        # layer costs ten times the UPDATE itself here.
        cursor = connection.connection.cursor()
        try:
            found = cursor.execute(bump + " RETURNING seq", {"table": table}).fetchone()
        finally:
            cursor.close()
        seq = found[0] if found else None
    else:
        seq = None
        if connection.execute(text(bump), {"table": table}).rowcount:
            seq = connection.execute(
                text("SELECT seq FROM sqlite_sequence WHERE name = :table"), {"table": table}
            ).scalar()
    if seq is None:  # no row was ever inserted into the table: it has no counter yet
        seq = connection.execute(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")).scalar()
        connection.execute(
            text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :seq)"),
            {"table": table, "seq": seq},
        )
    return int(seq)

"""Writing letters' bytes to `letter_raw` without extra copies of a big letter in memory.

Binding a blob makes the SQLite driver copy it, and SQLite builds the whole record once
more before writing it: a 50 MB letter cost 100 MB on top of its own bytes. On SQLite a big
letter's row is therefore inserted as zeros of the right length and filled in place, a
slice at a time, through the incremental blob interface (issue 6: bounded memory for a
single large letter). Reading one back goes through the same interface: one copy.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import LargeBinary, column, func, insert, select, table
from sqlalchemy.orm import Session

# The `letter_raw` table (model `LetterRaw`) seen from Core: the models read bytes through
# this module, so it does not import them back.
LETTER_RAW = table("letter_raw", column("letter_id"), column("raw", LargeBinary))

# Smaller letters go in one INSERT with the rest of their batch: the copies are small.
IN_PLACE_FROM = 1 << 20
_SLICE = 1 << 20


def put_bytes(session: Session, letters: Sequence[tuple[int, bytes]]) -> None:
    """Store each (letter id, bytes) in the caller's transaction."""
    in_place = session.get_bind().dialect.name == "sqlite"
    small = [(id_, raw) for id_, raw in letters if not in_place or len(raw) < IN_PLACE_FROM]
    if small:
        session.execute(insert(LETTER_RAW), [{"letter_id": i, "raw": raw} for i, raw in small])
    for letter_id, raw in letters:
        if in_place and len(raw) >= IN_PLACE_FROM:
            _fill_in_place(session, letter_id, raw)


def _fill_in_place(session: Session, letter_id: int, raw: bytes) -> None:
    session.execute(insert(LETTER_RAW).values(letter_id=letter_id, raw=func.zeroblob(len(raw))))
    driver = session.connection().connection.driver_connection
    view = memoryview(raw)
    # letter_id is the table's INTEGER PRIMARY KEY, hence SQLite's rowid.
    with driver.blobopen("letter_raw", "raw", letter_id) as blob:
        for start in range(0, len(view), _SLICE):
            blob.write(view[start : start + _SLICE])


def get_bytes(session: Session, letter_id: int) -> bytes:
    if session.get_bind().dialect.name == "sqlite":
        driver = session.connection().connection.driver_connection
        with driver.blobopen("letter_raw", "raw", letter_id, readonly=True) as blob:
            return blob.read()
    return session.scalars(
        select(LETTER_RAW.c.raw).where(LETTER_RAW.c.letter_id == letter_id)
    ).one()

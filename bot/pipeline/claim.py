"""Which stored letters a transaction may process (R-MBX-1: one instance each)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import false, select, update
from sqlalchemy.orm import Session

from bot.store.claims import claimant_gone
from bot.store.models import Letter


def claim_in(session: Session, letter_ids: Sequence[int]) -> set[int]:
    """The letters this transaction may process: those still waiting to be processed.

    Storing a letter does not make it ours: another instance sharing the database may
    have stored it a moment earlier or be seeing it at the same moment (R-MBX-1). The
    claim is the transaction's first write, so its row locks (a conditional UPDATE) or
    the write lock (SQLite) make a second claimant wait and then find the letter done.
    The claim commits with the processing: a crash leaves the letter `received`, for
    whoever sees it next, instead of a claim nobody would take back.
    """
    if not letter_ids:
        return set()
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has one writer at a time: once this transaction holds the write lock, no
        # other can change a letter's status before it commits. A write that changes no
        # row takes the lock; updating the letters themselves would make SQLite build each
        # whole row, raw bytes included, in memory (+50 MB for a 51 MB letter).
        session.execute(
            update(Letter)
            .where(false())
            .values(status=Letter.status)
            .execution_options(synchronize_session=False)
        )
        waiting = Letter.id.in_(letter_ids), Letter.status == "received"
        return set(session.scalars(select(Letter.id).where(*waiting)))
    claim = (
        update(Letter)
        .where(Letter.id.in_(letter_ids), Letter.status == "received")
        .values(status="processing")
        .execution_options(synchronize_session=False)
    )
    if session.get_bind().dialect.update_returning:
        return set(session.scalars(claim.returning(Letter.id)))
    won: set[int] = set()
    for letter_id in letter_ids:  # rowcount tells which were taken, one row at a time
        if session.execute(claim.where(Letter.id == letter_id)).rowcount == 1:
            won.add(letter_id)
    return won


def release_stranded(session: Session, cutoff: datetime) -> list[int]:
    """Letters a crash left unprocessed, oldest first: those stored before `cutoff`, and
    those whose storing process is gone, however fresh (issue 20 item 3).

    A fresh letter may still be on its way through the process that stored it (the SMTP
    endpoint answers 250 and processes the letter after), here or in another instance, so
    only its age tells — unless the letter names its storer (`envelope.stored_by`) and
    that process surely exited (`claimant_gone`: a process of this host that no longer
    exists). A restarted service so finishes at once what its dead predecessor stored,
    while letters a live instance is processing are left to it.
    """
    # A claim committed by an older version that crashed mid-processing is released.
    session.execute(
        update(Letter)
        .where(Letter.status == "processing", Letter.stored_at < cutoff)
        .values(status="received")
    )
    rows = session.execute(
        select(Letter.id, Letter.stored_at < cutoff, Letter.envelope)
        .where(Letter.status == "received")
        .order_by(Letter.received_at, Letter.id)
    ).all()
    gone: dict[str, bool] = {}  # one check per storer

    def storer_gone(envelope: dict | None) -> bool:
        storer = (envelope or {}).get("stored_by")
        if not isinstance(storer, str):
            return False  # stored by an older version, or by hand: only its age tells
        if storer not in gone:
            gone[storer] = claimant_gone(storer)
        return gone[storer]

    return [letter_id for letter_id, old, envelope in rows if old or storer_gone(envelope)]

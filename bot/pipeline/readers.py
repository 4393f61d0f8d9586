"""How the pipeline reads letters: in the reading process (another process once started)
with the classification and request it reads ahead, or by an injected reader and classifier
(tests), never inside a write transaction when it can be helped (issue 19)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session, sessionmaker

import parsers
from bot.clock import as_utc
from bot.ingest import Arrival
from bot.pipeline.config import Classifier, Reader, default_classifier
from bot.reader_process import ReaderProcess, Ticket
from bot.store.models import Letter
from parsers.reading import Reading


class Readers:
    def __init__(
        self,
        reader_process: ReaderProcess,
        own_addresses: dict[str, str],
        reader: Reader = parsers.parse_letter,
        classifier: Classifier = default_classifier,
    ) -> None:
        self._reader = reader_process
        self._own = own_addresses
        self._read = reader
        self._own_reading = reader is parsers.parse_letter and classifier is default_classifier

    @property
    def in_child(self) -> bool:
        """Whether letters are read in the reading child (started, not replaced by a test)."""
        return self._own_reading and self._reader.pid is not None

    def submit(self, arrivals: Sequence[Arrival]) -> list[Ticket]:
        if not self._own_reading:
            return []
        own = self._own
        return self._reader.submit(
            [
                # The role it will have when the envelope names a watched mailbox (IMAP).
                (
                    a.raw,
                    own.get(a.rcpt_tos[0].lower()) if a.rcpt_tos else None,
                    as_utc(a.received_at),
                )
                for a in arrivals
            ]
        )

    def reading(self, raw: bytes, ticket: Ticket | None = None) -> Reading:
        if not self._own_reading:
            return Reading(self._read(raw), None, None)
        return self._reader.wait(ticket) if ticket is not None else self._reader.read(raw)

    def read_first(self, raw: bytes, ticket: Ticket | None) -> Reading | Exception:
        """The reading, or the error to raise where the letter is processed."""
        try:
            return self.reading(raw, ticket)
        except Exception as exc:  # unreadable: quarantined there; anything else: one by one
            return exc

    def read_stored(
        self, sessions: sessionmaker[Session], letter_id: int, raw: bytes | None
    ) -> Reading | None:
        """The letter read outside any write transaction (issue 19: a slow letter held the
        SQLite write lock, and HQ's `partnerdesk case … comment` failed "database is locked");
        None when it is no longer waiting, so there is nothing to read."""
        if raw is None:
            with sessions() as session:
                row = session.get(Letter, letter_id)
                if row is None or row.status != "received":
                    return None
                raw = row.raw
        return self.reading(raw)

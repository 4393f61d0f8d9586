"""A letter read ahead of the database work, so that another process can do the reading.

Parsing, classifying and extracting need nothing but the bytes. The kind of a letter does
depend on its thread (a reply in a ticket's thread is a follow-up), which only the database
knows; the guess made here is the kind of a letter outside any thread, with the extraction
for that kind. Whoever uses a `Reading` takes those guesses only where they apply
(`classification_for`, `request_for`) and computes the rest itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parsers.auto import is_automatic
from parsers.classify import classify
from parsers.extract import extract
from parsers.letter import parse_letter
from parsers.types import Classification, Kind, ParsedLetter, RequestData


@dataclass(frozen=True, slots=True)
class Reading:
    letter: ParsedLetter
    role: str | None
    received_at: datetime | None
    # None when the guess itself failed: the caller then computes it and sees the error.
    classification: Classification | None = None
    request: RequestData | None = None
    # `is_automatic(letter)` read ahead (R-MBX-3); `automatic_read` False: not read yet.
    automatic: str | None = None
    automatic_read: bool = False

    def automatic_reason(self) -> str | None:
        """Why the letter is automatic mail by its headers or content, or None."""
        return self.automatic if self.automatic_read else is_automatic(self.letter)

    def classification_for(
        self, role: str | None, thread_kind: str | None
    ) -> Classification | None:
        if thread_kind is None and role == self.role:
            return self.classification
        return None

    def request_for(self, kind: Kind, received_at: datetime | None) -> RequestData | None:
        request = self.request
        if request is not None and request.kind == kind and received_at == self.received_at:
            return request
        return None


def read_ahead(raw: bytes, role: str | None, received_at: datetime | None) -> Reading:
    """Parse (errors propagate: the letter is unreadable), then guess kind and fields."""
    letter = parse_letter(raw)
    try:
        automatic = is_automatic(letter)
        classification = classify(letter, role, thread_kind=None)
        request = extract(letter, classification.kind, received_at=received_at)
    except Exception:  # the pipeline repeats the step and handles the error in its place
        return Reading(letter, role, received_at)
    return Reading(letter, role, received_at, classification, request, automatic, True)

"""The letter in progress between stages, and the signals that end its path early.

A stage returns None to hand the letter on, or one of these: `Quarantine` (kept unprocessed
for HQ), `Ignore` (automatic mail, stored and never answered, R-MBX-3), `Record` (an HQ
letter, recorded as it is, R-MBX-7), `Answered` (the decision is applied and its replies are
written). `bot.pipeline.record` turns each into the letter's result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.apply_types import CaseContext
from bot.results import LetterResult
from bot.route import Route, Thread
from bot.rules.decide import Decision
from bot.store.models import Case, Letter
from parsers.reading import Reading
from parsers.requirements import Findings
from parsers.types import Classification, ParsedLetter, RequestData


@dataclass(frozen=True, slots=True)
class Quarantine:
    reason: str


@dataclass(frozen=True, slots=True)
class Ignore:
    reason: str
    case: Case | None


@dataclass(frozen=True, slots=True)
class Record:
    result: LetterResult
    case: Case | None
    # The history event the letter is attached to its case with, if it still is not.
    attach: str | None = None


@dataclass(frozen=True, slots=True)
class Answered:
    case: Case
    decision: Decision
    replies: list[dict[str, Any]]
    classification: Classification
    uncertain: tuple[str, ...] = ()


Stop = Quarantine | Ignore | Record | Answered


@dataclass(frozen=True, slots=True)
class Checked:
    """R-VAL-6: the letter read as `kind`, the case data it leads to, and their check."""

    kind: str
    request: RequestData
    fields: dict[str, Any]
    findings: Findings


@dataclass(frozen=True, slots=True)
class Decided:
    """The rules' decision, for `case` (None: a new case). `closed` is a case the letter
    arrived in but only records it (R-TKT-12 after the reopen window)."""

    decision: Decision
    case: Case | None
    checked: Checked
    closed: Case | None = None


@dataclass(slots=True)
class Work:
    """The letter in progress: what each stage found, for the next."""

    row: Letter
    hold: bool  # replies held (IMAP backfill, issue 6): decided before anything is written
    reading: Reading
    letter: ParsedLetter
    received_at: datetime
    role: str | None
    thread: Thread | None = None  # a forward's thread, looked up by the HQ stage
    forwarded_by: str | None = None
    route: Route | None = None
    ctx: CaseContext | None = None
    checked: Checked | None = None
    decided: Decided | None = None

"""What the pipeline is configured with, and what its per-letter stages are given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import parsers
from bot.apply import Applier
from bot.clock import Clock
from bot.hqmail.handler import HqMail
from bot.letters.writer import Letters
from bot.rules.dispatch import Rules
from parsers.reading import Reading
from parsers.types import Classification, Kind, ParsedLetter

# A letter still unprocessed this long after it was stored was stranded by a crash.
STRANDED_AFTER = timedelta(minutes=5)

# Letters that act on an existing case rather than describe a new request (spec §2.2).
FOLLOWUP_KINDS = frozenset(
    {Kind.PIN_CONFIRMATION, Kind.PIN_EXTENSION, Kind.ANNUAL_REPORT, Kind.LICENSE_DOCUMENTS}
)


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    own_addresses: dict[str, str]  # address → mailbox role ("general" | "support")
    hq_staff: frozenset[str]
    case_prefix: str
    number_format: str


Reader = Callable[[bytes], ParsedLetter]
Classifier = Callable[[ParsedLetter, str | None, str | None], Classification]


def default_classifier(
    letter: ParsedLetter, role: str | None, thread_kind: str | None
) -> Classification:
    return parsers.classify(letter, role, thread_kind=thread_kind)


@dataclass(frozen=True, slots=True)
class Desk:
    """What every per-letter stage may use: settings, the rules, the one writer of a
    decision (`applier`) and its reply writer (`letters`), HQ mail, and how a letter is read
    and classified."""

    config: PipelineConfig
    clock: Clock
    applier: Applier
    rules: Rules
    classify: Classifier
    read: Callable[[bytes], Reading]
    hq_mail: HqMail | None = None

    @property
    def letters(self) -> Letters:
        return self.applier.letters

"""What the writers of a decision are given: their settings and the letter's context.

Apart from `bot.apply` so that the reply writers (`bot.letters.writer`), which the Applier is given,
can name these types without importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.partners import Identity
from bot.store.models import Letter
from parsers.types import ParsedLetter


@dataclass(frozen=True, slots=True)
class ApplierConfig:
    number_format: str
    general_address: str
    support_address: str
    domain: str
    company: str
    phone: str
    hq_alerts_to: tuple[str, ...]
    max_replies_per_hour: int = 10
    # R-HQ-1: role → addresses; a role nobody holds falls back to hq_alerts_to.
    hq_roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    at_risk_ratio: float = 0.75
    # HQ staff addresses: never the recipient of a partner reply (R-NTF-3).
    hq_staff: tuple[str, ...] = ()
    # R-MBX-8 / D-36: acknowledge unidentified mail@ letters that match no kind.
    ack_unidentified_general_mail: bool = False
    # R-CAL-13: the alert types sent at once even outside working time (hq.alerts_24x7) …
    alerts_24x7: frozenset[str] = frozenset({"urgent_ticket"})
    # … and when the others leave: the next send slot from an instant (None: at once).
    alert_slot: Callable[[datetime], datetime] | None = None


@dataclass(frozen=True, slots=True)
class CaseContext:
    letter: ParsedLetter
    letter_row: Letter
    received_at: datetime
    role: str | None
    kind: str
    unknown_tags: tuple[str, ...] = ()
    identity: Identity | None = None
    flags: tuple[str, ...] = ()
    # The case this letter arrived in but does not belong to, and why: "other_topic"
    # (R-THR-8) or "closed_long_ago" (R-TKT-12 after the reopen window).
    previous_case: tuple[str, str] | None = None
    wrong_mailbox: str | None = None  # "general" | "support"
    # Imported from an existing mailbox with its replies held (IMAP backfill, issue 6): its
    # decision sets no reminder and every reply and notice it causes is written `held`.
    held: bool = False

    def with_note(self, previous_case: tuple[str, str]) -> CaseContext:
        return replace(self, previous_case=previous_case)

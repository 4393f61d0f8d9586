"""What processing one letter produced: the `partnerdesk process --json` line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class LetterResult:
    """One line of `partnerdesk process --json` (a public contract: extend, never break)."""

    letter_id: int
    kind: str
    case: str | None
    state: str | None
    missing: list[str] = field(default_factory=list)
    invalid: list[dict[str, str]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    status: str = "processed"
    duplicate: bool = False
    reason: str | None = None
    warnings: list[dict[str, str]] = field(default_factory=list)
    confidence: float | None = None
    reasons: list[str] = field(default_factory=list)
    # Required fields read with low confidence: HQ checks them before trusting the case.
    uncertain: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "case": self.case,
            "state": self.state,
            "missing": self.missing,
            "invalid": self.invalid,
            "replies": self.replies,
            "letter": self.letter_id,
            "status": self.status,
            "duplicate": self.duplicate,
            "reason": self.reason,
            "warnings": self.warnings,
            "confidence": self.confidence,
            "reasons": self.reasons,
            "uncertain": self.uncertain,
        }

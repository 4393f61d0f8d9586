"""The reading of letters written in other words than the development set (issue 18): the
scores of tests/parsers/unseen/ stay at or above what the reading reached."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.corpus.devset import score_all

UNSEEN = Path(__file__).parent / "unseen"
# Contract dates in the letters are of 2024–2026; a fixed clock keeps R-VAL-8 stable.
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
FLOORS = {"kinds": 1.0, "fields": 0.97, "exact_sets": 1.0, "invalid": 1.0}


def test_unseen_letters_scores_stay_above_floors() -> None:
    score = score_all(UNSEEN, NOW)
    assert len(score.kinds) >= 40
    low = {
        name: round(score.rate(getattr(score, name)), 3)
        for name, floor in FLOORS.items()
        if score.rate(getattr(score, name)) < floor
    }
    assert not low, f"{low}\n" + "\n".join(score.failures)

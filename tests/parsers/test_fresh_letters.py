"""The reading of letters written apart from the reader (tests/corpus/fresh): the scores stay
at or above what the reading reached when the families they exposed were fixed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.corpus.devset import score_all

FRESH = Path(__file__).parents[1] / "corpus" / "fresh"
# Contract dates of 2024–2026 and letters of late 2026: a fixed clock keeps R-VAL-8 stable.
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
FLOORS = {
    "tickets": {"kinds": 1.0, "fields": 0.98, "exact_sets": 0.94, "invalid": 1.0},
    "licenses": {"kinds": 1.0, "fields": 0.95, "exact_sets": 0.85, "invalid": 1.0},
}


@pytest.mark.parametrize("folder", sorted(FLOORS))
def test_fresh_letters_scores_stay_above_floors(folder: str, tmp_path: Path) -> None:
    # score_all reads <root>/<folder>/*.json: one folder at a time.
    (tmp_path / folder).symlink_to(FRESH / folder)
    score = score_all(tmp_path, NOW)
    assert len(score.kinds) >= 20
    low = {
        name: round(score.rate(getattr(score, name)), 3)
        for name, floor in FLOORS[folder].items()
        if score.rate(getattr(score, name)) < floor
    }
    assert not low, f"{low}\n" + "\n".join(score.failures)

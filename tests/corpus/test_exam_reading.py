"""The independent exam (issue 18): 50 letters written blind from the regulations.

`tests/corpus/exam/` holds letters written from seed 000 and REGULATIONS.md alone, before the
parser code was read, with their expected readings in the development set's format. They are
read as `partnerdesk parse FILE --mailbox MAILBOX --json` reads them and scored like the
development set (tests/corpus/devset.py). The floors are what the reading achieves after the
exam's families were fixed; before them the exam scored kinds 98.0 %, fields 90.6 %, exact
missing sets 69.2 %, invalid 100 %.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus.devset import Score, score_all

pytestmark = pytest.mark.corpus

ROOT = Path(__file__).resolve().parent / "exam"
FLOORS = {"kinds": 1.0, "fields": 1.0, "exact_sets": 1.0, "invalid": 1.0}


def test_the_exam_letters_are_read_at_least_as_well_as_today() -> None:
    score = score_all(ROOT)
    print("\n" + score.summary())
    print("\n".join(score.failures))
    assert len(score.kinds) >= 49, "the exam letters are missing"
    below = [
        f"{name} {Score.rate(getattr(score, name)):.1%} < {floor:.1%}"
        for name, floor in FLOORS.items()
        if Score.rate(getattr(score, name)) < floor
    ]
    assert not below, "reading got worse: " + "; ".join(below)

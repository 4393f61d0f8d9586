"""Every reviewed situation, each on a desk of its own (tests/data/reviewed_letters)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.letter_review import licenses, others, pins, tickets
from tests.letter_review.desk import Desk, Keep, Reply, clean_environment

SCENARIOS = (*tickets.SCENARIOS, *pins.SCENARIOS, *licenses.SCENARIOS, *others.SCENARIOS)


def render_all() -> dict[str, Reply]:
    """The letters of every situation, by situation name, rendered now."""
    keep = Keep()
    with clean_environment(), tempfile.TemporaryDirectory() as folder:
        for number, scenario in enumerate(SCENARIOS):
            root = Path(folder) / f"{number:02d}"
            root.mkdir()
            policy = others.POLICIES.get(scenario)
            if policy is not None:
                (root / "policy.toml").write_text(policy, encoding="utf-8")
            desk = Desk(
                root,
                root / "policy.toml" if policy is not None else None,
                others.SETTINGS.get(scenario),
            )
            try:
                scenario(desk, keep)
            finally:
                desk.close()
    return keep.letters

"""Where the shared real-world corpus lives, relative to the repository (never absolute)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """`../shared` beside the repository, or $PARTNERDESK_SHARED."""
    override = os.environ.get("PARTNERDESK_SHARED")
    return Path(override) if override else REPO / ".." / "shared"


def real_corpus() -> Path | None:
    path = shared_dir() / "corpus" / "real"
    return path if (path / "index.tsv").is_file() else None


@pytest.fixture(scope="session")
def corpus_root() -> Path:
    """The real corpus; skipped when absent, except in CI where its absence is a failure."""
    path = real_corpus()
    if path is None:
        message = f"shared corpus not found under {shared_dir()} (set PARTNERDESK_SHARED)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path

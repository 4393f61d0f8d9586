"""Every integration test runs twice: on SQLite (the default) and on a real PostgreSQL (the
shared-database setup), so both dialects go through the same end-to-end paths."""

from __future__ import annotations

import pytest


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames and not metafunc.definition.get_closest_marker(
        "both_databases"
    ):
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)

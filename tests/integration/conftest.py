"""Every integration test runs twice: on SQLite (the default) and on a real PostgreSQL (the
shared-database setup), so both dialects go through the same end-to-end paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build
from bot.settings import load_settings
from tests.conftest import READ_IN_PROCESS, register_partner
from tests.support.hq_mail import GEO, MX, STAFF


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames and not metafunc.definition.get_closest_marker(
        "both_databases"
    ):
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def desk(tmp_path: Path, frozen_clock, clean_env: None):
    """The service with HQ acting by mail: STAFF holds the admin and curator roles, our
    border server MX vouches for staff letters (R-ID-5) and the service verifies staff DKIM
    itself as well; two partners are registered."""
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'pd.sqlite3'}",
        outbox={"maildir": str(tmp_path / "outbox")},
        reading=READ_IN_PROCESS,
        hq={
            "staff": [STAFF],
            "alerts_to": [STAFF],
            "roles": {"admin": [STAFF], "curator": [STAFF]},
            "trusted_authserv_ids": [MX],
            "dkim_verify_domains": ["technocom.tech"],
        },
    )
    service = build(settings, clock=frozen_clock)
    register_partner(service)
    register_partner(service, GEO)
    yield service
    service.engine.dispose()

"""Shared fixtures: a frozen clock, a service on a temporary database, mail helpers.

The database is SQLite unless a test module parametrizes `database_url` (the integration
tests run on PostgreSQL as well: tests/integration/conftest.py).
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from bot.app import Service, build
from bot.clock import FrozenClock
from bot.ingest import Arrival
from bot.settings import Settings, load_settings
from tests.support.postgres import Postgres, postgres_bindir
from tests.support.servers import require_installed

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # Mon 02.03.2026 10:00 GMT+5


def shared_dir() -> Path:
    return Path(os.environ.get("PARTNERDESK_SHARED", REPO.parent / "shared"))


@pytest.fixture
def frozen_clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PARTNERDESK_* variable of the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("PARTNERDESK_") and key != "PARTNERDESK_SHARED":
            monkeypatch.delenv(key)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`@pytest.mark.both_databases`: the test runs on SQLite and on a real PostgreSQL."""
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_databases"
    ):
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """One real PostgreSQL for the session; skipped only where it is not installed."""
    require_installed(postgres_bindir(), "PostgreSQL", "postgresql", "PostgreSQL tests")
    server = Postgres()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite in the test's directory, or (param "postgresql") an emptied PostgreSQL one."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return request.getfixturevalue("postgres").clean_database()
    return f"sqlite:///{tmp_path / 'pd.sqlite3'}"


# A service built inside the test process reads letters itself: the reading child is forked
# at start-up, which is safe in `partnerdesk run` (no thread yet) but not in a test process
# whose earlier tests left threads behind. tests/unit/test_reader_process.py and the tests
# that run the command line cover the child.
READ_IN_PROCESS = {"child_process": False}


@pytest.fixture
def settings(tmp_path: Path, clean_env: None, database_url: str) -> Settings:
    return load_settings(
        database_url=database_url,
        outbox={"maildir": str(tmp_path / "outbox")},
        smtp={"port": 0},
        reading=READ_IN_PROCESS,
    )


# The partner whose employees write in most tests (R-ID-1: registered addresses).
PARTNER = {
    "name": "ООО «Партнер»",
    "inn": "7204196795",
    "role": "gold",
    "domains": ["partner.ru"],
    "addresses": ["ivan@partner.ru", "petr@partner.ru"],
}


def register_partner(service: Service, record: dict | None = None) -> None:
    from bot.partners import upsert_partner

    with service.sessions.begin() as session:
        upsert_partner(session, record or PARTNER, service.clock.now())


@pytest.fixture
def service(settings: Settings, frozen_clock: FrozenClock) -> Service:
    svc = build(settings, clock=frozen_clock)
    register_partner(svc)
    yield svc
    svc.engine.dispose()


def deliver(service: Service, raw: bytes, to: tuple[str, ...] = ()):
    """Ingest a letter as if it arrived now on the service's clock."""
    return service.pipeline.ingest(
        Arrival(raw=raw, received_at=service.clock.now(), rcpt_tos=to, source="test")
    )


def maildir_messages(path: Path) -> list[EmailMessage]:
    """Every letter in a Maildir, parsed with the modern policy (decoded headers)."""
    if not path.exists():
        return []
    box = mailbox.Maildir(str(path), factory=None, create=False)
    return [message_from_bytes(box.get_bytes(key), policy=default) for key in box.iterkeys()]

"""A service running a vendor preset from config/policy/ (R-CFG-4), on SQLite, frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.actions import Actions
from bot.app import Service, build
from bot.clock import FrozenClock
from bot.inspect import case_details
from bot.settings import load_settings
from tests.conftest import REPO, T0

HQ = "hq@technocom.tech"


def preset_service(
    tmp_path: Path, preset: str, database_url: str | None = None, **overrides: object
) -> Iterator[Service]:
    settings = load_settings(
        database_url=database_url or f"sqlite:///{tmp_path / 'pd.sqlite3'}",
        outbox={"maildir": str(tmp_path / "outbox")},
        smtp={"port": 0},
        policy_file=str(REPO / "config" / "policy" / f"{preset}.toml"),
        **overrides,
    )
    service = build(settings, clock=FrozenClock(T0))
    yield service
    service.engine.dispose()


def at(service: Service, moment: datetime) -> datetime:
    service.clock.set(moment)  # type: ignore[attr-defined]
    return moment


def act(svc: Service, case: str, action: str, /, **params: object):
    """An HQ action as the CLI and mail commands run it (positional-only: `service` is a
    parameter of declare_outage)."""
    actions = Actions(
        svc.sessions, svc.applier, svc.rules, svc.clock, frozenset(svc.settings.hq.staff)
    )
    return actions.perform(case, action, params, HQ)


def show(service: Service, number: str) -> dict:
    details = case_details(service.sessions, number)
    assert details is not None, f"no case {number}"
    return details


@pytest.fixture(autouse=True)
def _no_env(clean_env: None) -> None:
    """No PARTNERDESK_* variable of the developer's shell reaches a preset service."""

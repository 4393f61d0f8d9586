"""`partnerdesk digest`: what would be sent, per role, as text, HTML or JSON (R-HQ-7)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.app import build
from bot.cli import main
from bot.clock import FrozenClock
from bot.settings import Settings
from tests.conftest import deliver, register_partner
from tests.support.letters import bug_ticket


@pytest.fixture
def db(settings: Settings) -> str:
    service = build(settings, clock=FrozenClock(datetime(2026, 3, 2, 5, 0, tzinfo=UTC)))
    register_partner(service)
    deliver(service, bug_ticket(), to=("support@technocom.tech",))
    service.engine.dispose()
    return settings.database_url


def test_r_hq_7_digest_command_shows_each_role_without_sending(db: str, capsys) -> None:
    at = "2026-03-03T08:30:00+05:00"
    assert main(["digest", "--db", db, "--at", at, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"admin", "service_desk"}
    [line] = data["service_desk"]["sections"]["sla"]
    assert line["number"] == "TCM-000001" and line["whose"] == "головной офис"
    assert line["state"] == "в работе" and line["due"] == "03.03.2026 10:00 (GMT+5)"
    assert main(["digest", "--db", db, "--at", at, "--role", "service_desk"]) == 0
    text = capsys.readouterr().out
    assert "partnerdesk case TCM-000001 resolve --as hq@technocom.tech --text" in text
    assert main(["digest", "--db", db, "--at", at, "--role", "admin", "--html"]) == 0
    assert capsys.readouterr().out.lstrip().startswith("<!DOCTYPE html>")


def test_r_hq_7_digest_command_names_the_roles_it_knows(db: str, capsys) -> None:
    assert main(["digest", "--db", db, "--role", "boss"]) == 1
    assert "unknown role 'boss'; roles: ceo, deputy_ceo" in capsys.readouterr().err

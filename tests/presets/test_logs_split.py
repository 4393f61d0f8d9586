"""`ticket.logs_strict_split` (D-24): each §4.2 log field proven on its own when on; any log
file satisfies both when off (TECHNOCOM's default, unchanged)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Service, build
from bot.clock import FrozenClock
from bot.settings import load_settings
from tests.conftest import T0, deliver, register_partner
from tests.presets.conftest import show
from tests.support.letters import BUG_BODY, letter

PNG = ("screenshot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")


def _log(name: str) -> tuple[str, bytes, str]:
    return (name, b"2026-03-01 10:00:00 ERROR save failed\n" * 4, "text/plain")


@pytest.fixture(params=[False, True], ids=["default", "strict"])
def desk(request: pytest.FixtureRequest, tmp_path: Path, clean_env: None) -> Iterator[Service]:
    policy = tmp_path / "policy.toml"
    policy.write_text(f"[ticket]\nlogs_strict_split = {str(request.param).lower()}\n")
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'pd.sqlite3'}",
        outbox={"maildir": str(tmp_path / "outbox")},
        smtp={"port": 0},
        policy_file=str(policy),
    )
    service = build(settings, clock=FrozenClock(T0))
    register_partner(service)
    yield service
    service.engine.dispose()


def _bug(*attachments: tuple[str, bytes, str], body: str = BUG_BODY) -> bytes:
    return letter(
        subject="Ошибка при сохранении участка",
        body=body.format(priority="Высокий"),
        attachments=[*attachments, PNG],
    )


def test_d_24_one_unnamed_log_satisfies_both_only_by_default(desk: Service) -> None:
    strict = desk.policy.ticket.logs_strict_split
    ticket = deliver(desk, _bug(_log("logs_2026-03-01.log")))
    if not strict:
        assert ticket.state == "open"
        return
    assert ticket.state == "needs_info"
    assert {"base_software_logs", "app_logs"} <= set(show(desk, ticket.case)["missing"])


def test_d_24_named_files_prove_each_log_field(desk: Service) -> None:
    ticket = deliver(desk, _bug(_log("postgresql-2026-03-01.log"), _log("app_client.log")))
    assert ticket.state == "open"


def test_d_24_the_letters_words_name_the_logs(desk: Service) -> None:
    body = BUG_BODY + "\nВо вложении логи СУБД и логи приложения в одном архиве.\n"
    ticket = deliver(desk, _bug(_log("logs.log"), body=body))
    assert ticket.state == "open"


@pytest.mark.parametrize("desk", [True], ids=["strict"], indirect=True)
def test_d_24_strict_asks_only_for_the_log_not_named_then_accepts_it(desk: Service) -> None:
    ticket = deliver(desk, _bug(_log("postgresql.log")))
    assert ticket.state == "needs_info"
    assert "app_logs" in show(desk, ticket.case)["missing"]
    assert "base_software_logs" not in show(desk, ticket.case)["missing"]
    answer = letter(
        subject=f"Re: [{ticket.case}] Ошибка при сохранении участка",
        body="Прикладываю логи приложения.",
        attachments=[_log("client.log")],
    )
    assert deliver(desk, answer).state == "open"

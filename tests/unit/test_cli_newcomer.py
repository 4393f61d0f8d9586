"""CLI edges a newcomer trips over (issue 25): case --help, registry show of a bad INN,
outbox --release of several ids, tick --no-send as a preview."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import maildir_messages
from tests.support.letters import INCOMPLETE_TICKET, letter


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None, capsys) -> Path:
    monkeypatch.chdir(tmp_path)
    args = ["partners", "add", "ООО «Партнер»", "--inn", "7204196795", "--role", "gold"]
    assert main([*args, "--domain", "partner.ru", "--address", "ivan@partner.ru"]) == 0
    capsys.readouterr()
    return tmp_path


def _db(workdir: Path) -> sqlite3.Connection:
    return sqlite3.connect(workdir / "var" / "partnerdesk.sqlite3")


def test_case_help_lists_each_kinds_actions_with_what_they_need(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["case", "--help"])
    out = capsys.readouterr().out
    for action in ("approve_pin", "approve_extension", "mark_licensed", "unpin", "hold_unpin"):
        assert action in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("    ")}
    assert "--reason" in lines["reject_pin"]
    assert "--param letter=ID" in lines["split"]
    assert "pin_request" in out and "license_request" in out


def test_registry_show_bad_check_digit_is_not_a_valid_inn(workdir: Path, capsys) -> None:
    assert main(["registry", "show", "1234567890"]) == 2
    captured = capsys.readouterr()
    assert "not a valid INN" in captured.err and captured.out == ""
    assert main(["registry", "show", "7204196795"]) == 0
    assert json.loads(capsys.readouterr().out)["current"]["status"] == "free"


def test_outbox_release_several_ids_and_says_no_such_reply(workdir: Path, capsys) -> None:
    for n in (1, 2):
        (workdir / f"{n}.eml").write_bytes(letter(subject=f"Q{n}", body=INCOMPLETE_TICKET))
    assert main(["process", "1.eml", "2.eml", "--no-send"]) == 0
    with _db(workdir) as db:
        db.execute("UPDATE outbox SET status = 'held'")
    capsys.readouterr()
    assert main(["outbox", "--release", "1", "2"]) == 0
    assert capsys.readouterr().out.count("queued for delivery") == 2
    assert main(["outbox", "--release", "1", "99"]) == 1
    err = capsys.readouterr().err
    assert "outbox row 99: no such reply" in err and "row 1 is not held (queued)" in err


def test_tick_no_send_is_a_preview_that_changes_nothing(workdir: Path, capsys) -> None:
    (workdir / "a.eml").write_bytes(letter(body=INCOMPLETE_TICKET))
    assert main(["process", "a.eml", "--at", "2026-03-02T10:00:00+05:00"]) == 0
    sent = len(maildir_messages(workdir / "var" / "outbox"))
    with _db(workdir) as db:
        before = db.execute("SELECT id, status, due_at FROM deadlines ORDER BY id").fetchall()
        outbox_before = db.execute("SELECT count(*) FROM outbox").fetchone()
    capsys.readouterr()
    assert main(["tick", "--no-send", "--at", "2026-06-01T10:00:00+05:00", "--json"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["deadlines_done"] >= 1 and preview["replies"]  # what it would do
    with _db(workdir) as db:
        assert db.execute("SELECT id, status, due_at FROM deadlines ORDER BY id").fetchall() == (
            before
        )
        assert db.execute("SELECT count(*) FROM outbox").fetchone() == outbox_before
    assert len(maildir_messages(workdir / "var" / "outbox")) == sent


def test_partners_import_help_lists_columns_and_russian_headers_import(
    workdir: Path, capsys
) -> None:
    with pytest.raises(SystemExit):
        main(["partners", "import", "--help"])
    out = capsys.readouterr().out
    assert "наименование" in out and "addresses" in out and "инн" in out
    table = workdir / "реестр.csv"
    table.write_text(
        "Наименование;ИНН;КПП;ОГРН;Роль;Домены;Адреса;Официальный адрес\n"
        "ООО «Вектор»;7707083893;773601001;1027700132195;Золотой;vector.ru;"
        "a@vector.ru, b@vector.ru;office@vector.ru\n",
        encoding="utf-8",
    )
    assert main(["partners", "import", str(table)]) == 0
    capsys.readouterr()
    assert main(["partners", "show", "7707083893"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["name"], shown["role"], shown["kpp"]) == ("ООО «Вектор»", "gold", "773601001")
    assert shown["addresses"] == ["a@vector.ru", "b@vector.ru"]
    assert shown["official_email"] == "office@vector.ru"
    table.write_text("Наименование,Телефон\nООО А,123\n", encoding="utf-8")
    assert main(["partners", "import", str(table)]) == 1
    assert "unknown column(s) 'Телефон'" in capsys.readouterr().err

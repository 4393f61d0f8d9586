"""HQ's views (issue 21 item 4, issue 25): `cases` as a work list sorted by due with partner,
Russian state, local deadline and whose move it is; `show` text with what --json has, in
local time to the minute."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, letter

AT = "2026-03-02T10:00:00+05:00"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None, capsys) -> Path:
    monkeypatch.chdir(tmp_path)
    args = ["partners", "add", "ООО «Партнер»", "--inn", "7204196795", "--role", "gold"]
    assert main([*args, "--domain", "partner.ru", "--address", "ivan@partner.ru"]) == 0
    (tmp_path / "open.eml").write_bytes(letter(subject="Подписи", body=COMPLETE_TICKET))
    (tmp_path / "info.eml").write_bytes(letter(subject="Сохранение", body=INCOMPLETE_TICKET))
    assert main(["process", "open.eml", "info.eml", "--at", AT, "--no-send"]) == 0
    capsys.readouterr()
    return tmp_path


def test_cases_is_a_work_list_sorted_by_due_in_local_time(workdir: Path, capsys) -> None:
    assert main(["cases", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["due_at"] for r in rows] == sorted(r["due_at"] for r in rows)
    assert {r["partner"] for r in rows} == {"ООО «Партнер»"}
    assert main(["cases"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    by_case = {line.split()[0]: line for line in out}
    info = by_case["TCM-000002"]
    assert "ждем данные от партнера" in info and "партнер" in info and "ООО «Партнер»" in info
    assert "в работе" in by_case["TCM-000001"] and "головной офис" in by_case["TCM-000001"]
    assert all(re.search(r"\d\d\.\d\d\.2026 \d\d:\d\d \(GMT\+5\)", line) for line in out)
    assert out[0].split()[0] == rows[0]["case"]


def test_show_text_has_local_times_fields_and_missing(workdir: Path, capsys) -> None:
    assert main(["show", "TCM-000002"]) == 0
    out = capsys.readouterr().out
    assert "02.03.2026 10:00 (GMT+5)" in out
    assert not re.search(r"\d\d:\d\d:\d\d\.\d+", out)  # no microseconds, no UTC instants
    assert "+00:00" not in out
    assert "missing: " in out and "fields:" in out
    assert main(["show", "TCM-000001"]) == 0
    out = capsys.readouterr().out
    assert "fields:" in out and "7204196795" in out  # the requisites read from the letter


def test_show_text_lists_software_list_items_and_invalid_reasons() -> None:
    from bot.cli.case_text import format_case

    details = {
        "case": "TCM-000007",
        "kind": "pin_request",
        "state": "pre_pinned",
        "mailbox": "general",
        "requester": "ivan@partner.ru",
        "subject": "Перечень ПО",
        "created_at": "2026-03-02T05:00:00.123456+00:00",
        "updated_at": "2026-03-02T05:00:00+00:00",
        "quarantine_reason": None,
        "missing": ["contacts"],
        "invalid": [{"field": "client_inn", "reason": "контрольная сумма ИНН не сходится"}],
        "uncertain": [],
        "attrs": {"software_list": [{"name": "ТехноКарта", "regnum": "2019612345"}]},
        "fields": {"client_inn": {"status": "invalid", "raw": "7204196796", "reason": "сумма"}},
        "letters": [],
        "replies": [],
        "deadlines": [],
        "history": [],
    }
    text = format_case(details, lambda at: at.strftime("%d.%m.%Y %H:%M"))
    assert "missing: contacts" in text
    assert "invalid: field=client_inn, reason=контрольная сумма ИНН не сходится" in text
    assert "1. name=ТехноКарта, regnum=2019612345" in text
    assert "client_inn [invalid]: 7204196796 — сумма" in text
    assert "opened 02.03.2026 05:00" in text

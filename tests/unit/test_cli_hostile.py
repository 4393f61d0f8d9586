"""Issue 19, CLI side: hostile subjects never drive the terminal; a run sends all it made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.store.models import OutboxMessage
from tests.conftest import maildir_messages
from tests.support.letters import COMPLETE_TICKET, letter

AT = "2026-03-02T10:00:00+05:00"
# OSC 0 (window title), OSC 52 (clipboard write), screen clearing, a C1 CSI, a bidi override.
HOSTILE = "Вопрос \x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x9b31m\u202eтекст"
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None, capsys) -> Path:
    monkeypatch.chdir(tmp_path)
    args = ["partners", "add", "ООО «Партнер»", "--inn", "7204196795", "--role", "gold"]
    assert main([*args, "--domain", "partner.ru", "--address", "ivan@partner.ru"]) == 0
    capsys.readouterr()
    return tmp_path


def _case_of_hostile_letter(workdir: Path, capsys) -> str:
    (workdir / "a.eml").write_bytes(letter(subject=HOSTILE, body=COMPLETE_TICKET))
    assert main(["process", "a.eml", "--at", AT, "--json", "--no-send"]) == 0
    return json.loads(capsys.readouterr().out)["case"]


def test_issue19_cases_and_show_print_escapes_not_terminal_controls(workdir: Path, capsys) -> None:
    case = _case_of_hostile_letter(workdir, capsys)
    for command in (["cases"], ["show", case]):
        assert main(command) == 0
        out = capsys.readouterr().out
        assert not any(c in out for c in RAW_CONTROLS), (command, out)
        assert "\\x1b]52;c;" in out and "\\x9b31m" in out and "\\u202e" in out


def test_issue19_json_keeps_the_subject_exact_and_escaped(workdir: Path, capsys) -> None:
    case = _case_of_hostile_letter(workdir, capsys)
    for command in (["cases", "--json"], ["show", case, "--json"]):
        assert main(command) == 0
        out = capsys.readouterr().out
        # JSON escapes C0; C1 and bidi controls are escaped too (ensure_ascii=False would not).
        assert not any(c in out for c in RAW_CONTROLS), (command, out)
        data = json.loads(out)
        subject = data[0]["subject"] if isinstance(data, list) else data["subject"]
        assert "\x1b]52;c;cm0gLXJmIH4=\x07" in subject and "\x9b31m" in subject


def test_issue19_an_error_message_is_printed_safely(workdir: Path, capsys) -> None:
    assert main(["show", "TCM-\x1b]0;x\x07"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b]0;x\\x07" in err


def test_issue19_tick_delivers_every_due_reply_not_only_100(workdir: Path, capsys) -> None:
    _case_of_hostile_letter(workdir, capsys)
    engine = create_engine("sqlite:///var/partnerdesk.sqlite3")
    with Session(engine) as session, session.begin():
        first = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        assert first is not None and first.status == "queued"
        columns = {c.key: getattr(first, c.key) for c in OutboxMessage.__table__.columns}
        for n in range(150):
            copy = {**columns, "id": None, "dedupe_key": f"copy:{n}"}
            copy["message_id"] = f"<copy-{n}@technocom.tech>"
            session.add(OutboxMessage(**copy))
    engine.dispose()
    assert main(["tick", "--at", AT]) == 0
    capsys.readouterr()
    # The 151 replies, and HQ's digest of the day: the tick passed 08:30 (R-HQ-7).
    assert len(maildir_messages(workdir / "var" / "outbox")) == 152
    assert main(["outbox", "--status", "queued", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []

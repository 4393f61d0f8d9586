"""`partnerdesk` commands, and the `process`/`tick --json` contract HQ scripts rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import maildir_messages
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, letter

CONTRACT_KINDS = {
    "pin_request",
    "pin_confirmation",
    "pin_extension",
    "annual_report",
    "license_request",
    "license_documents",
    "ticket",
    "followup",
    "resource",
    "sd_account",
    "inquiry",
    "hq_command",
    "ignored",
}
REPLY_KINDS = {"acceptance", "clarification", "rejection", "reminder", "warning", "notice"}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None, capsys) -> Path:
    monkeypatch.chdir(tmp_path)
    # R-ID-2: tickets come from registered addresses; register the test partner.
    assert (
        main(
            [
                "partners",
                "add",
                "ООО «Партнер»",
                "--inn",
                "7204196795",
                "--role",
                "gold",
                "--domain",
                "partner.ru",
                "--address",
                "ivan@partner.ru",
            ]
        )
        == 0
    )
    capsys.readouterr()
    return tmp_path


def _json_lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


def _check_contract(item: dict) -> None:
    assert item["kind"] in CONTRACT_KINDS
    for key in ("case", "state", "missing", "invalid", "replies"):
        assert key in item
    for invalid in item["invalid"]:
        assert set(invalid) >= {"field", "reason"}
    for reply in item["replies"]:
        assert set(reply) >= {"to", "subject", "kind", "text", "message_id"}
        assert reply["kind"] in REPLY_KINDS


def test_process_json_contract_and_outbox(workdir: Path, capsys) -> None:
    (workdir / "a.eml").write_bytes(letter(message_id="<c1@partner.ru>", body=INCOMPLETE_TICKET))
    (workdir / "b.eml").write_bytes(letter(subject="Другое", body=COMPLETE_TICKET))
    code = main(["process", "a.eml", "b.eml", "--at", "2026-03-02T10:00:00+05:00", "--json"])
    assert code == 0
    first, second = _json_lines(capsys)
    for item in (first, second):
        _check_contract(item)
    assert (first["case"], first["state"], second["case"], second["state"]) == (
        "TCM-000001",
        "needs_info",
        "TCM-000002",
        "open",
    )
    assert "legal_entity" in first["missing"]
    # Embedded defaults: SQLite under ./var and replies in the ./var/outbox Maildir.
    assert (workdir / "var" / "partnerdesk.sqlite3").exists()
    subjects = sorted(m["Subject"][:12] for m in maildir_messages(workdir / "var" / "outbox"))
    assert subjects == ["[TCM-000001]", "[TCM-000002]"]


def test_tick_json_prints_replies_in_the_same_shape(workdir: Path, capsys) -> None:
    (workdir / "a.eml").write_bytes(letter(body=INCOMPLETE_TICKET))
    main(["process", "a.eml", "--at", "2026-03-02T10:00:00+05:00", "--json"])
    capsys.readouterr()
    assert main(["tick", "--at", "2026-03-04T10:00:00+05:00", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["replies"] == []
    assert main(["tick", "--at", "2026-03-05T10:00:00+05:00", "--json"]) == 0
    output = json.loads(capsys.readouterr().out)
    [reply] = output["replies"]
    assert set(reply) >= {"to", "subject", "kind", "text", "message_id"}
    assert reply["kind"] == "reminder"


def test_cases_show_and_outbox_commands(workdir: Path, capsys) -> None:
    (workdir / "a.eml").write_bytes(letter(body=COMPLETE_TICKET))
    main(["process", "a.eml", "--json"])
    capsys.readouterr()
    assert main(["cases", "--json"]) == 0
    [case] = json.loads(capsys.readouterr().out)
    assert case["case"] == "TCM-000001"
    assert main(["show", "TCM-000001", "--json"]) == 0
    details = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in details["replies"]] == ["acceptance"]
    assert details["history"][0]["event"] == "created"
    assert main(["show", "TCM-000001"]) == 0
    assert "acceptance" in capsys.readouterr().out
    assert main(["outbox", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["status"] == "sent"


def test_show_letter_prints_the_stored_bytes_or_the_metadata(workdir: Path, capsys) -> None:
    raw = letter(body=COMPLETE_TICKET)
    (workdir / "a.eml").write_bytes(raw)
    main(["process", "a.eml", "--json"])
    capsys.readouterr()
    assert main(["show-letter", "1", "--raw"]) == 0
    assert capsys.readouterr().out.encode() == raw
    assert main(["show-letter", "1"]) == 0
    details = json.loads(capsys.readouterr().out)
    assert details["case"] == "TCM-000001" and details["status"] == "processed"
    assert "raw" not in details


def test_errors_are_clear_and_non_zero(workdir: Path, capsys) -> None:
    assert main(["process", "missing.eml"]) == 1
    assert "cannot read missing.eml" in capsys.readouterr().err
    assert main(["cases", "--config", "nope.toml"]) == 1
    assert "configuration file nope.toml not found" in capsys.readouterr().err
    (workdir / "bad.toml").write_text("[smtp]\nport = 'x'\n")
    assert main(["cases", "--config", "bad.toml"]) == 1
    assert "smtp.port" in capsys.readouterr().err
    assert main(["cases", "--db", "postgresql+psycopg://u:p@127.0.0.1:1/none"]) == 1
    assert "cannot open or migrate the database" in capsys.readouterr().err
    assert main(["show", "TCM-000042"]) == 1
    assert "no case TCM-000042" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["process", "a.eml", "--at", "yesterday"])
    assert usage.value.code == 2


def test_malformed_file_is_stored_and_quarantined_not_a_crash(workdir: Path, capsys) -> None:
    (workdir / "empty.eml").write_bytes(b"")
    assert main(["process", "empty.eml", "--json"]) == 0
    [item] = _json_lines(capsys)
    assert item["status"] == "quarantined" and "cannot read" in item["reason"]
    assert item["replies"][0]["to"] == "hq@technocom.tech"


def test_help_on_every_command(capsys) -> None:
    for command in ("run", "process", "tick", "cases", "show", "outbox", "reprocess"):
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0
        assert "usage: partnerdesk" in capsys.readouterr().out


def test_reprocess_and_release_commands(workdir: Path, capsys) -> None:
    (workdir / "a.eml").write_bytes(letter(body=COMPLETE_TICKET))
    main(["process", "a.eml", "--json", "--no-send"])
    capsys.readouterr()
    assert main(["reprocess", "1", "--json"]) == 1
    assert "letter 1 was processed, not quarantined" in capsys.readouterr().err
    (workdir / "empty.eml").write_bytes(b"   \r\n")
    main(["process", "empty.eml", "--json"])
    assert _json_lines(capsys)[0]["status"] == "quarantined"
    assert main(["reprocess", "2", "--json"]) == 0
    [again] = _json_lines(capsys)
    assert again["status"] == "quarantined"  # still unreadable, and said so again
    assert main(["reprocess", "99"]) == 1
    assert "no letter 99" in capsys.readouterr().err
    assert main(["outbox", "--release", "1"]) == 1
    assert "is not held" in capsys.readouterr().err


def test_show_lists_required_fields_read_with_low_confidence(workdir: Path, capsys) -> None:
    """Issue 18: a doubtful reading of a required field is shown to HQ, not trusted silently."""
    import sqlite3

    (workdir / "a.eml").write_bytes(letter(body=COMPLETE_TICKET))
    main(["process", "a.eml", "--json"])
    [item] = _json_lines(capsys)
    assert item["uncertain"] == []  # every field of the complete ticket stands under a label
    database = sqlite3.connect(workdir / "var" / "partnerdesk.sqlite3")
    [(raw_fields,)] = database.execute("SELECT fields FROM cases").fetchall()
    fields = json.loads(raw_fields)
    fields["legal_entity"]["confidence"] = 0.4
    database.execute("UPDATE cases SET fields = ?", (json.dumps(fields, ensure_ascii=False),))
    database.commit()
    database.close()
    assert main(["show", "TCM-000001", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["uncertain"] == ["legal_entity"]
    assert main(["show", "TCM-000001"]) == 0
    assert "check: legal_entity read with low confidence" in capsys.readouterr().out


def test_parse_refuses_what_is_not_a_letter_on_stderr(workdir: Path, capsys) -> None:
    """Issue 25: an empty or binary file is not read as an «inquiry»; the error goes to
    standard error with a non-zero exit, in text and JSON mode alike."""
    (workdir / "empty.eml").write_bytes(b"")
    (workdir / "binary.eml").write_bytes(bytes(range(256)) * 8)
    for name, words in (("empty.eml", "is empty"), ("binary.eml", "is binary")):
        for extra in ([], ["--json"]):
            assert main(["parse", name, *extra]) == 1
            out, err = capsys.readouterr()
            assert out == "" and words in err and "pass a letter saved as .eml" in err


def test_output_piped_into_a_reader_that_stops_is_not_an_error(workdir: Path) -> None:
    """Issue 25: `partnerdesk parse … | head` ends quietly, without a BrokenPipeError."""
    import subprocess
    import sys

    # More than a pipe holds (64 KiB), so the writer is still writing when `head` leaves.
    long_text = COMPLETE_TICKET + "Подробности: строка журнала работы\n" * 8000
    (workdir / "a.eml").write_bytes(letter(body=long_text))
    command = f"{sys.executable} -m bot.cli parse a.eml --json | head -1"
    done = subprocess.run(command, shell=True, cwd=workdir, capture_output=True, text=True)
    assert done.stdout.strip() == "{"
    assert "BrokenPipeError" not in done.stderr and "Traceback" not in done.stderr

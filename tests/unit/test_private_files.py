"""Issue 19: the database (with -wal/-shm) and the Maildir outbox are the owner's only."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.letters import COMPLETE_TICKET, letter


@pytest.fixture
def umask_022() -> Iterator[None]:
    # The usual umask, under which the files were created 0644 and the directories 0755.
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_issue19_database_and_maildir_are_created_for_the_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None, umask_022: None, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.eml").write_bytes(letter(sender="x@example.org", body=COMPLETE_TICKET))
    args = ["partners", "add", "ООО «Партнер»", "--inn", "7204196795", "--role", "gold"]
    assert main([*args, "--domain", "example.org", "--address", "x@example.org"]) == 0
    assert main(["process", "a.eml", "--at", "2026-03-02T10:00:00+05:00"]) == 0
    data = tmp_path / "var"
    database = data / "partnerdesk.sqlite3"
    assert _mode(data) == 0o700
    assert _mode(database) == 0o600
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE probe (x)")  # in WAL mode: -wal and -shm exist now
        for suffix in ("-wal", "-shm"):
            assert _mode(data / f"partnerdesk.sqlite3{suffix}") == 0o600, suffix
    outbox = data / "outbox"
    folders = [outbox, *(outbox / sub for sub in ("tmp", "new", "cur"))]
    assert {_mode(folder) for folder in folders} == {0o700}
    replies = list((outbox / "new").iterdir())
    assert replies and {_mode(reply) for reply in replies} == {0o600}


def test_issue19_an_old_world_readable_database_is_tightened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None, umask_022: None, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["tick", "--queue-only"]) == 0  # creates the database (cases only reads)
    database = tmp_path / "var" / "partnerdesk.sqlite3"
    database.chmod(0o644)
    assert main(["cases"]) == 0
    assert _mode(database) == 0o600

"""Where the data live (issue 21 item 5): a relative SQLite path is under one data directory,
so `partnerdesk cases` run from another folder finds the service's database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import load_settings


@pytest.fixture
def deployed(tmp_path: Path, clean_env: None) -> Path:
    """A deployment folder with its config; the database is made there by a writing command."""
    home = tmp_path / "srv"
    (home / "etc").mkdir(parents=True)
    config = home / "etc" / "partnerdesk.toml"
    config.write_text('database_url = "sqlite:///var/pd.sqlite3"\ndata_dir = ".."\n')
    return config


def test_relative_sqlite_path_is_under_the_data_dir_not_the_cwd(
    deployed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    home = deployed.parent.parent
    monkeypatch.chdir(home)
    assert main(["partners", "add", "ООО «Партнер»", "--config", str(deployed)]) == 0
    assert (home / "var" / "pd.sqlite3").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    capsys.readouterr()
    assert main(["cases", "--config", str(deployed)]) == 0  # finds it: no "no database"
    assert "no cases" in capsys.readouterr().out
    assert not (elsewhere / "var").exists()
    assert main(["status", "--config", str(deployed)]) == 0
    out = capsys.readouterr().out
    assert f"data directory {home}" in out and str(home / "var" / "pd.sqlite3") in out
    assert load_settings(deployed).outbox.maildir == home / "var" / "outbox"


def test_without_config_the_data_dir_is_the_cwd_and_a_miss_says_where(
    tmp_path: Path, clean_env: None, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.data_dir == tmp_path
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'partnerdesk.sqlite3'}"
    assert main(["cases"]) == 1
    assert f"no database at {tmp_path / 'var' / 'partnerdesk.sqlite3'}" in capsys.readouterr().err


def test_config_file_folder_is_the_default_and_typed_db_is_from_the_cwd(
    tmp_path: Path, clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "conf" / "pd.toml"
    config.parent.mkdir()
    config.write_text('database_url = "sqlite:///db.sqlite3"\n')
    monkeypatch.chdir(tmp_path)
    assert load_settings(config).database_url == f"sqlite:///{config.parent / 'db.sqlite3'}"
    typed = load_settings(config, database_url="sqlite:///x.sqlite3").database_url
    assert typed == f"sqlite:///{tmp_path / 'x.sqlite3'}"
    pg = "postgresql+psycopg://u:p@db/x"
    assert load_settings(config, database_url=pg).database_url == pg

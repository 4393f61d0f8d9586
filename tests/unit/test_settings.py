"""Configuration: embedded defaults, TOML file, environment; errors name the bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigError, load_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_env(clean_env: None) -> None:
    """Settings tests see only what they set."""


def test_embedded_defaults_match_the_shipped_example_config() -> None:
    assert load_settings() == load_settings(REPO / "config" / "partnerdesk.toml")


def test_embedded_defaults_are_local_and_self_contained() -> None:
    settings = load_settings()
    # Issue 21 item 5: the relative default is under the data directory (here: the cwd).
    assert settings.database_url == f"sqlite:///{settings.data_dir / 'var/partnerdesk.sqlite3'}"
    assert (settings.smtp.host, settings.relay.host) == ("127.0.0.1", None)
    assert settings.own_addresses == {"mail@technocom.tech", "support@technocom.tech"}


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "pd.toml"
    config.write_text('[relay]\nhost = "relay.local"\nport = 587\n[mailboxes]\ndomain = "x.ru"\n')
    monkeypatch.setenv("PARTNERDESK_RELAY__PORT", "2525")
    monkeypatch.setenv("PARTNERDESK_DATABASE_URL", "sqlite:///other.db")
    settings = load_settings(config)
    assert (settings.relay.host, settings.relay.port) == ("relay.local", 2525)
    # Relative: under the data directory, the config file's folder (issue 21 item 5).
    assert settings.database_url == f"sqlite:///{tmp_path / 'other.db'}"
    assert settings.mailboxes.support_address == "support@x.ru"


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[smtp]\nport = 70000\n", "smtp.port"),
        ("[case]\nnumber_format = 'TCM-'\n", "case.number_format"),
        ("[hq]\nstaff = ['not-an-address']\n", "hq.staff"),
        ("[mailboxes]\ngeneral = 'support'\n", "mailboxes.general and mailboxes.support"),
        ("unknown_key = 1\n", "unknown_key"),
    ],
)
def test_r_cfg_2_invalid_config_names_the_key(tmp_path: Path, toml: str, key: str) -> None:
    config = tmp_path / "pd.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError) as error:
        load_settings(config)
    assert key in str(error.value)


def test_broken_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    config = tmp_path / "pd.toml"
    config.write_text("[smtp\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config)

"""Configuration: embedded defaults, then a TOML file, then PARTNERDESK_* variables.

Only `bot/app.py` and the CLI read Settings; every other object gets plain values in its
constructor, so tests build what they need without touching files or the environment.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.data_dir import data_dir_of, placed_url
from bot.settings_hq import HQ_ROLES, HqSettings

CONFIG_ENV = "PARTNERDESK_CONFIG"
__all__ = ["HQ_ROLES", "ConfigError", "HqSettings", "Settings", "load_settings"]


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key and what is expected."""


class MailboxSettings(BaseModel):
    domain: str = "technocom.tech"
    # Local parts of the watched mailboxes (R-MBX-1); the domain is appended.
    general: str = "mail"
    support: str = "support"

    @property
    def general_address(self) -> str:
        return f"{self.general}@{self.domain}".lower()

    @property
    def support_address(self) -> str:
        return f"{self.support}@{self.domain}".lower()

    def role_of(self, address: str) -> str | None:
        address = address.lower()
        if address == self.general_address:
            return "general"
        if address == self.support_address:
            return "support"
        return None


class CaseSettings(BaseModel):
    number_format: str = "TCM-{seq:06d}"

    @field_validator("number_format")
    @classmethod
    def _has_seq(cls, value: str) -> str:
        try:
            value.format(seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError("must contain {seq}, e.g. 'TCM-{seq:06d}'") from exc
        if "{seq" not in value:
            raise ValueError("must contain {seq}, e.g. 'TCM-{seq:06d}'")
        return value

    @property
    def prefix(self) -> str:
        return self.number_format.split("{", 1)[0]


class SmtpEndpointSettings(BaseModel):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(2525, ge=0, le=65535)
    lmtp: bool = False
    max_message_size: int = Field(64 * 1024 * 1024, gt=0)
    # Bytes of large letters (1 MiB and up) received or declared at once, all sessions
    # together; beyond it a large letter is answered 451 and the MTA retries (issue 19).
    max_data_bytes_in_flight: int = Field(96 * 1024 * 1024, gt=0)


class RelaySettings(BaseModel):
    """Outgoing mail. With no host, replies go to the local Maildir outbox."""

    host: str | None = None
    port: int = Field(25, ge=1, le=65535)
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    use_tls: bool = False
    timeout_seconds: float = Field(30, gt=0)


class OutboxSettings(BaseModel):
    maildir: Path = Path("var/outbox")
    max_attempts: int = Field(12, ge=1)
    retry_base_seconds: float = Field(30, gt=0)
    retry_max_seconds: float = Field(3600, gt=0)
    poll_seconds: float = Field(5, gt=0)


class MailSettings(BaseModel):
    # R-MBX-4: auto-replies to one address per hour; above it replies are held for HQ.
    max_auto_replies_per_sender_per_hour: int = Field(10, ge=1)
    # R-MBX-8 / D-36: unidentified general mail that matches no kind gets no reply.
    ack_unidentified_general_mail: bool = False
    # R-CAL-10: scheduler letters to partners (and HQ alerts, R-CAL-13) leave from this
    # moment of a working day, primary-office local time.
    send_slot: time = time(9, 0)


class SchedulerSettings(BaseModel):
    tick_seconds: float = Field(60, gt=0)


class LoggingSettings(BaseModel):
    """`[logging] json = true`: one JSON object a log line (issue 21), for a log collector."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")
    # `json` is a BaseModel method, so the field has another name and `json` as its key.
    as_json: bool = Field(False, alias="json")


class ReadingSettings(BaseModel):
    """Where `partnerdesk run` reads letters (parse, classify, extract): bot/reader_process.py."""

    # A child process reads the next letters (parse, classify, extract) on the second core
    # while the service records the last ones, and a letter that hangs or kills the parser
    # is quarantined instead of stopping the service. Off by default: on realistic mail
    # (bench/bench_mixed.py) it gained 5 % for 90 MB more, the service's own recording
    # being the bottleneck (README «Throughput»).
    child_process: bool = False
    timeout_seconds: float = Field(120, gt=0)  # a letter read longer than this is quarantined
    # Bigger letters are read in the service itself: copies through pipes would cost memory.
    child_max_bytes: int = Field(4 * 1024 * 1024, ge=0)


class ImapMailboxSettings(BaseModel):
    """One watched IMAP folder (issue 6). The password is a SecretStr: never printed."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    role: Literal["general", "support"]
    # The watched address; empty means the role's address from [mailboxes].
    address: str = ""
    host: str = "127.0.0.1"
    port: int | None = Field(None, ge=1, le=65535)  # default: 993 for tls, else 143
    tls: Literal["none", "starttls", "tls"] = "tls"
    tls_verify: bool = True
    ca_file: str = ""  # PEM bundle to trust instead of the system CAs (e.g. an internal CA)
    user: str
    password: SecretStr | None = None
    # Environment variable with the password; default PARTNERDESK_IMAP_<NAME>_PASSWORD.
    password_env: str = ""
    folder: str = "INBOX"
    processed_action: Literal["flag", "move"] = "flag"
    processed_folder: str = "Processed"
    quarantine_folder: str = "Quarantine"  # empty: quarantined letters are only flagged
    keyword: str = "$Partnerdesk"
    existing_letters: Literal["hold", "reply"] = "hold"
    idle: bool = True  # False: always poll (for servers with a broken IDLE)
    poll_seconds: float = Field(60, gt=0)
    idle_timeout_seconds: float = Field(1500, gt=0)
    command_timeout_seconds: float = Field(60, gt=0)
    backoff_initial_seconds: float = Field(1, gt=0)
    backoff_max_seconds: float = Field(300, gt=0)
    # At most 200: aioimaplib parses a response recursively, a level per line.
    batch_size: int = Field(100, ge=1, le=200)
    batch_bytes: int = Field(16 * 1024 * 1024, ge=1)

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.tls == "tls" else 143)

    def secret(self) -> str:
        if self.password is not None:
            return self.password.get_secret_value()
        token = re.sub(r"[^A-Z0-9]", "_", self.name.upper())
        default = f"PARTNERDESK_IMAP_{token}_PASSWORD"
        env = self.password_env or default
        value = os.environ.get(env)
        if value is None:
            raise ConfigError(
                f"imap mailbox {self.name!r}: no password; set imap.mailboxes.password or {env}"
            )
        return value


class ImapSettings(BaseModel):
    mailboxes: list[ImapMailboxSettings] = Field(default_factory=list)
    # R-HQ-8: HQ is alerted when a mailbox stays unreachable longer than this.
    outage_alert_minutes: float = Field(60, gt=0)
    # Instances sharing a database watch each mailbox from one of them; a standby takes a
    # mailbox over this long after its watcher stopped renewing (crashed or hung).
    lease_seconds: float = Field(60, gt=0)

    @field_validator("mailboxes")
    @classmethod
    def _unique(cls, value: list[ImapMailboxSettings]) -> list[ImapMailboxSettings]:
        names = [box.name for box in value]
        if len(names) != len(set(names)):
            raise ValueError("imap mailbox names must be unique")
        return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PARTNERDESK_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    database_url: str = "sqlite:///var/partnerdesk.sqlite3"
    # Relative SQLite paths are under it (bot/data_dir.py); resolved by load_settings.
    data_dir: Path | None = None
    instance_name: str = "partnerdesk"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    mailboxes: MailboxSettings = MailboxSettings()
    case: CaseSettings = CaseSettings()
    smtp: SmtpEndpointSettings = SmtpEndpointSettings()
    relay: RelaySettings = RelaySettings()
    outbox: OutboxSettings = OutboxSettings()
    mail: MailSettings = MailSettings()
    hq: HqSettings = HqSettings()
    # The regulations' numbers (bot/policy.py); unset = TECHNOCOM's, as in
    # config/policy/technocom.toml.
    policy_file: Path | None = None
    scheduler: SchedulerSettings = SchedulerSettings()
    logging: LoggingSettings = LoggingSettings()
    reading: ReadingSettings = ReadingSettings()
    imap: ImapSettings = ImapSettings()

    @model_validator(mode="after")
    def _mailboxes_differ(self) -> Settings:
        if self.mailboxes.general_address == self.mailboxes.support_address:
            raise ValueError("mailboxes.general and mailboxes.support must be different")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the file (passed as init kwargs), which beats the defaults.
        return (env_settings, init_settings)

    def imap_address(self, box: ImapMailboxSettings) -> str:
        """The address letters in this IMAP folder were sent to (for the mailbox role)."""
        if box.address:
            return box.address.lower()
        boxes = self.mailboxes
        return boxes.general_address if box.role == "general" else boxes.support_address

    @property
    def own_addresses(self) -> frozenset[str]:
        return frozenset({self.mailboxes.general_address, self.mailboxes.support_address})


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"  {key}: {item['msg']}")
    return "\n".join(lines)


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Read the TOML file (if any), apply overrides, then the environment; name bad keys."""
    data: dict[str, Any] = {}
    chosen = path or os.environ.get(CONFIG_ENV)
    if chosen:
        file = Path(chosen)
        if not file.is_file():
            raise ConfigError(
                f"configuration file {file} not found: pass an existing file with --config "
                f"or unset {CONFIG_ENV} to run on the embedded defaults"
            )
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"configuration file {file} is not valid TOML: {exc}") from exc
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        where = f" in {chosen}" if chosen else ""
        raise ConfigError(
            f"invalid configuration{where}:\n{_describe(exc)}\n"
            "Fix these keys (see config/partnerdesk.toml for every key with its default)."
        ) from exc
    # Issue 21 item 5: one data directory, not whatever folder a command runs in.
    root = data_dir_of(settings.data_dir, Path(chosen) if chosen else None)
    typed = overrides.get("database_url") and "PARTNERDESK_DATABASE_URL" not in os.environ
    url = placed_url(settings.database_url, Path.cwd() if typed else root)
    # The Maildir of replies (no relay) lives beside the database, for the same reason.
    outbox = settings.outbox.model_copy(update={"maildir": root / settings.outbox.maildir})
    return settings.model_copy(update={"data_dir": root, "database_url": url, "outbox": outbox})

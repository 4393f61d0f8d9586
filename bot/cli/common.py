"""What every `partnerdesk` command shares: options, settings, the service, printing."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime

from bot.app import Service, build
from bot.clock import Clock, as_utc
from bot.settings import Settings, load_settings
from bot.store.db import sqlite_file
from bot.terminal_text import dumps

EXIT_USAGE = 2
EXIT_FAILURE = 1


class CliError(Exception):
    """A user-facing error: printed without a traceback, exit code 1."""


def at_instant(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO 8601 time; use e.g. 2026-03-02T10:00:00+05:00"
        ) from exc
    return as_utc(parsed)


def common_options(parser: argparse.ArgumentParser, *, db: bool = True) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="TOML configuration (default: $PARTNERDESK_CONFIG or built-in defaults)",
    )
    if db:
        parser.add_argument("--db", metavar="URL", help="database URL (overrides database_url)")
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        help="log lines as text or one JSON object a line (default: logging.json)",
    )


def settings_of(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "db", None):
        overrides["database_url"] = args.db
    return load_settings(args.config, **overrides)


def service_of(
    args: argparse.Namespace, clock: Clock | None = None, *, read_only: bool = False
) -> Service:
    """`read_only`: a command that only reads never creates a database; run from another
    folder it would answer "no cases" from a new, empty one (issue 21 item 5)."""
    settings = settings_of(args)
    if read_only and (path := sqlite_file(settings.database_url)) and not path.exists():
        raise CliError(
            f"no database at {path} — start the service or pass --db "
            "(e.g. --db sqlite:////srv/partnerdesk/var/partnerdesk.sqlite3)"
        )
    return build(settings, clock=clock)


def deliver_all(service: Service) -> int:
    """Every reply due now, claimed a batch at a time until none is left (issue 19: a run
    delivered 100 and left the rest of what it produced queued). A reply that fails is
    rescheduled for later, so the loop ends."""
    return asyncio.run(service.sender.deliver_due(limit=sys.maxsize))


def print_result(data: dict, as_json: bool) -> None:
    if as_json:
        print(dumps(data, default=str), flush=True)
        return
    replies = ", ".join(f"{r['kind']}→{r['to']}" for r in data.get("replies", [])) or "no reply"
    reason = f" ({data['reason']})" if data.get("reason") else ""
    print(
        f"letter {data.get('letter')}: {data['kind']} case={data['case'] or '-'} "
        f"state={data['state'] or '-'} missing={data['missing']} {replies}{reason}"
    )

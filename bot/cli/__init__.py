"""`partnerdesk` command line: run the service, feed letters, move time, inspect cases."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cli.common import EXIT_FAILURE, CliError, at_instant, common_options
from bot.cli.digest import register as register_digest
from bot.cli.hq import register as register_hq
from bot.cli.letters import (
    cmd_import,
    cmd_parse,
    cmd_process,
    cmd_reprocess,
    cmd_run,
    cmd_status,
    cmd_tick,
)
from bot.cli.views import cmd_cases, cmd_outbox, cmd_show, cmd_show_letter
from bot.desk import event_log
from bot.heap import compact_heap
from bot.policy import PolicyError
from bot.settings import ConfigError
from bot.store.db import DatabaseError
from bot.terminal_text import SafeOutput, printable


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerdesk",
        description="E-mail help desk for partner networks: pins, licenses, Service Desk.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the service (SMTP/LMTP endpoint, sender, scheduler)")
    common_options(run)

    process = sub.add_parser("process", help="ingest .eml files as if they arrived at --at")
    common_options(process)
    process.add_argument("files", nargs="+", type=Path, metavar="FILE.eml")
    process.add_argument("--at", type=at_instant, help="arrival time, ISO 8601 (default: now)")
    process.add_argument("--json", action="store_true", help="one JSON object per letter")
    process.add_argument(
        "--no-send",
        action="store_true",
        help="leave replies queued in the outbox instead of delivering them",
    )

    tick = sub.add_parser("tick", help="run every deadline due by --at")
    common_options(tick)
    tick.add_argument("--at", type=at_instant, help="the moment to run up to (default: now)")
    tick.add_argument("--json", action="store_true", help='print {"replies": [...]}')
    tick.add_argument(
        "--no-send",
        action="store_true",
        help="preview: run on a throwaway copy of the (SQLite) database; nothing is sent or "
        "changed",
    )
    tick.add_argument(
        "--queue-only",
        action="store_true",
        help="run the timers but leave their replies queued for the service to send",
    )

    cases = sub.add_parser("cases", help="list cases")
    common_options(cases)
    cases.add_argument("--state", help="only cases in this state")
    cases.add_argument("--kind", help="only cases of this kind")
    cases.add_argument("--limit", type=int, default=50)
    cases.add_argument("--json", action="store_true")

    show = sub.add_parser("show", help="one case with its thread, replies, deadlines, history")
    common_options(show)
    show.add_argument("case", help="case number, e.g. TCM-000123")
    show.add_argument("--json", action="store_true")

    show_letter = sub.add_parser("show-letter", help="one stored letter")
    common_options(show_letter)
    show_letter.add_argument("letter_id", type=int)
    show_letter.add_argument("--raw", action="store_true", help="print the raw bytes")

    reprocess = sub.add_parser("reprocess", help="run a stored (e.g. quarantined) letter again")
    common_options(reprocess)
    reprocess.add_argument("letter_id", type=int)
    reprocess.add_argument("--json", action="store_true")

    outbox = sub.add_parser("outbox", help="list replies; send due ones; release held ones")
    common_options(outbox)
    outbox.add_argument("--status", help="queued, sending, sent, failed or held")
    outbox.add_argument("--send", action="store_true", help="deliver everything due now")
    outbox.add_argument(
        "--release", type=int, nargs="+", metavar="ID", help="queue held replies (one or more ids)"
    )
    outbox.add_argument("--limit", type=int, default=50)
    outbox.add_argument("--json", action="store_true")

    backfill = sub.add_parser(
        "import", help="ingest the letters already in the IMAP mailboxes (no replies by default)"
    )
    common_options(backfill)
    backfill.add_argument(
        "--mailbox", action="append", default=[], metavar="NAME", help="only this mailbox"
    )
    backfill.add_argument(
        "--reply", action="store_true", help="answer old letters too (default: replies held)"
    )

    status = sub.add_parser("status", help="health of every watched IMAP mailbox")
    common_options(status)
    status.add_argument("--json", action="store_true")
    parse = sub.add_parser(
        "parse", help="show how a letter is read (kind, fields, evidence); no database"
    )
    parse.add_argument("file", type=Path, metavar="FILE.eml")
    parse.add_argument(
        "--mailbox",
        choices=("general", "support"),
        help="the mailbox it arrived at (default: from Delivered-To/To/Cc)",
    )
    parse.add_argument("--config", metavar="FILE", help="TOML configuration (mailbox names)")
    parse.add_argument("--at", type=at_instant, help="receipt time, for date checks (default: now)")
    parse.add_argument("--json", action="store_true", help="print the parse as JSON")
    COMMANDS.update(register_hq(sub, common_options))
    COMMANDS.update(register_digest(sub, common_options))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    compact_heap()  # before the first thread (bot/heap.py)
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    event_log.use_json(getattr(args, "log_format", None) == "json")
    try:
        # Issue 19: what letters brought (subjects, names) is shown, never run by the terminal.
        with contextlib.redirect_stdout(SafeOutput(sys.stdout)):
            return COMMANDS[args.command](args)
    except (ConfigError, PolicyError, DatabaseError, CliError) as exc:
        print(f"partnerdesk: {printable(str(exc))}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` that stopped reading: not an error of ours (issue 25).
        # Python would report the pipe again when it flushes stdout at exit; point it away.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


COMMANDS = {
    "run": cmd_run,
    "process": cmd_process,
    "tick": cmd_tick,
    "cases": cmd_cases,
    "show": cmd_show,
    "show-letter": cmd_show_letter,
    "reprocess": cmd_reprocess,
    "outbox": cmd_outbox,
    "parse": cmd_parse,
    "import": cmd_import,
    "status": cmd_status,
}

"""`partnerdesk` command line: run the service, feed letters, move time, inspect cases."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.cli_hq import register as register_hq
from bot.clock import Clock, FrozenClock, SystemClock, as_utc
from bot.policy import PolicyError
from bot.settings import ConfigError, Settings, load_settings
from bot.store.db import DatabaseError
from bot.terminal_text import SafeOutput, dumps, printable

EXIT_USAGE = 2
EXIT_FAILURE = 1


class CliError(Exception):
    """A user-facing error: printed without a traceback, exit code 1."""


def _at(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO 8601 time; use e.g. 2026-03-02T10:00:00+05:00"
        ) from exc
    return as_utc(parsed)


def _common(parser: argparse.ArgumentParser, *, db: bool = True) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="TOML configuration (default: $PARTNERDESK_CONFIG or built-in defaults)",
    )
    if db:
        parser.add_argument("--db", metavar="URL", help="database URL (overrides database_url)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerdesk",
        description="E-mail help desk for partner networks: pins, licenses, Service Desk.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the service (SMTP/LMTP endpoint, sender, scheduler)")
    _common(run)

    process = sub.add_parser("process", help="ingest .eml files as if they arrived at --at")
    _common(process)
    process.add_argument("files", nargs="+", type=Path, metavar="FILE.eml")
    process.add_argument("--at", type=_at, help="arrival time, ISO 8601 (default: now)")
    process.add_argument("--json", action="store_true", help="one JSON object per letter")
    process.add_argument(
        "--no-send",
        action="store_true",
        help="leave replies queued in the outbox instead of delivering them",
    )

    tick = sub.add_parser("tick", help="run every deadline due by --at")
    _common(tick)
    tick.add_argument("--at", type=_at, help="the moment to run up to (default: now)")
    tick.add_argument("--json", action="store_true", help='print {"replies": [...]}')
    tick.add_argument("--no-send", action="store_true", help="leave replies queued")

    cases = sub.add_parser("cases", help="list cases")
    _common(cases)
    cases.add_argument("--state", help="only cases in this state")
    cases.add_argument("--kind", help="only cases of this kind")
    cases.add_argument("--limit", type=int, default=50)
    cases.add_argument("--json", action="store_true")

    show = sub.add_parser("show", help="one case with its thread, replies, deadlines, history")
    _common(show)
    show.add_argument("case", help="case number, e.g. TCM-000123")
    show.add_argument("--json", action="store_true")

    show_letter = sub.add_parser("show-letter", help="one stored letter")
    _common(show_letter)
    show_letter.add_argument("letter_id", type=int)
    show_letter.add_argument("--raw", action="store_true", help="print the raw bytes")

    reprocess = sub.add_parser("reprocess", help="run a stored (e.g. quarantined) letter again")
    _common(reprocess)
    reprocess.add_argument("letter_id", type=int)
    reprocess.add_argument("--json", action="store_true")

    outbox = sub.add_parser("outbox", help="list replies; send due ones; release held ones")
    _common(outbox)
    outbox.add_argument("--status", help="queued, sending, sent, failed or held")
    outbox.add_argument("--send", action="store_true", help="deliver everything due now")
    outbox.add_argument("--release", type=int, metavar="ID", help="queue a held reply")
    outbox.add_argument("--limit", type=int, default=50)
    outbox.add_argument("--json", action="store_true")

    backfill = sub.add_parser(
        "import", help="ingest the letters already in the IMAP mailboxes (no replies by default)"
    )
    _common(backfill)
    backfill.add_argument(
        "--mailbox", action="append", default=[], metavar="NAME", help="only this mailbox"
    )
    backfill.add_argument(
        "--reply", action="store_true", help="answer old letters too (default: replies held)"
    )

    status = sub.add_parser("status", help="health of every watched IMAP mailbox")
    _common(status)
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
    parse.add_argument("--at", type=_at, help="receipt time, for date checks (default: now)")
    parse.add_argument("--json", action="store_true", help="print the parse as JSON")
    COMMANDS.update(register_hq(sub, _common))
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "db", None):
        overrides["database_url"] = args.db
    return load_settings(args.config, **overrides)


def _service(args: argparse.Namespace, clock: Clock | None = None):
    from bot.app import build

    return build(_settings(args), clock=clock)


def _deliver_all(service) -> int:
    """Every reply due now, claimed a batch at a time until none is left (issue 19: a run
    delivered 100 and left the rest of what it produced queued). A reply that fails is
    rescheduled for later, so the loop ends."""
    return asyncio.run(service.sender.deliver_due(limit=sys.maxsize))


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        # Issue 19: what letters brought (subjects, names) is shown, never run by the terminal.
        with contextlib.redirect_stdout(SafeOutput(sys.stdout)):
            return COMMANDS[args.command](args)
    except (ConfigError, PolicyError, DatabaseError, CliError) as exc:
        print(f"partnerdesk: {printable(str(exc))}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import build, run_service

    settings = _settings(args)
    logging.getLogger().setLevel(settings.log_level)
    if settings.log_level != "DEBUG":
        # aiosmtpd logs every SMTP command at INFO; that is debugging detail here.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
    service = build(settings)
    try:
        asyncio.run(run_service(service))
    except OSError as exc:
        raise CliError(
            f"cannot listen on {settings.smtp.host}:{settings.smtp.port}: {exc.strerror or exc}. "
            "Choose another port with smtp.port (PARTNERDESK_SMTP__PORT)."
        ) from exc
    return 0


def _print_result(data: dict, as_json: bool) -> None:
    if as_json:
        print(dumps(data, default=str), flush=True)
        return
    replies = ", ".join(f"{r['kind']}→{r['to']}" for r in data.get("replies", [])) or "no reply"
    reason = f" ({data['reason']})" if data.get("reason") else ""
    print(
        f"letter {data.get('letter')}: {data['kind']} case={data['case'] or '-'} "
        f"state={data['state'] or '-'} missing={data['missing']} {replies}{reason}"
    )


def cmd_process(args: argparse.Namespace) -> int:
    from bot.ingest import Arrival

    clock: Clock = FrozenClock(args.at) if args.at else SystemClock()
    service = _service(args, clock)
    for path in args.files:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
        arrival = Arrival(raw=raw, received_at=clock.now(), source="file")
        result = service.pipeline.ingest(arrival)
        _print_result(result.as_json(), args.json)
    if not args.no_send:
        _deliver_all(service)
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    clock: Clock = FrozenClock(args.at) if args.at else SystemClock()
    service = _service(args, clock)
    result = service.ticker.tick(clock.now())
    if not args.no_send:
        _deliver_all(service)
    if args.json:
        print(dumps(result.as_json(), default=str))
    else:
        print(
            f"{result.done} deadline(s) done, {result.failed} failed, "
            f"{len(result.replies)} letter(s) queued"
        )
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    from bot.store.models import Letter

    service = _service(args)
    with service.sessions() as session:
        letter = session.get(Letter, args.letter_id)
        if letter is None:
            raise CliError(f"no letter {args.letter_id}; list cases with 'partnerdesk cases'")
        if letter.status not in {"quarantined", "received"}:
            # Running a processed letter again would open a second case for it.
            raise CliError(
                f"letter {args.letter_id} was {letter.status}, not quarantined; only "
                "quarantined letters are re-run (see 'partnerdesk show-letter "
                f"{args.letter_id}')"
            )
    result = service.pipeline.reprocess(args.letter_id)
    _print_result(result.as_json(), args.json)
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    from bot.inspect import list_outbox, release_held

    service = _service(args)
    if args.release is not None:
        if not release_held(service.sessions, args.release, service.clock.now()):
            raise CliError(
                f"outbox row {args.release} is not held; see 'partnerdesk outbox --status held'"
            )
        print(f"outbox {args.release}: queued for delivery")
    if args.send:
        delivered = _deliver_all(service)
        print(f"{delivered} letter(s) delivered via {service.transport.describe()}")
    rows = list_outbox(service.sessions, args.status, args.limit)
    if args.json:
        print(dumps(rows, default=str))
    elif not args.send and args.release is None:
        for row in rows:
            error = f" last error: {row['last_error']}" if row["last_error"] else ""
            print(
                f"{row['id']:>6} {row['status']:<8} {row['kind']:<13} {row['to']:<30} "
                f"{row['subject']} (attempts {row['attempts']}){error}"
            )
    return 0


def cmd_cases(args: argparse.Namespace) -> int:
    from bot.inspect import list_cases

    service = _service(args)
    rows = list_cases(service.sessions, args.state, args.kind, args.limit)
    if args.json:
        print(dumps(rows, default=str))
        return 0
    for row in rows:
        print(
            f"{row['case']:<12} {row['kind']:<16} {row['state']:<12} {row['requester']:<30} "
            f"{row['subject']}"
        )
    if not rows:
        print("no cases")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from bot.inspect import case_details, format_case

    service = _service(args)
    details = case_details(service.sessions, args.case)
    if details is None:
        raise CliError(f"no case {args.case}; list cases with 'partnerdesk cases'")
    print(dumps(details, default=str, indent=2) if args.json else format_case(details))
    return 0


def cmd_show_letter(args: argparse.Namespace) -> int:
    from bot.inspect import letter_details

    service = _service(args)
    details = letter_details(service.sessions, args.letter_id, raw=args.raw)
    if details is None:
        raise CliError(f"no letter {args.letter_id}")
    if args.raw:
        sys.stdout.buffer.write(details["raw"])
        return 0
    print(dumps(details, default=str, indent=2))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from bot.app import imap_watchers
    from bot.receive.backfill import MailboxBusy, backfill_all, summary
    from bot.receive.imap_lease import LeaseLost

    service = _service(args)
    known = [box.name for box in service.settings.imap.mailboxes]
    unknown = [name for name in args.mailbox if name not in known]
    if unknown or not known:
        raise CliError(
            f"no IMAP mailbox named {', '.join(unknown)}; configured: {', '.join(known) or '-'}"
            if unknown
            else "no IMAP mailboxes configured; add [[imap.mailboxes]] to the configuration"
        )

    async def work() -> None:
        watchers = imap_watchers(service, service.writer_lock, only=args.mailbox)
        for name, stats, seconds in await backfill_all(watchers, reply=args.reply):
            print(summary(name, stats, seconds), flush=True)
        if args.reply:
            await service.sender.deliver_due(limit=100_000)

    try:
        asyncio.run(work())
    except MailboxBusy as exc:
        raise CliError(str(exc)) from exc
    except LeaseLost as exc:
        raise CliError(
            f"another service took mailbox {exc.name} over during the import; what was "
            "imported is kept, and that service carries on from there"
        ) from exc
    except OSError as exc:
        raise CliError(f"cannot reach the IMAP server: {exc.strerror or exc}") from exc
    except KeyboardInterrupt:
        print("import interrupted; run it again to resume", file=sys.stderr)
        return 130
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from bot.receive.imap_state import all_states

    service = _service(args)
    states = {row["name"]: row for row in all_states(service.sessions)}
    rows = []
    for box in service.settings.imap.mailboxes:
        row = states.pop(box.name, None) or {"name": box.name, "status": "never connected"}
        rows.append({**row, "server": f"{box.user}@{box.host}:{box.effective_port}/{box.folder}"})
    # Mailboxes no longer configured keep their rows; show them as such.
    rows += [{**row, "server": "(not configured)"} for row in states.values()]
    if args.json:
        print(dumps(rows, default=str))
        return 0
    if not rows:
        print("no IMAP mailboxes configured")
    for row in rows:
        print(
            f"{row['name']:<12} {row['status']:<16} {row['server']}\n"
            f"    last success {row.get('last_success_at') or '-'}; "
            f"uidvalidity {row.get('uidvalidity') or '-'}, last uid {row.get('last_uid', 0)}, "
            f"{row.get('letters_ingested', 0)} letters, "
            f"{row.get('pending_actions', 0)} flag/move owed"
        )
        if row.get("watched_by"):
            print(f"    watched by {row['watched_by']}, lease until {row['lease_until']}")
        if row.get("down_since"):
            print(f"    unreachable since {row['down_since']}")
        if row.get("last_error"):
            print(f"    last error at {row['last_error_at']}: {row['last_error']}")
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from bot.parse_command import read_letter

    try:
        raw = args.file.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    settings = load_settings(args.config)
    report = read_letter(raw, args.mailbox, args.at or SystemClock().now(), settings)
    if args.json:
        print(dumps(report, default=str, indent=2))
        return 0
    if report.get("kind") is None:
        print(f"cannot read {args.file}: {report.get('error')}")
        return 0
    print(f"kind: {report['kind']} (confidence {report.get('confidence')})")
    for reason in report.get("reasons", []):
        print(f"  because {reason}")
    for code, item in (report.get("fields") or {}).items():
        print(f"  {code}: {item.get('status')} {item.get('value')!r} {item.get('reason') or ''}")
    print(f"missing: {report.get('missing')}")
    print(f"invalid: {report.get('invalid')}")
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


if __name__ == "__main__":
    sys.exit(main())

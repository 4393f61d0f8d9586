"""Commands that move letters and time: run, process, tick, reprocess, import, status, parse."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from sqlalchemy import make_url

from bot.app import build, imap_watchers
from bot.cli.common import CliError, deliver_all, print_result, service_of, settings_of
from bot.cli.preview import preview_dir, preview_service
from bot.clock import Clock, FrozenClock, SystemClock
from bot.desk import event_log
from bot.ingest import Arrival
from bot.parse_command import not_a_letter, read_letter
from bot.receive.backfill import MailboxBusy, backfill_all, summary
from bot.receive.imap_lease import LeaseLost
from bot.receive.imap_state import all_states
from bot.runner import run_service
from bot.settings import load_settings
from bot.store.models import Letter
from bot.terminal_text import dumps


def cmd_run(args: argparse.Namespace) -> int:

    settings = settings_of(args)
    logging.getLogger().setLevel(settings.log_level)
    # Issue 21: a line per letter, timer and delivery; JSON for a log collector.
    event_log.use_json(args.log_format == "json" or settings.logging.as_json)
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


def cmd_process(args: argparse.Namespace) -> int:

    clock: Clock = FrozenClock(args.at) if args.at else SystemClock()
    service = service_of(args, clock)
    for path in args.files:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
        arrival = Arrival(raw=raw, received_at=clock.now(), source="file")
        result = service.pipeline.ingest(arrival)
        print_result(result.as_json(), args.json)
    if not args.no_send:
        deliver_all(service)
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    clock: Clock = FrozenClock(args.at) if args.at else SystemClock()
    if args.no_send:
        # Issue 25: a dry run; what it would do is printed, the database is not touched.
        with preview_dir() as workdir:
            service = preview_service(args, clock, Path(workdir))
            try:
                result = service.ticker.tick(clock.now())
            finally:
                service.engine.dispose()
    else:
        service = service_of(args, clock)
        result = service.ticker.tick(clock.now())
        if not args.queue_only:
            deliver_all(service)
    if args.json:
        print(dumps(result.as_json(), default=str))
    else:
        print(
            f"{result.done} deadline(s) done, {result.failed} failed, "
            f"{len(result.replies)} letter(s) queued"
        )
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:

    service = service_of(args)
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
    print_result(result.as_json(), args.json)
    return 0


def cmd_import(args: argparse.Namespace) -> int:

    service = service_of(args)
    known = [box.name for box in service.settings.imap.mailboxes]
    unknown = [name for name in args.mailbox if name not in known]
    if unknown or not known:
        raise CliError(
            f"no IMAP mailbox named {', '.join(unknown)}; configured: {', '.join(known) or '-'}"
            if unknown
            else "no IMAP mailboxes configured; add [[imap.mailboxes]] to the configuration"
        )

    if service.settings.reading.child_process:
        # Before any thread or socket exists (bot/reader_process.py): the letters are read on
        # the second core while this process records them.
        service.reader.start()

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
    finally:
        service.reader.close()
    return 0


def cmd_status(args: argparse.Namespace) -> int:

    service = service_of(args, read_only=True)
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
    # Issue 21 item 5: where this command (and the service with the same config) looks.
    database = make_url(service.settings.database_url).render_as_string(hide_password=True)
    print(f"data directory {service.settings.data_dir}; database {database}")
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

    try:
        raw = args.file.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    if problem := not_a_letter(raw):
        raise CliError(f"cannot read {args.file}: {problem}; pass a letter saved as .eml")
    settings = load_settings(args.config)
    report = read_letter(raw, args.mailbox, args.at or SystemClock().now(), settings)
    if report.get("kind") is None:
        raise CliError(f"cannot read {args.file}: {report.get('error')}")
    if args.json:
        print(dumps(report, default=str, indent=2))
        return 0
    print(f"kind: {report['kind']} (confidence {report.get('confidence')})")
    for reason in report.get("reasons", []):
        print(f"  because {reason}")
    for code, item in (report.get("fields") or {}).items():
        print(f"  {code}: {item.get('status')} {item.get('value')!r} {item.get('reason') or ''}")
    print(f"missing: {report.get('missing')}")
    print(f"invalid: {report.get('invalid')}")
    return 0

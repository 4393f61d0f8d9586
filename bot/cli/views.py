"""Read-mostly commands: the outbox, cases, one case, one letter."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable

from bot.cli.case_text import format_case, format_work_list, work_list
from bot.cli.common import EXIT_USAGE, CliError, deliver_all, service_of
from bot.desk.alert_keys import BATCHED, MERGED
from bot.desk.alert_policy import DIGEST, LISTED
from bot.desk.labels import KINDS, STATES
from bot.inspect import (
    case_details,
    letter_details,
    list_outbox,
    release_many,
)
from bot.terminal_text import dumps

# What an outbox row can be (bot/outbox/sender.py, bot/desk/alert_keys.py): a filter on anything
# else would answer "nothing" and look like an empty outbox (issue 21 item 4).
OUTBOX_STATUSES = ("queued", "sending", "sent", "failed", "held", BATCHED, MERGED, DIGEST, LISTED)


def unknown(what: str, value: str | None, valid: Iterable[str]) -> bool:
    """Refuse a filter value that matches nothing by definition, listing the valid ones."""
    if value is None or value in valid:
        return False
    print(
        f"partnerdesk: unknown {what} {value!r}; use one of: {', '.join(valid)}",
        file=sys.stderr,
    )
    return True


def cmd_outbox(args: argparse.Namespace) -> int:
    if unknown("status", args.status, OUTBOX_STATUSES):
        return EXIT_USAGE
    service = service_of(args, read_only=True)
    if args.release:
        outcomes = release_many(service.sessions, args.release, service.clock.now())
        for row_id, outcome in outcomes.items():
            if outcome == "queued":
                print(f"outbox {row_id}: queued for delivery")
        failed = {i: o for i, o in outcomes.items() if o != "queued"}
        if failed:
            listed = "; ".join(
                f"outbox row {i}: {o}" if o == "no such reply" else f"outbox row {i} {o}"
                for i, o in failed.items()
            )
            raise CliError(f"{listed}; see 'partnerdesk outbox --status held' for held replies")
    if args.send:
        delivered = deliver_all(service)
        print(f"{delivered} letter(s) delivered via {service.transport.describe()}")
    rows = list_outbox(service.sessions, args.status, args.limit)
    if args.json:
        print(dumps(rows, default=str))
    elif not args.send and not args.release:
        for row in rows:
            error = f" last error: {row['last_error']}" if row["last_error"] else ""
            print(
                f"{row['id']:>6} {row['status']:<8} {row['kind']:<13} {row['to']:<30} "
                f"{row['subject']} (attempts {row['attempts']}){error}"
            )
    return 0


def cmd_cases(args: argparse.Namespace) -> int:
    if unknown("state", args.state, STATES) or unknown("kind", args.kind, KINDS):
        return EXIT_USAGE
    service = service_of(args, read_only=True)
    # Issue 21 item 4: a work list sorted by due, deadlines in the primary office's time.
    local = service.calendar.format_local
    rows = work_list(service.sessions, args.state, args.kind, args.limit, local)
    if args.json:
        print(dumps(rows, default=str))
        return 0
    if rows:
        print(format_work_list(rows))
    else:
        print("no cases")
    return 0


def cmd_show(args: argparse.Namespace) -> int:

    service = service_of(args, read_only=True)
    details = case_details(service.sessions, args.case)
    if details is None:
        raise CliError(f"no case {args.case}; list cases with 'partnerdesk cases'")
    local = service.calendar.format_local
    print(dumps(details, default=str, indent=2) if args.json else format_case(details, local))
    return 0


def cmd_show_letter(args: argparse.Namespace) -> int:

    service = service_of(args, read_only=True)
    details = letter_details(service.sessions, args.letter_id, raw=args.raw)
    if details is None:
        raise CliError(f"no letter {args.letter_id}")
    if args.raw:
        sys.stdout.buffer.write(details["raw"])
        return 0
    print(dumps(details, default=str, indent=2))
    return 0

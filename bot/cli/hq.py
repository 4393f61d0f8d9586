"""HQ commands: the partner registry (`partners …`) and actions on cases (`case …`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.cli.case_help import actions_epilog
from bot.cli.common import EXIT_USAGE, CliError, at_instant, service_of
from bot.clock import FrozenClock
from bot.hqmail.wiring import hq_actions
from bot.partner_csv import COLUMNS_HELP
from bot.partners import RegistryError, find_partner, partner_json, read_records, upsert_partner
from bot.registry import client_history, registry_rows, to_csv
from bot.rules.action_base import ActionRefused
from bot.store.models import Partner
from bot.support_registry import record_support, support_json
from bot.terminal_text import dumps
from parsers.types import FieldStatus
from parsers.validate import check_inn

# Options of `partnerdesk case`, passed to the action as parameters.
ACTION_OPTIONS = (
    ("text", "the question, answer, comment or reply text"),
    ("reason", "why (close, reject, decline_feature, extend_deadline)"),
    ("priority", "urgent, high, normal or low (set_priority)"),
    ("tracker", "bug, feature or support (set_tracker)"),
    ("deadline", "new deadline, ISO 8601 (extend_deadline)"),
    ("release", "release name (defer, release_published)"),
    ("into", "target case number (merge)"),
    ("kind", "new kind (reclassify)"),
)


def register(
    sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]
) -> dict:
    partners = sub.add_parser("partners", help="the partner registry: add, import, list, show")
    psub = partners.add_subparsers(dest="partners_command", required=True, metavar="ACTION")
    add = psub.add_parser("add", help="add or update a partner (matched by INN, else name)")
    common(add)
    add.add_argument("name")
    add.add_argument("--inn")
    add.add_argument("--kpp")
    add.add_argument("--ogrn")
    add.add_argument("--role", help="authorized, gold or official (= gold)")
    add.add_argument("--status", help="active, suspended or terminated (a new partner: active)")
    add.add_argument(
        "--domain",
        action="append",
        default=[],
        dest="domains",
        help="mail domain of the partner (repeatable)",
    )
    add.add_argument(
        "--address",
        action="append",
        default=[],
        dest="addresses",
        help="registered Service Desk address (repeatable)",
    )
    add.add_argument("--official-email")
    add.add_argument("--curator", help="the HQ curator's address")
    add.add_argument("--support-tier")
    add.add_argument(
        "--key-registered",
        dest="key_registered_on",
        metavar="YYYY-MM-DD",
        help="when the protection key was registered: the free support period starts (R-ID-8)",
    )
    add.add_argument(
        "--support-until",
        dest="support_paid_until",
        metavar="YYYY-MM-DD",
        help="the last day of the partner's paid support period (R-ID-8)",
    )
    imp = psub.add_parser(
        "import",
        help="import partners from a CSV (header row) or JSON file",
        epilog=COLUMNS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common(imp)
    imp.add_argument("file", type=Path)
    plist = psub.add_parser("list", help="list partners")
    common(plist)
    plist.add_argument("--json", action="store_true")
    show = psub.add_parser("show", help="one partner by id, INN or name")
    common(show)
    show.add_argument("key")

    registry = sub.add_parser("registry", help="the client registry: export, show INN")
    rsub = registry.add_subparsers(dest="registry_command", required=True, metavar="ACTION")
    export = rsub.add_parser("export", help="the published registry as CSV or JSON (R-PIN-30)")
    common(export)
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--out", type=Path, help="write to this file instead of the screen")
    rshow = rsub.add_parser("show", help="a client's status and history by INN")
    common(rshow)
    rshow.add_argument("inn")

    case = sub.add_parser(
        "case",
        help="act on a case as HQ (see 'partnerdesk case --help' for each kind's actions)",
        epilog=actions_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common(case)
    case.add_argument("case", help="case number, e.g. TCM-000123")
    case.add_argument(
        "action",
        metavar="ACTION",
        help="the action; the list below gives each kind's actions and what they need",
    )
    case.add_argument(
        "--as",
        dest="actor",
        required=True,
        metavar="EMAIL",
        help="the HQ staff member acting (must be in hq.staff)",
    )
    for name, text in ACTION_OPTIONS:
        case.add_argument(f"--{name}", help=text)
    case.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other action parameter (repeatable), e.g. --param days=30",
    )
    case.add_argument("--at", type=at_instant, help="act at this moment, ISO 8601 (default: now)")
    case.add_argument("--json", action="store_true")
    return {"partners": cmd_partners, "case": cmd_case, "registry": cmd_registry}


def cmd_partners(args: argparse.Namespace) -> int:
    service = service_of(args)
    now = service.clock.now()
    try:
        with service.sessions.begin() as session:
            if args.partners_command == "add":
                record = {
                    k: getattr(args, k)
                    for k in (
                        "name",
                        "inn",
                        "kpp",
                        "ogrn",
                        "role",
                        "status",
                        "domains",
                        "addresses",
                        "official_email",
                        "curator",
                        "support_tier",
                    )
                }
                # Issue 21: adding an address must not reset what was not given.
                partner = upsert_partner(session, record, now, only_given=True)
                record_support(session, partner.id, vars(args), now)  # R-ID-8
                shown = {**partner_json(session, partner), **support_json(session, partner.id)}
                print(dumps(shown))
            elif args.partners_command == "import":
                records = read_records(args.file)
                for number, record in enumerate(records, start=1):
                    try:
                        partner = upsert_partner(session, record, now)
                        record_support(session, partner.id, record, now)  # R-ID-8 columns
                    except RegistryError as exc:
                        raise RegistryError(f"{args.file} record {number}: {exc}") from exc
                print(f"{len(records)} partner(s) imported from {args.file}")
            elif args.partners_command == "list":
                rows = [
                    partner_json(session, p) for p in session.query(Partner).order_by(Partner.id)
                ]
                if args.json:
                    print(dumps(rows))
                for row in rows if not args.json else []:
                    print(
                        f"{row['id']:>4} {row['name']:<40} INN {row['inn'] or '-':<12} "
                        f"{row['role'] or 'role?':<10} {row['status']:<10} "
                        f"{len(row['addresses'])} address(es)"
                    )
            else:
                partner = find_partner(session, args.key)
                if partner is None:
                    raise CliError(f"no partner {args.key!r}; see 'partnerdesk partners list'")
                shown = {**partner_json(session, partner), **support_json(session, partner.id)}
                print(dumps(shown, indent=2))
    except RegistryError as exc:
        raise CliError(f"{exc}; nothing was saved") from exc
    return 0


def cmd_case(args: argparse.Namespace) -> int:
    # Issue 22 item 5: an action at a simulated moment, like `process --at` and `tick --at`.
    service = service_of(args, clock=FrozenClock(args.at) if args.at else None)
    # R-HQ-5: the same role permissions as a command by mail.
    actions = hq_actions(
        service.settings, service.sessions, service.applier, service.rules, service.clock
    )
    params: dict[str, Any] = {
        name: getattr(args, name) for name, _ in ACTION_OPTIONS if getattr(args, name)
    }
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CliError(f"--param {item!r}: use KEY=VALUE, e.g. --param days=30")
        params[key.replace("-", "_")] = value
    try:
        result = actions.perform(args.case, args.action, params, args.actor)
    except ActionRefused as exc:
        raise CliError(f"{exc}") from exc
    asyncio.run(service.sender.deliver_due())
    if args.json:
        print(dumps(result.as_json(), default=str))
    else:
        letters = ", ".join(f"{r['kind']}→{r['to']}" for r in result.replies) or "no letter"
        print(f"{result.case}: {args.action} done, state {result.state}; {letters}")
    return 0


def cmd_registry(args: argparse.Namespace) -> int:
    if args.registry_command == "show":
        checked = check_inn(args.inn)
        if checked.status is not FieldStatus.VALID:
            # Issue 25: a mistyped INN is not a free client.
            print(
                f"partnerdesk: {args.inn!r} is not a valid INN ({checked.reason}); "
                "an INN has 10 or 12 digits with matching check digits — check the number",
                file=sys.stderr,
            )
            return EXIT_USAGE
        args.inn = str(checked.value)
    service = service_of(args, read_only=True)
    publish = service.policy.registry.publish_holder
    with service.sessions() as session:
        rows = registry_rows(session, publish_holder=publish)
        if args.registry_command == "export":
            text = dumps(rows, indent=2) + "\n" if args.format == "json" else to_csv(rows)
            if args.out:
                args.out.parent.mkdir(parents=True, exist_ok=True)
                args.out.write_text(text, encoding="utf-8")
                print(f"{len(rows)} client(s) written to {args.out}")
            else:
                print(text, end="")
            return 0
        current = [row for row in rows if row["client_inn"] == args.inn]
        history = client_history(session, args.inn)
    status = current[0] if current else {"client_inn": args.inn, "status": "free"}
    print(dumps({"current": status, "history": history}, indent=2))
    return 0

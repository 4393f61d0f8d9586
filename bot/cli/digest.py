"""`partnerdesk digest`: the daily digest a role would get (R-HQ-7), without sending it."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bot.cli.common import CliError, at_instant, service_of
from bot.desk.digest_send import DigestDesk
from bot.settings import HQ_ROLES
from bot.terminal_text import dumps


def register(
    sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]
) -> dict:
    digest = sub.add_parser("digest", help="show the daily HQ digest as it would be sent")
    common(digest)
    digest.add_argument("--role", help="one role's digest: " + ", ".join(HQ_ROLES))
    digest.add_argument("--at", type=at_instant, help="as of this moment (default: now)")
    form = digest.add_mutually_exclusive_group()
    form.add_argument("--html", action="store_true", help="the HTML alternative")
    form.add_argument("--json", action="store_true", help="the sections as JSON")
    return {"digest": cmd_digest}


def cmd_digest(args: argparse.Namespace) -> int:
    if args.role and args.role not in HQ_ROLES:
        raise CliError(f"unknown role {args.role!r}; roles: {', '.join(HQ_ROLES)}")
    service = service_of(args, read_only=True)
    desk = DigestDesk(service.sessions, service.settings, service.calendar, service.policy)
    digests = desk.build(args.at or service.clock.now(), args.role)
    if args.json:
        print(dumps({role: d.as_json() for role, d in digests.items()}, default=str))
        return 0
    if not digests:
        print(f"no digest: nothing for {args.role or 'any role'} at this moment")
        return 0
    for role, digest in digests.items():
        rendered = desk.render(digest)
        if args.html:
            print(rendered.html)
            continue
        print(f"--- {role}: {rendered.subject}")
        print(rendered.text)
    return 0

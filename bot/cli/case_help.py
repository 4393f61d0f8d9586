"""`partnerdesk case --help`: each kind's actions with what they need (issue 25).

The action lists come from the rules themselves, so a new action shows up here; NEEDS says
which options an action requires (an action not named needs none).
"""

from __future__ import annotations

from bot.actions import GENERIC_ACTIONS
from bot.outages import OUTAGE_ACTIONS
from bot.rules.account.accounts import ACCOUNT_ACTIONS
from bot.rules.inquiry.inquiries import INQUIRY_ACTIONS
from bot.rules.license.actions import LICENSE_ACTIONS
from bot.rules.pin.actions import PIN_ACTIONS
from bot.rules.resource.resources import RESOURCE_ACTIONS
from bot.rules.ticket.actions import TICKET_ACTIONS

KIND_ACTIONS = (
    ("pin_request (pins)", PIN_ACTIONS),
    ("license_request", LICENSE_ACTIONS),
    ("ticket", TICKET_ACTIONS),
    ("resource", RESOURCE_ACTIONS),
    ("sd_account", ACCOUNT_ACTIONS),
    ("inquiry", INQUIRY_ACTIONS),
    ("any case", GENERIC_ACTIONS),
    ("outage (number OUT-…)", OUTAGE_ACTIONS),
)

_REASON = "--reason '…'"
_TEXT = "--text '…'"
NEEDS = {
    "approve_extension": "[--param days=N] (default: the days asked, at most the limit)",
    "reject_pin": _REASON,
    "decline_extension": _REASON,
    "unpin": _REASON,
    "hold_unpin": _REASON,
    "mark_licensed": "[--param license=TCM-…] (the license case)",
    "request_info": _TEXT,
    "resolve": _TEXT,
    "reply": _TEXT,
    "comment": _TEXT,
    "flag_base_software_issue": _TEXT,
    "flag_description_noncompliant": _TEXT,
    "set_priority": "--priority urgent|high|normal|low",
    "set_tracker": "--tracker bug|feature|support",
    "extend_deadline": "--deadline ISO8601 --reason '…'",
    "close": _REASON,
    "reject": _REASON,
    "decline": _REASON,
    "cancel": _REASON,
    "decline_feature": _REASON,
    "reject_scans": _REASON,
    "reject_scan": _REASON,
    "release_published": "--release NAME",
    "defer": "[--release NAME]",
    "approve_partner": "--param role=authorized|gold",
    "mark_paid": "[--param payment_date=YYYY-MM-DD] (default: today)",
    "set_payment_term": "--param days=N or --param date=YYYY-MM-DD",
    "send_license_docs": "--param draft_agreement=FILE --param invoice=FILE",
    "assign": "--param employee=NAME [--param schedule='…']",
    "log_hours": "--param hours=H",
    "approve_accounts": "[--param addresses=a@x,b@x] (default: all asked for)",
    "reject_accounts": _REASON,
    "merge": "--into TCM-… (a case of the same partner)",
    "split": "--param letter=ID (a letter of the case; 'partnerdesk show' lists them)",
    "reassign": "--param role=ROLE",
    "reclassify": "--kind KIND",
}


def actions_epilog() -> str:
    """The actions of each kind, one per line with what it needs."""
    lines = ["actions by kind of case (what each needs):"]
    for title, actions in KIND_ACTIONS:
        lines.append(f"  {title}:")
        lines += [f"    {name:<30} {NEEDS.get(name, '')}".rstrip() for name in actions]
    return "\n".join(lines)

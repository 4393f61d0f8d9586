"""Never answer automatic mail (RFC 3834 §2, R-MBX-3): auto-replies, bounces, lists, ourselves."""

from __future__ import annotations

import re

from parsers.types import ParsedLetter

_DAEMON_SENDER = re.compile(
    r"^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)(?:[+\-.][^@]*)?@", re.I
)
_BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_REPORT_TYPES = ("multipart/report", "message/delivery-status", "message/disposition-notification")


def automatic_reason(letter: ParsedLetter, own_addresses: frozenset[str]) -> str | None:
    """Why this letter must not get an auto-reply, or None when it may."""
    auto_submitted = (letter.header("auto-submitted") or "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted}"
    precedence = (letter.header("precedence") or "").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for header in ("x-autoreply", "x-autorespond", "x-auto-response-suppress"):
        value = (letter.header(header) or "").strip().lower()
        # Outlook stamps X-Auto-Response-Suppress on its own auto-replies with "All"/"OOF".
        if value and (header != "x-auto-response-suppress" or value in {"all", "oof"}):
            return f"{header}: {value}"
    if letter.header("list-id") or letter.header("list-unsubscribe"):
        return "mailing list (List-Id)"
    if letter.content_type in _REPORT_TYPES:
        return f"delivery report ({letter.content_type})"
    sender = letter.from_addr.lower()
    if not sender:
        return "no sender address"
    if _DAEMON_SENDER.match(sender):
        return f"daemon sender {sender}"
    if sender in own_addresses:
        return f"our own address {sender}"
    return None


def is_bounce(letter: ParsedLetter) -> bool:
    """A delivery failure report: answering it is pointless, but HQ must hear of it."""
    return letter.content_type == "multipart/report" or bool(
        _DAEMON_SENDER.match(letter.from_addr.lower())
        and re.search(
            r"undeliver|deliver\w* (?:status|fail)|returned|недостав", letter.subject, re.I
        )
    )

"""Never answer automatic mail (RFC 3834 §2, R-MBX-3): auto-replies, bounces, lists, ourselves."""

from __future__ import annotations

import re

from parsers.auto_content import bounce
from parsers.types import ParsedLetter

_DAEMON_SENDER = re.compile(
    r"^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)(?:[+\-.][^@]*)?@", re.I
)
_REPORT_TYPES = ("multipart/report", "message/delivery-status", "message/disposition-notification")


def automatic_reason(
    letter: ParsedLetter, own_addresses: frozenset[str], automatic: str | None
) -> str | None:
    """Why this letter must not get an auto-reply, or None when it may.

    The header and content checks of RFC 3834 live with the parsers (`is_automatic`, whose
    answer is `automatic`, read with the letter); this adds what needs the service's
    configuration (our own addresses) and Outlook's own marker.
    """
    reason = automatic
    if reason is not None:
        return reason
    suppress = (letter.header("x-auto-response-suppress") or "").strip().lower()
    # Outlook stamps its own auto-replies with X-Auto-Response-Suppress: All / OOF.
    if suppress in {"all", "oof"}:
        return f"X-Auto-Response-Suppress: {suppress}"
    if letter.header("list-unsubscribe"):
        return "mailing list (List-Unsubscribe)"
    if letter.content_type in _REPORT_TYPES:
        return f"delivery report ({letter.content_type})"
    sender = letter.from_addr.lower()
    if not sender:
        return "no sender address"
    if sender in own_addresses:
        return f"our own address {sender}"
    return None


def is_bounce(letter: ParsedLetter) -> bool:
    """A delivery failure report: answering it is pointless, but HQ must hear of it.

    Besides the report formats, the fixed texts of MTAs that send none (`bounce`).
    """
    if letter.content_type == "multipart/report" or bounce(letter) is not None:
        return True
    return bool(
        _DAEMON_SENDER.match(letter.from_addr.lower())
        and re.search(
            r"undeliver|deliver\w* (?:status|fail)|returned|недостав", letter.subject, re.I
        )
    )

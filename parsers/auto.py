"""Automatic letters that must never get an auto-reply (R-MBX-3, RFC 3834, D-37)."""

from __future__ import annotations

import re

from parsers.types import ParsedLetter

_DAEMONS = re.compile(
    r"^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)(?:[+\-.].*)?@", re.I
)
_PRECEDENCE = re.compile(r"^\s*(?:bulk|junk|list|auto_reply)\s*$", re.I)


def is_automatic(letter: ParsedLetter) -> str | None:
    """The reason the letter is automatic, or None for a letter written by a person."""
    auto_submitted = letter.header("auto-submitted")
    if auto_submitted and auto_submitted.split(";", 1)[0].strip().lower() != "no":
        return f"Auto-Submitted: {auto_submitted.strip()}"
    precedence = letter.header("precedence")
    if precedence and _PRECEDENCE.match(precedence):
        return f"Precedence: {precedence.strip()}"
    for name in ("x-autoreply", "x-autorespond"):
        value = letter.header(name)
        if value is not None:
            return f"{name}: {value.strip()}"
    if letter.header("list-id") is not None:
        return "List-Id: mailing list"
    if letter.content_type == "multipart/report":
        return "multipart/report: delivery status notification"
    if _DAEMONS.match(letter.from_addr or ""):
        return f"automatic sender {letter.from_addr}"
    return None

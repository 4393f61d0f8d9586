"""An HQ forward of someone else's letter, read as that letter (R-MBX-7).

Attached (`message/rfc822`): the parser kept its bytes (`letter.forwarded`). Inline («Fwd:»
and a «Forwarded message» block): the block's From/Subject lines name the original sender,
and the block's body is the letter. Either is read by the same reader as any letter; its
receipt time stays the forward's (R-MBX-2).
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import getaddresses

from parsers.reading import Reading, read_ahead
from parsers.signals_forward import inline_forward_text
from parsers.types import ParsedLetter

_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|fw|пересл|переслано|перес)\s*:", re.I)
_HEADER_LINE = re.compile(
    r"^\s*(from|от|subject|тема|date|дата|to|кому|cc|копия)\s*:\s*(.*)$", re.I
)
_HEADER_NAMES = {"от": "from", "тема": "subject"}


def forwarded_letter(
    letter: ParsedLetter, role: str | None, received_at: datetime
) -> Reading | None:
    """The forwarded letter, read, or None when `letter` is not a forward."""
    if not _FORWARD_SUBJECT.match(letter.subject or ""):
        return None
    if letter.forwarded:
        return read_ahead(letter.forwarded[0], role, received_at)
    raw = _inline_as_raw(inline_forward_text(letter))
    return read_ahead(raw, role, received_at) if raw is not None else None


def _inline_as_raw(block: str) -> bytes | None:
    """The inline block as a letter: its From and Subject, then the text after its header."""
    lines = block.splitlines()
    headers: dict[str, str] = {}
    body_from = None
    for number, line in enumerate(lines[1:40], start=1):
        match = _HEADER_LINE.match(line)
        if match:
            name = match.group(1).lower()
            headers.setdefault(_HEADER_NAMES.get(name, name), match.group(2).strip())
        elif headers and not line.strip():
            body_from = number + 1
            break
    addresses = [addr for _, addr in getaddresses([headers.get("from", "")]) if "@" in addr]
    if not addresses or body_from is None:
        return None
    body = "\n".join(lines[body_from:])
    subject = " ".join(headers.get("subject", "").split())
    text = (
        f"From: {addresses[0]}\nSubject: {subject}\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        f"{body}\n"
    )
    return text.encode("utf-8")

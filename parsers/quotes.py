"""Separate the new text of a reply from the quoted history (R-MBX-11)."""

from __future__ import annotations

import re

# A line that starts quoted history: separators and attribution lines in Russian and English.
_HISTORY_START = re.compile(
    r"^\s*(?:"
    r"-{2,}\s*(?:Original Message|Исходное сообщение|Пересылаемое сообщение"
    r"|Forwarded message)\s*-{2,}"
    r"|.{0,200}\b(?:пишет|wrote)\s*:\s*$"
    r"|(?:От|From)\s*:\s.+"
    r")",
    re.IGNORECASE,
)


def split_quoted(text: str) -> tuple[str, str]:
    """Return (new_text, quoted_history)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if _HISTORY_START.match(line):
            return "\n".join(lines[:index]).strip(), "\n".join(lines[index:])
    fresh = [line for line in lines if not line.lstrip().startswith(">")]
    quoted = [line for line in lines if line.lstrip().startswith(">")]
    return "\n".join(fresh).strip(), "\n".join(quoted)

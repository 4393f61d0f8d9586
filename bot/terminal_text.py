"""Text for a terminal: what a letter brought (subjects, names, errors) is shown, never run.

A subject may carry escape sequences that set the window title, clear the screen or write
the clipboard (OSC 52) when printed raw (issue 19). Every control character is written as
its escape (`\\x1b`, `\\x9b`, `\\u202e`), so HQ sees that it was there and the terminal
does nothing. `--json` output needs none of this: JSON escapes C0 itself, and `dumps` here
escapes DEL and C1 too, which `ensure_ascii=False` would leave raw.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

# C0 but tab and newline, DEL, C1, and the bidi overrides that reorder a line as shown.
_UNSAFE_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, lines: bool = False) -> str:
    """`text` safe to print; `lines=True` keeps its newlines and tabs."""
    return (_UNSAFE_LINES if lines else _UNSAFE_LINE).sub(_escape, text)


def dumps(value: Any, **kwargs: Any) -> str:
    """json.dumps with ensure_ascii=False, DEL, C1 and bidi controls escaped (still the same
    JSON value: these characters can only stand inside strings)."""
    return _JSON_UNSAFE.sub(_escape_json, json.dumps(value, ensure_ascii=False, **kwargs))


def _escape_json(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


class SafeOutput:
    """A text stream that makes everything written to it printable (`lines=True`); the
    byte stream under it (`buffer`, for `show-letter --raw`) is left as it is."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text, lines=True))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

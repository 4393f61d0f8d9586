"""email.message_from_bytes (compat32) without a regex compilation per multipart boundary.

feedparser compiles one pattern per multipart boundary. Boundaries are random strings, so
re's cache never hits, and compiling costs ≈100 µs: a sixth of parsing an ordinary letter
once its base64 bodies are cut out (parsers/blobs.py). This parser runs the standard
library's own parse loop, but the `re.compile` it sees recognises exactly that pattern and
returns an equivalent matcher; every other pattern goes to re.compile as before.

Memory (issue 19: a 50 MB one-line letter peaked at 464 MiB here): the bytes are decoded
and fed piece by piece, and an unfinished line waits as a list of pieces instead of in the
standard library's StringIO, a UCS-4 buffer of 4 bytes per character.
"""

from __future__ import annotations

import re
import types
from email import feedparser
from email._policybase import compat32
from email.message import Message
from typing import Any

# feedparser: re.compile('(?P<sep>' + re.escape(separator) + _SUFFIX)
_PREFIX = "(?P<sep>"
_SUFFIX = r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
_AFTER_SEPARATOR = re.compile(_SUFFIX[1:])
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
# Lines as StringIO(newline="").readlines() cuts them: after \n, \r\n or a lone \r.
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_PIECE = 8192


class _Boundary:
    """The compiled boundary pattern, for match() (the only method feedparser calls).

    The separator is a literal at the start, so the pattern matches exactly when the line
    starts with it and the rest matches after it, with the same named groups.
    """

    __slots__ = ("_separator",)

    def __init__(self, separator: str) -> None:
        self._separator = separator

    def match(self, line: str) -> re.Match[str] | None:
        if not line.startswith(self._separator):
            return None
        return _AFTER_SEPARATOR.match(line, len(self._separator))


class _Re:
    """The `re` module as feedparser's parse loop sees it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    @staticmethod
    def compile(pattern: Any, flags: int = 0) -> Any:
        if (
            flags == 0
            and isinstance(pattern, str)
            and pattern.startswith(_PREFIX)
            and pattern.endswith(_SUFFIX)
        ):
            escaped = pattern[len(_PREFIX) : -len(_SUFFIX)]
            separator = _ESCAPED.sub(r"\1", escaped)
            if re.escape(separator) == escaped:  # a plain boundary, nothing else
                return _Boundary(separator)
        return re.compile(pattern, flags)


class _Input(feedparser.BufferedSubFile):
    """BufferedSubFile with the same lines, its unfinished one kept as a list of pieces."""

    def __init__(self) -> None:
        super().__init__()
        self._pieces: list[str] = []

    def push(self, data: str) -> None:
        self._pieces.append(data)
        if "\n" not in data and "\r" not in data:
            return  # no complete line yet
        text = "".join(self._pieces)
        self._pieces.clear()
        parts = _LINES.findall(text)
        # As the original: a line not ended by \n waits (it may be a \r\n cut in two).
        if not parts[-1].endswith("\n"):
            self._pieces.append(parts.pop())
        self.pushlines(parts)

    def close(self) -> None:
        self.pushlines(_LINES.findall("".join(self._pieces)))
        self._pieces.clear()
        self._closed = True


class _FeedParser(feedparser.FeedParser):
    # The very same generator code, with `re` bound to _Re in its globals.
    _parsegen = types.FunctionType(
        feedparser.FeedParser._parsegen.__code__,
        {**vars(feedparser), "re": _Re()},
        "_parsegen",
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._input = _Input()


def message_from_bytes(raw: bytes) -> Message:
    """What email.message_from_bytes(raw) returns, fed in the same 8192-character pieces."""
    parser = _FeedParser(policy=compat32)
    view = memoryview(raw)
    for start in range(0, len(raw), _PIECE):  # one byte is one character here
        parser.feed(str(view[start : start + _PIECE], "ascii", "surrogateescape"))
    message: Message = parser.close()
    return message

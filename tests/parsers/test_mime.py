"""parsers.mime parses exactly like email.message_from_bytes, minus one regex per boundary."""

from __future__ import annotations

import email
import re
from email.message import Message
from pathlib import Path

import pytest

from parsers.mime import _Boundary, _Re, message_from_bytes

BOUNDARIES = ["b1", "===============5758391152398590853==", "a b\t(c)", "x.y+z?*", "\\q", "ж"]
LINES = ["", "\n", "--", "-- x\n", "--{}", "--{}\n", "--{}\r\n", "--{}\r", "--{}--", "--{}--\r\n"]
LINES += ["--{} \t\r\n", "--{}-- \n", "--{}x\n", "--{}--x\n", " --{}\n", "--{}\n\n", "--{}-\n"]


def _stdlib(separator: str) -> re.Pattern[str]:
    # As feedparser builds it.
    return re.compile(
        "(?P<sep>" + re.escape(separator) + r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
    )


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_boundary_matcher_matches_the_stdlib_pattern(boundary: str) -> None:
    separator = "--" + boundary
    expected = _stdlib(separator)
    ours = _Re.compile(expected.pattern)
    assert isinstance(ours, _Boundary)
    for line in LINES:
        line = line.format(boundary)
        want, got = expected.match(line), ours.match(line)
        assert (want is None) == (got is None), line
        if want and got:
            assert [want.group(g) for g in ("end", "ws", "linesep")] == [
                got.group(g) for g in ("end", "ws", "linesep")
            ]


def test_other_patterns_are_compiled_by_re() -> None:
    assert _Re.compile(r"\r\n|\r|\n").pattern == r"\r\n|\r|\n"
    group = _stdlib("--a(b)").pattern.replace(r"\(b\)", "(b)")  # a group, not a literal
    assert isinstance(_Re.compile(group), re.Pattern)
    assert _Re.compile(group).match("--ab").group("sep") == "--ab"


def _shape(message: Message) -> list[object]:
    return [
        (part.get_content_type(), part._payload if isinstance(part._payload, str) else None,
         part.preamble, part.epilogue, [type(d) for d in part.defects])
        for part in message.walk()
    ]  # fmt: skip


def test_letters_parse_as_with_the_standard_library() -> None:
    letters = sorted((Path(__file__).resolve().parents[1] / "letters").glob("*.eml"))
    assert letters
    for path in letters:
        raw = path.read_bytes()
        ours, theirs = message_from_bytes(raw), email.message_from_bytes(raw)
        assert _shape(ours) == _shape(theirs), path.name
        assert ours.as_bytes() == theirs.as_bytes(), path.name


@pytest.mark.corpus
def test_real_corpus_parses_as_with_the_standard_library(corpus_root: Path) -> None:
    for path in sorted(corpus_root.rglob("*.eml")):
        raw = path.read_bytes()
        ours, theirs = message_from_bytes(raw), email.message_from_bytes(raw)
        assert _shape(ours) == _shape(theirs), path.name

"""How partners lay out the client's data in a pin request or a follow-up (§3.1, R-VAL-5).

A value follows its label after «:», a dash, a tab (HTML tables), «|» (DOCX tables), or
stands alone on the next lines («Причина интереса» / «ИП оказывает …»). Hard-wrapped
values (PDF text layers, Mutt) continue on the following lines; Thunderbird's
format=flowed soft breaks (a line ending with a space, RFC 3676) are joined first.
"""

from __future__ import annotations

import re

from parsers.labels import Hit

_BULLET = r"(?:\d{1,2}[.)]|[а-еa-e][.)]|[-•*–—])"
_BULLET_START = re.compile(rf"^\s*{_BULLET}\s")
# «Label:», «Label —», «Label<TAB>», «Label |»; a short qualifier may sit before «:» or a
# tab («Контактные лица со стороны учреждения:», «Контактное лицо 1<TAB>»).
_STRONG_SEP = r"\s*(?::|\t+|\|)"
_DASH_SEP = r"\s+[—–-]\s+"
_QUALIFIER = r"[^:\t|\n—–]{0,40}?"
# The end of a value: a semicolon, a closing bracket or quote, «!», «?», or a full stop
# after a word of four letters or more or after a number (not «г.», «ул.», «д.»).
_TERMINAL = re.compile(r"(?:[;)»!?\"]|(?:[^\W\d_]{4,}|\d)\.)\s*$")
_CONTINUES = re.compile(r"^\s*[a-zа-яё(«\d]")


def unflow(text: str) -> str:
    """Join format=flowed soft line breaks (a trailing space) unless a list item follows."""
    lines = text.splitlines()
    out: list[str] = []
    for line in lines:
        if (
            out
            and out[-1].endswith(" ")
            and out[-1].strip() not in ("--", "")
            and line.strip()
            and not _BULLET_START.match(line)
        ):
            out[-1] = out[-1] + line.lstrip()
        else:
            out.append(line)
    return "\n".join(line.rstrip() for line in out)


def _label_pattern(labels: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    alternatives = "|".join(
        f"(?P<{code}_{i}>{pattern})"
        for code, patterns in labels.items()
        for i, pattern in enumerate(patterns)
    )
    return re.compile(
        rf"^\s*(?:{_BULLET}\s*)?(?:{alternatives})(?![а-яёa-z])"
        rf"(?:{_QUALIFIER}{_STRONG_SEP}|{_DASH_SEP}|\s*$)[ \t]*",
        re.I,
    )


_PATTERNS: dict[int, re.Pattern[str]] = {}


def _pattern(labels: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    pattern = _PATTERNS.get(id(labels))
    if pattern is None:
        pattern = _PATTERNS[id(labels)] = _label_pattern(labels)
    return pattern


def is_label_line(line: str, labels: dict[str, tuple[str, ...]]) -> bool:
    return bool(_pattern(labels).match(line))


def continuation(
    lines: list[str], start: int, first: str, labels: dict[str, tuple[str, ...]]
) -> list[str]:
    """The value's own lines: `first`, then wrapped lines that carry it on (no blank line,
    no other label, no list item; the previous line has not ended the value)."""
    value = [first] if first else []
    for line in lines[start:]:
        if not line.strip() or is_label_line(line, labels) or _BULLET_START.match(line):
            break
        if value and (_TERMINAL.search(value[-1]) or not _CONTINUES.match(line)):
            break
        value.append(line.strip())
    return value


def block(
    lines: list[str],
    start: int,
    labels: dict[str, tuple[str, ...]],
    headings: bool = False,
    started: bool = False,
) -> list[str]:
    """A section's lines after a label that stands alone: up to a blank line or a label
    (with `headings`, a bare label such as «Заказчик:» inside the section does not end it;
    `started`: the label's line already holds the first value, so a blank line ends it)."""
    out: list[str] = []
    for line in lines[start : start + 20]:
        if not line.strip():
            if out or started:
                break
            continue
        match = _pattern(labels).match(line)
        if match and not (headings and not line[match.end() :].strip()):
            break
        out.append(line.strip())
    return out


def labelled(
    source: str,
    text: str,
    labels: dict[str, tuple[str, ...]],
    sections: frozenset[str] = frozenset(),
) -> list[Hit]:
    """Every labelled value of the text, in order; `sections` are codes whose value is a list
    of lines (contacts) rather than one wrapped value."""
    pattern = _pattern(labels)
    lines = text.splitlines()
    hits: list[Hit] = []
    for index, line in enumerate(lines):
        match = pattern.match(line)
        if not match:
            continue
        code = next(k for k, v in match.groupdict().items() if v is not None).rsplit("_", 1)[0]
        rest = line[match.end() :].strip(" \t|")
        if code in sections:
            more = block(lines, index + 1, labels, headings=True, started=bool(rest))
            value = ([rest] if rest else []) + more
        elif rest:
            value = continuation(lines, index + 1, rest, labels)
        else:
            # A label alone on its line: the value is on the next lines, never a list item
            # (a bare «Заказчик:» may head the client's contacts).
            value = block(lines, index + 1, labels)
            if not value or _BULLET_START.match(value[0]):
                continue
        if value:
            hits.append(Hit(code, "\n".join(value), source, index + 1, line.strip()))
    return hits


def first_hits(hits: list[Hit]) -> dict[str, list[Hit]]:
    """Hits grouped by code, in text order."""
    grouped: dict[str, list[Hit]] = {}
    for hit in hits:
        grouped.setdefault(hit.code, []).append(hit)
    return grouped

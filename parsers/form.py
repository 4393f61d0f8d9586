"""Structured forms inside letter text, read as a list of labelled entries.

Partners fill the regulations' forms in many layouts: numbered sections with bullet sub-items
(«4. Общие данные о системе:» then «- Наименование ПО: …»), «Label: value» lines, a label alone
on its line with the value on the following lines (also after a blank line, as HTML tables
arrive), «Label | value» table rows, and values hard-wrapped onto continuation lines.

`read_form(text, match_label)` turns such text into `Entry` items. The caller supplies the
vocabulary: `match_label(line, inside)` gets a line without its list marker and the code of
the entry being read (or None) and returns `(code, offset)` where the label ends and the value
starts, or None when the line does not start with a label. Lines that are not labels continue
the current entry (wrapped values, value lines, unlabelled list items); a blank line closes an
entry that already has a value. Lines outside any labelled entry become entries with code None
(prose paragraphs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from parsers.labels import dot_leaders_as_colons

# A list marker: «1.», «2)», «4.1.», bullets, check boxes «[+]», «[x]», «[нет]».
MARKER = re.compile(
    r"^[ \t>]*(?P<m>\d{1,2}(?:\.\d{1,2})*[.)](?=\s)|[а-яa-z]\)(?=\s)|[-•*–—·▪](?=\s)"
    r"|\[[^\]\n]{0,5}\])[ \t]*"
)
NUMBERED = re.compile(r"^\d")
# A bordered table row «| Трекер | Ошибка |» (Markdown, pasted from wikis and mail clients) and
# the rule under its header «|------|:----|».
_BORDERED = re.compile(r"^[ \t]*\|(?P<row>.*?)\|?[ \t]*$")
_RULE = re.compile(r"^[\s|:+=-]*$")
_WIKI_HEADING = re.compile(r"^[ \t]*={2,}[ \t]*(\S.*?)[ \t]*={2,}[ \t]*$")
# A heading of the partner's own before its text («Порядок: включили сервер → …»).
_OWN_HEADING = re.compile(r"^[А-ЯЁA-Z][^\W\d_]{1,20}(?:[ \t]+[^\W\d_]{1,20}){0,2}[ \t]*:[ \t]+\S")
LabelMatcher = Callable[[str, str | None], tuple[str, int] | None]


@dataclass
class Entry:
    """One labelled item of a form (or a prose paragraph when `code` is None)."""

    code: str | None
    label: str
    lines: list[str] = field(default_factory=list)
    line: int = 0  # 1-based line of the label
    marker: str = ""  # «1.», «-», «[+]» or ""
    section: str | None = None  # code of the numbered section the entry belongs to
    closed: bool = False

    @property
    def value(self) -> str:
        """The value with continuation lines joined by newlines."""
        return "\n".join(line for line in self.lines if line).strip()

    @property
    def flat(self) -> str:
        """The value as one line: hard wraps undone."""
        return " ".join(self.value.split())


def split_marker(line: str) -> tuple[str, str]:
    """(marker, rest) of one line; the marker is "" when the line has none."""
    match = MARKER.match(line)
    if not match:
        return "", line.strip()
    return match.group("m"), line[match.end() :].strip()


def _unbordered(line: str) -> str:
    """A bordered table row without its outer pipes, so that its first cell reads as a label
    («| Трекер | Ошибка |» → «Трекер | Ошибка»); the rule under a header reads as blank; a
    wiki heading «== Что проверили ==» reads as its words."""
    if heading := _WIKI_HEADING.match(line):
        return heading.group(1)
    line = dot_leaders_as_colons(line)
    bordered = _BORDERED.match(line)
    if bordered is None or ("|" not in bordered.group("row") and not line.rstrip().endswith("|")):
        return line
    if _RULE.match(line):
        return ""
    return bordered.group("row").strip()


def _number(marker: str) -> int | None:
    head = re.match(r"\d+", marker)
    return int(head.group(0)) if head else None


def _takes_items(entry: Entry, headed: frozenset[str]) -> bool:
    """A list item continues an entry whose label line had no value (the items are its value),
    that already holds items, or whose text ends with «:» — not «Priority: Высокий»."""
    # items already taken, the last one perhaps wrapped onto a line of its own
    holds_items = any(MARKER.match(line) for line in entry.lines[1:])
    # «Самодиагностика - всё ок» over its items: a verdict the items below spell out, for
    # the fields whose value may be a list under a short verdict (`headed`).
    verdict = entry.code in headed and len(entry.lines[0].split()) <= 3
    return not entry.lines[0] or holds_items or entry.value.endswith(":") or verdict


def _last_item(entry: Entry) -> int | None:
    """The number of the entry's last list item, when its last line is a numbered item."""
    if len(entry.lines) < 2:
        return None
    return _number(split_marker(entry.lines[-1])[0])


def _wrapped_at_dash(current: Entry | None, marker: str, rest: str) -> bool:
    """A dash a mail client wrapped onto a new line inside a sentence: the value above runs
    on unfinished and the words after the dash go on in small letters. Only a typographic
    dash («–», «—»): a hyphen opening a line is a list's bullet («Сроки: май» / «- …»)."""
    if marker not in ("–", "—") or current is None or current.closed:
        return False
    if current.code is None or not current.lines[0]:
        return False  # only a value begun on its label's line runs on
    return _runs_on(current, rest)


def _runs_on(current: Entry, rest: str) -> bool:
    """The line above is unfinished and `rest` goes on in small letters."""
    above = current.lines[-1].rstrip() if current.lines else ""
    return bool(above) and rest[:1].islower() and not above.endswith((".", ":", ";", "!", "?"))


def _goes_on(current: Entry | None, marker: str, rest: str) -> bool:
    """True for a line that goes on with the sentence of the unlabelled line above it: no
    list marker, a small letter, the line above unfinished. A label never starts there."""
    if current is None or current.code is not None or current.closed or marker:
        return False
    return _runs_on(current, rest)


def read_form(
    text: str, match_label: LabelMatcher, headed: frozenset[str] = frozenset()
) -> list[Entry]:
    """Entries of `text` in order; see the module docstring for the layouts read. The codes
    in `headed` take list items after a short value («Самодиагностика - всё ок»)."""
    entries: list[Entry] = []
    current: Entry | None = None
    # The open numbered section: its code, marker style («.» or «)») and number.
    section: tuple[str | None, str, int] | None = None
    for line_no, raw in enumerate(text.splitlines(), start=1):
        raw = _unbordered(raw)
        if not raw.strip():
            if current is not None and current.value:
                current.closed = True
            continue
        marker, rest = split_marker(raw)
        if _wrapped_at_dash(current, marker, rest):
            marker, rest = "", raw.strip()  # «… сеть\n– ок, пингуется»: a wrap, not an item
        number = _number(marker)
        inside = current.code if current is not None and not current.closed else None
        found = match_label(rest, inside)
        if found is not None and _goes_on(current, marker, rest):
            found = None  # «… и права пользователей\nпроверили - всё в норме»: a wrapped line
        follows = (
            number is not None
            and section is not None
            and marker[-1] == section[1]
            and number == section[2] + 1
            # a list numbered anew inside the section goes on: «2. Что проверили» over
            # «1. … 2. … 3. …» — its «3.» is the list's, not the next section's
            and not (current is not None and _last_item(current) == number - 1)
        )
        if found is not None or follows:
            code, offset = found if found is not None else (None, 0)
            if number is not None:
                section = (code, marker[-1], number)
            elif section is not None and not marker and not raw[:1].isspace():
                section = None  # an unindented plain label ends the numbered section
            current = Entry(code, rest[:offset].strip(" \t:|—–-"), [rest[offset:].strip()])
            current.line, current.marker = line_no, marker
            current.section = section[0] if section and number is None else None
            entries.append(current)
            continue
        # A finished sentence followed by a heading of the partner's own: the value has ended
        # (lines a phone wrote one under the other, with no blank line between statements).
        ended = (
            current is not None
            and current.code is not None
            and bool(current.lines[0])  # the value began on the label's line, as a sentence
            and current.value.endswith((".", "!", "?"))
            and not marker
            and bool(_OWN_HEADING.match(rest))
        )
        if (
            current is not None
            and not ended
            and (not current.closed or not current.value)
            and (not marker or _takes_items(current, headed))
        ):
            current.lines.append(f"{marker} {rest}".strip() if marker else rest)
            current.closed = False
            continue
        current = Entry(None, "", [raw.strip()], line_no, marker)
        entries.append(current)
    return entries

"""Labelled values (R-VAL-5): «Label: value», «Label | value» and Appendix 1 layouts.

Labels are the Russian labels of the §3 tables and their usual synonyms. A label counts at
the start of a line (after a list number or bullet) or of a part of it after «;», or inline
after « / », a comma or two spaces for the short requisites that share a line in the form
(«ИНН: … /КПП: …», «Телефон: … Факс: …», «Р/счет: … в …»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """One text the fields are read from, in precedence order (R-MBX-10)."""

    name: str  # "attachment:<filename>", "body", "subject"
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    code: str
    raw: str
    source: str
    line: int  # 1-based
    excerpt: str


# Labels that may follow another value on the same line (Appendix 1 layout).
_INLINE_OK = re.compile(r"^(?:кпп|факс|огрн\w*|бик|к/с\w*|р/с\w*|инн)", re.I)
_BULLETS = " \t|-•*0123456789.)–—"
# Section labels whose value may start on the next lines.
SECTION_CODES = frozenset(
    {
        "contacts",
        "self_diagnosis",
        "tasks",
        "steps_to_reproduce",
        "description",
        "business_task",
        "deliveries_done",
        "deliveries_planned",
        "interest_reason",
        "signatory",
    }
)
# A list number, a letter of a lettered list («а)», «б)»), a bullet or a table's border.
_LINE_PREFIX = r"(?:^|(?<=\n))[ \t]*(?:\d{1,2}[.)]\s*|[а-яa-z]\)\s*|[-•*–—]\s*|\|\s*)?"


def _compile(labels: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    alternatives = [
        f"(?P<{code}_{i}>{pattern})"
        for code, patterns in labels.items()
        for i, pattern in enumerate(patterns)
    ]
    label = "|".join(alternatives)
    # At a line start, or after a space, « / », « | » or a comma (find_labelled keeps the
    # latter only for the _INLINE_OK requisites); then a separator, a TAB (a table cell), the
    # value's digits («тел. +7 …») or an e-mail address («e-mail info@…»). A bracket of
    # digits before the value is an area code, not a hint («Телефон (3452) 56-70-12», but
    # «Поставки за (2026): …»).
    return re.compile(
        rf"(?:{_LINE_PREFIX}|(?<=[\s/|,]))"
        rf"(?:{label})\.?\s*(?:\([^)\n]{{0,40}}\)\s*(?=[:|—–])|\((?!\s*\d)[^)\n]{{0,40}}\)\s*)?"
        rf"(?::|\||—|–|-(?=\s)|\.{{2,}}(?=\s)|…|(?=\s*\+?[\d_])|(?=\s*\(\d)|(?=\s*[\w.+-]+@\w)"
        rf"|(?<=\t))[ \t]*",
        re.I | re.M,
    )


_COMPILED: dict[int, re.Pattern[str]] = {}


def find_labelled(sources: list[Source], labels: dict[str, tuple[str, ...]]) -> dict[str, Hit]:
    """The first labelled value of each code, by source precedence then position."""
    pattern = _COMPILED.get(id(labels))
    if pattern is None:  # built once per label table: setdefault() would build it every call
        pattern = _COMPILED[id(labels)] = _compile(labels)
    found: dict[str, Hit] = {}
    for source in sources:
        for lineno, line in enumerate(source.text.splitlines(), start=1):
            matches = [
                m
                for m in pattern.finditer(line)
                if not line[: m.start()].strip(_BULLETS)
                or line[: m.start()].rstrip().endswith(";")  # «тел. …; e-mail …;»
                or _INLINE_OK.match(line[m.start() :].lstrip(" /|,"))
            ]
            for index, match in enumerate(matches):
                code = next(k for k, v in match.groupdict().items() if v is not None)
                code = code.rsplit("_", 1)[0]
                end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
                raw = line[match.end() : end].strip(" \t|/,;")
                if code in found or (not raw and code not in SECTION_CODES):
                    continue
                found[code] = Hit(code, raw, source.name, lineno, line.strip())
    return found


def block_after(source_text: str, line: int, max_lines: int = 20) -> list[str]:
    """Lines after a section label up to a blank line or the next «Label:» line."""
    lines = source_text.splitlines()[line : line + max_lines]
    block: list[str] = []
    for text in lines:
        if not text.strip():
            if block:
                break
            continue
        if (
            re.match(r"^\s*[А-ЯЁA-Z][^:|]{2,40}:\s*\S", text)
            and block
            and not re.match(r"^\s*(?:\d+[.)]|[-•*–—])", text)
        ):
            break
        block.append(text.strip())
    return block


# «ПО ............. ТехноГИС Клиент», «Заказчик …… ООО …»: a typed form's dot leader between
# its label and the value stands for the colon.
_DOT_LEADER = re.compile(
    r"^([ \t]*(?:[а-яa-z]\)[ \t]*)?[^\W\d][^.…:\n]{0,60}?)[ \t]*(?:\.{3,}|…+|(?<=\s)\.\.(?=\s))"
    r"[ \t]*(?=\S)",
    re.M | re.I,
)


def dot_leaders_as_colons(text: str) -> str:
    """A label and its value joined by a dot leader, as «label: value»."""
    return _DOT_LEADER.sub(r"\1: ", text)

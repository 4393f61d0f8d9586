"""The software list that turns a pre-pin into a pin (§3.3 `software_list`, 000 §3.1).

Each item has the three data of 000 §3.1: the name of the specialised software, its
purpose and the number of its state registration as a program for a computer (T-REGNUM).
Partners write it as a table (columns named in a header row), as numbered items over
several lines («1. Name / Назначение: … / Свидетельство … № 2021612987»), or one item a
line («• Name — purpose, рег. № 2021612987»). A software-registry entry («запись в
реестре № 12345») is read as written so that the check can explain the difference.
"""

from __future__ import annotations

import re

from parsers.labels import Source
from parsers.types import FieldStatus, ParsedLetter
from parsers.validate import check_regnum, check_text

# The number and the words that introduce it: «Свидетельство о гос. регистрации программы
# для ЭВМ № 2022612345», «рег. № …», «номер гос. регистрации …», «запись в реестре … № 12345».
_REGNUM = re.compile(
    r"(?P<cue>(?:свидетельств\w*|(?:номер\w*\s+)?(?:гос\.?\s*|государственн\w*\s+)?регистрац\w*"
    # a registry entry, not «реестр» inside a name («ТЕХНОКОМ.Адресный реестр — …»)
    r"|рег\.|запис\w*\s+в\s+реестр\w*|в\s+реестр\w*|реестр\w*\s+(?:российск|отечествен)\w*)"
    r"[^\n\d№]{0,80}?(?:№|N|номер)?\s*)?"
    r"(?P<number>(?<!\d)\d{10}(?!\d)|(?<=№ )\d{1,9}(?!\d)|(?<=№)\d{1,9}(?!\d))",
    re.I,
)
# A ten-digit number that is not a requisite of a company (INN, OGRN, account, phone).
_TEN_DIGITS = re.compile(r"(?<!\d)(?<!ИНН )(?<!ИНН: )(?<!ОГРН )(?<!\+7 )\d{10}(?!\d)")
_BULLET = re.compile(r"^\s*(?:\d{1,2}[.)]|[-•*–—])\s*")
_PURPOSE = re.compile(r"^\s*назначение(?:\s+\w+){0,3}\s*[:—–-]\s*", re.I)
_CELLS = re.compile(r"\t+|\s*\|\s*")
_HEADER = {
    "software_name": re.compile(r"наименован|название|продукт|программ(?!\w*\s+для)", re.I),
    "purpose": re.compile(r"назначени", re.I),
    "registration_number": re.compile(r"номер|регистрац|свидетельств|рег\.", re.I),
}
_LIST_CUE = re.compile(
    r"перечень|свидетельств\w*\s+о\s+(?:гос|регистр)|регистрац\w*\s+программ|рег\.\s*№"
    r"|для\s+ЭВМ|в\s+статус\s+закрепленн",
    re.I,
)


# §3.3 item fields as a row's findings name them (the reply shows them to the partner).
ITEM_LABELS = {
    "software_name": "наименование ПО",
    "purpose": "назначение ПО",
    "registration_number": "номер государственной регистрации",
}


def _item(name: str, purpose: str, regnum: str, max_year: int | None) -> dict[str, object]:
    name = _BULLET.sub("", name).strip(" .;,—–-")
    purpose = purpose.strip(" .;,—–-")
    checks = {
        "software_name": check_text(name, 2),
        "purpose": check_text(purpose, 5),
        "registration_number": check_regnum(regnum, max_year),
    }
    item: dict[str, object] = {
        "software_name": checks["software_name"].value or name,
        "purpose": checks["purpose"].value or purpose,
        # The number alone, also for a registry entry checked with its word.
        "registration_number": re.sub(r"\D", "", str(checks["registration_number"].value or ""))
        or regnum,
    }
    problems = [
        f"{ITEM_LABELS[code]}: {c.reason or 'не указано'}"
        for code, c in checks.items()
        if c.status not in (FieldStatus.VALID, FieldStatus.VALID_WITH_WARNING)
    ]
    item["status"] = "invalid" if problems else "valid"
    if problems:
        item["reason"] = "; ".join(problems)
    return item


def _table(lines: list[str], max_year: int | None) -> list[dict[str, object]]:
    """Rows under a header row that names the columns (extra columns are ignored)."""
    for index, line in enumerate(lines):
        cells = [c.strip() for c in _CELLS.split(line.strip(" |"))]
        if len(cells) < 3:
            continue
        columns = {
            code: next((i for i, c in enumerate(cells) if pattern.search(c)), None)
            for code, pattern in _HEADER.items()
        }
        if None in columns.values() or len(set(columns.values())) < 3 or re.search(r"\d{5}", line):
            continue
        items = []
        for row in lines[index + 1 :]:
            values = [c.strip() for c in _CELLS.split(row.strip(" |"))]
            if len(values) < len(cells) - 1:
                if items:
                    break
                continue
            get = {
                code: values[i] if i is not None and i < len(values) else ""
                for code, i in columns.items()
            }
            items.append(
                _item(get["software_name"], get["purpose"], get["registration_number"], max_year)
            )
        if items:
            return items
    return []


def _entries(lines: list[str]) -> list[str]:
    """Items of a list: a bulleted or numbered line with the lines that follow it."""
    entries: list[str] = []
    current: list[str] | None = None
    for line in lines:
        if _BULLET.match(line):
            if current:
                entries.append("\n".join(current))
            current = [line]
        elif not line.strip():
            if current:
                entries.append("\n".join(current))
                current = None
        elif current is not None:
            current.append(line)
    if current:
        entries.append("\n".join(current))
    return entries


# A number of the wrong length after its cue («номер гос. регистрации 202161882»): kept, so
# the check can say what is wrong with it.
_CUED_NUMBER = re.compile(
    r"(?P<cue>(?:регистрац\w*|свидетельств\w*|рег\.)\s*(?:№|N)?\s*)(?P<number>\d{5,12})(?!\d)",
    re.I,
)
# «Name; назначение: …; номер …» on one line
_PURPOSE_INLINE = re.compile(r"[;,]\s*назначение\w*\s*[:—–-]\s*", re.I)


def _from_entry(entry: str, max_year: int | None) -> dict[str, object] | None:
    number = _REGNUM.search(entry) or _CUED_NUMBER.search(entry)
    if number is None or (number.group("cue") is None and not _TEN_DIGITS.search(entry)):
        return None
    if re.search(r"(?:ИНН|ОГРН|КПП|тел)\W{0,3}$", entry[: number.start("number")], re.I):
        return None
    # The number as written; a registry entry keeps its word so the check can explain it.
    registry = re.search(r"реестр", number.group("cue") or "", re.I)
    regnum = f"реестр {number.group('number')}" if registry else number.group("number")
    rest = (entry[: number.start()] + entry[number.end() :]).strip()
    lines = [ln for ln in rest.splitlines() if ln.strip()]
    purpose_lines = [_PURPOSE.sub("", ln) for ln in lines if _PURPOSE.match(ln)]
    if purpose_lines:
        name = next((ln for ln in lines if not _PURPOSE.match(ln)), "")
        purpose = " ".join(purpose_lines)
    elif len(inline := _PURPOSE_INLINE.split(" ".join(lines), maxsplit=1)) == 2:
        name, purpose = inline[0], inline[1].rstrip(" ;,")
        purpose = re.sub(
            r"[;,]\s*(?:номер|свидетельств|рег\.|в\s+реестр)[^;]*$", "", purpose, flags=re.I
        )
    else:
        # «Name — purpose» or «Name (details) — purpose, рег. № …» on one line.
        parts = re.split(r"\s+[—–]\s+|\s+-\s+", " ".join(lines), maxsplit=1)
        name, purpose = parts[0], parts[1] if len(parts) > 1 else ""
    return _item(name, purpose, regnum, max_year)


def software_items(source: Source, max_year: int | None) -> list[dict[str, object]]:
    """Items of a software list in one text, table first, then list entries."""
    lines = source.text.splitlines()
    items = _table(lines, max_year)
    if items:
        return items
    items = [item for e in _entries(lines) if (item := _from_entry(e, max_year)) is not None]
    if items:
        return items
    # Rows without a header or bullets: «Name | purpose | 2019612345», «Name — purpose — рег. № …».
    rows = [" — ".join(c for c in _CELLS.split(line.strip(" |")) if c.strip()) for line in lines]
    return [item for row in rows if (item := _from_entry(row, max_year)) is not None]


def looks_like_software_list(letter: ParsedLetter) -> bool:
    """§2.4: a software list sent without thread headers — a list or table of programs with
    a state registration number (or a registry entry in its place) and the words of §3.1."""
    texts = [letter.subject, letter.new_text]
    texts += [a.text for a in letter.attachments if a.text]
    text = "\n".join(texts)
    if not _LIST_CUE.search(text):
        return False
    return bool(software_items(Source("body", "\n".join(texts[1:])), None))

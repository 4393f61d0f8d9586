"""The 000 §4.2 form of a Service Desk ticket as partners fill it: labelled entries per field.

Labels (parsers.labels.TICKET_LABELS) are read at a line start by parsers.form, so values on
the next lines, numbered sections with sub-items and «Label | value» rows all count. Several
labels on one line («Tracker: Неисправность, Priority: Высокий», «ПО: Web-ГИС 2.5, компонент
«Печать»») are split into one entry each. An unlabelled item of a numbered form takes the
field of the seed's item with that number («4. ТЕХНОКОМ ГИС … — компонент …»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.form import Entry, read_form
from parsers.label_tables import TICKET_LABELS
from parsers.labels import Source
from parsers.morph import genitive_word, reading
from parsers.ticket_diagnosis import reads_as_answer

_PATTERNS = tuple(
    (code, re.compile(rf"(?:{pattern})(?![\w-])", re.I))
    for code, patterns in TICKET_LABELS.items()
    for pattern in patterns
)
_PAREN = re.compile(r"\s*\([^)\n]{0,40}\)")
# «Label: value», a table cell, a dash, or a dot leader («ПО .......... EcoMonitor»).
_SEPARATOR = re.compile(r"\s*(?::|\||\t|—|–|-(?=\s)|\.{2,}(?=\s)|…|$)\s*")
# «Краткое описание проблемы или вопроса:», «Бизнес-задача / ТЗ на доработку:».
_LABEL_TAIL = re.compile(
    r"\s*(?:(?:или|и|,)\s+|/\s*)[^:|\n\d«»\"]{1,50}?(?=\s*:)"
    # «Критичность по нашей оценке», «Приоритет (на наш взгляд)»
    r"|\s+по\s+(?:нашей|вашей|нашему|их)\s+(?:оценке|классификации|мнению)"
    # «Договор тот же: № …», «Заказчик прежний: …»
    r"|\s+(?:тот\s+же|та\s+же|то\s+же|те\s+же|прежн\w+|прошл\w+|действующ\w+)(?=\s*:)",
    re.I,
)
_NUMBER_SIGN = re.compile(r"\s*(?:№|N\b|No\b|#)")
# «Базовое ПО: наименование и версия: …» — the seed's sub-label belongs to the label.
_SUBLABEL = re.compile(
    r"(?:(?:наименование|версия|номер|дата|краткое\s+описание)(?:\s*(?:и|,)\s*)?){1,3}\s*:\s*",
    re.I,
)
# Labels that name a check when they appear inside the self-diagnosis block.
_CHECK_LIKE = frozenset({"base_software", "software_name"})
# 000 §4.2 item numbers → the field of an unlabelled item (item 6 has several sub-items).
_SEED_ITEMS = {
    1: "self_diagnosis",
    2: "legal_entity",
    3: "license_contract",
    4: "software_name",
    5: "base_software",
}
# Labels that may follow another value on the same line, and what may precede them.
_INLINE = frozenset(
    {"tracker", "priority", "component", "steps_to_reproduce", "base_software", "app_logs"}
    | {"license_contract"}  # «ПО: ТехноКад 3.8, договор № 7 от 01.03.2025»
)
# A short verdict may head the §4.1 answers listed below it («Самодиагностика - всё ок»).
_HEADED = frozenset({"self_diagnosis"})
# Enumerated values take one line: the lines after «Тип - сбой, приоритет срочный.» are prose.
_ONE_LINE = frozenset({"tracker", "priority"})
# Headings that may end with a period, the text after it («Бизнес-задача. С 2027 года …»).
_PERIOD_HEADINGS = frozenset({"business_task"})
# Short values that may carry another label after them; prose fields are never split.
_SPLIT = frozenset(
    {"tracker", "priority", "software_name", "component", "base_software", "legal_entity"}
    | {
        "license_contract",
        "screenshots",
        "base_software_logs",
        "app_logs",
        "software_and_component",
    }
)
_INLINE_AT = re.compile(r"(?:[.,;]\s+|\s+[/—–-]\s+|\()")


# A qualifier before a label in the partner's own row names: «Затронутый модуль»,
# «Пострадавшая организация», «Прикладной продукт», «Используемое ПО».
_QUALIFIER = re.compile(r"([А-ЯЁа-яё]{3,}(?:ый|ий|ой|ая|яя|ое|ее|ые|ие))\s+")


_WHOSE = re.compile(r"\s+([а-яё]{3,})(?=\s*:)")


def _qualifies(word: str) -> bool:
    return reading(word)[0] in ("ADJF", "PRTF")


def match_label(line: str, inside: str | None) -> tuple[str, int] | None:
    """(code, value offset) when `line` starts with a ticket label, or with one after a
    qualifier (_QUALIFIER); the longest label wins."""
    found = _label_at(line, inside)
    if found is None and (qualifier := _QUALIFIER.match(line)) and _qualifies(qualifier.group(1)):
        rest = line[qualifier.end() :]
        tail = _label_at(rest[:1].upper() + rest[1:], inside)  # the row's name, capitalised
        # «Высокий приоритет — …», «Срочная неисправность»: there the qualifier is the value
        if tail is not None and tail[1] > 0 and tail[0] not in _ONE_LINE:
            return tail[0], tail[1] + qualifier.end()
    return found


def _label_at(line: str, inside: str | None) -> tuple[str, int] | None:
    best: tuple[str, int, int] | None = None
    for code, pattern in _PATTERNS:
        match = pattern.match(line)
        if not match or (best and match.end() <= best[2]):
            continue
        end = match.end()
        if paren := _PAREN.match(line, end):
            end = paren.end()
        if tail := _LABEL_TAIL.match(line, end):
            end = tail.end()
        elif (whose := _WHOSE.match(line, end)) and genitive_word(whose.group(1)):
            end = whose.end()  # «Продукт вендора:», «ИНН контрагента:», «Модуль системы:»
        if separator := _SEPARATOR.match(line, end):
            if not separator.group(0).strip() and line[:1].islower():
                continue  # «договорам» alone: a wrapped line's last word; headings have capitals
            best = (code, separator.end(), match.end())
        elif code in _PERIOD_HEADINGS and line[end : end + 2] == ". ":
            best = (code, end + 2, match.end())
        elif code == "license_contract" and _NUMBER_SIGN.match(line, end):
            best = (code, 0, match.end())  # «Лицензионный договор № …»: the label is the value
    if best is None:
        return None
    code, offset, _ = best
    value = line[offset:]
    # «Базовое ПО — работает корректно» answers §4.1, it names no software: inside a
    # self-diagnosis block, or anywhere when it gives no version either.
    answers = code in _CHECK_LIKE and reads_as_answer(value)
    if answers and (inside == "self_diagnosis" or not re.search(r"\d", value)):
        return None
    if sub := _SUBLABEL.match(line, offset):
        offset = sub.end()
    return code, offset


@dataclass(frozen=True, slots=True)
class Field:
    """One field's text as the form gives it, with where it was found."""

    code: str
    text: str
    source: str
    line: int
    excerpt: str
    section: str | None = None


def _inline(code: str, text: str) -> list[tuple[str, str]]:
    """Split «A, Label: B» into [(code, A), (label code, B)] for the labels of _INLINE."""
    for boundary in _INLINE_AT.finditer(text):
        rest = text[boundary.end() :]
        found = match_label(rest, None)
        if found is None or found[0] not in _INLINE or found[0] == code:
            found = _quoted_component(rest)
        if found is not None and found[0] != code:
            head = text[: boundary.start()].strip()
            tail_code, offset = found
            return [(code, head), *_inline(tail_code, rest[offset:].strip())]
    return [(code, text)]


def _quoted_component(text: str) -> tuple[str, int] | None:
    """«компонент «Печать карт»», «модуль "Импорт"»: a component named in quotes."""
    match = re.match(r"(?:функциональн\w+\s+)?(?:компонент\w*|модул\w*)\s+(?=[«\"“])", text, re.I)
    return ("component", match.end()) if match else None


_PAIR_SPLIT = re.compile(r"\s*/\s*|\s+и\s+")


def _label_pair(code: str, label: str, value: str) -> list[tuple[str, str]] | None:
    """«Тип / приоритет: Ошибка / Высокий», «Продукт / модуль: Земля / Аренда»: two labels
    and two values in one row, each value its label's."""
    labels = _PAIR_SPLIT.split(label, maxsplit=1)
    if len(labels) != 2 or value.count("\n") > 1:
        return None  # a list under the label, not two values
    value = " ".join(value.split())  # a value the mail client wrapped once
    # «Ошибка / Высокий», or with a comma: «ошибка, низкий (на работу не влияет)»
    values = re.split(r"\s+/\s+", value, maxsplit=1)
    # one comma between two values; not «Базовое ПО: наименование и версия», nor a value
    # that goes on naming its parts («ТехноПлан, версия 2.1; компонент «Сметы»»)
    if len(values) != 2 and ":" not in label and ";" not in value and value.count(", ") == 1:
        values = value.split(", ", 1)
    if len(values) != 2:
        return None
    second = match_label(f"{labels[1][:1].upper()}{labels[1][1:]}:", None)
    if second is None or second[0] == code:
        return None
    return [(code, values[0]), (second[0], values[1])]


def _seed_numbering(entries: list[Entry]) -> bool:
    """True when the numbered items follow 000 §4.2's order (two or more agree)."""
    agree = 0
    for entry in entries:
        head = re.match(r"\d+", entry.marker)
        if head and entry.code and _SEED_ITEMS.get(int(head.group(0))) == entry.code:
            agree += 1
    return agree >= 2


def _numbered_values(entries: list[Entry]) -> list[Entry]:
    """«Последовательность действий: 1. Открыть …» with «2. …», «3. …» on the lines below:
    the numbered lines go on the labelled value instead of standing as items of their own."""
    kept: list[Entry] = []
    expect = 0
    for entry in entries:
        number = re.match(r"(\d{1,2})[.)]$", entry.marker)
        if expect and entry.code is None and number and int(number.group(1)) == expect:
            kept[-1].lines.extend(entry.lines)
            expect += 1
            continue
        kept.append(entry)
        first = re.match(r"\s*1[.)]\s", entry.value) if entry.code else None
        expect = 2 if first else 0
    return kept


def form_fields(sources: list[Source]) -> dict[str, list[Field]]:
    """Every labelled value per field code, in source precedence then position."""
    found: dict[str, list[Field]] = {}
    for source in sources:
        if source.name == "subject":
            continue
        entries = _numbered_values(read_form(source.text, match_label, _HEADED))
        seed = _seed_numbering(entries)
        lines = source.text.splitlines()
        for entry in entries:
            code = entry.code
            head = re.match(r"\d+", entry.marker)
            if code is None and seed and head:
                code = _SEED_ITEMS.get(int(head.group(0)))
            if not code:
                # prose paragraphs, for answers given in passing — in the letter or in a
                # document it attaches («Протокол самодиагностики» in a PDF)
                if source.name == "body" or source.name.startswith("attachment:"):
                    paragraph = Field("", entry.value, source.name, entry.line, "")
                    found.setdefault("", []).append(paragraph)
                continue
            excerpt = lines[entry.line - 1].strip() if entry.line else ""
            if (
                code in _ONE_LINE
                and entry.lines[0]
                and len(entry.lines) > 1
                and source.name == "body"
            ):
                rest = "\n".join(entry.lines[1:])
                found.setdefault("", []).append(Field("", rest, "body", entry.line + 1, ""))
                entry.lines = entry.lines[:1]
            parts = _label_pair(code, entry.label, entry.value) or (
                _inline(code, entry.value) if code in _SPLIT else [(code, entry.value)]
            )
            for part_code, text in parts:
                field = Field(part_code, text, source.name, entry.line, excerpt, entry.section)
                found.setdefault(part_code, []).append(field)
    return found


def first(found: dict[str, list[Field]], code: str) -> Field | None:
    """The first non-empty value of `code`."""
    return next((f for f in found.get(code, []) if f.text.strip()), None)


def answered_fields(pairs: list[tuple[str, str]]) -> dict[str, list[Field]]:
    """Fields a reply gives inline, under the quoted clarification that asks for them
    (parsers.quotes.inline_answers): each answer is read as the value of the first label its
    question names («> 1. Приоритет (Priority): не указан…» / «Высокий.» → priority)."""
    lines = []
    for question, answer in pairs:
        found = [
            (m.start(), -len(m.group(0)), m.group(0))
            for _, p in _PATTERNS
            # short labels («по», «тип») are words of any sentence: not searched for here
            if (m := p.search(question)) and len(m.group(0)) >= 5
        ]
        if found:
            label = min(found)[2]
            lines.append(f"{label[:1].upper()}{label[1:]}: {' '.join(answer.split())}")
    return form_fields([Source("body", "\n".join(lines))]) if lines else {}

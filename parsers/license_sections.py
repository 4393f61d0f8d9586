"""The parts of an Appendix 1 form (000 App. 1, spec §3.5) as the partner laid them out.

The form has a header (outgoing number and date), paragraph 1 naming the applicant, the
project description (software, end customer, its INN), the purposes, the applicant's data
(«5. Данные участника»: addresses, phones, requisites) and the head's signature line. A
requisite belongs to the part it appears in: the INN in a project row is the end
customer's, the INN under «Данные участника» is the applicant's. Sections keep the line
numbers of the source: lines outside a section are blanked, not removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.dates import DATE_PATTERN, check_date
from parsers.labels import Hit, Source, dot_leaders_as_colons
from parsers.license_labels import LICENSE_LABELS
from parsers.validate import is_placeholder

_PROJECT_START = re.compile(
    r"описани\w*\s+проекта|наименование\s+(?:программного\s+обеспечения|\w*\s*ПО)\b"
    r"|^\W*(?:инн\s+)?конечн\w+\s+(?:заказчик|пользовател)"
    # «ПО: Web-ГИС ТЕХНОКОМ — 1 лицензия + …» opening a short form
    # (or as a vertical table's first cell: «Программное обеспечение | …»)
    r"|^\W*(?-i:ПО)\s*[:—–|\t]|^\W*программн\w+\s+(?:обеспечени|продукт)\w*\s*[:—–|\t]"
    r"|^\W*программ[аы]\s*[:—–|\t]"
    # «Продукт: …», «Лицензии: …», «Заказчик: …», «Получатель: …» opening a short form
    r"|^\W*(?:продукт\w*|лицензи[яи])\s*[:—–|\t]"
    r"|^\W*(?:конечн\w+\s+)?(?:заказчик|клиент|получател\w*)\s*[:—–|\t]"
    # own headings: «Проект: …», «Проект» alone, «ПО и заказчик:», a short form's «Что:»
    r"|^\W*проект\s*(?:[:—–]|$)|^\W*(?:ПО|программ\w+|продукт\w*)\s+и\s+(?:конечн\w+\s+)?заказчик"
    r"|^\W*(?:что(?:\s+(?:нужно|требуется|заказываем|покупаем|приобретаем))?|кому|для\s+кого)"
    r"(?:\s*\([^)\n]{0,40}\))?\s*[:—–]"
    # a table's header naming the software and the customer among its cells
    r"|^(?=[^\n]*[|\t])(?=[^\n]*(?:программ|продукт|\bПО\b|наименовани))[^\n]*заказчик",
    re.I,
)
_PURPOSES_START = re.compile(
    r"цел\w*\s+приобретения|^\W*(?:цел[ьи]\w*|для\s+чего|зачем|назначение)\s*[:—–|\t]", re.I
)
_APPLICANT_START = re.compile(
    r"^\W*(?:\d\.?\s*)?(?:данные|реквизиты|сведения)\s+(?:об?\s+)?(?:участник|заявител|организаци)"
    r"|^\W*(?:наши|мои)\s+(?:данные|реквизиты)\b",
    re.I,
)
# Paragraphs 3–4 of the form close the project part when the purposes are missing.
_AGREEMENT = re.compile(r"^\s*\d\.\s*(?:мы\s+согласны|настоящим\s+подтверждаем)", re.I)
# Where the sender's own e-mail signature (not part of the form) begins.
SIGN_OFF = re.compile(
    r"^\s*(?:--+\s*|—\s*|_{5,}\s*|с\s+уважением\b.*|с\s+наилучшими\b.*|best\s+regards\b.*|"
    r"отправлено\s+(?:с|из)\s.*|sent\s+from\s.*)$",
    re.I,
)
_LABELS = "|".join(p for patterns in LICENSE_LABELS.values() for p in patterns)
# Any label of the license table alone on its line («ИНН:», «Р/счет:»): the value follows.
_LABEL_ALONE = re.compile(
    rf"^\s*(?:\d{{1,2}}[.)]\s*|[-•*]\s*)?(?:{_LABELS})\s*(?:\([^)\n]{{0,40}}\))?\s*[:|—–-]?\s*$",
    re.I,
)
# Any label of the license table starting a line.
_LABEL_START = re.compile(
    rf"^\s*(?:\d{{1,2}}[.)]\s*|[-•*]\s*)?(?:{_LABELS})(?![\w])",
    re.I,
)
# «участия ООО «Ромашка» в Партнерской программе» (paragraph 1 of the form).
_APPLICANT_IN_TEXT = re.compile(
    r"участия\s+(?!в\s)(.{2,150}?)\s+в\s+партн[её]рск\w+\s+программ", re.I | re.S
)
_LEGAL_FORM = re.compile(
    r"^\s*(?:ООО|ОАО|ЗАО|ПАО|АО|НАО|ИП|Индивидуальный\s+предприниматель|"
    r"Общество\s+с\s+ограниченной|Акционерное\s+общество)\b",
    re.I,
)
_ORGANISATION_LINE = re.compile(
    r"^\s*(?:(?:ООО|ОАО|ЗАО|ПАО|АО|НАО)\s*[«\"][^»\"\n]{2,80}[»\"]+"
    # a sole proprietor: «ИП Шумилов Артём Валерьевич», «ИП Гарипова Л.Р.»
    r"|(?:ИП|Индивидуальный\s+предприниматель)\s+[А-ЯЁ][а-яё-]+"
    r"(?:(?:\s+[А-ЯЁ][а-яё-]+){1,2}|\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?))\s*$"
)
# «Исх. № 118 от 30.11.2026», «Исх. N УКП-340», «Исходящий номер: 45»; the date may follow
# on the next line («От «10» декабря 2026 г.»).
_OUTGOING = re.compile(
    r"(?:^|(?<=[\s(]))(?:исх(?![а-яё])\.?|исходящ\w*(?:\s+номер\w*)?)\s*(?:№|N\b|No\.?)?\s*[:.]?\s*"
    r"(?!от\b)([^\s,;]+(?:\s+[^\s,;]+)?)",
    re.I,
)
_DATE_LINE = re.compile(rf"^\s*(?:от|дата)?\s*[:.]?\s*({DATE_PATTERN})", re.I)


@dataclass(frozen=True, slots=True)
class FormParts:
    """One source cut into the form's parts; each keeps the source's line numbering."""

    source: Source
    project: Source
    applicant: Source  # «Данные участника» up to the sender's e-mail signature
    rest: Source  # everything but the project part and the e-mail signature (letterheads)
    # The sender's e-mail signature: the applicant's requisites when the letter puts them
    # nowhere else («Реквизиты нашей организации — в подписи ниже»).
    signature: Source


def _keep(name: str, lines: list[str], start: int, stop: int) -> Source:
    kept = [line if start <= i < stop else "" for i, line in enumerate(lines)]
    return Source(name, "\n".join(kept))


def join_values_on_next_line(text: str) -> str:
    """«ИНН:» alone on a line and the value on the next one → «ИНН: value»; a value a mail
    client wrapped («ул. Мира,» / «д. 68, оф. 5») → one line (same numbering)."""
    lines = text.splitlines()
    for index, line in enumerate(lines[:-1]):
        if _LABEL_START.match(line) and not _LABEL_ALONE.match(line):
            after = lines[index + 1]
            ends = (",", " г.", "ул.", "д.", "ИНН", "№")  # nothing a value ends with
            wrapped = after[:1].islower() or line.rstrip().endswith(ends)
            label = _LABEL_START.match(after) or SIGN_OFF.match(after)
            if wrapped and after.strip() and not label:
                lines[index], lines[index + 1] = f"{line.rstrip()} {after.strip()}", ""
            continue
        if not _LABEL_ALONE.match(line):
            continue
        follow = next(
            (i for i in range(index + 1, min(index + 3, len(lines))) if lines[i].strip()), None
        )
        if follow is None or _LABEL_ALONE.match(lines[follow]) or SIGN_OFF.match(lines[follow]):
            continue
        separator = "" if line.rstrip().endswith((":", "|", "—", "–", "-")) else ":"
        lines[index] = f"{line.rstrip()}{separator} {lines[follow].strip()}"
        lines[follow] = ""
    return "\n".join(lines)


# «а) Продукт: …», «г) Наши данные:»: a lettered list's letters, which no label starts with.
_LETTERED = re.compile(r"^([ \t]*)[а-яa-z]\)[ \t]+", re.M | re.I)


def split_form(source: Source) -> FormParts:
    text = _LETTERED.sub(r"\1", dot_leaders_as_colons(source.text))
    lines = join_values_on_next_line(text).splitlines()
    project = next((i for i, ln in enumerate(lines) if _PROJECT_START.search(ln)), None)
    purposes = next(
        (i for i, ln in enumerate(lines) if _PURPOSES_START.search(ln) and i > (project or -1)),
        None,
    )
    applicant = next((i for i, ln in enumerate(lines) if _APPLICANT_START.match(ln)), None)
    if project is not None:
        ends = [
            i
            for i, ln in enumerate(lines)
            if i > project and (_AGREEMENT.match(ln) or _APPLICANT_START.match(ln))
        ]
        project_end = min([purposes, *ends] if purposes is not None else ends, default=None)
        if project_end is None:  # no purposes and no applicant part: the requisites start it
            project_end = next(
                (i for i, ln in enumerate(lines) if i > project and _requisite_line(ln)),
                len(lines),
            )
    start = applicant if applicant is not None else (project_end if project is not None else 0)
    sign_off = next(
        (i for i, ln in enumerate(lines) if i > start and SIGN_OFF.match(ln)), len(lines)
    )
    rest_lines = [
        "" if project is not None and project <= i < project_end else line
        for i, line in enumerate(lines[:sign_off])
    ]
    return FormParts(
        source=Source(source.name, "\n".join(lines)),
        project=_keep(source.name, lines, project, project_end)
        if project is not None
        else Source(source.name, ""),
        applicant=_keep(source.name, lines, applicant, sign_off)
        if applicant is not None
        else Source(source.name, ""),
        rest=Source(source.name, "\n".join(rest_lines)),
        signature=Source(
            source.name, "\n".join("" if i < sign_off else ln for i, ln in enumerate(lines))
        ),
    )


_REQUISITE = re.compile(
    r"^\s*(?:юр(?:идическ\w+|\.)\s*(?:и\s+почт\w*\.?\s*)?адрес|почт(?:ов\w+|\.)\s*адрес"
    r"|адрес\s+(?:регистрации|юридическ|почтов|для\s)"
    r"|тел(?:ефон|\.)|инн\s*[:/\d]|кпп|огрн|р/с|бик|e-?mail|казначейск|единый\s+казн)",
    re.I,
)


def _requisite_line(line: str) -> bool:
    return bool(_REQUISITE.match(line))


def applicant_name(parts: list[FormParts], hits: dict[str, Hit]) -> tuple[str, Hit] | None:
    """The applicant: a labelled «Наименование участника», paragraph 1, or the letterhead."""
    if (hit := hits.get("applicant_name")) and not is_placeholder(hit.raw):
        return hit.raw, hit
    for part in parts:
        text = part.source.text
        if match := _APPLICANT_IN_TEXT.search(text):
            name = " ".join(match.group(1).split()).strip(" ,")
            if not is_placeholder(name):
                line = text.count("\n", 0, match.start()) + 1
                return name, Hit("applicant_name", name, part.source.name, line, name)
    for part in parts:  # a letterhead: the organisation's name above «Исх. №»
        if not part.source.name.startswith("attachment:"):
            continue
        for line_no, line in enumerate(part.source.text.splitlines()[:5], start=1):
            if _LEGAL_FORM.match(line) and len(line) < 120:
                name = line.split("•")[0].strip()
                return name, Hit("applicant_name", name, part.source.name, line_no, line.strip())
    for part in parts:  # the organisation alone on a line of the sender's signature
        for line_no, line in enumerate(part.source.text.splitlines(), start=1):
            if _ORGANISATION_LINE.match(line):
                name = line.strip()
                return name, Hit("applicant_name", name, part.source.name, line_no, name)
    return None


def outgoing_ref(parts: list[FormParts]) -> tuple[str, str | None, Hit] | None:
    """(number, raw date or None, evidence) of «Исх. № … от …» in the form's header."""
    for part in parts:
        lines = part.rest.text.splitlines()
        for index, line in enumerate(lines):
            match = _OUTGOING.search(line)
            if not match:
                continue
            tail = line[match.start(1) :]
            number = re.split(rf"\s+от\b|\s+(?={DATE_PATTERN})", tail, maxsplit=1)[0]
            number = number.strip(" .,;:№")
            if is_placeholder(number) or not re.search(r"\d", number):
                continue
            remainder = tail[len(number) :]
            date = remainder if check_date(remainder).value else None
            if date is None:
                follow = next((ln for ln in lines[index + 1 : index + 3] if ln.strip()), "")
                if found := _DATE_LINE.match(follow):
                    date = found.group(1)
            hit = Hit("outgoing_ref", line.strip(), part.source.name, index + 1, line.strip())
            return number, date, hit
    return None

"""The Appendix 1 form (§3.5): purposes (D-18) and the head's signature line."""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.contacts import find_person
from parsers.context import Context
from parsers.labels import Hit, Source
from parsers.validate import MISSING, Check, bad, ok, warn

PURPOSES = (
    ("own_use", r"воспроизведени\w*\s+для\s+собственн\w*|собственн\w+\s+использовани\w*"),
    ("demo", r"демонстрац\w*|\bдемо\w*|для\s+показ\w*"),
    ("sublicensing", r"сублиценз\w*|простых\s+неисключительных"),
    (
        "extension_development",
        # «разработки и тестирования модуля …, расширяющего функционал системы»
        r"разработк\w*\s*(?:/|и)?\s*тестировани\w*|расшир\w+\s+функционал\w*"
        # «разработка доп. компонентов (модуль интеграции …)»
        r"|разработк\w*\s+(?:доп\.|дополнительн\w*)\s*(?:функциональн\w+\s+)?компонент",
    ),
    (
        "support_modification",
        # «право вносить изменения в компоненты — мы их сопровождаем»
        r"модификаци\w*|оказания\s+технической\s+поддержки"
        r"|изменени\w*\s+в\s+(?:функциональн\w+\s+)?компонент",
    ),
)
# §3.5 selection markers before the purpose («☑», «[x]», «+», «X») or «да»/«нет» after it.
# A mark in brackets or parentheses («[x]», «[+]», «( * )»), or a bare «+»/«x» opening the line.
_SELECTED_HEAD = re.compile(r"[☑☒✓✔✅]|[\[(]\s*[xXхХ✓✔+*vV]\s*[\])]|^\s*[-•]?\s*[+xXхХ✓✔]\s", re.I)
# «… — да», «… — нужно», «требуется» after the purpose; «нет», «не нужно» for one left out.
_SELECTED_TAIL = re.compile(r"\b(?:да|нужн\w*|требуется)\s*[.;!]?\s*$", re.I)
_UNSELECTED_HEAD = re.compile(r"[☐□]|[\[(]\s*[-–]?\s*[\])]")
_UNSELECTED_TAIL = re.compile(
    r"\b(?:нет|не\s+(?:нужн\w*|требуется|планиру\w+|интересу\w+))\s*[.;!]?\s*$", re.I
)
_POSITION = re.compile(
    r"((?:Генеральн\w+\s+|Исполнительн\w+\s+)?[Дд]иректор\w*|Руководител\w+|Президент|"
    r"Управляющ\w+|Индивидуальн\w+\s+предпринимател\w+|Председател\w+)[^\n_]{0,80}",
)
# What may stand before the head's title on its line: a number or bullet, a label
# («Подписант:», «Должность и ФИО руководителя:»), a deputy's title.
_HEAD_LINE_START = re.compile(
    r"[\s\d.)•*-]*(?:[а-яa-z]\)\s*)?(?:[^:\n—–]{1,60}[:—–]\s*)?"
    r"(?P<deputy>(?:заместител\w*|зам\.|врио|и\.\s?о\.)(?:\s+[а-яё]+){0,2}\s+)?",
    re.I,
)
_QUOTED = re.compile(r"[«\"][^»\"\n]*[»\"]")
# In an e-mail signature only the head's own title counts, opening its line.
_SIGNATURE_HEAD = re.compile(
    r"\s*(?:Генеральн\w+\s+|Исполнительн\w+\s+)?(?:директор|руководител\w*|президент"
    r"|управляющ\w+|индивидуальн\w+\s+предпринимател\w+)\b(?!\s+по\s)",
    re.I,
)
_ADDRESSEE = re.compile(r"руководител\w+\s+ООО\s+[«\"]?ТЕХНОКОМ", re.I)
# Where the position ends on the head's line: the blank for the signature, a cell break,
# «(подпись)», «М.П.» or a wide gap before the name.
_POSITION_END = re.compile(r"_{2,}|\s{3,}|\||/|\t|\(|М\.П\.")
_SIGN_MARKS = re.compile(r"\((?:личная\s+)?подпись\)|\(расшифровка[^)]*\)|М\.П\.|_+|[/|]")
# A template line («Наименование должности руководителя участника»), not the head's line.
_LABEL_LINE = re.compile(r"^\s*(?:наименование\s+должности|\(|должность\s*:?\s*$)", re.I)


def _mark(line: str, pattern: str) -> str | None:
    """'on:<marker>', 'off' or 'plain' for a line naming a purpose; None otherwise."""
    match = re.search(pattern, line, re.I)
    if not match:
        return None
    head, tail = line[: match.start()], line[match.end() :]
    if _UNSELECTED_HEAD.search(head) or _UNSELECTED_TAIL.search(tail):
        return "off"
    marker = _SELECTED_HEAD.search(head) or _SELECTED_TAIL.search(tail)
    return f"on:{marker.group(0).strip().lower()}" if marker else "plain"


def purposes(lines: list[str]) -> tuple[list[str], bool]:
    """(selected purpose codes, all five marked alike) by the markers of §3.5 and D-18.

    With explicit markers, the marked lines are selected. Without any, the lines left in
    the form are selected, but those declined («— нет», «[ ]»): partners delete or decline
    the purposes they do not want.
    """
    marks: dict[str, str] = {}
    for line in lines:
        # A clause may name several purposes («для собственного использования и демо — не
        # нужно»): its mark is each one's.
        for code, pattern in PURPOSES:
            if code not in marks and (mark := _mark(line, pattern)) is not None:
                marks[code] = mark
    # Marked as chosen: those. Otherwise the purposes written and not declined.
    explicit = any(m.startswith("on") for m in marks.values())
    wanted = (lambda m: m.startswith("on")) if explicit else (lambda m: m == "plain")
    chosen = [code for code, _ in PURPOSES if code in marks and wanted(marks[code])]
    alike = len(chosen) == len(PURPOSES) and len({marks[c] for c in chosen}) == 1
    return chosen, alike


_CLAUSES = re.compile(r";|(?<=[.!?])\s+(?=[А-ЯЁA-Z])")
# The heading of the purposes: the form's «Цель приобретения ПО», or «Цель:»/«Цели —» alone.
_PURPOSE_HEADING = re.compile(
    r"цел\w*\s+приобретения|^\W*(?:цел[ьи]|для\s+чего|зачем|назначение)\s*[:—–-]", re.I
)


def purpose(ctx: Context) -> None:
    for source in ctx.sources:
        lines = source.text.splitlines()
        for index, line in enumerate(lines):
            if not _PURPOSE_HEADING.search(line):
                continue
            block = lines[index : index + 9]
            # «собственное использование — нет; сублицензии — да»: one answer per clause.
            # and «… техподдержки. Для демо — не нужно»: one per sentence too.
            parts = [part for text in block for part in _CLAUSES.split(text) if part.strip()]
            chosen, alike = purposes(parts)
            hit = Hit("purpose", "\n".join(block), source.name, index + 1, line.strip())
            if not chosen:
                ctx.put("purpose", MISSING, hit)
            elif alike:
                # D-18: all five marked the same way: all selected, but please check.
                reason = "отмечены все пять целей приобретения: проверьте, что это не шаблон"
                ctx.put("purpose", warn(chosen, reason), hit)
                ctx.flags.append("all_purposes_marked")
            else:
                ctx.put("purpose", ok(chosen), hit)
            return
    # No heading (a request told in prose, §3.5): the purposes its sentences name, those
    # declined left out («… демо — не нужно»).
    for source in ctx.sources:
        if source.name == "subject":
            continue
        parts = [part for part in _CLAUSES.split(source.text) if part.strip()]
        chosen, _ = purposes(parts)
        if chosen:
            line = next((ln for ln in source.text.splitlines() if ln.strip()), "")
            ctx.put("purpose", ok(chosen), Hit("purpose", source.text[:300], source.name, 1, line))
            return
    ctx.put("purpose", MISSING)


def signatory(
    ctx: Context,
    hit: Hit | None,
    regions: list[Source],
    signatures: Sequence[Source] = (),
    preambles: Sequence[Source] = (),
) -> None:
    """Position and name of the head who signs the form (not the sender of the e-mail).

    `regions` are the form's applicant parts up to the sender's e-mail signature: the
    head's line («Генеральный директор ____ /Иванов И.И./», «Директор (подпись) М.П.
    Петрова Анна Сергеевна», the name on the next line) is the first position found there.
    `signatures` are e-mail signatures that may sign the request too; there the name
    usually stands on the line above the position. Without a head's line, an official
    letter's preamble («… в лице генерального директора …») in `preambles` names the head.
    """
    if hit and (name := find_person(hit.raw)):
        before, _, after = hit.raw.partition(name)
        position = before.strip(" ,—-_/|") or after.strip(" ,—-_/|")
        ctx.put("signatory", _signatory_check(position, name), hit)
        return
    for source in [*regions, *signatures]:
        lines = source.text.splitlines()
        for index, line in enumerate(lines):
            match = _POSITION.search(line)
            if not match or _ADDRESSEE.search(line) or _LABEL_LINE.match(line):
                continue
            if source in signatures and not _SIGNATURE_HEAD.match(line):
                continue  # a deputy, «коммерческий директор», «директор по развитию»
            lead = _HEAD_LINE_START.fullmatch(line[: match.start()])
            if lead is None:
                continue  # «По поручению директора направляю …»: a sentence, not the head's line
            position = _POSITION_END.split(match.group(0), maxsplit=1)[0].strip(" ,")
            # the organisation in quotes after the title is no person («директор ООО «…»»)
            rest = _QUOTED.sub(" ", _SIGN_MARKS.sub(" ", line[match.start() + len(position) :]))
            name = find_person(rest) or find_person(_QUOTED.sub(" ", position))
            for follow in lines[index + 1 : index + 4]:
                if name or not follow.strip():
                    break
                name = find_person(_QUOTED.sub(" ", _SIGN_MARKS.sub(" ", follow)))
            if not name and source in signatures:
                name = next(
                    (
                        p
                        for above in reversed(lines[max(0, index - 2) : index])
                        if (p := find_person(above))
                    ),
                    None,
                )
            if not name and source in signatures:
                continue  # a position without a name in a signature signs nothing
            if name and name in position:  # «Директор – Гусев …»: no dash in the title
                position = position.split(name, 1)[0].strip(" ,–—-")
            if lead.group("deputy"):  # «Заместитель генерального директора по доверенности …»
                position = f"{lead.group('deputy')}{position}".strip()
            found = Hit("signatory", line, source.name, index + 1, line.strip())
            ctx.put("signatory", _signatory_check(position, name), found)
            return
    for source in [*regions, *preambles]:  # «… в лице генерального директора Галиева Р. Ф., …»
        flat = " ".join(source.text.split())
        if (acting := _ACTING.search(flat)) and (name := find_person(acting.group("rest"))):
            hit = Hit("signatory", acting.group(0), source.name, 0, acting.group(0))
            ctx.put("signatory", _signatory_check(acting.group("position"), name), hit)
            return
    ctx.put("signatory", MISSING)


# The head named in the preamble of an official letter, in the genitive (§3.5 «должность
# руководителя … расшифровка подписи»): «в лице генерального директора Галиева Рустама».
_ACTING = re.compile(
    r"(?:в\s+лице|подписыва\w+|подпиш\w+)\s+(?P<position>(?:[а-яё-]+\s+){0,2}?(?:директор|руководител|управляющ|председател"
    r"|президент|начальник)\w*)(?P<rest>\s+[^,;()]{3,80})",
    re.I,
)


def _signatory_check(position: str, name: str | None) -> Check:
    if not name:
        reason = "укажите ФИО руководителя (расшифровку подписи)"
        return bad(reason, "format", {"position": position})
    if len(position) < 3:
        return bad("укажите должность руководителя", "format", {"name": name})
    return ok({"position": position, "name": name})

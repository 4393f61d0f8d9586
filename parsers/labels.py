"""Labelled values (R-VAL-5): «Label: value», «Label | value» and Appendix 1 layouts.

Labels are the Russian labels of the §3 tables and their usual synonyms. A label counts at
the start of a line (after a list number or bullet), or inline after « / », a comma or two
spaces for the short requisites that share a line in the form («ИНН: … /КПП: …»,
«Телефон: … Факс: …», «Р/счет: … в …»).
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


# Field code → label patterns (regex, lower case). Longer, more specific labels first.
PIN_LABELS: dict[str, tuple[str, ...]] = {
    "client_inn_kpp": (r"инн\s*/\s*кпп(?:\s+клиента)?",),
    "client_inn": (r"инн\s+(?:клиента|заказчика|организации)", r"инн"),
    "client_kpp": (r"кпп\s+(?:клиента|заказчика)", r"кпп"),
    "client_ogrn": (r"огрн\s+(?:клиента|заказчика)", r"огрн"),
    "client_name": (
        r"(?:полное\s+)?наименование\s+(?:клиента|организации|заказчика|предприятия)",
        r"клиент",
        r"заказчик",
        r"организация",
        r"(?:полное\s+)?наименование",
    ),
    "client_address": (
        r"(?:юридический\s+|почтовый\s+)?адрес\s+(?:клиента|заказчика|организации)",
        r"(?:юридический\s+)?адрес",
        r"местонахождение",
    ),
    "contract_ref": (
        r"номер\s+и\s+дата\s+(?:договора|контракта)[^:|]*",
        r"реквизиты\s+(?:договора|контракта)",
        r"(?:государственный\s+|муниципальный\s+)?контракт",
        r"(?:гос|муниц?)\.?\s?контракт\w*",  # «Госконтракт», «Гос. контракт», «Мун.контракт»
        r"договор",
    ),
    # §3.1 «причина интереса к выбранному клиенту» and the ways partners head it.
    "interest_reason": (
        r"причина\s+интереса(?:\s+к\s+(?:выбранному\s+)?(?:клиенту|заказчику|организации))?",
        r"(?:чем|почему)\s+(?:нам\s+)?интерес\w*(?:\s+(?:клиент|заказчик)\w*)?",
        r"интерес(?:\s+к\s+(?:клиенту|заказчику|организации))?",
        r"причина",
        r"обоснование",
    ),
    "contacts": (
        r"конта[кт]\w*\s+лиц\w*(?:\s+клиента|\s+заказчика)?",
        r"контакты(?:\s+клиента|\s+заказчика)?",
    ),
    "extra_info": (
        r"(?:иная|дополнительная|доп\.)\s*(?:уточняющая\s+)?информация",
        r"дополнительно",
        r"примечани[ея]",
    ),
}

# The labels of 000 §4.2 items 1-6 and §4.3 (Tracker, Priority) with the words partners use for
# them; read by parsers.ticket_form at a line start, before «:», «|», a dash or the line end.
TICKET_LABELS: dict[str, tuple[str, ...]] = {
    "tracker": (
        r"(?:тип|вид)\s+(?:обращения|заявки|запроса)(?:\s*\(tracker\))?",
        r"tracker",
        r"трекер",
        r"тип",
    ),
    "priority": (
        r"приоритет\w*(?:\s+ошибки)?(?:\s*\(priority\))?",
        r"priority",
        r"(?:уровень\s+)?критичност\w*",
    ),
    "self_diagnosis": (
        # «Результаты …», «Ответы на вопросы …», «Итоги …» head the §4.1 answers alike.
        r"(?:(?:результат\w*|ответ\w*|итог\w*)\s+(?:на\s+|по\s+)?(?:вопрос\w*\s+)?(?:по\s+)?)?"
        r"(?:самостоятельн\w+\s+диагностик\w*|самодиагностик\w*)"
        r"(?:(?:\s+[а-яё.]+){1,3}(?=\s*:))?(?:\s*\([^)\n]{0,30}\))?",
        r"(?:что\s+)?провер\w+\s+(?:сами|самостоятельно)",
        r"диагностик\w*",
        r"self[-\s]?(?:diagnosis|diagnostics|check)",
    ),
    "legal_entity": (
        r"юридическ\w+\s+лиц\w*(?:,?\s+по\s+котор\w+[^:|\n]{0,40})?",
        r"юр\.\s*лиц\w*",
        r"юрлиц\w*",
        r"(?:организаци\w*|клиент\w*|заказчик\w*)(?:\s+на\s+[а-яё]+)?",
        r"legal\s+entity|customer|client",
    ),
    "license_contract": (
        r"(?:данные\s+)?(?:суб)?лицензионн\w+\s+договор\w*(?:\s*\(номер,?\s*дата\))?",
        r"лиц\.\s*дог\w*\.?",
        r"договор\w*\s+(?:суб)?лицензионн\w*",
        r"договор\w*",
        r"licen[cs]e\s+(?:agreement|contract)|contract",
    ),
    "project_status": (r"статус\s+проекта",),
    "software_and_component": (
        r"по\s*/\s*(?:функциональный\s+)?компонент",
        r"по\s+и\s+(?:функциональный\s+)?компонент",
    ),
    "software_name": (
        r"наименование\s+(?:специализированного\s+)?(?:программного\s+обеспечения|по)",
        r"специализированн\w+\s+(?:по|программн\w+\s+обеспечени\w*)",
        r"программн\w+\s+обеспечени\w*",
        r"программн\w+\s+продукт\w*",
        r"программ[аы](?:\s+для\s+эвм)?",
        r"продукт",
        r"систем[аы]",
        r"по",
        r"software(?:\s+name)?|product",
    ),
    "component": (
        r"(?:функциональн\w+\s+)?компонент\w*(?:\s+системы)?(?:\s*\([^)\n]{0,30}\))?",
        r"модул\w*",
        r"component|module",
    ),
    "base_software_logs": (
        r"(?:файл\w*\s+)?(?:лог\w*|журнал\w*)\s+(?:работы\s+)?(?:базового\s+по|субд|бпо)",
        r"файл\w*\s+логов(?:\s+работы)?",
    ),
    "base_software": (
        r"(?:данные\s+об?\s+)?(?:используем\w+\s+)?базов\w+\s+(?:по|программн\w+\s+обеспечени\w*)"
        r"(?:\s*\([^)\n]{0,30}\))?",
        r"бпо",
        r"платформа",
        r"база",
        r"base\s+software|platform",
    ),
    "steps_to_reproduce": (
        r"(?:детальное\s+)?(?:описание\s+)?последовательност\w+\s+действий[^:|\n]{0,70}?(?=\s*:|$)",
        r"(?:детальное\s+)?(?:описание\s+)?последовательност\w+(?:\s+действий)?",
        r"шаги(?:\s+(?:для\s+)?воспроизведения)?",
        r"(?:порядок|сценарий)\s+(?:действий|воспроизведения)",
        r"воспроизведение",
        r"как\s+воспроизвести",
        r"действия(?:\s+пользователя)?",
        r"описание\s+действий(?:\s+пользователя)?",
        r"что\s+делаем",
        r"steps(?:\s+to\s+reproduce)?",
    ),
    "business_task": (
        r"бизнес[-\s]задач\w*",
        r"техническое\s+задание",
        r"(?:описание|постановка)\s+задачи",
        r"суть\s+доработки",
        r"требования(?:\s+к\s+доработке)?",
        r"business\s+task",
    ),
    "description": (
        r"(?:краткое\s+)?описание(?:\s+(?:проблемы|вопроса|ошибки|сбоя))?",
        r"суть(?:\s+(?:проблемы|вопроса|обращения))?",
        r"проблема",
        r"вопрос",
    ),
    "screenshots": (
        r"скрин\w*(?:\s+экрана)?(?:\s+(?:сбоя|ошибки))?",
        r"снимк?\w*\s+экрана",
    ),
    "app_logs": (
        r"(?:полные\s+)?лог-файл\w*(?:\s+специализированного\s+по)?",
        r"лог\w*(?:\s+(?:приложения|специализированного\s+по|по))?",
        r"журнал\w*\s+приложения",
    ),
    # Sub-items of 000 §4.2 item 5 («- Наименование; - Версия»): their section says of what.
    "item_name": (r"наименование",),
    "item_version": (r"верси[яи]",),
    # Headings of 000 §4.2 items 4 and 6 that only group the sub-items below them.
    "section": (
        r"общие\s+данные\s+о\s+системе",
        r"срез\s+информации(?:\s+по\s+системе)?(?:\s+на\s+момент\s+сбоя)?",
    ),
}

LICENSE_LABELS: dict[str, tuple[str, ...]] = {
    "outgoing_ref": (r"исх\.?\s*№?",),
    "applicant_name": (
        r"(?:полное\s+)?наименование\s+(?:участника|заявителя|партн[её]ра|организации(?:-заявителя)?)",
    ),
    "end_customer_inn": (r"инн\s+(?:конечного\s+)?заказчика",),
    "software_name": (
        r"наименование\s+программного\s+обеспечения",
        r"наименование\s+(?:специализированного\s+)?по",
    ),
    "end_customer": (r"конечный\s+заказчик", r"конечный\s+пользователь"),
    "legal_address": (r"юридический\s+адрес", r"юр\.\s*адрес", r"адрес\s+регистрации"),
    "postal_address": (
        r"почтовый\s+адрес",
        r"почт\.\s*адрес",
        r"адрес\s+для\s+(?:корреспонденции|почтовых\s+отправлений|писем)",
    ),
    "phone": (r"тел(?:ефон)?\.?\s*/\s*факс", r"телефон", r"тел\."),
    "fax": (r"факс",),
    "email": (
        r"электрон+ый\s+адрес",
        r"e-?mail",
        r"эл\.\s*(?:почта|адрес)",
        r"электрон+ая\s+почта",
    ),
    "inn_kpp": (r"инн\s*/\s*кпп",),
    "inn": (r"инн\s+(?:организации(?:-заявителя)?|участника|заявителя|партн[её]ра)", r"инн"),
    "kpp": (r"кпп",),
    "ogrn": (r"огрнип", r"огрн"),
    "bank_account": (r"р/сч[её]т", r"р/с", r"расч[её]тный\s+сч[её]т"),
    "corr_account": (r"к/сч[её]т", r"к/с", r"корр?\.\s*сч[её]т", r"корреспондентский\s+сч[её]т"),
    "bik": (r"бик",),
    "bank_name": (r"наименование\s+банка", r"банк"),
    "signatory": (r"руководитель", r"подписант", r"расшифровка\s+подписи"),
}

RESOURCE_LABELS: dict[str, tuple[str, ...]] = {
    "enterprise_name": (r"наименование\s+предприятия[^:|]*", r"предприятие", r"клиент"),
    "client_inn": (r"инн(?:\s+клиента)?",),
    "tasks": (
        r"(?:список|перечень)\s+(?:задач|работ)",
        r"задачи",
        r"что\s+(?:нужно|необходимо|требуется)\s+(?:сделать|настроить)",
        r"состав\s+работ",
    ),
    "estimated_hours": (r"оценка[^:|]*час\w*", r"трудо[её]мкость", r"количество\s+часов"),
    "desired_time": (
        r"желаем\w+\s+(?:время|срок\w*|дат\w*|период)[^:|\n]*",
        r"(?:сроки?|период|время)\s+(?:проведения|выполнения)(?:\s+работ|\s+настро\w+)?",
        r"срок",
    ),
}

REPORT_LABELS: dict[str, tuple[str, ...]] = {
    "deliveries_done": (r"проведенные\s+поставки", r"выполненные\s+поставки", r"поставки\s+за"),
    "deliveries_planned": (r"планируемые\s+поставки[^:|]*", r"план\s+поставок"),
    "client_inn": (r"инн(?:\s+клиента)?",),
}

EXTENSION_LABELS: dict[str, tuple[str, ...]] = {
    "extension_days": (r"срок\s+продления", r"продлить\s+на"),
    "extension_reason": (r"причина(?:\s+продления)?", r"обоснование"),
    "client_inn": (r"инн(?:\s+клиента)?",),
}

# Labels that may follow another value on the same line (Appendix 1 layout).
_INLINE_OK = re.compile(r"^(?:кпп|факс|огрн\w*|бик|к/с\w*|инн)", re.I)
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
_LINE_PREFIX = r"(?:^|(?<=\n))[ \t]*(?:\d{1,2}[.)]\s*|[-•*–—]\s*|\|\s*)?"


def _compile(labels: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    alternatives = [
        f"(?P<{code}_{i}>{pattern})"
        for code, patterns in labels.items()
        for i, pattern in enumerate(patterns)
    ]
    label = "|".join(alternatives)
    # At a line start, or after a space, « / », « | » or a comma (find_labelled keeps the
    # latter only for the _INLINE_OK requisites); then a separator, a TAB (a table cell) or
    # the value's digits. A bracket of digits before the value is an area code, not a hint
    # («Телефон (3452) 56-70-12», but «Поставки за (2026): …»).
    return re.compile(
        rf"(?:{_LINE_PREFIX}|(?<=[\s/|,]))"
        rf"(?:{label})\s*(?:\([^)\n]{{0,40}}\)\s*(?=[:|—–])|\((?!\s*\d)[^)\n]{{0,40}}\)\s*)?"
        rf"(?::|\||—|–|-(?=\s)|(?=\s*[\d_])|(?=\s*\(\d)|(?<=\t))[ \t]*",
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

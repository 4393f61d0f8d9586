"""Project rows (§3.5) told in a sentence, when there is no form: «просим … счет на 2
лицензии ТехноГИС Клиент и 1 лицензию ТехноГИС Сервер для АО «Тепловые сети» (ИНН …)» or
«… на лицензию ГеоСервер (1 шт.) для нашего заказчика — ИП Иванов И. И. (ИНН …)»: each
product named after «лицензию/лицензии» is a row for the one customer after «для». Or the
two told as labelled parts of a sentence: «ПО — ТехноГИС Клиент, 5 рабочих мест; заказчик —
ООО «…», ИНН …». A later «ИНН заказчика …» corrects the customer's INN.

The customer's own requisites named there are not the applicant's: `customer_spans` tells
where they are, so that the applicant's are read elsewhere."""

from __future__ import annotations

import re

from parsers.license_project import Row
from parsers.unwrap import unwrapped
from parsers.validate import digits_of

# A product after «лицензия/лицензии/лицензий (на)»: a name in quotes, or capitalised words up
# to a bracket, a comma, «и» before the next product, or «для» before the customer.
_PRODUCT = re.compile(
    r"(?:\d+\s+)?(?i:лицензи)\w*\s+(?:на\s+)?(?:(?i:программн)\w*\s+(?i:продукт|обеспечени)\w*\s+)?"
    r"(?:«(?P<quoted>[A-ZА-ЯЁ][^»\n]{1,60})»"
    r"|(?P<sw>[«\"]?[A-ZА-ЯЁ][\w«»\"+.:\- ]{1,60}?)"
    r"\s*(?:\([^)\n]{1,40}\))?\s*(?=,|;|\s+и\s+(?:\d+\s+)?лицензи|\s+для\s))"
)


# «счет на ПО "Кадастр-Навигатор"», «на программный продукт «…»»: a quoted name after «на ПО».
_ON_SOFTWARE = re.compile(
    r"(?i:\bна)\s+(?:ПО|(?i:программн)\w*\s+(?i:продукт|обеспечени)\w*)\s+"
    r"[«\"](?P<quoted>[A-ZА-ЯЁ][^»\"\n]{1,60})[»\"]"
)
# «ТехноГИС Клиент на 4 рабочих места и ТехноКом Мобильный обходчик на 2 устройства»: names
# with their quantities.
_WITH_QUANTITY = re.compile(
    r"(?:^|(?<=[:;,]\s)|(?<=\sи\s))\s*(?P<sw>[«\"]?[A-ZА-ЯЁ][\w«»\".:\- ]{1,60}?)\s+"
    r"(?:[—–-]\s*|на\s+)?\d+\s+(?i:рабоч|мест|устройств|лицензи|шт|сервер|пользовател)"
)


def _product(match: re.Match[str]) -> str:
    return (match.group("quoted") or match.group("sw")).strip(' «»"')


# «для нашего заказчика — …», «для последующей передачи конечному заказчику — …».
_CUSTOMER = re.compile(
    r"\sдля\s+(?:(?:нашего|нашей|своего|конечного|нашим)\s+)*"
    r"(?:(?:[^\s()]+\s+){0,3}?(?:заказчик|клиент|организаци|предприяти)\w*\s*)?[—–:-]?\s*"
    r"(?P<name>[^()\n]{3,120}?)\s*[(,]\s*ИНН\s*[:№]?\s*(?P<inn>\d{10}|\d{12})\b",
    re.I,
)
# A sentence ends at «.», «!» or «?» before a capital — not after «г.», «ул.», «д.», «им.».
_SENTENCE = re.compile(r"(?<=[.!?])(?<!\sг\.)(?<!\sд\.)(?<!ул\.)(?<!им\.)\s+(?=[А-ЯЁA-Z])")
# «ПО — ТехноГИС Клиент, 5 рабочих мест;», «программа: ГеоСервер (2 шт.)».
_SOFTWARE_PART = re.compile(
    r"(?:^|(?<=[\s;,.]))(?:ПО|(?i:программ\w*|продукт\w*))\s*[—–:-]\s*"
    r"(?P<sw>[«\"]?[A-ZА-ЯЁ][^,;()\n]{1,60}?)\s*(?=[,;(\n]|$)",
)
# «заказчик — ООО «…», ИНН 5406117707», «конечный клиент: ИП Петров (ИНН …)».
_CUSTOMER_PART = re.compile(
    r"(?:^|(?<=[\s;,.]))(?:конечн\w+\s+)?(?:заказчик|клиент|пользовател)\w*\s*[—–:-]\s*"
    r"(?P<name>[^()\n;]{3,120}?)\s*[(,]\s*ИНН\s*[:№]?\s*(?P<inn>\d{10}|\d{12})\b[^;\n)]*\)?",
    re.I,
)
_CUSTOMER_INN = re.compile(
    r"ИНН\s+(?:конечного\s+)?(?:заказчика|клиента)\s*[:—–-]?\s*(?P<inn>\d{10}|\d{12})\b", re.I
)


def prose_rows(text: str) -> list[Row]:
    """Rows from the first sentence that names licensed products and their customer, else
    from a sentence's labelled software and customer parts."""
    text = unwrapped(text)  # an official letter hard-wrapped at 72 columns
    rows = _licensed_for(text) or _labelled_parts(text)
    corrected = [m.group("inn") for m in _CUSTOMER_INN.finditer(text)]
    if rows and corrected and len({r.customer for r in rows}) == 1:
        return [Row(r.software, r.customer, corrected[-1]) for r in rows]
    return rows


def licensed_products(text: str) -> list[str]:
    """The products the first sentence about licenses names («лицензию на ТехноКад-Экспресс
    (1 рабочее место) для передачи …»), for rows whose customer a label gives."""
    for sentence in _SENTENCE.split(unwrapped(text)):
        if re.search(r"лицензи", sentence, re.I):
            found = [_product(m) for m in _PRODUCT.finditer(sentence)]
            if found := [p for p in dict.fromkeys(found) if p]:
                return found
    return []


def customer_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` names an end customer with its requisites (offsets, end exclusive)."""
    spans = [m.span("name") for m in _CUSTOMER.finditer(text)]
    spans = [(start, _after_requisites(text, end)) for start, end in spans]
    spans += [m.span() for m in _CUSTOMER_PART.finditer(text)]
    spans += [m.span() for m in _CUSTOMER_INN.finditer(text)]
    return spans


def _after_requisites(text: str, end: int) -> int:
    """The end of a customer's bracket or comma list of requisites («(ИНН …, ОГРНИП …)»)."""
    match = re.match(r"\s*(?:\([^)\n]*\)|,\s*ИНН[^;\n]*)", text[end:])
    return end + match.end() if match else end


def _labelled_parts(text: str) -> list[Row]:
    for sentence in re.split(r"\n\s*\n", text):
        software = _SOFTWARE_PART.search(sentence)
        customer = _CUSTOMER_PART.search(sentence)
        if software and customer:
            name = customer.group("name").strip(" ,;—–-")
            sw = software.group("sw").strip(' «»"')
            return [Row(sw, name, digits_of(customer.group("inn")))]
    return []


def _licensed_for(text: str) -> list[Row]:
    for sentence in _SENTENCE.split(text):
        if not (re.search(r"лицензи", sentence, re.I) or _ON_SOFTWARE.search(sentence)):
            continue
        customer = _CUSTOMER.search(sentence)
        if customer is None:
            continue
        head = sentence[: customer.start("name")]
        found = [_product(m) for m in _PRODUCT.finditer(head)]
        found += [m.group("quoted") for m in _ON_SOFTWARE.finditer(head)]
        if not found:  # «… для ООО «…» (ИНН …): ТехноГИС Клиент на 4 рабочих места и …»
            tail = sentence[customer.end() :]
            found = [m.group("sw") for m in _WITH_QUANTITY.finditer(tail)]
        products = [p.strip(' «»"') for p in dict.fromkeys(found) if p.strip(' «»"')]
        if products:
            name = customer.group("name").strip(" ,;—–-")
            return [Row(product, name, digits_of(customer.group("inn"))) for product in products]
    return []

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

from parsers.license_rows import Row
from parsers.pin_parties import ORG_RE
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


def _sentences(text: str) -> list[str]:
    """`text` cut at sentence ends, but not within quotes («ТерраМонитор. Недра»)."""
    out: list[str] = []
    for piece in _SENTENCE.split(text):
        if out and out[-1].count("«") > out[-1].count("»"):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


# «заказчик — ООО «…», ИНН 5406117707», «конечный клиент: ИП Петров (ИНН …)».
_CUSTOMER_PART = re.compile(
    r"(?:^|(?<=[\s;,.]))(?:конечн\w+\s+)?(?:заказчик|клиент|пользовател)\w*\s*[—–:-]\s*"
    r"(?P<name>[^()\n;]{3,120}?)\s*[(,]\s*ИНН\s*[:№]?\s*(?P<inn>\d{10}|\d{12})\b[^;\n)]*\)?",
    re.I,
)
_CUSTOMER_INN = re.compile(
    r"ИНН\s+(?:конечного\s+)?(?:заказчика|клиента)\s*[:—–-]?\s*(?P<inn>\d{10}|\d{12})\b", re.I
)


# An organisation with its INN: «ГБУ НСО «Центр …», ИНН 5406021191», «АО «…» (ИНН …)».
_ORG_WITH_INN = re.compile(
    rf"(?P<name>{ORG_RE.pattern})\s*[(,]?\s*ИНН\s*[:№]?\s*(?P<inn>\d{{10}}|\d{{12}})\b"
)
# A name in quotes: a product's when a product word or an item's start comes right before it.
_QUOTED_NAME = re.compile(r"[«\"](?P<name>[A-ZА-ЯЁ][^«»\"\n]{1,60})[»\"]")
# What names a product right before its quotes: «программный комплекс «…»», «модуль «…»»,
# «лицензии на «…»», and «тот же «…»» for one named before.
_PRODUCT_CUE = re.compile(
    r"(?:\bПО|комплекс\w*|модул\w*|продукт\w*|программ\w*|систем\w*|платформ\w*|лицензи\w*"
    r"|\bт(?:от|а|о|е)\s+же)\s*(?:[«\"][^»\"]*[»\"]\s*)?$"
    # or it opens a line or a numbered item: «1. «ГеоПлан Муниципал» 4.2 — Администрация …»
    r"|(?:^|\n)[ \t]*(?:\d{1,2}[.)][ \t]*|[-•*][ \t]*)?$",
    re.I,
)


def prose_rows(text: str) -> list[Row]:
    """Rows from the first sentence that names licensed products and their customer, else
    from a sentence's labelled software and customer parts, else from the sentences that
    each name products in quotes and the organisation (with its INN) they are for."""
    text = unwrapped(text)  # an official letter hard-wrapped at 72 columns
    rows = _licensed_for(text) or _labelled_parts(text) or _quoted_per_customer(text)
    corrected = [m.group("inn") for m in _CUSTOMER_INN.finditer(text)]
    if rows and corrected and len({r.customer for r in rows}) == 1:
        return [Row(r.software, r.customer, corrected[-1]) for r in rows]
    return rows


def licensed_products(text: str) -> list[str]:
    """The products the first sentence about licenses names («лицензию на ТехноКад-Экспресс
    (1 рабочее место) для передачи …»), for rows whose customer a label gives."""
    for sentence in _sentences(unwrapped(text)):
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
    for sentence in _sentences(text):
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


def _quoted_per_customer(text: str) -> list[Row]:
    """«Первая позиция — комплекс «ТерраМонитор. Недра», конечный заказчик — ГБУ НСО «…», ИНН
    …. Вторая — тот же «…» плюс модуль «…» для АО «…» (ИНН …)»: in each sentence, the quoted
    names outside the organisations are the products of the customer it names with an INN
    (of the nearest customer after them when it names several)."""
    rows: list[Row] = []
    for sentence in _sentences(text):
        customers = list(_ORG_WITH_INN.finditer(sentence))
        if not customers:
            continue
        spans = [m.span("name") for m in customers]
        products = [
            (m.start(), m.group("name").strip())
            for m in _QUOTED_NAME.finditer(sentence)
            if not any(start <= m.start() < end for start, end in spans)
            and _PRODUCT_CUE.search(sentence[max(0, m.start() - 40) : m.start()])
        ]
        for index, customer in enumerate(customers):
            # Products before this customer and after the previous one; the last customer
            # also takes those that follow it.
            low = customers[index - 1].end() if index else -1
            high = customer.start() if index < len(customers) - 1 else len(sentence)
            name = customer.group("name").strip()
            inn = digits_of(customer.group("inn"))
            mine = [p for at, p in products if low < at < high]
            rows += [Row(product, name, inn) for product in dict.fromkeys(mine)]
    return rows

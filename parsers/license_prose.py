"""Project rows (§3.5) told in a sentence, when there is no form: «просим … счет на 2
лицензии ТехноГИС Клиент и 1 лицензию ТехноГИС Сервер для АО «Тепловые сети» (ИНН …)» or
«… на лицензию ГеоСервер (1 шт.) для нашего заказчика — ИП Иванов И. И. (ИНН …)»: each
product named after «лицензию/лицензии» is a row for the one customer after «для»."""

from __future__ import annotations

import re

from parsers.license_project import Row
from parsers.validate import digits_of

# A product after «лицензия/лицензии/лицензий (на)»: capitalised words up to a bracket, a
# comma, «и» before the next product, or «для» before the customer.
_PRODUCT = re.compile(
    r"(?:\d+\s+)?(?i:лицензи)\w*\s+(?:на\s+)?(?P<sw>[«\"]?[A-ZА-ЯЁ][\w«»\"+.\- ]{1,60}?)"
    r"\s*(?:\(\s*\d+\s*(?:шт|экз|лиц)\w*\.?\s*\))?\s*(?=,|;|\s+и\s+(?:\d+\s+)?лицензи|\s+для\s)"
)
_CUSTOMER = re.compile(
    r"\sдля\s+(?:(?:нашего|нашей|своего|конечного|нашим)\s+)*"
    r"(?:(?:заказчика|клиента|организации|предприятия)\s*)?[—–:-]?\s*"
    r"(?P<name>[^()\n]{3,120}?)\s*[(,]\s*ИНН\s*[:№]?\s*(?P<inn>\d{10}|\d{12})\b",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z])")


def prose_rows(text: str) -> list[Row]:
    """Rows from the first sentence that names licensed products and their customer."""
    for sentence in _SENTENCE.split(text):
        if not re.search(r"лицензи", sentence, re.I):
            continue
        customer = _CUSTOMER.search(sentence)
        if customer is None:
            continue
        head = sentence[: customer.start("name")]
        products = [m.group("sw").strip(' «»"') for m in _PRODUCT.finditer(head)]
        products = [p for p in dict.fromkeys(products) if p]
        if products:
            name = customer.group("name").strip(" ,;—–-")
            return [Row(product, name, digits_of(customer.group("inn"))) for product in products]
    return []

"""Ticket fields that partners state in running text rather than after a §4.2 label.

- `business_task` of a feature ticket (§3.4): the paragraph that says what the client needs
  and why («клиенту требуется, чтобы …», «нужен фильтр …», «нет мобильного интернета, поэтому
  …»), when no heading («Бизнес-задача», «Описание задачи», «Требования») gives it.
- `doc_reference` of a consultation (§3.4, 004 §3.3): a section of the documentation («раздел
  5.2 руководства», «п. 3.4 документации», «в главе 8 руководства администратора») or a URL
  of the documentation; references to the regulations themselves («п. 4.2 Порядка») are not.
- `legal_entity` named without quotes («у АО Ноябрьские городские электросети с 7:40 …»).
"""

from __future__ import annotations

import re

from parsers.morph import reading

# Words that state a need (by stem: every form of «нужно», «требуется», «хотят», «не могут»).
_NEED = re.compile(
    r"(?<!\w)(?:нужн\w*|необходим\w*|требует\w*|требуют\w*|хот(?:ят|им|ел\w*)|чтобы|поэтому"
    r"|не\s+мо(?:гут|жет|жем)|нет\s+возможност\w*|просим\s+(?:добавить|реализовать|доработать))"
    r"(?!\w)",
    re.I,
)
_DOC_WORD = (
    r"(?:руководств\w*|документац\w*|инструкц\w*|справк\w*|мануал\w*|manual|guide|описани\w+)"
)
_REGULATION = re.compile(r"регламент\w*|порядк\w*|приложени\w*|договор\w*|соглашени\w*", re.I)
_SECTION = re.compile(
    r"(?:подраздел\w*|раздел\w*|разд\.|глав[аеуы]\w*|пункт\w*|\bп\.|section|chapter)\s*№?\s*"
    r"(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})(?!\d)",
    re.I,
)
_DOC_URL = re.compile(
    r"https?://[^\s<>»\"]*(?:doc|help|wiki|manual|guide|kb|faq|spravk|support)[^\s<>»\"]*", re.I
)
_ORG_FORM = re.compile(
    r"(?<![\w«\"])(?:ООО|АО|ПАО|ЗАО|ОАО|ГУП|МУП|ФГУП|ГБУ|ГАУ|ГКУ|МКУ|МБУ|ФГБУ|АНО|БУ|ОГКУ|КГБУ)"
    r"\s+(?=[А-ЯЁ][а-яё])"
)
_WORD = re.compile(r"[А-ЯЁа-яё][\w-]*")


def business_task(paragraphs: list[str]) -> str | None:
    """The first prose paragraph that states the need (at least 30 characters)."""
    for paragraph in paragraphs:
        flat = " ".join(paragraph.split())
        if len(flat) >= 30 and _NEED.search(flat):
            return flat[:1000]
    return None


def doc_reference(text: str) -> str | None:
    """«раздел 5.2 «Пересчет координат»» near a word naming the documentation, or its URL."""
    for match in _SECTION.finditer(text):
        window = text[max(0, match.start() - 80) : match.end() + 80]
        near = text[max(0, match.start() - 40) : match.end() + 40]
        if re.search(_DOC_WORD, window, re.I) and not _REGULATION.search(near):
            tail = re.match(r"\s*[«\"][^»\"\n]{1,80}[»\"]", text[match.end() :])
            return " ".join((match.group(0) + (tail.group(0) if tail else "")).split())
    url = _DOC_URL.search(text)
    return url.group(0).rstrip(".,;)") if url else None


def _pos(word: str) -> str:
    return reading(word)[0]


def unquoted_org(text: str) -> str | None:
    """«АО Ноябрьские городские электросети» up to a preposition, verb, number or punctuation."""
    for match in _ORG_FORM.finditer(text):
        end, count = match.end(), 0
        for word in _WORD.finditer(text, match.end()):
            if text[end : word.start()].strip() or count == 6:
                break  # punctuation, a number or a line break ends the name
            if count and (
                word.group(0)[0].islower() and _pos(word.group(0)) not in ("ADJF", "NOUN")
            ):
                break
            if count and _pos(word.group(0)) in ("PREP", "CONJ", "VERB", "PRCL"):
                break
            end, count = word.end(), count + 1
        if count >= 1:
            return text[match.start() : end]
    return None


# A name right before its INN («у Администрации Нижнетавдинского района (ИНН 7203012340)»,
# «Сургутский ГРЦ, ИНН …»): a capitalised word and up to six more, in one line.
_NAME_BEFORE_INN = re.compile(
    r"(?P<name>[А-ЯЁ][\w-]*(?:[ \t]+[\w-]+){0,6})[ \t]*(?:\([ \t]*|,[ \t]*)"
    r"ИНН[ \t]*:?[ \t]*(?P<inn>\d{10}(?:\d{2})?)(?!\d)"
)
_NOT_NAME = frozenset({"PREP", "CONJ", "VERB", "PRCL", "INFN", "PRTS", "ADVB"})
_CUE_NOUN = re.compile(r"(?:клиент|заказчик|абонент|организаци|пользовател)\w*$", re.I)


def org_before_inn(text: str) -> tuple[int, str] | None:
    """(offset, «name, ИНН n») of the organisation a sentence names just before its INN: from
    the first capitalised word after the last preposition, verb or particle and after a cue
    noun («Ошибка у клиента Администрации …» → «Администрации …»)."""
    for match in _NAME_BEFORE_INN.finditer(text):
        words = match.group("name").split()
        start = 0
        for index, word in enumerate(words):
            lone = word[0].islower() and _pos(word) in _NOT_NAME
            if lone or _CUE_NOUN.match(word):
                start = index + 1
        while start < len(words) and not words[start][0].isupper():
            start += 1
        if start < len(words):
            offset = match.start() + match.group("name").find(words[start])
            return offset, f"{' '.join(words[start:])}, ИНН {match.group('inn')}"
    return None


# A client named after a cue word: «нашего клиента — МУП …», «у заказчика АО …», «для ГБУ …».
_CLIENT_CUE = re.compile(r"(?:клиент\w*|заказчик\w*|абонент\w*|\bу|\bдля)\W{0,4}$", re.I)


def _key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.lower())


def client_entity(text: str, signature: str, pattern: re.Pattern[str]) -> tuple[int, str] | None:
    """(offset, text) of the organisation a ticket is about. The partner's own organisation (the
    one its signature names) is not it: a manager writing «я менеджер ООО «Интегратор», передаю
    пожелание нашего клиента — МУП «…»» asks for the client. One after a client cue wins."""
    own = {_key(m.group(0)) for m in pattern.finditer(signature)}
    found = [(m.start(), m.group(0)) for m in pattern.finditer(text) if _key(m.group(0)) not in own]
    bare = unquoted_org(text)
    if bare and _key(bare) not in own and not any(bare in name for _, name in found):
        found.append((text.find(bare), bare))
    with_inn = org_before_inn(text)
    if with_inn and not any(_key(with_inn[1]).startswith(_key(n)) for _, n in found):
        found.append(with_inn)
    found.sort()
    cued = [(at, name) for at, name in found if _CLIENT_CUE.search(text[max(0, at - 30) : at])]
    return (cued or found or [None])[0]


_QUOTED_PART = re.compile(r"[«\"„“]([^»\"“”\n]{3,100})[»\"“”]")
# The INN after the name: on the same line or the next ones of a requisites block (a company
# card lists the name, then the address, then «ИНН/КПП …»).
_INN_AFTER = re.compile(
    r"ИНН(?:\s*/\s*КПП)?(?:\s+[а-яё]+){0,2}\s*:?\s*(\d{9,13})(?!\d)", re.I
)  # «ИНН 8602…», «ИНН/КПП …», «ИНН контрагента: …»
_INN_WINDOW = 300


def inn_named_with(name: str, texts: list[str]) -> str | None:
    """The INN a letter or its attached company card («карточка предприятия») gives for the
    organisation `name` names elsewhere: «Пострадавшая организация: АО «Вектор»» in the
    text, «АО «Вектор», г. Сургут, ИНН 8602…» further on or in the card."""
    quoted = _QUOTED_PART.search(name)
    key = " ".join((quoted.group(1) if quoted else name).split()).lower()
    if len(key) < 3:
        return None
    for text in texts:
        flat = " ".join(text.split())
        at = flat.lower().find(key)
        while at >= 0:
            if inn := _INN_AFTER.search(flat, at + len(key), at + len(key) + _INN_WINDOW):
                return inn.group(1)
            at = flat.lower().find(key, at + 1)
    if quoted and re.fullmatch(r"[А-ЯЁ]{2,6}", quoted.group(1)):
        return _inn_of_initials(quoted.group(1), texts)
    return None


def _inn_of_initials(abbreviation: str, texts: list[str]) -> str | None:
    """«МУП «ИТС»» named in full further on: «… «Искитимские тепловые сети», ИНН …»."""
    for text in texts:
        flat = " ".join(text.split())
        for inn in _INN_AFTER.finditer(flat):
            names = _QUOTED_PART.findall(flat[max(0, inn.start() - 160) : inn.start()])
            words = re.findall(r"[А-ЯЁа-яё]{3,}", names[-1]) if names else []
            if "".join(w[0] for w in words).upper() == abbreviation:
                return inn.group(1)
    return None

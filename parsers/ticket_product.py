"""The vendor's own product named in running text (§3.4 `software_name`, `cfg:catalog.products`).

Partners name the product in prose rather than after a label: «Система — ТехноКад-Регион
4.1», «используют ТЕХНОКОМ Имущество 4.8», «у них ТЕХНОКОМ ГИС: Инженерные сети», «работает
на демо-версии ТЕХНОКОМ.Кадастровый инженер 2.1.4», «не работает Web-ГИС ТЕХНОКОМ». A product
is recognised by the vendor's brand (parsers.brands) — never by a list of product names —
and runs up to a version number, punctuation or a word that is not part of a name. Where the
letter names several, one after a cue phrase («система», «ПО», «используют», «работает в/на»,
«версии», «у них», «в программе») wins; the vendor as a company («ООО «ТЕХНОКОМ»», «коллеги
из ТЕХНОКОМ пишут») is not a product.
"""

from __future__ import annotations

import re

from parsers.morph import reading

_CUE = re.compile(
    r"(?:систем\w*|\bПО\b|программ\w*|продукт\w*|использу\w+|работа\w+\s+(?:в|на)|верси\w+"
    r"|у\s+(?:них|нас|клиента|заказчика)|внедрен\w*|установлен\w*)[\s:—–-]*$",
    re.I,
)
_TOKEN = re.compile(r"[^\W_][\w-]*")
_SKIP_LINE = re.compile(r"^\s*>")


def _brand_pattern(brands: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for brand in brands:
        if brand.endswith("+"):
            short = re.escape(brand[:-1])
            parts.append(rf"(?-i:{short})(?:[-.](?=[A-ZА-ЯЁ])|(?=[ \t]+[A-ZА-ЯЁ][a-zа-яё]))")
        elif brand.endswith(("…", "...")):
            stem = re.escape(brand.rstrip(".…"))
            parts.append(rf"{stem}(?=[A-ZА-ЯЁ-])[\w-]*")
        else:
            parts.append(rf"(?i:{re.escape(brand)})(?![\w])")
    # Not inside a web or mail address: «docs.technocom.tech/…», «support@technocom.tech».
    return re.compile(rf"(?<![\w./@-])(?:{'|'.join(parts)})(?![.@][a-z])")


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


# The mentions read per letter: the product is named near the top; a hostile letter repeating
# the brand many thousand times costs no more (issue 19).
MAX_MENTIONS = 50


def _pos(word: str) -> str | None:
    return reading(word)[0] or None


def _genitive_noun(word: str) -> bool:
    """«имущества», «объектов»: a noun in the genitive (its likeliest reading), which goes
    on a name («Реестр имущества»)."""
    if word.lower() in _NOT_OF_A_NAME:
        return False
    return reading(word) == ("NOUN", "gent")


# Whose or which build, not part of the product's name: «Реестр клиента», «ГИС версии 3».
_NOT_OF_A_NAME = frozenset(
    {
        *("клиента", "клиентов", "заказчика", "заказчиков", "пользователя", "пользователей"),
        *("версии", "сборки", "релиза", "компании", "организации", "партнера", "партнёра"),
        *("сервера", "системы"),
    }
)


def _name_like(word: str) -> bool:
    """«ГИС», «Web-ГИС», «Инженерные»: capitalised, Latin or an acronym."""
    return word[:1].isupper() or bool(re.match(r"[A-Za-z]", word))


def _name_after(text: str, start: int) -> int:
    """Where a product name that starts at `start` ends (its last word's end), or `start`."""
    end, count, previous = start, 0, ""
    position = start
    while count < 4:
        match = re.compile(r"[ \t]*[.:]?[ \t]*").match(text, position)
        gap_end = match.end() if match else position
        token = _TOKEN.match(text, gap_end)
        if token is None or re.match(r"\d", token.group(0)):
            break  # a version number or punctuation ends the name
        word = token.group(0)
        gap = text[position:gap_end]
        if "\n" in gap or ("." in gap and count and not previous.isupper()):
            break
        # «Инженерные сети», «Кадастровый инженер»: a noun after an adjective goes on.
        noun_after_adjective = previous and _pos(previous) == "ADJF" and _pos(word) == "NOUN"
        # «Реестр имущества», «Учёт объектов»: a genitive noun after the name's noun.
        genitive = previous and _pos(previous) == "NOUN" and _genitive_noun(word)
        if not _name_like(word) and not noun_after_adjective and not genitive:
            break
        end, position, previous = token.end(), token.end(), word
        count += 1
    return end


def _name_before(text: str, start: int) -> int:
    """Start of «Web-ГИС» in «Web-ГИС ТЕХНОКОМ»: a name-like word right before the brand."""
    match = re.search(r"([A-Za-zА-ЯЁа-яё][\w]*-?[\w-]*)[ \t]+$", text[:start])
    # Latin, an acronym or a compound with a capital inside («ГеоПортале ТЕХНОКОМ»).
    if match and re.search(r"[A-Za-z]|[А-ЯЁ]{2}|[а-яё][А-ЯЁ]", match.group(1)):
        return match.start(1)
    return start


def products(text: str, brands: tuple[str, ...]) -> list[tuple[str, bool]]:
    """(product name, after a cue phrase) for each own product named in `text`."""
    pattern = _PATTERNS.setdefault(brands, _brand_pattern(brands))
    found: list[tuple[str, bool]] = []
    lines = [line for line in text.splitlines() if not _SKIP_LINE.match(line)]
    for line in lines:
        for match in pattern.finditer(line):
            head = line[: match.start()]
            company = r"(?:ООО|АО|ЗАО|ПАО|компани\w*|из|в\s+адрес|от|регламент\w*|порядк\w*)"
            if re.search(rf"{company}\s*[«\"]?\s*$", head, re.I):
                continue  # the vendor as a company, or its regulations («по регламенту ТЕХНОКОМ»)
            end = _name_after(line, match.end())
            start = match.start()
            if end == match.end() and not re.match(r"[\w-]*[a-zа-яё]", match.group(0)[1:]):
                start = _name_before(line, start)  # «Web-ГИС ТЕХНОКОМ»
                if start == match.start():
                    continue  # the brand alone names the company, not a product
            name = line[start:end].strip(" .:")
            found.append((name, bool(_CUE.search(line[:start]))))
            if len(found) >= MAX_MENTIONS:
                return found
    return found


def own_product(text: str, brands: tuple[str, ...]) -> str | None:
    """The product the letter is about: the first after a cue phrase, else the first named."""
    named = products(text, brands)
    cued = [name for name, cue in named if cue]
    return (cued or [name for name, _ in named] or [None])[0]

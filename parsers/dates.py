"""Russian dates (T-DATE) and contract references (T-CONTRACT) of REGULATIONS.md §3.1."""

from __future__ import annotations

import re
from datetime import date

from parsers.validate import MISSING, Check, bad, is_placeholder, ok, warn

MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
_MONTH_WORD = r"(?:январ[яь]|феврал[яь]|марта?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|августа?|сентябр[яь]|октябр[яь]|ноябр[яь]|декабр[яь])"  # noqa: E501
# One pattern for every accepted form, so that dates can also be found inside sentences.
DATE_PATTERN = (
    r"(?:\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?!\d)"
    r"|\d{4}-\d{2}-\d{2}"
    rf"|[«\"]?\d{{1,2}}[»\"]?\s+{_MONTH_WORD}\s+\d{{4}}(?:\s*г(?:ода|\.)?)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4})"
)
_DATE_RE = re.compile(DATE_PATTERN, re.I)


def _month(word: str) -> int | None:
    word = word.lower()
    for stem, number in MONTHS.items():
        if word.startswith(stem) and (stem != "ма" or word in ("мая", "май")):
            return number
    return None


def parse_date(raw: str) -> date | str | None:
    """A date, None when there is none, or "ambiguous" for mm/dd-style forms."""
    text = raw.strip()
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}", text):
        return "ambiguous"
    try:
        if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})", text):
            year = int(m.group(3))
            return date(year + 2000 if year < 100 else year, int(m.group(2)), int(m.group(1)))
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        pattern = r"[«\"]?(\d{1,2})[»\"]?\s+(\w+)\s+(\d{4})(?:\s*г(?:ода|\.)?)?"
        if m := re.fullmatch(pattern, text, re.I):
            month = _month(m.group(2))
            if month:
                return date(int(m.group(3)), month, int(m.group(1)))
    except ValueError:
        return "impossible"
    return None


def check_date(raw: str) -> Check:
    """T-DATE: a real calendar date in one of the Russian formats; value in ISO form."""
    if is_placeholder(raw):
        return MISSING
    found = _DATE_RE.search(raw)
    parsed = parse_date(found.group(0)) if found else None
    if parsed == "ambiguous":
        return bad("неоднозначная дата: укажите в виде ДД.ММ.ГГГГ, например 01.12.2026", "format")
    if not isinstance(parsed, date):
        return bad("неверная дата: укажите в виде ДД.ММ.ГГГГ, например 01.12.2026", "format")
    return ok(parsed.isoformat())


# Look-alike Cyrillic letters first (R-VAL-9), then a plain transliteration of the rest.
_HOMOGLYPHS = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")
_TRANSLIT = {
    "Б": "B", "Г": "G", "Д": "D", "Ж": "ZH", "З": "Z", "И": "I", "Й": "I", "Л": "L",
    "П": "P", "Ф": "F", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SCH", "Ы": "Y", "Э": "E",
    "Ю": "YU", "Я": "YA", "Ё": "E", "Ь": "", "Ъ": "",
}  # fmt: skip

CONTRACT_RE = re.compile(
    r"(?P<kind>государственн\w*\s+контракт\w*|муниципальн\w*\s+контракт\w*|контракт\w*"
    # «МК N …», «ГК № …»: a municipal or state contract by its initials
    r"|(?-i:\b(?:МК|ГК))(?=\s*(?:№|N\b))"
    r"|договор\w*|дог\.|соглашени\w*|закупк\w*|извещени\w*)"
    r"(?:\s+[а-яё\-]+){0,3}?\s*:?\s*(?:№|N|No\.?|#|номер)\s*"
    # a number written with a space goes on with digits or a slash («12 /34»), not a word
    r"(?P<number>[^\s,;()]+(?:\s(?=[\d/-])[^\s,;()]+)?)"
    rf"(?:\s*,?\s*(?:от|дата:?)\s*(?P<date>{DATE_PATTERN}))?",
    re.I,
)
_NUMBER_TOKEN = r"(?P<number>(?![\d.]+\s*(?:г|год)\b)(?=[^\s,;()«»\"]*\d)[^\s,;()«»\"]{1,40})"
# «15-Л от 10.03.2025», «ЛД-72/0045, дата заключения 2024-11-28», «…, подписан 01.02.2025»
_NUMBER_BEFORE_DATE = re.compile(
    rf"(?P<kind>)(?<![\w№]){_NUMBER_TOKEN}\s*,?\s+"
    r"(?:от|(?:дата\s+)?(?:заключени|подписани)\w*|заключ[её]н\w*|подписан\w*|дата)\s*:?\s*"
    rf"(?P<date>{DATE_PATTERN})",
    re.I,
)
# «ЛД-0047/2025 (12.05.2025)»: the date in brackets after the number.
_NUMBER_DATE_BRACKETS = re.compile(
    rf"(?P<kind>)(?<![\w№]){_NUMBER_TOKEN}\s*\(\s*(?:от\s*)?(?P<date>{DATE_PATTERN})\s*\)", re.I
)
_NUMBER_AFTER_KIND = re.compile(
    rf"(?P<kind>договор\w*|контракт\w*|дог\.)\s+(?!от\b){_NUMBER_TOKEN}(?P<date>)", re.I
)
_REGISTRY = re.compile(r"реестров\w*\s+(?:номер|запис\w*)\s*:?\s*№?\s*(\d[\d\s]{8,25}\d)", re.I)


def contract_key(number: str, iso_date: str | None) -> str:
    """Normalised key for conflict detection (T-CONTRACT)."""
    key = re.sub(r"[\s№]", "", number).upper()
    key = re.sub(r"[‐‑‒–—−]", "-", key).translate(_HOMOGLYPHS)
    key = "".join(_TRANSLIT.get(ch, ch) for ch in key)
    return f"{key}|{iso_date or ''}"


def check_contract(raw: str, received: date | None = None, hint: str = "") -> Check:
    """T-CONTRACT: kind, number and date, the date not after the letter (R-VAL-8, D-43).

    `hint` is the label line («Государственный контракт: № …»): it names the kind when the
    value itself does not.
    """
    if is_placeholder(raw):
        return MISSING
    match = CONTRACT_RE.search(raw)
    if not match:
        # A bare «№ 15-ЛД от 01.03.2025» after a label is enough too.
        match = re.search(
            rf"(?P<kind>)(?:№|N)\s*(?P<number>[^\s,;]+)\s*(?:от\s*)?(?P<date>{DATE_PATTERN})?",
            raw,
            re.I,
        )
    if not match:
        # «лиц. дог. 15-Л от 10.03.2025», «ЛД 66-ЛД/2025 от 17 февраля 2025 г.», «Договор 31/2024»:
        # no «№», the number is the token with a digit before «от <date>» or after the kind word.
        match = (
            _NUMBER_BEFORE_DATE.search(raw)
            or _NUMBER_DATE_BRACKETS.search(raw)
            or _NUMBER_AFTER_KIND.search(raw)
        )
    if not match:
        return bad(
            "укажите номер и дату договора, например «Договор № 12/34 от 01.02.2024»", "format"
        )
    word = (match.group("kind") or hint).lower()
    kind = "contract"
    if "контракт" in word or word in ("мк", "гк"):
        kind = "state_contract"
    elif "закупк" in word or "извещени" in word:
        kind = "procurement"
    number = match.group("number").strip().rstrip(".")
    value: dict[str, object] = {"kind": kind, "number": number, "date": None}
    raw_date = match.group("date") or (_DATE_RE.search(raw[match.end() :]) or [None])[0]
    if registry := _REGISTRY.search(raw):
        value["registry_number"] = re.sub(r"\s", "", registry.group(1))
    if not raw_date:
        value["key"] = contract_key(number, None)
        return bad("не указана дата договора: укажите номер и дату", "format", value)
    parsed = parse_date(raw_date)
    if not isinstance(parsed, date):
        value["key"] = contract_key(number, None)
        return bad("неверная дата договора: укажите в виде ДД.ММ.ГГГГ", "format", value)
    value["date"] = parsed.isoformat()
    value["key"] = contract_key(number, parsed.isoformat())
    if kind != "procurement" and received is not None and parsed > received:
        return bad("дата договора позже даты письма: проверьте дату", "format", value)
    registry_number = value.get("registry_number")
    if isinstance(registry_number, str) and len(registry_number) not in (11, 19):
        return warn(value, "реестровый номер контракта обычно содержит 19 цифр (или 11 по 223-ФЗ)")
    return ok(value)


# «С клиентом 12 ноября 2026 г. подписан договор № 118-ГИС/26»: the date written before the
# contract, with a word of signing between them.
_DATE_BEFORE = re.compile(
    rf"(?P<date>{DATE_PATTERN})\s*(?:г\.|года)?\s+(?:[а-яё]+\s+){{0,2}}?"
    # «… подписали с ними договор», «… заключили с заказчиком договор»
    r"(?:подписан\w*|заключ[её]н\w*|заключили|подписали)\s+(?:[а-яё]+\s+){0,3}?$",
    re.I,
)


def contract_in_text(text: str, match: re.Match[str]) -> str:
    """A contract named in a sentence (a CONTRACT_RE match of `text`), with its date when the
    sentence gives it before the contract rather than after."""
    found = match.group(0)
    if match.group("date"):
        return found
    before = _DATE_BEFORE.search(text[max(0, match.start() - 80) : match.start()])
    return f"{found} от {before.group('date')}" if before else found

"""Identifier checks of REGULATIONS.md §3.1 (T-INN, T-KPP, T-OGRN, T-BIK, T-ACCOUNT, T-CORR,
T-REGNUM, T-TEXT), with python-stdnum where it covers the type.

Every check returns a `Check`: the status, the normalised value (R-VAL-9) and, for an
invalid value or a warning, a reason in Russian a partner understands (R-VAL-7) plus a
machine reason code (`length|checksum|format|type_mismatch|cross_check|placeholder`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from parsers.types import FieldStatus

# §3.1: template placeholders count as missing, never as invalid.
_PLACEHOLDER = re.compile(r"^[\s_\-—–.…XxХх*?]*$|^(?:нет|н/д|-)$", re.I)
# §3.1: spaces, no-break spaces, «-», «.», «/» and «_» are removed before any check.
_NUMERIC_JUNK = re.compile(r"[\s\u00a0\-./_]")


@dataclass(frozen=True, slots=True)
class Check:
    status: FieldStatus
    value: object = None
    reason: str = ""
    code: str = ""  # machine reason: length, checksum, format, type_mismatch, cross_check


def ok(value: object) -> Check:
    return Check(FieldStatus.VALID, value)


def bad(reason: str, code: str, value: object = None) -> Check:
    return Check(FieldStatus.INVALID, value, reason, code)


def warn(value: object, reason: str, code: str = "warning") -> Check:
    return Check(FieldStatus.VALID_WITH_WARNING, value, reason, code)


MISSING = Check(FieldStatus.MISSING)


def is_placeholder(raw: str | None) -> bool:
    return raw is None or bool(_PLACEHOLDER.match(raw))


def digits_of(raw: str) -> str:
    return _NUMERIC_JUNK.sub("", raw)


# «7204196795, договор № 1 …», «ИНН 7204196795?»: the number ends at a comma, a bracket,
# a question or exclamation mark, or where a word starts.
_NUMERIC_HEAD = re.compile(r"^\s*(\d[\d\s\u00a0\-./_]*?)\s*(?:[,;()?!]|\s+[^\d\s])")


def _numeric(raw: str, label: str) -> tuple[str | None, Check | None]:
    if is_placeholder(raw):
        return None, MISSING
    head = _NUMERIC_HEAD.match(raw)
    value = digits_of(head.group(1) if head else raw)
    if not value.isdigit():
        return None, bad(f"{label} должен состоять только из цифр", "format", raw.strip())
    return value, None


def check_inn(raw: str) -> Check:
    """T-INN: 10 or 12 digits with the tax service check digits (R-VAL-3)."""
    value, early = _numeric(raw, "ИНН")
    if early:
        return early
    try:
        return ok(stdnum_inn.validate(value))
    except InvalidLength:
        return bad(f"ИНН должен содержать 10 или 12 цифр, а указано {len(value)}", "length", value)
    except InvalidChecksum:
        return bad("контрольная сумма ИНН не сходится: проверьте цифры", "checksum", value)
    except ValidationError:
        return bad("ИНН не прошел проверку", "format", value)


def check_kpp(raw: str) -> Check:
    """T-KPP: 4 digits, 2 digits or Latin capitals, 3 digits."""
    if is_placeholder(raw):
        return MISSING
    value = _NUMERIC_JUNK.sub("", raw).upper()
    if not re.fullmatch(r"\d{4}[\dA-Z]{2}\d{3}", value):
        return bad("КПП должен содержать 9 знаков, например 720301001", "format", value)
    return ok(value)


def _ogrn_key_ok(value: str) -> bool:
    """T-OGRN's key. python-stdnum compares an OGRNIP's remainder mod 13 without the
    final mod 10, so it rejects every OGRNIP whose remainder is 10, 11 or 12 (about one in
    four real ones); the format rules (first digit) are still its own."""
    if len(value) == 15:
        return value[0] in "34" and int(value[:14]) % 13 % 10 == int(value[14])
    return stdnum_ogrn.is_valid(value)


def check_ogrn(raw: str, inn: str | None = None) -> Check:
    """T-OGRN: 13-digit OGRN or 15-digit OGRNIP, cross-checked with the INN type."""
    value, early = _numeric(raw, "ОГРН")
    if early:
        return early
    if len(value) not in (13, 15):
        return bad("ОГРН должен содержать 13 цифр (ОГРНИП — 15 цифр)", "length", value)
    if not _ogrn_key_ok(value):
        return bad("контрольная цифра ОГРН не сходится: проверьте цифры", "checksum", value)
    if inn and inn.isdigit() and len(inn) in (10, 12) and (len(value) == 13) != (len(inn) == 10):
        return bad(
            "тип ОГРН не соответствует ИНН: у организации ОГРН из 13 цифр и ИНН из 10, "
            "у индивидуального предпринимателя ОГРНИП из 15 цифр и ИНН из 12",
            "type_mismatch",
            value,
        )
    return ok(value)


def check_bik(raw: str) -> Check:
    value, early = _numeric(raw, "БИК")
    if early:
        return early
    if len(value) != 9:
        return bad("БИК должен содержать 9 цифр", "length", value)
    if not value.startswith("04"):
        return warn(value, "БИК российского банка обычно начинается с 04: проверьте")
    return ok(value)


def _account_key_ok(prefix: str, account: str) -> bool:
    """Bank of Russia key: weights 7,1,3 over prefix+account, Σ(d·w mod 10) ≡ 0 (mod 10)."""
    digits = prefix + account
    total = sum(int(d) * (7, 1, 3)[i % 3] % 10 for i, d in enumerate(digits))
    return total % 10 == 0


def check_account(raw: str, bik: str | None) -> Check:
    """T-ACCOUNT: 20 digits whose key matches the BIK (R-VAL-3, R-VAL-4)."""
    value, early = _numeric(raw, "Расчетный счет")
    if early:
        return early
    if len(value) != 20:
        return bad("расчетный счет должен содержать 20 цифр", "length", value)
    if not bik or len(bik) != 9 or not bik.isdigit():
        return warn(value, "расчетный счет не проверен: нет правильного БИК")
    if not _account_key_ok(bik[-3:], value):
        return bad(
            "расчетный счет не соответствует БИК (не сходится ключ счета)", "cross_check", value
        )
    return ok(value)


def check_corr_account(raw: str, bik: str | None) -> Check:
    """T-CORR: 20 digits, last 3 equal to the BIK's, key over «0» + BIK digits 5–6."""
    value, early = _numeric(raw, "Корреспондентский счет")
    if early:
        return early
    if len(value) != 20:
        return bad("корреспондентский счет должен содержать 20 цифр", "length", value)
    if not bik or len(bik) != 9 or not bik.isdigit():
        return warn(value, "корреспондентский счет не проверен: нет правильного БИК")
    if value[-3:] != bik[-3:] or not _account_key_ok("0" + bik[4:6], value):
        return bad("корреспондентский счет не соответствует БИК", "cross_check", value)
    if not value.startswith("30101"):
        return warn(value, "корреспондентский счет обычно начинается с 30101: проверьте")
    return ok(value)


def check_regnum(raw: str, max_year: int | None = None) -> Check:
    """T-REGNUM: Rospatent number YYYY6NNNNN; a software-registry entry is refused (D-50)."""
    if is_placeholder(raw):
        return MISSING
    value = digits_of(raw)
    registry_hint = re.search(r"реестр", raw, re.I)
    explain = (
        "нужен номер государственной регистрации программы для ЭВМ (свидетельство Роспатента, "
        "10 цифр, например 2019612345)"
    )
    if registry_hint or (value.isdigit() and 1 <= len(value) <= 6):
        return bad(
            f"это похоже на номер записи в реестре российского ПО, а {explain}", "format", value
        )
    if not value.isdigit() or len(value) != 10:
        return bad(f"неверный формат номера: {explain}", "format", value)
    year = int(value[:4])
    if value[4] != "6" or year < 1994 or (max_year is not None and year > max_year):
        return bad(f"неверный номер регистрации: {explain}", "format", value)
    return ok(value)


def check_text(raw: str | None, min_chars: int) -> Check:
    """T-TEXT(n): at least n non-space characters once placeholders are removed."""
    if raw is None or is_placeholder(raw):
        return MISSING
    value = " ".join(raw.split())
    if len(re.sub(r"[\s_]", "", value)) < min_chars:
        return bad(f"слишком коротко: нужно не меньше {min_chars} знаков", "format", value)
    return ok(value)

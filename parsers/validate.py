"""Value checks for extracted fields (REGULATIONS.md §3.1), with python-stdnum for INN."""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError
from stdnum.ru import inn as stdnum_inn

from parsers.types import FieldStatus

_PLACEHOLDER = re.compile(r"^[\s_\-—Xx]*$|^[ХхXx]{2,}$")
_NUMERIC_JUNK = re.compile(r"[\s\u00a0\-./_]")


def validate_inn(raw: str) -> tuple[FieldStatus, str | None, str]:
    """T-INN: 10 or 12 digits with the check digits of the Federal Tax Service."""
    digits = _NUMERIC_JUNK.sub("", raw)
    if not digits.isdigit():
        return FieldStatus.INVALID, None, "ИНН должен состоять только из цифр"
    try:
        return FieldStatus.VALID, stdnum_inn.validate(digits), ""
    except InvalidLength:
        return FieldStatus.INVALID, digits, "ИНН должен содержать 10 или 12 цифр"
    except InvalidChecksum:
        return FieldStatus.INVALID, digits, "контрольная сумма ИНН не сходится"
    except ValidationError as exc:
        return FieldStatus.INVALID, digits, f"ИНН не прошел проверку: {exc}"


def validate_field(code: str, raw: str) -> tuple[FieldStatus, object, str]:
    """Status, normalised value and a reason a person understands."""
    if _PLACEHOLDER.match(raw):
        return FieldStatus.MISSING, None, ""
    if code.endswith("inn"):
        return validate_inn(raw)
    return FieldStatus.VALID, raw.strip(), ""

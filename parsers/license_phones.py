"""Phone and fax of the Appendix 1 applicant (§3.5, T-PHONE) as partners write them.

«Телефон: (3452) 56-70-12   Факс: (3452) 56-70-13», «тел./факс (3467) 33-91-20, 33-91-21»
(the area code written once for both numbers), «(383) 209-44-61, доб. 31», a phone and an
e-mail on one line. The first number is the phone; with a combined «тел./факс» label the
second one (or the same one) is the fax.
"""

from __future__ import annotations

import re

from parsers.contacts import PHONE_RE, check_phone
from parsers.context import Context
from parsers.labels import Hit
from parsers.validate import MISSING, digits_of, is_placeholder

_PIECES = re.compile(r"\s*(?:[,;•]|\s+и\s+|\s/\s)\s*")
_EXTENSION = re.compile(r"^(?:доб|вн|ext)\.?\s*(\d{1,6})$", re.I)
_AREA = re.compile(r"\((\d{3,5})\)")
_COMBINED = re.compile(r"тел\w*\.?\s*/\s*факс|факс\s*/\s*тел", re.I)


def phone_numbers(raw: str) -> list[str]:
    """The numbers of one phone field; a short number inherits the area code before it."""
    numbers: list[str] = []
    area: str | None = None
    for piece in _PIECES.split(raw.strip()):
        if not piece:
            continue
        if (extension := _EXTENSION.match(piece)) and numbers:
            numbers[-1] = f"{numbers[-1]} доб. {extension.group(1)}"
            continue
        if found := PHONE_RE.search(piece):
            numbers.append(found.group(0).strip())
            if code := _AREA.search(found.group(0)):
                area = code.group(1)
            continue
        digits = digits_of(re.sub(r"^\D+", "", piece))
        if area and digits.isdigit() and len(area) + len(digits) == 10:
            numbers.append(f"({area}) {piece.strip()}")
    return numbers


def put_phones(ctx: Context, hits: dict[str, Hit]) -> None:
    phone_hit, fax_hit = hits.get("phone"), hits.get("fax")
    phones = phone_numbers(phone_hit.raw) if phone_hit else []
    if phone_hit and phones:
        ctx.put("phone", check_phone(phones[0]), phone_hit, phones[0])
    elif phone_hit and not is_placeholder(phone_hit.raw):
        ctx.put("phone", check_phone(phone_hit.raw), phone_hit)
    else:
        ctx.put("phone", MISSING)
    if fax_hit and not is_placeholder(fax_hit.raw) and not _COMBINED.search(fax_hit.excerpt):
        faxes = phone_numbers(fax_hit.raw)
        ctx.put("fax", check_phone(faxes[0] if faxes else fax_hit.raw), fax_hit)
    elif phone_hit and _COMBINED.search(phone_hit.excerpt) and phones:
        fax = phones[1] if len(phones) > 1 else phones[0]
        ctx.put("fax", check_phone(fax), phone_hit, fax)

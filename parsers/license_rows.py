"""A row of the Appendix 1 project description (§3.5): software | end customer | its INN, and
the rows partners tell with dashes («1) ГеоКлиент — 8 шт. — ГБУ «Центр …», ИНН …»)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.validate import digits_of, is_placeholder

_INN_IN_CELL = re.compile(r"[,;]?\s*\(?\s*ИНН\s*[:№]?\s*(\d[\d \u00a0]{8,13}\d)\s*\)?\.?", re.I)
# Where a customer's name starts when a PDF lost the column break between the two cells.
CUSTOMER_START = re.compile(
    r"\s(?=(?:ООО|ОАО|ЗАО|ПАО|АО|НАО|МКУ|МБУ|МАУ|МУП|ГУП|ГБУ|ГАУ|ГКУ|ФГБУ|ФГУП|БУ|КУ|ИП|"
    r"Администраци\w*|Департамент\w*|Управлени\w+|Комитет\w*|Министерств\w*)\b)"
)
ROW_NUMBER = re.compile(r"^\s*\d{1,3}[.)]?\s+(?=\S)")


@dataclass(frozen=True, slots=True)
class Row:
    software: str
    customer: str
    inn: str  # "" when the row has none


def _customer_and_inn(cell: str) -> tuple[str, str]:
    match = _INN_IN_CELL.search(cell)
    if not match:
        return cell.strip(" ,;"), ""
    name = (cell[: match.start()] + cell[match.end() :]).strip(" ,;")
    return name, digits_of(match.group(1))


def make_row(software: str, customer: str, inn: str = "") -> Row:
    software = ROW_NUMBER.sub("", software).strip(" ;,")
    name, inner = _customer_and_inn(customer)
    inn = "" if is_placeholder(inn) else inn.strip()
    return Row(software, name, inn or inner)


_ROW_START = re.compile(r"^\s*\d{1,2}[.)]\s+\S")
_DASH = re.compile(r"\s[—–]\s")
_SAME = re.compile(r"^(?:он|она|оно|они|тот|та|те)\s+же\b", re.I)


def dash_rows(lines: list[str]) -> list[Row]:
    """Numbered rows told with dashes: «1) ГеоКлиент — 8 шт. — ГБУ «Центр …», ИНН …», a
    wrapped row going on below; «он же» is the customer of the row above."""
    joined: list[str] = []
    for line in lines:
        if _ROW_START.match(line):
            joined.append(line.strip())
        elif joined and line.strip() and not joined[-1].endswith("."):
            joined[-1] += " " + line.strip()
        elif not line.strip() and joined:
            break
    return dashed_items(joined)


def dashed_items(items: list[str]) -> list[Row]:
    """Rows of items told with dashes, the customer the first part that names one."""
    rows: list[Row] = []
    for line in items:
        parts = _DASH.split(line)
        start = next(
            (
                i
                for i, p in enumerate(parts[1:], 1)
                if CUSTOMER_START.match(" " + p) or _SAME.match(p)
            ),
            None,
        )
        if start is None:
            continue
        customer = " — ".join(parts[start:])
        if _SAME.match(customer) and rows:
            rows.append(Row(make_row(parts[0], "").software, rows[-1].customer, rows[-1].inn))
        else:
            rows.append(make_row(parts[0], customer))
    return rows

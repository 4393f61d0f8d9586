"""Partner CSV columns, in English or as HQ's registry spreadsheet names them (issue 25).

`partners import --help` prints COLUMNS_HELP; a header nobody knows is refused with the
list of known ones rather than dropped silently (nothing is lost).
"""

from __future__ import annotations

import csv
from typing import Any

# Record key → accepted headers (compared in lower case, «ё» as «е»).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "наименование", "название", "партнер", "организация"),
    "inn": ("inn", "инн"),
    "kpp": ("kpp", "кпп"),
    "ogrn": ("ogrn", "огрн"),
    "role": ("role", "роль", "статус партнера"),
    "status": ("status", "состояние", "статус"),
    "domains": ("domains", "домены", "домен"),
    "addresses": ("addresses", "адреса", "адрес", "e-mail", "email", "почта"),
    "official_email": ("official_email", "официальный адрес", "официальная почта"),
    "curator": ("curator", "куратор"),
    "support_tier": ("support_tier", "уровень поддержки"),
    "key_registered_on": ("key_registered_on", "ключ зарегистрирован", "дата регистрации ключа"),
    "support_paid_until": ("support_paid_until", "поддержка оплачена до"),
}
# Russian role words → the registry's codes (D-1: «официальный» is gold).
ROLE_WORDS = {"авторизованный": "authorized", "золотой": "gold", "официальный": "official"}

COLUMNS_HELP = (
    "CSV columns (header row; ',' or ';' between values; lists in a cell separated by ';'):\n"
    + "\n".join(f"  {key:<20} {' | '.join(names[1:]) or '-'}" for key, names in COLUMNS.items())
    + "\nname is required; role: authorized or gold (official = gold; Russian words too);"
    "\nJSON: a list of objects with the same keys."
)

_BY_HEADER = {name: key for key, names in COLUMNS.items() for name in names}


class UnknownColumns(ValueError):
    pass


def _norm(header: str) -> str:
    return " ".join(header.strip().lower().replace("ё", "е").split())


def csv_records(text: str) -> list[dict[str, Any]]:
    """Rows keyed by record key; UnknownColumns names headers that match no column."""
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = next(reader, [])
    keys = [_BY_HEADER.get(_norm(h)) for h in header]
    unknown = [h for h, k in zip(header, keys, strict=True) if k is None and h.strip()]
    if unknown:
        raise UnknownColumns(", ".join(repr(h) for h in unknown))
    out = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        record = {k: v for k, v in zip(keys, row, strict=False) if k is not None}
        role = _norm(str(record.get("role") or ""))
        if role in ROLE_WORDS:
            record["role"] = ROLE_WORDS[role]
        out.append(record)
    return out

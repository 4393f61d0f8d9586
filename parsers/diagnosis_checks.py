"""The four checks of 000 §4.1 (§3.4 `self_diagnosis`) and where a text names them."""

from __future__ import annotations

import re

from parsers.platforms import DBMS_NAMES, PLATFORM_NAMES

# The four checks of 000 §4.1 and the words that name them in an answer.
CHECKS: tuple[tuple[str, str], ...] = (
    (
        "base_software_ok",
        r"базов\w*\s+(?:по|программн\w*\s+обеспечени\w*)|\bбпо\b|сервер\w*\s+приложени\w*"
        r"|\bос\b|платформ\w*|base\s+software"
        # the platform by what it is or its name: «службы приложения», «NGW и его сервисы»,
        # «Astra Linux», «Tomcat», «QGIS Server» (not «SQL Server», a DBMS)
        r"|(?:служб|сервис)\w*\s+приложени\w*|\b(?:его|е[её]|их)\s+(?:служб|сервис)\w*"
        rf"|{PLATFORM_NAMES}|\b(?!SQL\b)[A-Z][\w-]+\s+Server\b",
    ),
    (
        "dbms_ok",
        r"\bсубд\b|\bбд\b|баз[аеуы]?\s+данных|\bбаза\b|транзакц\w*|\bdbms\b|database"
        # the DBMS by its name: «PostgreSQL 16.2 отвечает», «SQL Server без блокировок»
        rf"|postgre\w*|sql\s*server|\bms\s*sql\b|{DBMS_NAMES}",
    ),
    ("network_ok", r"\bсет[ьи]\b|сетев\w*|\bping\b|пинг\w*|network"),
    (
        "auth_privileges_unchanged",
        r"привилеги\w*|\bправа?\b|учетн\w+\s+запис\w*|учетк\w*|аутентификац\w*|privilege\w*|\bauth\b"
        r"|permission\w*",
    ),
)
CHECK_RES = tuple((code, re.compile(pattern, re.I)) for code, pattern in CHECKS)


def mentions(text: str) -> list[tuple[int, str]]:
    """(position, check) of each check named in `text`, in order."""
    found = [(m.start(), code) for code, rx in CHECK_RES for m in rx.finditer(text)]
    return sorted(found)

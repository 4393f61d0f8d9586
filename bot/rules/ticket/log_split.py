"""Base-software logs and application logs told apart (D-24, `ticket.logs_strict_split`). Pure.

By default any log attachment satisfies both §4.2 log fields. With the option on, each needs
its own evidence: a file name or the letter's words («логи СУБД», «журнал сервера» for the
base software; «логи приложения» for the application). A field left unproven becomes missing,
so the ticket's clarification asks for it (R-VAL-7).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.rules.kinds import LetterFacts

BASE, APP = "base_software_logs", "app_logs"
_EVIDENCE = {
    BASE: (
        re.compile(r"субд|dbms|postgres|pg_?log|oracle|mssql|sql|server|сервер", re.I),
        re.compile(r"(?:лог\w*|журнал\w*)\s+(?:субд|сервер\w*|базов\w+)", re.I),
    ),
    APP: (
        re.compile(r"app|client|клиент|приложен", re.I),
        re.compile(r"(?:лог\w*|журнал\w*)\s+(?:приложени\w*|клиент\w*|программ\w*)", re.I),
    ),
}


def split_logs(
    facts: LetterFacts, strict: bool, earlier: dict[str, Any] | None = None
) -> LetterFacts:
    """The letter with each log field proven by its own file name or words, when strict.
    `earlier`: the case's fields; a log field proven before stays so when an answer brings
    only the other log (the reader gives every new log file to both fields)."""
    if not strict:
        return facts
    fields = dict(facts.fields)
    unproven = []
    for code in (BASE, APP):
        if _proven(code, fields.get(code), facts):
            continue
        before = (earlier or {}).get(code)
        if before and before.get("status") == "valid":
            fields[code] = before
        else:
            unproven.append(code)
    if not unproven:
        return replace(facts, fields=fields)
    for code in unproven:
        fields[code] = {**fields[code], "status": "missing", "reason": "тип журнала не указан"}
    missing = tuple(dict.fromkeys((*facts.findings.missing, *unproven)))
    return replace(facts, fields=fields, findings=replace(facts.findings, missing=missing))


def _proven(code: str, item: dict[str, Any] | None, facts: LetterFacts) -> bool:
    # Only a field satisfied by attachments is in question; missing or N/A ones stay as read.
    if not item or item.get("status") != "valid" or not isinstance(item.get("value"), list):
        return True
    by_name, by_words = _EVIDENCE[code]
    names = " ".join(str(name) for name in item["value"])
    return bool(by_name.search(names) or by_words.search(facts.new_text))

"""R-ID-7: the identifying fields a preset requires in every ticket (002 §1, §4.1). Pure.

002 defines «Идентифицирующая Пользователя информация» as the login (e-mail) in the system,
the user's full name, and the INN and name of the organisation. They are read from the
letter's own text by their labels and kept on the case like any other field, so an answer in
the thread completes what the first letter lacked (R-VAL-6).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ru import inn as stdnum_inn

from bot.policy import IdentificationPolicy
from bot.rules.decide import Decision, ReplyIntent, iso
from bot.rules.ticket.states import REJECTED, TicketLetter
from parsers.requirements import Findings, Invalid

_LABEL_END = r"[^\S\n]*(?:\([^)\n]*\))?[^\S\n]*[:\-–—]?[^\S\n]*"
_PATTERNS: dict[str, re.Pattern[str]] = {
    "login_email": re.compile(
        r"(?im)^\W*логин(?:[^\S\n]+в[^\S\n]+системе)?"
        + _LABEL_END
        + r"([\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    ),
    "user_full_name": re.compile(
        r"(?im)^\W*(?:фио|ф\.и\.о\.?|фамилия,?\s+имя,?\s+отчество)(?:\s+пользователя)?"
        + _LABEL_END
        + r"([А-ЯЁ][а-яё-]+(?:[^\S\n]+[А-ЯЁ][а-яё-]+){1,2})"
    ),
    "org_inn": re.compile(
        r"(?im)\bИНН(?:[^\S\n]+организации)?" + _LABEL_END + r"(\d{10}|\d{12})\b"
    ),
    "org_name": re.compile(
        r"(?im)^\W*(?:организация|наименование(?:[^\S\n]+юр\.?[^\S\n]*лица|[^\S\n]+организации)?"
        r"|юридическое[^\S\n]+лицо)"
        + _LABEL_END
        + r"((?:ООО|АО|ПАО|ЗАО|ОАО|ИП|ГУП|МУП|ГБУ|ФГУП)\b[^\n,;]*)"
    ),
}


def _field(value: str, status: str = "valid", reason: str = "") -> dict[str, Any]:
    # The stored shape of a field (bot/case_fields.py), so merging and showing work as usual.
    return {
        "status": status,
        "raw": value,
        "value": value if status == "valid" else None,
        "reason": reason,
        "confidence": 1.0,
        "evidence": {"source": "body", "excerpt": value},
    }


def read_identification(text: str) -> dict[str, dict[str, Any]]:
    """The identifying fields this letter states, each as a stored field."""
    found: dict[str, dict[str, Any]] = {}
    for code, pattern in _PATTERNS.items():
        match = pattern.search(text)
        if match is None:
            continue
        value = match.group(1).strip().rstrip(".")
        if code == "org_inn":
            try:
                stdnum_inn.validate(value)
            except StdnumError:
                found[code] = _field(value, "invalid", "контрольная сумма ИНН не сходится")
                continue
        found[code] = _field(value)
    return found


def require_identification(
    policy: IdentificationPolicy, fields: dict[str, Any], text: str, findings: Findings
) -> tuple[dict[str, Any], Findings]:
    """Fields with this letter's identification merged in, and the findings with every
    required identifying field that is still absent (missing) or wrong (invalid)."""
    if not policy.required_fields:
        return fields, findings
    merged = {**fields, **read_identification(text)}
    missing = [code for code in policy.required_fields if code not in merged]
    invalid = [
        Invalid(code, merged[code]["reason"])
        for code in policy.required_fields
        if code in merged and merged[code]["status"] == "invalid"
    ]
    if not missing and not invalid:
        return merged, findings
    return merged, replace(
        findings,
        missing=(*findings.missing, *missing),
        invalid=(*findings.invalid, *invalid),
    )


class _Facts(Protocol):
    fields: dict[str, Any]
    findings: Findings
    new_text: str


F = TypeVar("F", bound=_Facts)


def identified(facts: F, policy: IdentificationPolicy) -> F:
    """A ticket letter's facts with R-ID-7 applied (unchanged when nothing is required)."""
    if not policy.required_fields:
        return facts
    fields, findings = require_identification(policy, facts.fields, facts.new_text, facts.findings)
    return replace(facts, fields=fields, findings=findings)  # type: ignore[type-var]


def missing_identification(policy: IdentificationPolicy, findings: Findings) -> bool:
    """R-ID-7 with refuse_if_missing: the ticket is rejected rather than clarified."""
    wanted = set(policy.required_fields)
    return bool(wanted & set(findings.missing) or {i.field for i in findings.invalid} & wanted)


def refusal(letter: TicketLetter, policy: IdentificationPolicy) -> Decision | None:
    """R-ID-7 with refuse_if_missing (002 §4.1: only requests with the identifying
    information are processed): a rejection naming what was absent, or None."""
    if not policy.refuse_if_missing or not missing_identification(policy, letter.findings):
        return None
    absent = [code for code in policy.required_fields if code in letter.findings.missing]
    return Decision(
        state=REJECTED,
        event="rejected-identification",
        fields=letter.fields,
        missing=tuple(absent),
        attrs={
            "received_at": iso(letter.received_at),
            **letter.attrs_extra,
            "close_reason": "missing_identification",
            "closed_at": iso(letter.received_at),
        },
        replies=(
            ReplyIntent("rejection", "tkt_rej", {"reason": "missing_identification", "text": ""}),
        ),
        rule_ids=("R-ID-7",),
    )

"""Round trip (R-VAL-7): every example a clarification offers is read back as valid.

A partner who answers a clarification by copying the examples it gives must be accepted:
each field's example (and each of its «или» alternatives) is written under the field's own
label, as a partner fills the form, and read through the same parser as real mail. One
letter per kind carries every example at once, and the request it makes is complete.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from parsers import extract, parse_letter
from parsers.requirements import check
from parsers.types import FieldStatus, Kind
from replies.labels import field_help
from tests.support.letters import letter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ACCEPTED = (FieldStatus.VALID, FieldStatus.VALID_WITH_WARNING, FieldStatus.NOT_APPLICABLE)
# Fields whose example is a file name: the partner attaches a file of that name.
FILE_FIELDS = {"screenshots", "base_software_logs", "app_logs", "signed_form"}
CONTENT_TYPES = {
    ".png": "image/png",
    ".log": "text/plain",
    ".zip": "application/zip",
    ".pdf": "application/pdf",
}

FORMS: dict[str, tuple[Kind, tuple[str, ...]]] = {
    "bug ticket": (
        Kind.TICKET,
        (
            "tracker",
            "priority",
            "description",
            "legal_entity",
            "license_contract",
            "project_status",
            "software_name",
            "component",
            "base_software",
            "self_diagnosis",
            "steps_to_reproduce",
            "screenshots",
            "base_software_logs",
            "app_logs",
        ),
    ),
    "pin request": (
        Kind.PIN_REQUEST,
        (
            "client_name",
            "client_inn",
            "client_address",
            "contract_ref",
            "interest_reason",
            "contacts",
        ),
    ),
    "license request": (
        Kind.LICENSE_REQUEST,
        (
            "outgoing_ref",
            "applicant_name",
            "software_name",
            "end_customer",
            "end_customer_inn",
            "purpose",
            "legal_address",
            "postal_address",
            "phone",
            "fax",
            "email",
            "inn",
            "kpp",
            "ogrn",
            "bank_name",
            "bank_account",
            "corr_account",
            "bik",
            "signatory",
            "signed_form",
        ),
    ),
    "engineer hours": (
        Kind.RESOURCE,
        ("enterprise_name", "tasks", "estimated_hours", "desired_time"),
    ),
    "yearly report": (Kind.ANNUAL_REPORT, ("pin_ref", "deliveries_done", "deliveries_planned")),
    "software list": (Kind.PIN_CONFIRMATION, ("pin_ref", "software_list")),
}
# Where the field code and the form disagree (the license form's INN is the applicant's).
CODE_ON_FORM = {"software_list": "software_list"}


def _label(code: str) -> str:
    """The field's label as a partner writes it: without hints in brackets or after a colon."""
    label = re.sub(r"\s*\([^)]*\)", "", field_help(code).label)
    return label.split(":", 1)[0].strip()


def alternatives(code: str) -> list[str]:
    """The example and its «или» alternatives, each a value a partner may write."""
    parts = re.split(r",?\s+или\s+", field_help(code).example)
    found = [part.strip() for part in parts if part.strip()]
    # «совпадает с юридическим» is quoted as a phrase to write, not as part of it.
    return [p[1:-1] if re.fullmatch(r"«[^«»]*»", p) else p for p in found]


def _line(code: str, example: str) -> str:
    return example if ":" in example else f"{_label(code)}: {example}"


def _letter(kind: Kind, entries: list[tuple[str, str]]) -> bytes:
    lines = [_line(code, example) for code, example in entries if code not in FILE_FIELDS]
    files = [
        (name, b"2026-03-02 10:00:00 ERROR sample\n", CONTENT_TYPES[name[name.rfind(".") :]])
        for code, name in entries
        if code in FILE_FIELDS
    ]
    mailbox = "support@technocom.tech" if kind == Kind.TICKET else "mail@technocom.tech"
    body = "Добрый день!\n\n" + "\n".join(lines) + "\n\nС уважением,\nИван Петров\n"
    return letter(subject="Ответ на уточнение", body=body, to=mailbox, attachments=files)


def _read(kind: Kind, entries: list[tuple[str, str]]):
    return extract(parse_letter(_letter(kind, entries)), kind, received_at=NOW)


CASES = [
    pytest.param(kind, code, example, id=f"{code}-{i}")
    for _form, (kind, codes) in FORMS.items()
    for code in codes
    for i, example in enumerate(alternatives(code))
]


@pytest.mark.parametrize(("kind", "code", "example"), CASES)
def test_each_example_is_read_back_as_valid(kind: Kind, code: str, example: str) -> None:
    request = _read(kind, [(code, example)])
    value = request.fields.get(code)
    assert value is not None, f"{code}: example «{example}» not found"
    assert value.status in ACCEPTED, f"{code}: «{example}» read as {value.status}: {value.reason}"


@pytest.mark.parametrize("form", list(FORMS))
def test_a_form_filled_with_every_example_is_complete(form: str) -> None:
    kind, codes = FORMS[form]
    entries = [(code, alternatives(code)[0]) for code in codes]
    request = _read(kind, entries)
    findings = check(request, in_thread=False)
    assert not findings.missing, f"{form}: missing {findings.missing}"
    assert not findings.invalid, f"{form}: invalid {findings.invalid}"

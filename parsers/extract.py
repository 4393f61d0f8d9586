"""Labelled values from a letter (R-VAL-5): «ИНН: 7204196795» and its neighbours."""

from __future__ import annotations

import re

from parsers.types import Evidence, FieldStatus, FieldValue, Kind, ParsedLetter, RequestData
from parsers.validate import validate_field

# Russian labels (lower case, without trailing colon) → field code.
_LABELS: dict[str, str] = {
    "наименование клиента": "client_name",
    "клиент": "client_name",
    "инн клиента": "client_inn",
    "инн": "client_inn",
    "адрес клиента": "client_address",
    "адрес": "client_address",
    "договор": "contract_ref",
    "номер и дата договора": "contract_ref",
    "причина интереса": "interest_reason",
    "контактные лица": "contacts",
    "юридическое лицо": "legal_entity",
    "лицензионный договор": "license_contract",
    "по": "software_name",
    "наименование по": "software_name",
    "программное обеспечение": "software_name",
    "компонент": "component",
    "базовое по": "base_software",
    "описание": "description",
    "tracker": "tracker",
    "priority": "priority",
}

_LINE = re.compile(r"^\s*([^:\n]{2,60}?)\s*:\s*(.+?)\s*$", re.M)


def extract(letter: ParsedLetter, kind: Kind) -> RequestData:
    """Read `Label: value` lines of the new text; later letters override earlier ones."""
    fields: dict[str, FieldValue] = {}
    for match in _LINE.finditer(letter.new_text):
        label, raw = match.group(1).strip().lower(), match.group(2)
        code = _LABELS.get(label)
        if code is None or code in fields:
            continue
        status, value, reason = validate_field(code, raw)
        fields[code] = FieldValue(
            code=code,
            status=status,
            raw=raw,
            value=value,
            reason=reason,
            evidence=Evidence("body", match.group(0).strip()),
        )
    if letter.attachments:
        fields.setdefault(
            "attachments",
            FieldValue(
                "attachments",
                FieldStatus.VALID,
                value=[a.filename for a in letter.attachments],
            ),
        )
    return RequestData(kind=kind, fields=fields)

"""A license request read as `partnerdesk parse` reads it, for tests of the license readers."""

from __future__ import annotations

from parsers import extract
from parsers.letter import parse_letter
from parsers.types import FieldValue, Kind
from tests.support.letters import letter


def license_fields(body: str, **headers: str) -> dict[str, FieldValue]:
    """The fields of a license request to mail@ with `body` (`headers`: subject, sender…)."""
    headers.setdefault("subject", "Заявка на лицензии")
    raw = letter(body=body, to="mail@technocom.tech", **headers)
    return extract(parse_letter(raw), Kind.LICENSE_REQUEST).fields

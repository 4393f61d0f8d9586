"""Which fields a request of each kind must carry (REGULATIONS.md §3.2–§3.8)."""

from __future__ import annotations

from dataclasses import dataclass

from parsers.types import FieldStatus, Kind, RequestData

_REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.PIN_REQUEST: (
        "client_name",
        "client_inn",
        "client_address",
        "contract_ref",
        "interest_reason",
        "contacts",
    ),
    Kind.TICKET: ("legal_entity", "license_contract", "software_name", "description"),
    Kind.LICENSE_REQUEST: ("software_name", "end_customer", "inn"),
}


@dataclass(frozen=True, slots=True)
class Invalid:
    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class Findings:
    missing: tuple[str, ...]
    invalid: tuple[Invalid, ...]
    warnings: tuple[Invalid, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing and not self.invalid


def required_fields(request: RequestData) -> tuple[str, ...]:
    return _REQUIRED.get(request.kind, ())


def check(request: RequestData) -> Findings:
    """Missing required fields and invalid values, each reported once (R-VAL-1, R-VAL-7)."""
    missing = tuple(
        code
        for code in required_fields(request)
        if request.fields.get(code) is None or request.fields[code].status == FieldStatus.MISSING
    )
    invalid = tuple(
        Invalid(code, value.reason)
        for code, value in request.fields.items()
        if value.status == FieldStatus.INVALID
    )
    warnings = tuple(
        Invalid(code, value.reason)
        for code, value in request.fields.items()
        if value.status == FieldStatus.VALID_WITH_WARNING
    )
    return Findings(missing, invalid, warnings)

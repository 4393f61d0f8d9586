"""R-TKT-6: on a demo (pilot) project the license contract may be absent."""

from __future__ import annotations

from parsers.requirements import check
from parsers.types import FieldStatus, FieldValue, Kind, RequestData


def _ticket(status: str) -> RequestData:
    given = {
        "tracker": "support",
        "description": "как настроить подписи",
        "legal_entity": {"name": "ООО «Ромашка»"},
        "software_name": "ТехноКарта",
        "project_status": status,
    }
    fields = {
        code: FieldValue(code=code, status=FieldStatus.VALID, value=value)
        for code, value in given.items()
    }
    return RequestData(Kind.TICKET, fields)


def test_r_tkt_6_a_demo_project_needs_no_license_contract() -> None:
    assert check(_ticket("demo")).missing == ()


def test_r_tkt_6_an_active_project_still_needs_one() -> None:
    assert check(_ticket("active")).missing == ("license_contract",)

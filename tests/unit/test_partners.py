"""The partner registry and sender identification (R-ID-1, R-ID-3, D-1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.partners import RegistryError, identify, read_records, upsert_partner
from tests.conftest import T0

ROMASHKA = {
    "name": "ООО «Партнер»",
    "inn": "7204196795",
    "role": "official",
    "domains": "partner.ru",
    "addresses": "ivan@partner.ru; Petr@Partner.ru",
    "curator": "curator@technocom.tech",
}


def test_r_id_1_exact_address_then_domain_for_general_mailbox_only(service) -> None:
    with service.sessions.begin() as session:
        upsert_partner(session, ROMASHKA, T0)
    with service.sessions() as session:
        by_address = identify(session, "PETR@partner.ru", "support")
        assert by_address is not None and by_address.via == "address"
        assert by_address.role == "gold"  # D-1: «официальный» is the gold role
        by_domain = identify(session, "new.person@partner.ru", "general")
        assert by_domain is not None and by_domain.via == "domain"
        # Tickets need a registered address: the domain alone does not identify (R-ID-2).
        assert identify(session, "new.person@partner.ru", "support") is None
        assert identify(session, "someone@elsewhere.ru", "general") is None


def test_upsert_by_inn_updates_and_addresses_accumulate(service) -> None:
    with service.sessions.begin() as session:
        upsert_partner(session, ROMASHKA, T0)
        partner = upsert_partner(
            session, {**ROMASHKA, "role": "authorized", "addresses": "anna@partner.ru"}, T0
        )
        assert partner.role == "authorized"
    with service.sessions() as session:
        assert identify(session, "ivan@partner.ru", "support") is not None
        assert identify(session, "anna@partner.ru", "support") is not None


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"name": ""}, "name is required"),
        ({"name": "X", "inn": "7204196796"}, "not a valid INN"),
        ({"name": "X", "role": "platinum"}, "use authorized, gold or official"),
        ({"name": "X", "addresses": "not-an-address"}, "not an e-mail address"),
    ],
)
def test_bad_records_are_refused_with_the_field_named(service, record, message) -> None:
    with service.sessions.begin() as session, pytest.raises(RegistryError, match=message):
        upsert_partner(session, record, T0)


def test_an_address_cannot_belong_to_two_partners(service) -> None:
    with service.sessions.begin() as session:
        upsert_partner(session, ROMASHKA, T0)
        with pytest.raises(RegistryError, match="already belongs to another partner"):
            upsert_partner(session, {"name": "Другой", "addresses": "ivan@partner.ru"}, T0)


def test_import_reads_csv_and_json(tmp_path: Path) -> None:
    csv_file = tmp_path / "partners.csv"
    csv_file.write_text("name,inn,role,domains,addresses\nООО А,7204196795,gold,a.ru,x@a.ru\n")
    json_file = tmp_path / "partners.json"
    json_file.write_text(json.dumps([{"name": "ООО Б", "addresses": ["y@b.ru"]}]))
    assert read_records(csv_file)[0]["inn"] == "7204196795"
    assert read_records(json_file)[0]["addresses"] == ["y@b.ru"]
    json_file.write_text('{"name": 1}')
    with pytest.raises(RegistryError, match="JSON list"):
        read_records(json_file)


def _statements(session) -> list[str]:
    from sqlalchemy import event

    seen: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_r_id_1_a_batch_identifies_its_senders_as_letter_by_letter_without_asking_again(
    service,
) -> None:
    from bot.partners import preload_senders

    with service.sessions.begin() as session:
        upsert_partner(session, ROMASHKA, T0)
    cases = [
        ("PETR@partner.ru", "support"),
        ("ivan@partner.ru", "general"),
        ("new.person@partner.ru", "general"),
        ("new.person@partner.ru", "support"),
        ("someone@elsewhere.ru", "general"),
        ("someone@elsewhere.ru", "support"),
    ]
    with service.sessions() as session:
        one_by_one = [identify(session, address, role) for address, role in cases]
    with service.sessions() as session:
        preload_senders(session, {address for address, _ in cases})
        identify(session, "x@partner.ru", "general")  # reads the domains once
        statements = _statements(session)
        batch = [identify(session, address, role) for address, role in cases]
    assert batch == one_by_one
    assert [i.via if i else None for i in batch] == [
        "address",
        "address",
        "domain",
        None,
        None,
        None,
    ]
    assert statements == []


def test_an_address_outside_the_preloaded_batch_is_still_looked_up(service) -> None:
    from bot.partners import preload_senders

    with service.sessions.begin() as session:
        upsert_partner(session, ROMASHKA, T0)
    with service.sessions() as session:
        preload_senders(session, {"someone@elsewhere.ru"})
        found = identify(session, "ivan@partner.ru", "support")
    assert found is not None and found.via == "address"

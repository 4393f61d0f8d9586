"""Value types of REGULATIONS.md §3.1 with the R-VAL-3 test vectors."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.contacts import check_contacts, check_email, check_phone, parse_contact
from parsers.dates import check_contract, check_date, contract_key
from parsers.types import FieldStatus
from parsers.validate import (
    check_account,
    check_bik,
    check_corr_account,
    check_inn,
    check_kpp,
    check_ogrn,
    check_regnum,
    check_text,
)

VALID, INVALID, MISSING, WARN = (
    FieldStatus.VALID,
    FieldStatus.INVALID,
    FieldStatus.MISSING,
    FieldStatus.VALID_WITH_WARNING,
)


@pytest.mark.parametrize(
    "raw", ["7204196795", "7700000009", "500100000015", "72 04 196795", "7204-196-795"]
)
def test_inn_valid(raw: str) -> None:
    result = check_inn(raw)
    assert result.status == VALID
    assert result.value == raw.replace(" ", "").replace("-", "")


def test_inn_checksum_and_length_are_told_apart() -> None:
    checksum = check_inn("7204196796")
    assert (checksum.status, checksum.code) == (INVALID, "checksum")
    assert "контрольная сумма ИНН не сходится" in checksum.reason
    length = check_inn("72041967")
    assert (length.status, length.code) == (INVALID, "length")
    assert "ИНН должен содержать 10 или 12 цифр" in length.reason


@pytest.mark.parametrize("raw", ["_____", "XXX", "ХХХ", "—", "", "   "])
def test_placeholders_are_missing_not_invalid(raw: str) -> None:
    assert check_inn(raw).status == MISSING
    assert check_kpp(raw).status == MISSING


def test_inn_with_letters_is_invalid_format() -> None:
    result = check_inn("72041967AB")
    assert (result.status, result.code) == (INVALID, "format")


def test_inn_followed_by_words_takes_the_number() -> None:
    assert check_inn("7204196795, договор № 1 от 01.02.2026").value == "7204196795"


def test_ogrn_vectors() -> None:
    assert check_ogrn("1137232059744").status == VALID
    assert check_ogrn("1137232059745").status == INVALID
    assert check_ogrn("304500100000017").status == VALID
    # R-VAL-3 / T-OGRN: (first 14 mod 13) mod 10 — a remainder of 10–12 keeps its last digit.
    assert int("32172250010653") % 13 == 12
    assert check_ogrn("321722500106532").status == VALID
    assert check_ogrn("321722500106533").status == INVALID
    mismatch = check_ogrn("304500100000017", inn="7204196795")
    assert (mismatch.status, mismatch.code) == (INVALID, "type_mismatch")
    assert check_ogrn("1137232059744", inn="7204196795").status == VALID


@given(st.integers(min_value=3 * 10**13, max_value=4 * 10**13 - 1))
def test_r_val_3_every_ogrnip_with_the_spec_key_is_valid(prefix: int) -> None:
    # T-OGRN for all remainders, including the 10–12 that python-stdnum rejects.
    key = prefix % 13 % 10
    assert check_ogrn(f"{prefix}{key}").status == VALID
    assert check_ogrn(f"{prefix}{(key + 1) % 10}").status == INVALID


def test_bik_and_accounts_vectors() -> None:
    assert check_bik("044525225").status == VALID
    assert check_bik("123456789").status == WARN
    assert check_corr_account("30101810400000000225", "044525225").status == VALID
    assert check_account("40702810200000000001", "044525225").status == VALID
    bad = check_account("40702810100000000001", "044525225")
    assert (bad.status, bad.code) == (INVALID, "cross_check")
    assert "расчетный счет не соответствует БИК" in bad.reason
    assert check_corr_account("30101810400000000224", "044525225").status == INVALID
    assert check_account("40702810200000000001", None).status == WARN
    assert check_account("4070281020000000000", "044525225").code == "length"


def test_kpp_format_allows_latin_letters() -> None:
    assert check_kpp("720301001").value == "720301001"
    assert check_kpp("7727AB001").status == VALID
    assert check_kpp("72030100").status == INVALID


def test_regnum_rospatent_vs_registry_entry() -> None:
    assert check_regnum("2019612345", 2026).status == VALID
    assert check_regnum("2022665123", 2026).status == VALID
    registry = check_regnum("12345")
    assert registry.status == INVALID and "реестре российского ПО" in registry.reason
    assert check_regnum("2019512345").status == INVALID
    assert check_regnum("2030612345", max_year=2026).status == INVALID
    assert check_regnum("запись в реестре № 1234").status == INVALID


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("01.12.2026", "2026-12-01"),
        ("1 декабря 2026 г.", "2026-12-01"),
        ("«5» марта 2024 г.", "2024-03-05"),
        ("01.02.24", "2024-02-01"),
        ("2024-02-29", "2024-02-29"),
        ("15 мая 2025", "2025-05-15"),
    ],
)
def test_dates_in_russian_formats(raw: str, iso: str) -> None:
    assert check_date(raw).value == iso


@pytest.mark.parametrize("raw", ["31.02.2026", "03/04/2026", "в марте"])
def test_ambiguous_or_impossible_dates_are_invalid(raw: str) -> None:
    assert check_date(raw).status == INVALID


def test_contract_reference_and_key() -> None:
    result = check_contract("Договор № 12/34-ЛД от 01.02.2024", date(2026, 3, 2))
    assert result.value == {
        "kind": "contract",
        "number": "12/34-ЛД",
        "date": "2024-02-01",
        "key": "12/34-LD|2024-02-01",
    }
    state = check_contract("№ 0167200003426000012 от 14.01.2026", hint="Государственный контракт:")
    assert state.value["kind"] == "state_contract"
    # Cyrillic look-alikes give the same key as Latin letters (R-VAL-9).
    assert contract_key("АВ-12", "2024-01-01") == contract_key("AB-12", "2024-01-01")


def test_contract_dated_after_the_letter_is_invalid() -> None:
    result = check_contract("Договор № 77 от 01.12.2026", date(2026, 3, 2))
    assert result.status == INVALID and "позже даты письма" in result.reason
    assert check_contract("Договор № 77 от 02.03.2026", date(2026, 3, 2)).status == VALID


def test_contract_without_date_is_invalid() -> None:
    assert check_contract("Договор № 77", date(2026, 3, 2)).status == INVALID


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("(3452) 39-31-33", "+73452393133"),
        ("8 (800) 707-87-12 доб. 1", "+78007078712;ext=1"),
        ("+7 912 345-67-89", "+79123456789"),
        ("+49 30 1234567", "+49301234567"),
    ],
)
def test_phones_normalised_to_e164(raw: str, e164: str) -> None:
    assert check_phone(raw).value == e164


def test_bad_phone_and_email() -> None:
    assert check_phone("12-34").status == INVALID
    assert check_email("Office@GeoPartner.RU").value == "office@geopartner.ru"
    assert check_email("office@localhost").status == INVALID
    assert check_email("почта@пример.рф").status == VALID


def test_contacts_need_two_different_people() -> None:
    lines = [
        "Смирнов Алексей Петрович, главный инженер, +7 (3452) 12-34-56",
        "Орлова Е.В., orlova@tgs.ru",
    ]
    result = check_contacts(lines)
    assert result.status == VALID
    assert [c["name"] for c in result.value] == ["Смирнов Алексей Петрович", "Орлова Е.В."]
    one = check_contacts(lines[:1])
    assert one.status == INVALID and "не менее двух" in one.reason
    assert check_contacts(["Просто текст без людей"]).status == MISSING


def test_contact_without_phone_or_email_is_not_a_contact() -> None:
    assert parse_contact("Иванов Иван Иванович, директор") is None


def test_text_minimum_length() -> None:
    assert check_text("коротко", 10).status == INVALID
    assert check_text("____", 10).status == MISSING
    assert check_text("достаточно длинный текст", 10).status == VALID


def test_several_contacts_on_one_line_are_split() -> None:
    result = check_contacts(["Иванов И.И. +7 912 111-22-33; Петров П.П., инженер, petrov@x.ru"])
    assert result.status == VALID
    assert result.value == [
        {"name": "Иванов И.И.", "phone": "+79121112233"},
        {"name": "Петров П.П.", "position": "инженер", "email": "petrov@x.ru"},
    ]


def test_r_val_5_contract_a_municipal_or_state_contract_by_its_initials() -> None:
    municipal = check_contract("МК N 0190300001226000387 от 05.11.2026 (ведение реестра)")
    assert municipal.value["kind"] == "state_contract"
    assert (municipal.value["number"], municipal.value["date"]) == (
        "0190300001226000387",
        "2026-11-05",
    )
    assert check_contract("по ГК № 12/26 от 01.02.2026").value["kind"] == "state_contract"

"""Pin, license and engineer-hours letter families the blind exam (issue 18) found misread:
«Госконтракт» as a contract label, purposes answered «да/нет» in one line and «Почт. адрес:
тот же» (§3.5), a vertical «Label | value» project table, a head's name after the position
word, the payment order's own date (§3.6), and §6.2 tasks listed under a lead-in sentence."""

from __future__ import annotations

from datetime import UTC, datetime

from parsers import extract, parse_letter
from parsers.contacts import find_person
from parsers.license_project import project_rows
from parsers.types import FieldStatus, Kind
from tests.support.letters import letter

NOW = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def _read(kind: Kind, body: str):
    raw = letter(subject="Письмо партнера", body=body, to="mail@technocom.tech")
    return extract(parse_letter(raw), kind, received_at=NOW)


def test_r_pin_3_gos_kontrakt_label_gives_the_state_contract() -> None:
    request = _read(
        Kind.PIN_REQUEST,
        "Организация: МКУ «Горсвет»\nИНН: 7701234560\nГос. контракт: № 17/ГК от 03.03.2026\n",
    )
    value = request.fields["contract_ref"].value
    assert isinstance(value, dict)
    assert (value["kind"], value["number"], value["date"]) == (
        "state_contract",
        "17/ГК",
        "2026-03-03",
    )


def test_r_lic_1_purposes_answered_yes_no_in_one_line() -> None:
    request = _read(
        Kind.LICENSE_REQUEST,
        "Цели: демонстрация — да; сублицензии — нет; собственное использование — да.\n",
    )
    assert request.fields["purpose"].value == ["own_use", "demo"]


def test_r_lic_1_abbreviated_postal_label_same_as_legal() -> None:
    request = _read(
        Kind.LICENSE_REQUEST,
        "Юридический адрес: 644043, г. Омск, ул. Ленина, д. 2\nПочт. адрес: тот же\n",
    )
    assert request.fields["postal_address"].value == "644043, г. Омск, ул. Ленина, д. 2"


def test_r_lic_1_vertical_table_rows_give_software_and_customer() -> None:
    rows = project_rows("Наименование ПО | ТехноКом Учет\nКонечный заказчик\tАО «Водоканал»\n")
    assert [(r.software, r.customer) for r in rows] == [("ТехноКом Учет", "АО «Водоканал»")]


def test_r_lic_1_header_row_is_still_a_header_not_a_value() -> None:
    rows = project_rows(
        "Наименование программного обеспечения | Конечный заказчик\nТехноКом Учет | ООО «Север»\n"
    )
    assert [(r.software, r.customer) for r in rows] == [("ТехноКом Учет", "ООО «Север»")]


def test_r_lic_1_name_after_the_position_word() -> None:
    assert find_person("Директор Сомова Ирина Петровна") == "Сомова Ирина Петровна"
    assert find_person("Генеральный директор Лосев П.К.") == "Лосев П.К."
    assert find_person("Кротов Олег Главный инженер") == "Кротов Олег"


def test_r_lic_8_payment_date_is_the_orders_not_the_invoices() -> None:
    request = _read(
        Kind.LICENSE_DOCUMENTS,
        "Счет № 55 от 02.09.2026 оплачен, платежное поручение № 311 от 01.10.2026 прилагаем.\n",
    )
    assert request.fields["payment_date"].value == "2026-10-01"


def test_r_res_1_tasks_listed_under_a_lead_in_sentence() -> None:
    request = _read(
        Kind.RESOURCE,
        "Просим помочь с настройкой у ООО «Восток-Энерго»:\n"
        "- подключить обмен с биллингом по протоколу REST;\n"
        "- сконфигурировать роли диспетчеров для трёх участков.\n"
        "Хотелось бы провести работы в конце ноября 2026 года.\n",
    )
    tasks = request.fields["tasks"]
    assert tasks.status == FieldStatus.VALID and isinstance(tasks.value, list)
    assert len(tasks.value) == 2
    assert request.fields["desired_time"].status == FieldStatus.VALID
    assert request.fields["estimated_hours"].status == FieldStatus.MISSING

"""Pin requests as partners write them (§3.2, D-15, R-THR-9): whose company is it, labels
in every layout, reasons in prose, contacts on the client's side."""

from __future__ import annotations

from parsers import extract, parse_letter
from parsers.types import FieldStatus, Kind

# Valid check digits (T-INN / T-OGRN), made up for these tests.
CLIENT_INN = "5501123450"
PARTNER_INN = "7203123459"
OTHER_INN = "6607123452"


def letter(body: str, sender: str = "manager@alfa-geo.ru"):
    raw = (
        f"From: {sender}\r\nSubject: pin\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    ).encode()
    return parse_letter(raw)


def pin(body: str, sender: str = "manager@alfa-geo.ru"):
    return extract(letter(body, sender), Kind.PIN_REQUEST).fields


def test_r_pin_client_is_the_company_pinned_not_the_partner_named_with_its_inn() -> None:
    fields = pin(
        f"Коллеги, просим закрепить за АО «Альфа-Гео» (ИНН {PARTNER_INN}) организацию:\n"
        f"Полное наименование: ГАУ «Омский фонд пространственных данных»\n"
        f"ИНН {CLIENT_INN}\n"
    )
    assert "Омский фонд" in fields["client_name"].value
    assert fields["client_inn"].value == CLIENT_INN


def test_r_pin_prose_client_name_after_the_intent_when_partner_comes_first() -> None:
    fields = pin(
        "Добрый день. Прошу закрепить за ООО «Альфа-Гео» заказчика МП «Водоканал-Сервис», "
        f"ИНН {CLIENT_INN}, 644010, г. Омск, ул. Лермонтова, д. 12. Договор № В-7 от 01.02.2026."
    )
    assert fields["client_name"].value == "МП «Водоканал-Сервис»"
    assert "Лермонтова, д. 12" in fields["client_address"].value


def test_r_pin_letterhead_requisites_are_the_partners() -> None:
    body = (
        "ООО «Альфа-Гео»\n"
        f"ИНН {PARTNER_INN}  КПП 720301001  ОГРН 1027200000123\n"
        "625000, г. Тюмень, ул. Мира, д. 1\n"
        "Генеральному директору ООО «ТЕХНОКОМ»\n"
        "Уважаемые коллеги!\n"
        "Просим предварительно закрепить клиента:\n"
        "Наименование: ООО «Иртыш-Кадастр»\n"
        f"ИНН {CLIENT_INN}, КПП 550101001\n"
        "Адрес: 644043, г. Омск, ул. Ленина, д. 3\n"
    )
    fields = pin(body)
    assert fields["client_inn"].value == CLIENT_INN
    assert fields["client_kpp"].value == "550101001"
    assert "client_ogrn" not in fields
    assert "Ленина, д. 3" in fields["client_address"].value


def test_r_val_5_label_alone_value_on_next_lines_and_ogrnip() -> None:
    fields = pin(
        "Прошу закрепить клиента.\n\nНаименование клиента\nИП Сафонов Игорь Петрович\n\n"
        "ИНН\n500100000015\n\nОГРНИП\n304500100000017\n\n"
        "Причина интереса\nведет межевание для трех поселений и хочет единую ГИС\n"
    )
    assert "Сафонов" in fields["client_name"].value
    assert fields["client_inn"].value == "500100000015"
    assert fields["client_ogrn"].value == "304500100000017"
    assert "межевание" in fields["interest_reason"].value


def test_r_val_5_tab_separated_cells_and_wrapped_values() -> None:
    fields = pin(
        "Просим закрепить клиента:\n"
        "Наименование\tБУ «Центр учета объектов\nнедвижимости»\n"
        f"ИНН\t{CLIENT_INN}\n"
        "Почему интересен\tзаказчик переходит с зарубежной САПР, мы\nведем у них пилот\n"
    )
    assert fields["client_name"].value == "БУ «Центр учета объектов недвижимости»"
    assert fields["interest_reason"].value.endswith("ведем у них пилот")


def test_r_pin_interest_reason_in_a_sentence_about_the_clients_plans() -> None:
    fields = pin(
        f"Просим закрепить клиента ООО «Бета», ИНН {CLIENT_INN}.\n"
        "Заказчик планирует в следующем году перевести архив планшетов в ГИС.\n"
    )
    assert "архив планшетов" in fields["interest_reason"].value


def test_r_pin_contract_number_sentence_is_not_a_reason() -> None:
    fields = pin(
        f"Просим закрепить клиента ООО «Бета», ИНН {CLIENT_INN}. Договор № 5 от 01.02.2026."
    )
    assert fields["interest_reason"].status == FieldStatus.MISSING


def test_d_15_staff_listed_on_our_side_do_not_count() -> None:
    fields = pin(
        f"Просим закрепить клиента ООО «Бета», ИНН {CLIENT_INN}.\n"
        "Контактные лица:\n"
        "- Орлова Анна Сергеевна, +7 912 555-10-20\n"
        "От нас:\n"
        "- Лебедев Павел Андреевич, +7 912 555-30-40\n"
    )
    assert fields["contacts"].status == FieldStatus.INVALID
    assert [c["name"] for c in fields["contacts"].value] == ["Орлова Анна Сергеевна"]


def test_d_15_wrapped_contact_lines_join_their_person() -> None:
    fields = pin(
        f"Просим закрепить клиента ООО «Бета», ИНН {CLIENT_INN}.\n"
        "Контактные лица со стороны заказчика:\n"
        "— Орлова Анна Сергеевна, главный инженер, тел. +7\n(3812) 55-10-20;\n"
        "— Зимин Олег Петрович, начальник отдела, zimin@beta-omsk.ru\n"
    )
    assert fields["contacts"].status == FieldStatus.VALID
    assert fields["contacts"].value[0]["phone"] == "+73812551020"


def test_r_thr_9_two_clients_both_named_for_hq() -> None:
    body = (
        "Просим закрепить двух клиентов.\n"
        f"1. ООО «Бета»\nИНН {CLIENT_INN}\n\n2. АО «Гамма»\nИНН {OTHER_INN}\n"
    )
    request = extract(letter(body), Kind.PIN_REQUEST)
    fields = request.fields
    assert "multiple_subjects" in request.flags
    assert CLIENT_INN in fields["client_inn"].raw and OTHER_INN in fields["client_inn"].raw
    assert "Гамма" in fields["client_name"].raw

"""Appendix 1 as partners send it (§3.5, R-LIC-1, R-LIC-3): each requisite from its part.

The letters here are written for these tests, in wordings of their own: a requisite in the
project part belongs to the end customer, one under «Данные участника» to the applicant;
the head signs the form, the sender only signs the e-mail.
"""

from __future__ import annotations

from datetime import UTC, datetime

from parsers import extract, parse_letter
from parsers.license_phones import phone_numbers
from parsers.license_project import project_rows
from parsers.license_scan import looks_like_license_form_scan
from parsers.license_sections import join_values_on_next_line
from parsers.requirements import check
from parsers.types import FieldStatus, Kind
from tests.support.letters import letter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000

FORM = """Коллеги, здравствуйте.
Высылаем заявку, текст формы ниже.

Исх. № 77-К
от 03.02.2026

Руководителю ООО «ТЕХНОКОМ»

1. Изучив требования, представленные в Партнерской программе, выражаем намерения участия
ООО «Береговые Геотехнологии» в Партнерской программе.
2. Описание проекта:
Наименование программного обеспечения | Конечный заказчик
ТехноГИС Клиент, 2 места | МБУ «Центр земельных отношений
города Заречного», ИНН 7700000009

Цель приобретения ПО:
[x] Предоставление простых неисключительных лицензий (сублицензий)

5. Данные участника
Юридический адрес: 625000, г. Тюмень, ул. Луговая, д. 8
Почтовый адрес: совпадает с юридическим
тел./факс (3452) 39-31-33, 39-31-34
Электронная почта: office@bereg-geo.ru
ИНН: 7204196795 /КПП: 720301001
ОГРН: 1137232059744
Р/счет: 40702810200000000001 в АО «Тестбанк»
К/счет: 30101810400000000225
БИК: 044525225

Исполнительный директор   ___________   Сомова Е.Г.
М.П.

--
С уважением,
Лиственко Павел
ведущий менеджер ООО «Береговые Геотехнологии»
тел. +7 (3452) 39-31-33 доб. 12
"""


def _read(body: str, attachments: list[tuple[str, bytes, str]] | None = None):
    raw = letter(
        subject="Заявка на лицензии",
        body=body,
        to="mail@technocom.tech",
        attachments=attachments,
    )
    return extract(parse_letter(raw), Kind.LICENSE_REQUEST, received_at=NOW)


def test_r_lic_1_applicant_inn_is_not_the_end_customers_inn_from_the_project_row() -> None:
    request = _read(FORM)
    assert request.fields["inn"].value == "7204196795"
    assert request.fields["end_customer_inn"].value == ["7700000009"]
    assert "Заречного" in str(request.fields["end_customer"].value)  # the wrapped cell


def test_r_lic_1_applicant_name_comes_from_paragraph_one() -> None:
    assert _read(FORM).fields["applicant_name"].value == "ООО «Береговые Геотехнологии»"


def test_r_lic_1_signatory_is_the_head_under_the_form_not_the_sender() -> None:
    value = _read(FORM).fields["signatory"].value
    assert value == {"position": "Исполнительный директор", "name": "Сомова Е.Г."}


def test_r_lic_1_outgoing_date_on_the_line_after_the_number() -> None:
    assert _read(FORM).fields["outgoing_ref"].value == {"number": "77-К", "date": "2026-02-03"}


def test_r_lic_1_phone_and_fax_share_the_area_code() -> None:
    request = _read(FORM)
    assert request.fields["phone"].value == "+73452393133"
    assert request.fields["fax"].value == "+73452393134"
    assert request.fields["postal_address"].value == request.fields["legal_address"].value


def test_phone_numbers_keep_extension_and_inherit_area_code() -> None:
    assert phone_numbers("(34345) 2-11-00, 2-11-01") == ["(34345) 2-11-00", "(34345) 2-11-01"]
    assert phone_numbers("(383) 200-10-20, доб. 5") == ["(383) 200-10-20 доб. 5"]


def test_r_lic_1_form_without_a_head_line_has_no_signatory() -> None:
    body = (
        FORM.split("Исполнительный директор")[0] + "\n--\nЛиственко Павел\nдиректор по продажам\n"
    )
    request = _read(body)
    assert request.fields["signatory"].status == FieldStatus.MISSING


def test_r_val_5_labels_with_the_value_on_the_next_line() -> None:
    text = "ОГРН:\n1137232059744\nБИК:\n044525225\n"
    assert join_values_on_next_line(text).splitlines()[0] == "ОГРН: 1137232059744"


def test_r_lic_1_deliberate_account_key_error_is_reported_on_next_line_layout() -> None:
    body = FORM.replace(
        "Р/счет: 40702810200000000001 в АО «Тестбанк»",
        "Р/счет:\n40702810200000000002\nБанк:\nАО «Тестбанк»",
    )
    request = _read(body)
    assert request.fields["bank_account"].status == FieldStatus.INVALID
    assert request.fields["bank_name"].value == "АО «Тестбанк»"


def test_r_val_4_sole_proprietor_needs_no_kpp_and_has_ogrnip() -> None:
    body = (
        FORM.replace("ООО «Береговые Геотехнологии» в", "ИП Зорина Марка Ильича в")
        .replace("ИНН: 7204196795 /КПП: 720301001", "ИНН: 500100000015 /КПП: нет (ИП)")
        .replace("ОГРН: 1137232059744", "ОГРНИП: 304500100000017")
    )
    request = _read(body)
    assert request.fields["inn"].value == "500100000015"
    assert request.fields["ogrn"].status == FieldStatus.VALID
    findings = check(request, in_thread=False)
    assert "kpp" not in findings.missing
    assert "kpp" not in [i.field for i in findings.invalid]


def test_project_rows_from_a_numbered_tab_table_with_an_inn_column() -> None:
    text = (
        "№\tНаименование ПО\tКонечный заказчик\tИНН\n"
        "1\tТехноГИС Сервер\tАО «Сеть-Север»\t7700000009\n"
        "2\tТехноГИС Клиент\tИП Гусев А.А.\t—\n"
    )
    rows = project_rows(text)
    assert [(r.software, r.customer, r.inn) for r in rows] == [
        ("ТехноГИС Сервер", "АО «Сеть-Север»", "7700000009"),
        ("ТехноГИС Клиент", "ИП Гусев А.А.", ""),
    ]


def test_project_rows_when_a_pdf_lost_the_column_break() -> None:
    text = (
        "Наименование программного\nобеспечения Конечный заказчик\n"
        "Адресный реестр (1 место) МКУ «Архив района», ИНН 7700000009\n"
    )
    rows = project_rows(text)
    assert [(r.software, r.customer, r.inn) for r in rows] == [
        ("Адресный реестр (1 место)", "МКУ «Архив района»", "7700000009")
    ]


def test_project_rows_from_one_prose_line() -> None:
    rows = project_rows("1) Инженерные сети, 4 р.м. — конечный заказчик ООО «Водоресурс»\n")
    assert [(r.software, r.customer) for r in rows] == [
        ("Инженерные сети, 4 р.м.", "ООО «Водоресурс»")
    ]


def test_r_lic_3_photo_of_the_signed_form_is_the_signed_form_and_a_license_request() -> None:
    raw = letter(
        subject="заявка",
        body="Добрый день, подписанная заявка на приобретение лицензий во вложении.",
        to="mail@technocom.tech",
        attachments=[("DSC_0042.jpg", JPEG, "image/jpeg")],
    )
    parsed = parse_letter(raw)
    assert looks_like_license_form_scan(parsed)
    request = extract(parsed, Kind.LICENSE_REQUEST, received_at=NOW)
    assert request.fields["signed_form"].value == ["DSC_0042.jpg"]


def test_r_lic_3_a_screenshot_in_a_ticket_is_not_a_license_form_scan() -> None:
    raw = letter(
        subject="Ошибка печати",
        body="Отчет не печатается, скриншот во вложении.",
        attachments=[("screen.png", JPEG, "image/png")],
    )
    assert not looks_like_license_form_scan(parse_letter(raw))

"""License letter families that letters written apart from the reader found misread (§2.3,
§3.5, §3.6): a request in partners' words («просим подготовить лиц. договор и счет на 2
лицензии»), purposes marked «[+]» or declined in prose («… и демо — не нужно»), «Р/сч» and
«К/сч» with the value on the next line, «Исх.N», and originals received named at length."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parsers import classify, extract, parse_letter
from parsers.license_form import purposes
from parsers.types import Kind
from tests.support.letters import letter

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _kind(subject: str, body: str) -> Kind:
    raw = letter(subject=subject, body=body, to="mail@technocom.tech")
    return classify(parse_letter(raw), "general").kind


@pytest.mark.parametrize(
    "body",
    [
        "Коллеги, просим подготовить лиц. договор и счет на 2 лицензии ТехноГИС Клиент для "
        "АО «Тепловые сети» (ИНН 8602204172). Лицензии будем передавать по сублицензии.",
        "Здравствуйте! Просим выставить ЛД и счет на лицензию ТехноГИС Клиент (1 шт.) для "
        "нашего заказчика. Подписанная форма во вложении.",
        "Добрый день. Нам нужно оформить 3 лицензии ТехноГИС Сервер для заказчика, реквизиты "
        "ниже.\nР/с: 40702810410000384215\nК/с: 30101810145250000974\nБИК: 044525974",
    ],
)
def test_r_lic_1_a_license_asked_for_in_partners_words_is_a_license_request(body: str) -> None:
    assert _kind("Лицензии для заказчика", body) == Kind.LICENSE_REQUEST


def test_r_lic_6_originals_received_named_at_length_are_license_documents() -> None:
    body = (
        "Оригиналы акта на передачу прав и сертификата по ЛС-2026/466 получили 30 ноября "
        "2026 г. (Почта России). Подпишем акт и вернем в течение недели."
    )
    assert _kind("Оригиналы документов", body) == Kind.LICENSE_DOCUMENTS


@pytest.mark.parametrize(
    ("lines", "chosen"),
    [
        (
            ["[+] Предоставление простых неисключительных лицензий", "[ ] Модификации"],
            ["sublicensing"],
        ),
        (["(*) Демонстрация заказчику", "( ) Для собственного использования"], ["demo"]),
        (
            [
                "Цели: сублицензирование конечному заказчику",
                "модификация библиотек для оказания ему техподдержки.",
                "Для собственного использования и демо — не нужно.",
            ],
            ["sublicensing", "support_modification"],
        ),
    ],
)
def test_r_lic_1_purposes_marked_in_brackets_or_declined_in_prose(lines, chosen) -> None:
    assert purposes(lines)[0] == chosen


def test_r_lic_1_bank_labels_abbreviated_with_the_value_on_the_next_line() -> None:
    body = (
        "Исх.N 77-СГ от 25.11.2026\n\nНаименование ПО\n  ТехноГИС Сервер\n"
        "Р/сч\n  40702810944050029918\nБанк\n  Сибирский банк ПАО Сбербанк\n"
        "К/сч\n  30101810500000000641\nБИК\n  045004641\n"
    )
    raw = letter(subject="Запрос лицензий", body=body, to="mail@technocom.tech")
    request = extract(parse_letter(raw), Kind.LICENSE_REQUEST, received_at=NOW)
    assert request.fields["bank_account"].value == "40702810944050029918"
    assert request.fields["corr_account"].value == "30101810500000000641"
    assert "77-СГ" in str(request.fields["outgoing_ref"].value)


def test_r_lic_1_products_customer_and_purposes_told_in_a_sentence() -> None:
    body = (
        "Здравствуйте!\n\nПросим выставить ЛД и счет на 2 лицензии ГеоСервер и 1 лицензию "
        "ГеоКлиент для нашего заказчика — ИП Смирнов Олег Петрович (ИНН 890501234538). "
        "Лицензии передаем заказчику по сублицензионному договору, плюс нужно право на "
        "модификацию библиотек. Для собственного использования — не нужно.\n"
    )
    raw = letter(subject="Лицензии для ИП Смирнов", body=body, to="mail@technocom.tech")
    request = extract(parse_letter(raw), Kind.LICENSE_REQUEST, received_at=NOW)
    assert request.fields["software_name"].value == ["ГеоСервер", "ГеоКлиент"]
    assert request.fields["end_customer"].value == ["ИП Смирнов Олег Петрович"] * 2
    assert request.fields["end_customer_inn"].value == ["890501234538"] * 2
    assert request.fields["purpose"].value == ["sublicensing", "support_modification"]


def test_r_lic_3_a_photo_is_the_signed_form_when_the_text_says_so_in_other_words() -> None:
    raw = letter(
        subject="Лицензия для заказчика",
        body="Просим выставить ЛД и счет на лицензию ГеоСервер. Подписанная форма (скан) во "
        "вложении.",
        to="mail@technocom.tech",
        attachments=[("zayavka_podpis.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")],
    )
    request = extract(parse_letter(raw), Kind.LICENSE_REQUEST, received_at=NOW)
    assert request.fields["signed_form"].value == ["zayavka_podpis.png"]


def test_r_lic_1_the_project_line_after_its_label_is_read() -> None:
    body = "2. Описание проекта: ГеоСервер — конечный заказчик ИП Никифоров П.С.\n"
    raw = letter(subject="Запрос лицензий", body=body, to="mail@technocom.tech")
    request = extract(parse_letter(raw), Kind.LICENSE_REQUEST, received_at=NOW)
    assert request.fields["software_name"].value == ["ГеоСервер"]
    assert request.fields["end_customer"].value == ["ИП Никифоров П.С."]

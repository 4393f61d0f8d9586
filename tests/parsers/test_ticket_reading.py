"""Service Desk tickets as partners write them (issue 18): the 000 §4.2 form in its layouts,
§4.1 answers with negations, classification only where stated (R-TKT-3), contracts."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.context import Context
from parsers.dates import check_contract
from parsers.extract_ticket import extract_ticket
from parsers.labels import Source
from parsers.letter import parse_letter
from parsers.ticket_diagnosis import self_diagnosis
from parsers.ticket_prose import is_boilerplate, stated_priority, stated_tracker
from parsers.types import FieldStatus
from tests.support.letters import letter

RECEIVED = date(2026, 6, 1)


def _read(body: str, subject: str = "Сбой при печати ведомости") -> Context:
    parsed = parse_letter(letter(subject=subject, body=body, to="support@technocom.tech"))
    ctx = Context(parsed, [Source("body", parsed.new_text), Source("subject", subject)], RECEIVED)
    extract_ticket(ctx)
    return ctx


def _statuses(text: str) -> dict[str, str]:
    value = self_diagnosis(text).value
    assert isinstance(value, dict)
    return {code: check["status"] for code, check in value.items()}


NUMBERED_FORM = """Здравствуйте.

Тип обращения (Tracker):
Неисправность

Приоритет (Priority):
Низкий

1. Результаты самостоятельной диагностики:
- базовое ПО: в норме;
- СУБД: сбоев не обнаружено;
- сеть: пинг стабильный;
- права пользователей: не изменялись.

2. Юридическое лицо:
ООО «Вектор-Плюс», ИНН 7204196795

3. Данные лицензионного договора
лиц. дог. 7/Т-2024 от 03.04.2024

4. Общие данные о системе:
- Наименование специализированного ПО: ГеоРеестр Про
  2.0.1
- Функциональный компонент: Печать ведомостей

5. Базовое ПО: наименование и версия:
- Oracle Database 21c, ОС Debian 12

6. Срез информации по системе на момент сбоя:
- Порядок действий:
  1) открыть ведомость;
  2) нажать «Печать» — окно закрывается.
"""


def test_r_tkt_2_numbered_form_with_values_on_next_lines_and_sub_items() -> None:
    fields = _read(NUMBERED_FORM).fields
    assert fields["tracker"].value == "bug"
    assert fields["priority"].value == "low"
    assert "Вектор-Плюс" in fields["legal_entity"].value["name"]
    assert fields["license_contract"].value["number"] == "7/Т-2024"
    assert fields["license_contract"].value["date"] == "2024-04-03"
    assert "ГеоРеестр Про 2.0.1" in fields["software_name"].value
    assert fields["component"].value == "Печать ведомостей"
    base = fields["base_software"].value
    assert base["name"] == "Oracle Database" and base["version"] == "21c"  # label part dropped
    assert fields["steps_to_reproduce"].value == [
        "открыть ведомость",
        "нажать «Печать» — окно закрывается.",
    ]
    assert set(_statuses(fields["self_diagnosis"].raw).values()) == {"passed"}


def test_r_tkt_2_label_alone_with_value_after_blank_line_as_html_tables_arrive() -> None:
    body = "Тип обращения\n\nРазработка\n\nСпециализированное ПО\n\nГеоРеестр Про 2.0\n"
    fields = _read(body).fields
    assert fields["tracker"].value == "feature"
    assert fields["software_name"].value == "ГеоРеестр Про 2.0"


def test_r_tkt_2_several_labels_on_one_line_are_split() -> None:
    body = (
        "Tracker: Неисправность, Priority: Срочный.\n"
        "ПО: ГеоРеестр Про 2.0, модуль «Экспорт XML» (пакетный)\n"
    )
    fields = _read(body).fields
    assert (fields["tracker"].value, fields["priority"].value) == ("bug", "urgent")
    assert fields["software_name"].value == "ГеоРеестр Про 2.0"
    assert "Экспорт XML" in fields["component"].value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "БПО норм / БД ок / сеть ок / права не трогали",
            {
                "base_software_ok": "passed",
                "dbms_ok": "passed",
                "network_ok": "passed",
                "auth_privileges_unchanged": "passed",
            },
        ),
        (
            "Не менялись ли привилегии пользователей? — нет. Доступна ли сеть? — да",
            {"auth_privileges_unchanged": "passed", "network_ok": "passed"},
        ),
        (
            "Корректно ли функционирует СУБД? Нет ли проблем с транзакциями? да / нет",
            {"dbms_ok": "passed"},
        ),
        ("с базой данных всё хорошо, ошибок в транзакциях не обнаружено", {"dbms_ok": "passed"}),
        ("СУБД: зависает раз в час, приходится перезапускать службу", {"dbms_ok": "failed"}),
        ("сеть пока не смотрели", {"network_ok": "not_checked"}),
        ("сеть стабильная, 0% потерь пакетов", {"network_ok": "passed"}),
        ("базовое ПО и СУБД работают штатно", {"base_software_ok": "passed", "dbms_ok": "passed"}),
    ],
)
def test_r_tkt_4_self_diagnosis_answers_with_negations(text: str, expected: dict[str, str]) -> None:
    statuses = _statuses(text)
    assert {code: statuses[code] for code in expected} == expected


def test_r_tkt_4_unanswered_checks_stay_not_checked() -> None:
    statuses = _statuses("сеть в порядке")
    assert statuses["network_ok"] == "passed"
    assert statuses["dbms_ok"] == "not_checked"


def test_r_tkt_4_checks_answered_in_a_paragraph_without_heading() -> None:
    body = "Коллеги, добрый день.\n\nСУБД отвечает нормально, сеть доступна, права без изменений.\n"
    value = _read(body).fields["self_diagnosis"].value
    assert value["dbms_ok"]["status"] == "passed"
    assert value["auth_privileges_unchanged"]["status"] == "passed"


def test_r_tkt_4_check_label_inside_diagnosis_is_an_answer_not_base_software() -> None:
    body = (
        "Самодиагностика:\nБазовое ПО — работает;\nСУБД — ок\n\n"
        "Базовое ПО: MS SQL Server 2017 (14.0.3456)\n"
    )
    fields = _read(body).fields
    assert fields["self_diagnosis"].value["base_software_ok"]["status"] == "passed"
    assert fields["base_software"].value["name"] == "MS SQL Server"
    assert "14.0.3456" in fields["base_software"].value["version"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Вид обращения — консультация.", "support"),
        ("Просим взять в работу (Tracker: Разработка).", "feature"),
        ("Неисправность, приоритет низкий. Описание ниже.", "bug"),
    ],
)
def test_r_tkt_3_tracker_stated_by_the_applicant(text: str, expected: str) -> None:
    assert stated_tracker(text)[0] == expected


def test_r_tkt_3_tracker_is_not_guessed_from_the_problem() -> None:
    assert (
        stated_tracker("При выгрузке возникает ошибка, модуль неисправности не показывает") is None
    )
    assert "tracker" not in _read("Подскажите, как настроить шаблон печати?\n").fields or (
        _read("Подскажите, как настроить шаблон печати?\n").fields["tracker"].status
        == FieldStatus.MISSING
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("просим поставить высокий приоритет", "high"),
        ("Неисправность / Нормальный / склад", "normal"),
    ],
)
def test_r_tkt_3_priority_in_prose_and_subject(text: str, expected: str) -> None:
    assert stated_priority(text)[0] == expected


def test_r_tkt_19_urgency_alone_is_not_a_priority() -> None:
    assert stated_priority("Срочно! Не открывается карта") is None


@pytest.mark.parametrize(
    ("raw", "number", "iso"),
    [
        ("Лицензионный договор № 12-ГР/2025 от 01.02.2025", "12-ГР/2025", "2025-02-01"),
        ("лиц. дог. 3-К от 15.01.25", "3-К", "2025-01-15"),
        ("ЛД 40/24 от 2 декабря 2024 г.", "40/24", "2024-12-02"),
        ("договор N 5/2023 от 10.10.2023", "5/2023", "2023-10-10"),
    ],
)
def test_t_contract_formats_partners_use(raw: str, number: str, iso: str) -> None:
    check = check_contract(raw, RECEIVED)
    assert check.status == FieldStatus.VALID
    assert (check.value["number"], check.value["date"]) == (number, iso)


def test_r_val_8_contract_dated_after_the_letter_is_invalid() -> None:
    check = check_contract("лиц. договор 9-Б от 01.09.2027", RECEIVED)
    assert check.status == FieldStatus.INVALID and check.value["date"] == "2027-09-01"


def test_t_contract_number_without_date_is_invalid_but_kept() -> None:
    check = check_contract("Договор 88/2025", RECEIVED)
    assert check.status == FieldStatus.INVALID and check.value["number"] == "88/2025"


def test_r_tkt_5_logs_not_available_with_a_reason() -> None:
    body = "Логи приложения: выгрузить не можем — изолированная сеть заказчика\n"
    fields = _read(body).fields
    assert fields["app_logs"].status == FieldStatus.NOT_APPLICABLE
    assert "изолированная сеть" in fields["app_logs"].reason
    assert fields["base_software_logs"].status == FieldStatus.NOT_APPLICABLE


def test_logs_promised_later_are_missing() -> None:
    fields = _read("Логи пришлю завтра, файлы большие.\n").fields
    assert fields["app_logs"].status == FieldStatus.MISSING


def test_description_skips_boilerplate_and_keeps_subject() -> None:
    body = (
        "Добрый день!\n\nНаправляем обращение по форме регламента.\n\n"
        "При печати ведомости окно закрывается без сообщения.\n"
    )
    value = _read(body, subject="Закрывается окно печати ведомости").fields["description"].value
    assert "Закрывается окно печати ведомости" in value
    assert "окно закрывается без сообщения" in value
    assert "Направляем обращение" not in value
    assert is_boilerplate("Прошу зарегистрировать заявку в Service Desk.")

"""Ticket letter families that letters written apart from the reader found misread (§3.4,
R-TKT-3): the tracker said in passing («СРОЧНЫЙ приоритет, неисправность.», «Доработка для
клиента …», «Ошибка в …»), «ЛД»/«Дог.»/«ЮЛ» labels, a contract date in brackets, labels typed
with Latin look-alike letters, and the software named in quotes in a sentence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parsers import extract, parse_letter
from parsers.context import fold_lookalikes
from parsers.types import Kind
from tests.support.letters import letter

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _ticket(body: str, subject: str = "Проблема у клиента"):
    raw = letter(subject=subject, body=body, to="support@technocom.tech")
    return extract(parse_letter(raw), Kind.TICKET, received_at=NOW)


@pytest.mark.parametrize(
    ("body", "tracker"),
    [
        (
            "Добрый день!\n\nСРОЧНЫЙ приоритет, неисправность.\n\nС утра не сохраняется карточка.",
            "bug",
        ),
        ("Добрый день.\n\nДоработка для клиента АО «Сети»: просят добавить вкладку.", "feature"),
        ("Коллеги, добрый день.\n\nОшибка в модуле реестра у клиента: обрезаются номера.", "bug"),
    ],
)
def test_r_tkt_3_the_tracker_said_in_passing(body: str, tracker: str) -> None:
    assert _ticket(body).fields["tracker"].value == tracker


def test_r_tkt_3_a_mention_of_errors_is_not_a_tracker() -> None:
    assert (
        _ticket("Есть ошибки в логах, подскажите, как настроить журнал?").fields["tracker"].value
        != "bug"
    )


@pytest.mark.parametrize(
    ("line", "number", "date"),
    [
        ("ЛД № 58-УКП/2024 от 02.10.2024", "58-УКП/2024", "2024-10-02"),
        ("Дог. № 15/24 от 03.02.2024", "15/24", "2024-02-03"),
        ("Лицензионный договор: ЛД-0047/2025 (12.05.2025)", "ЛД-0047/2025", "2025-05-12"),
    ],
)
def test_r_val_8_contract_labels_and_a_date_in_brackets(line: str, number: str, date: str) -> None:
    value = (
        _ticket(f"Добрый день!\n\n{line}\nЮЛ: ООО «Север», ИНН 7204196795\n")
        .fields["license_contract"]
        .value
    )
    assert (value["number"], value["date"]) == (number, date)


def test_r_val_9_labels_typed_with_latin_look_alikes() -> None:
    assert fold_lookalikes("Тип oбращения: Heисправность; ИHH: 5408017779; PostgreSQL 15") == (
        "Тип обращения: Неисправность; ИНН: 5408017779; PostgreSQL 15"
    )
    request = _ticket("Тип oбращения: Heисправность\nПpиоритет: низкий\n")
    assert (request.fields["tracker"].value, request.fields["priority"].value) == ("bug", "low")


def test_r_tkt_2_the_software_named_in_quotes_in_a_sentence() -> None:
    body = "Доработка для клиента АО «Энергосети», ПО «Инженерные сети», компонент «Паспорт»."
    request = _ticket(body)
    assert request.fields["software_name"].value == "Инженерные сети"


def test_r_tkt_4_the_four_checks_under_proverili() -> None:
    body = (
        "Проверили:\n - базовое ПО (Tomcat 9.0.85) - работает;\n"
        " - СУБД PostgreSQL 15.4 - сервис запущен, блокировок нет;\n"
        " - сеть - ping -t до сервера БД стабильный, потерь 0%;\n"
        " - привилегии пользователей в AD не менялись.\n"
    )
    checks = _ticket(body).fields["self_diagnosis"].value
    assert {code: item["status"] for code, item in checks.items()} == {
        "base_software_ok": "passed",
        "dbms_ok": "passed",
        "network_ok": "passed",
        "auth_privileges_unchanged": "passed",
    }

"""Self-diagnosis (R-TKT-4, 000 §4.1) in the forms a third round of blind letters used, each
written here in wordings of its own: a numbered list whose answers name other software
(«службы postgres запущены» answers the base-software item, not the DBMS one), questions
about problems answered «нет», a question without «?» answered after a dash, the platform
named by what it is («службы приложения», «его сервисы», «Tomcat», «ArcGIS Server»), and
«без единой потери»."""

from __future__ import annotations

import pytest

from parsers.ticket_diagnosis import self_diagnosis

CHECKS = ("base_software_ok", "dbms_ok", "network_ok", "auth_privileges_unchanged")


def _statuses(text: str) -> dict[str, str]:
    value = self_diagnosis(text).value
    assert isinstance(value, dict)
    return {code: value[code]["status"] for code in CHECKS}


def test_r_tkt_4_a_numbered_list_whose_answers_name_the_dbms_and_the_network() -> None:
    text = (
        "1. Платформа — службы mssql и wildfly запущены, после рестарта поднялись.\n"
        "2. БД — зависших сессий нет, подключение из консоли проходит, дисковое место есть.\n"
        "3. Сеть — пинг 20 минут до сервера БД без единой потери.\n"
        "4. Права — учетки в AD никто не трогал.\n"
    )
    assert set(_statuses(text).values()) == {"passed"}


def test_r_tkt_4_questions_about_problems_answered_no_are_passes() -> None:
    text = (
        "- сервер приложений работает как обычно? - да\n"
        "- ошибки в СУБД, подвисшие транзакции? - нет, журнал чистый\n"
        "- сбои сети? - нет\n"
        "- права пользователей меняли? - нет\n"
    )
    assert set(_statuses(text).values()) == {"passed"}


def test_r_tkt_4_a_question_about_problems_that_denies_them_answered_yes_is_a_pass() -> None:
    statuses = _statuses("СУБД без сбоев — да\nсеть стабильна, ошибок нет: да\n")
    assert statuses["dbms_ok"] == statuses["network_ok"] == "passed"


def test_r_tkt_4_a_question_without_its_mark_answered_after_a_dash() -> None:
    statuses = _statuses(
        "Базовое ПО функционирует — да\n"
        "Привилегии на сервере авторизации менялись — нет\n"
        "Сеть — нет, потери до 30 %\n"
    )
    assert statuses["base_software_ok"] == "passed"
    assert statuses["auth_privileges_unchanged"] == "passed"
    assert statuses["network_ok"] == "failed"


@pytest.mark.parametrize(
    "platform",
    ["службы приложения запущены", "ГИС-сервер и его сервисы работают штатно",
     "Tomcat перезапускали, работает", "ArcGIS Server отвечает"],
)  # fmt: skip
def test_r_tkt_4_the_platform_named_by_what_it_is(platform: str) -> None:
    statuses = _statuses(f"Проверили: {platform}, СУБД без ошибок, сеть стабильна.")
    assert statuses["base_software_ok"] == "passed"
    assert statuses["dbms_ok"] == "passed"


def test_r_tkt_4_sql_server_is_the_dbms_not_the_platform() -> None:
    statuses = _statuses("Проверили: SQL Server отвечает, сеть стабильна.")
    assert statuses["dbms_ok"] == "passed"
    assert statuses["base_software_ok"] == "not_checked"


def test_r_tkt_4_a_list_item_unanswered_stays_not_checked_and_a_failure_is_kept() -> None:
    statuses = _statuses(
        "1) Базовое ПО: работает\n2) СУБД: падает служба при нагрузке\n"
        "3) Сеть: не проверяли, нет доступа\n"
    )
    assert statuses == {
        "base_software_ok": "passed",
        "dbms_ok": "failed",
        "network_ok": "not_checked",
        "auth_privileges_unchanged": "not_checked",
    }


def test_r_tkt_4_one_sentence_naming_the_four_checks_in_brackets_answers_all() -> None:
    text = "Диагностику прошли по всем пунктам (платформа, БД, сеть, права) — все в норме."
    assert set(_statuses(text).values()) == {"passed"}


def test_r_tkt_4_a_heading_with_po_and_a_list_whose_items_look_like_form_labels() -> None:
    from tests.parsers.test_ticket_request_families import _ticket

    ctx = _ticket(
        "Тип: неисправность\nПо самодиагностике пока так:\n"
        "- базовое ПО: сервер приложений перезапускали, работает;\n"
        "- СУБД: ошибок в журнале нет;\n- сеть не проверяли, нет доступа.\n"
    )
    value = ctx.fields["self_diagnosis"].value
    assert {code: value[code]["status"] for code in CHECKS} == {
        "base_software_ok": "passed",
        "dbms_ok": "passed",
        "network_ok": "not_checked",
        "auth_privileges_unchanged": "not_checked",
    }


def test_r_tkt_4_questions_and_answers_each_on_their_own_lines() -> None:
    from tests.parsers.test_ticket_request_families import _ticket

    ctx = _ticket(
        "Тип: неисправность\nПо п. 4.1 — ответы:\n\n"
        "В: Корректно ли работает базовое ПО?\nО: Да, обновления стоят.\n"
        "В: Корректно ли функционирует СУБД, нет ли проблем с транзакциями?\n"
        "О: Служба запущена, проверка ошибок\n   не показала.\n"
        "В: Доступна ли сеть?\nО: Да, пинг стабильный.\n"
        "В: Привилегии пользователей не менялись?\nО: Не менялись.\n\n"
        "Что случилось. После обновления отчёт не формируется.\n"
    )
    value = ctx.fields["self_diagnosis"].value
    assert {code: value[code]["status"] for code in CHECKS} == dict.fromkeys(CHECKS, "passed")
    assert "отчёт не формируется" in ctx.fields["description"].value

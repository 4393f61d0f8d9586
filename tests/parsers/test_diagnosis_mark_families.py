"""Self-diagnosis answered by marks and layouts of the partners' own (R-TKT-4, 000 §4.1):
check boxes and «+», a legend that makes «-» «not checked», an option ticked among boxes,
a question turned round («Менялись ли …? — нет»), a table's status column, all four checks
named before one verdict, and a protocol in an attached document. Wordings are this file's."""

from __future__ import annotations

from datetime import date

from parsers.ticket_diagnosis import self_diagnosis
from parsers.types import FieldStatus
from tests.support.tickets import read_ticket


def _statuses(text: str) -> dict[str, str]:
    value = self_diagnosis(text).value or {}
    return {code: item["status"] for code, item in value.items()}


def test_r_tkt_4_check_boxes_answer_their_items() -> None:
    assert _statuses(
        "[x] базовое ПО в порядке\n[х] СУБД — ошибок нет\n[ ] сеть, ping -t\n"
        "[x] права на сервере аутентификации не менялись\n(сеть не успели посмотреть)"
    ) == {
        "base_software_ok": "passed",
        "dbms_ok": "passed",
        "network_ok": "not_checked",  # an empty box is its own answer, not the next line's
        "auth_privileges_unchanged": "passed",
    }
    # an empty box whose words tell a failure is a failure
    failed = _statuses("[x] базовое ПО работает\n[ ] СУБД — нет, таблица заблокирована")
    assert failed["dbms_ok"] == "failed"


def test_r_tkt_4_plus_marks_and_a_legend_for_the_minus() -> None:
    legend = "(+ всё ок / - не проверяли)\n + базовое ПО\n + СУБД\n - сеть (нет доступа)\n"
    statuses = _statuses(legend + " + права пользователей не менялись")
    assert statuses == {
        "base_software_ok": "passed",
        "dbms_ok": "passed",
        "network_ok": "not_checked",
        "auth_privileges_unchanged": "passed",
    }


def test_r_tkt_4_an_option_ticked_among_boxes_and_a_question_turned_round() -> None:
    boxes = _statuses("☑ базовое ПО работает\n☑ СУБД в норме\nПрава меняли:  ☐ да  ☑ нет")
    assert boxes["auth_privileges_unchanged"] == "passed"
    turned = _statuses(
        "1) Базовое ПО работает? — да\n2) Менялись ли привилегии пользователей? — нет"
    )
    assert turned["auth_privileges_unchanged"] == "passed"


def test_r_tkt_4_a_tables_status_column_is_the_verdict() -> None:
    statuses = _statuses(
        "№ | Проверка | Статус | Комментарий\n"
        "1 | Базовое ПО работает | Пройдено | службы запущены\n"
        "2 | Права пользователей не менялись | НЕ пройдено | учётки перенесли в другое OU\n"
    )
    assert statuses["base_software_ok"] == "passed"
    assert statuses["auth_privileges_unchanged"] == "failed"


def test_r_tkt_4_all_four_named_before_one_verdict() -> None:
    ctx = read_ticket(
        "Тип: ошибка\n\nКоротко: базовое ПО, СУБД, сеть и права пользователей на сервере\n"
        "проверили - всё в норме, ничего не менялось.\n",
        received=date(2026, 11, 20),
    )
    diagnosis = ctx.fields["self_diagnosis"]
    assert diagnosis.status == FieldStatus.VALID
    assert {item["status"] for item in diagnosis.value.values()} == {"passed"}


def test_r_tkt_4_a_protocol_in_an_attached_document_answers_all_four() -> None:
    import sys
    from pathlib import Path

    from parsers import extract, parse_letter
    from parsers.types import Kind
    from tests.support.letters import letter

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "letters"))
    from mime_builders import pdf

    protocol = pdf(
        [
            "ПРОТОКОЛ САМОДИАГНОСТИКИ",
            "1. Базовое ПО (службы приложения) — работает корректно.",
            "2. СУБД — ошибок нет, транзакции в норме.",
            "3. Сеть — исправна, ping -t стабильный.",
            "4. Права пользователей на сервере аутентификации — не менялись.",
            "Проверил: Петров П.П., инженер",
        ]
    )
    raw = letter(
        subject="Ошибка синхронизации",
        body="Неисправность.\n\nПротокол самодиагностики во вложении.\n"
        "Базовое ПО: MS SQL Server 2022 CU15\n",
        to="support@technocom.tech",
        attachments=[("Протокол.pdf", protocol, "application/pdf")],
    )
    fields = extract(parse_letter(raw), Kind.TICKET).fields
    statuses = {code: item["status"] for code, item in fields["self_diagnosis"].value.items()}
    assert set(statuses.values()) == {"passed"}
    assert "SQL Server" in fields["base_software"].value["name"]  # not «работает корректно»

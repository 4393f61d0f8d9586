"""Ticket letter families the blind exam (issue 18, tests/corpus/exam) found misread: bordered
pipe tables, §4.1 answers headed «Ответы на вопросы…» or given once for all checks, an
attachment declined in a sentence (R-TKT-5), the component and the tracker said in passing,
and a how-to question at mail@ (R-MBX-6)."""

from __future__ import annotations

from datetime import date

from parsers.classify import classify
from parsers.context import Context
from parsers.extract_ticket import extract_ticket
from parsers.form import read_form
from parsers.labels import Source
from parsers.letter import parse_letter
from parsers.ticket_diagnosis import self_diagnosis
from parsers.ticket_form import match_label
from parsers.ticket_prose import stated_tracker
from parsers.types import FieldStatus, Kind
from tests.support.letters import letter

RECEIVED = date(2026, 10, 5)


def _read(body: str, to: str = "support@technocom.tech") -> Context:
    parsed = parse_letter(letter(subject="Проблема в ГИС", body=body, to=to))
    ctx = Context(parsed, [Source("body", parsed.new_text)], RECEIVED)
    extract_ticket(ctx)
    return ctx


def _statuses(text: str) -> set[str]:
    value = self_diagnosis(text).value
    assert isinstance(value, dict)
    return {check["status"] for check in value.values()}


def test_r_val_5_bordered_markdown_table_rows_read_as_label_and_value() -> None:
    text = "| Параметр | Что указано |\n|:--|:--|\n| Приоритет | высокий |\n| Трекер | Сбой |\n"
    entries = [e for e in read_form(text, match_label) if e.code]
    assert [(e.code, e.value) for e in entries] == [("priority", "высокий"), ("tracker", "Сбой")]


def test_r_tkt_2_ticket_in_a_bordered_table_is_complete_in_its_fields() -> None:
    ctx = _read(
        "| Тип обращения | Неисправность |\n| Критичность | низкая |\n"
        "| Договор | № 5-ЛС от 01.02.2025 |\n| Базовое ПО | Oracle 19c |\n"
    )
    assert ctx.fields["tracker"].value == "bug"
    assert ctx.fields["priority"].value == "low"
    assert ctx.fields["license_contract"].status == FieldStatus.VALID


def test_r_tkt_4_answers_headed_otvety_na_voprosy_samodiagnostiki() -> None:
    ctx = _read(
        "Тип: неисправность\nОтветы на вопросы самодиагностики:\n"
        "1) базовое ПО функционирует — да\n2) СУБД без сбоев — да\n"
        "3) сеть стабильна — да\n4) привилегии не менялись — да\n"
    )
    value = ctx.fields["self_diagnosis"].value
    assert isinstance(value, dict)
    assert {c["status"] for c in value.values()} == {"passed"}


def test_r_tkt_4_one_answer_for_all_four_checks() -> None:
    assert _statuses("все этапы пройдены, проблема осталась") == {"passed"}
    assert _statuses("По всем четырем пунктам замечаний нет") == {"passed"}
    assert _statuses("все 4 проверки выполнены (БПО, СУБД, сеть, права)") == {"passed"}


def test_r_tkt_4_one_answer_for_all_does_not_hide_a_failure() -> None:
    statuses = _statuses("все пункты проверены; СУБД — падает служба при нагрузке")
    assert "failed" in statuses


def test_r_tkt_5_screenshot_declined_in_a_sentence_with_its_reason() -> None:
    ctx = _read(
        "Тип: Неисправность. Приоритет: нормальный.\n"
        "Скриншот не прилагаем: сбой происходит ночью в фоновом задании, экрана нет.\n"
    )
    assert ctx.fields["screenshots"].status == FieldStatus.NOT_APPLICABLE


def test_r_tkt_5_a_bare_refusal_without_reason_is_still_missing() -> None:
    ctx = _read("Тип: Неисправность. Приоритет: нормальный.\nСкриншоты не прикладываем.\n")
    assert ctx.fields["screenshots"].status == FieldStatus.MISSING


def test_r_tkt_2_component_stated_after_the_software_in_a_sentence() -> None:
    ctx = _read("Работаем в ТехноКом Сети 3.1, компонент — журнал обходов, он и падает.\n")
    assert ctx.fields["component"].value == "журнал обходов"
    ctx = _read("Продукт: ТехноКом Учет, компонент импорта ведомостей\n")
    assert ctx.fields["component"].value == "импорта ведомостей"


def test_r_tkt_3_parameter_value_heading_the_question() -> None:
    assert stated_tracker("Ещё один момент, консультация: где хранится журнал?") == (
        "support",
        ", консультация:".strip(", "),
    )
    found = stated_tracker("Разработка по модулю отчетов: нужен экспорт в XLSX")
    assert found is not None and found[0] == "feature"


def test_r_tkt_2_software_under_the_label_programma() -> None:
    ctx = _read("Организация: ООО «Север»\nПрограмма: ТехноКом Склад\nВопрос: где лог?\n")
    assert ctx.fields["software_name"].value == "ТехноКом Склад"
    assert "Программа" not in str(ctx.fields["legal_entity"].value)


def test_r_mbx_6_how_to_question_with_ticket_labels_at_mail_is_a_ticket() -> None:
    body = (
        "Консультация по ТехноКом Склад: как выгрузить остатки в 1С?\n"
        "Лицензионный договор № 8 от 10.01.2025, юрлицо ООО «Север».\n"
    )
    parsed = parse_letter(letter(subject="Вопрос", body=body, to="mail@technocom.tech"))
    assert classify(parsed, "general").kind == Kind.TICKET

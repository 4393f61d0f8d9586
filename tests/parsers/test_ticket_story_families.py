"""Tickets whose partners classify and narrate in their own words (§3.4, 000 §4.2–4.3): a
priority given as its §4.3 criterion under a priority row, and steps told as a story of
what the user does. Wordings are this file's own."""

from __future__ import annotations

from datetime import date

from parsers.labels import Source
from parsers.ticket_priority import classified_by_criterion, priority_by_criterion
from parsers.ticket_steps import steps_in_text
from parsers.types import FieldStatus
from tests.support.tickets import read_ticket

RECEIVED = date(2026, 11, 20)


def test_r_tkt_3_priority_row_giving_the_criterion_is_the_level() -> None:
    cases = {
        "Критичность: по ощущениям серьёзно, разберитесь": None,
        "Критичность: основные функции недоступны, отдел стоит": "urgent",
        "Критичность: главные функции программы недоступны": "urgent",
        "Приоритет: программа виснет намертво при входе": "urgent",
        "Приоритет: критические функции стали недоступны, прочее работает": "high",
        "Влияние: незначительная потеря работоспособности, есть обходной путь": "normal",
        "Срочность: косметика, на работу не влияет, не влечет потери функций": "low",
    }
    for row, level in cases.items():
        ctx = read_ticket(f"Тип: неисправность\n{row}\n", received=RECEIVED)
        priority = ctx.fields["priority"]
        if level is None:
            assert priority.status != FieldStatus.VALID, row
        else:
            assert priority.value == level, row


def test_r_tkt_3_a_level_named_wins_over_the_criterion_beside_it() -> None:
    ctx = read_ticket("Приоритет: высокий — обходного пути нет\n", received=RECEIVED)
    assert ctx.fields["priority"].value == "high"


def test_r_tkt_3_criterion_after_the_word_priority_in_prose() -> None:
    text = "Неисправность, приоритет П2 — система зависает на неопределённое время у всех."
    assert classified_by_criterion(text) == ("urgent", text[len("Неисправность, ") :])
    ctx = read_ticket(text + "\n", received=RECEIVED)
    assert ctx.fields["priority"].value == "urgent"


def test_r_tkt_3_an_outage_told_without_classifying_sets_no_priority() -> None:
    # The bot must not set the applicant's classification (R-TKT-3).
    body = "С утра у всех пользователей программа зависает намертво, работа стоит.\n"
    ctx = read_ticket(body, received=RECEIVED)
    assert ctx.fields["priority"].status == FieldStatus.MISSING
    assert priority_by_criterion(body) == "urgent"  # it would have been suggested, not set


def _steps(text: str) -> str | None:
    field = steps_in_text([Source("body", text)])
    return field.text if field else None


def test_r_tkt_2_steps_told_as_a_story_of_the_users_actions() -> None:
    story = (
        "Как было дело.\nОператор заходит в «Договоры», выбирает период «2026» и жмёт "
        "«Пересчитать». Через минуту появляется ошибка."
    )
    found = _steps(f"Сломался пересчёт.\n\n{story}\n\nЛоги во вложении.\n")
    assert found is not None and found.startswith("Оператор заходит")
    assert "Логи" not in found


def test_r_tkt_2_a_paragraph_with_one_action_is_no_story() -> None:
    assert _steps("Сломался пересчёт.\n\nОператор нажал кнопку, и всё пропало.\n") is None


def test_r_tkt_3_a_question_called_a_consultation_with_a_hyphen() -> None:
    ctx = read_ticket("Вопрос-консультация по настройке прав на слой.\n", received=RECEIVED)
    assert ctx.fields["tracker"].value == "support"


def test_r_tkt_2_the_same_contract_as_before_and_a_dash_wrapped_into_a_value() -> None:
    ctx = read_ticket(
        "Тип – ошибка, приоритет нормальный.\n"
        "Договор тот же: № ТС-08/2024 от 14.08.2024.\n"
        "Самодиагностика: базовое ПО – ок; СУБД – ок; сеть\n"
        "– ок, пингуется стабильно; права пользователей в AD не меняли.\n",
        received=RECEIVED,
    )
    assert ctx.fields["license_contract"].value["number"] == "ТС-08/2024"
    statuses = {code: item["status"] for code, item in ctx.fields["self_diagnosis"].value.items()}
    assert set(statuses.values()) == {"passed"}


def test_r_tkt_2_a_lettered_card_with_dot_leaders_and_paired_labels() -> None:
    ctx = read_ticket(
        "а) Заказчик ......... МБУ «Архив», ИНН 7707083893\n"
        "б) Продукт/модуль ... Гео-Кадастр 2.7, «Реестр участков» -> выгрузка\n"
        "в) Тип / приоритет .. ошибка, низкий (на работу не влияет)\n",
        received=RECEIVED,
    )
    assert ctx.fields["legal_entity"].value["inn"] == "7707083893"
    assert "Гео-Кадастр" in ctx.fields["software_name"].value
    assert "Реестр участков" in ctx.fields["component"].value
    assert ctx.fields["tracker"].value == "bug"
    assert ctx.fields["priority"].value == "low"


def test_r_tkt_2_a_label_with_its_own_sub_labels_keeps_its_value_whole() -> None:
    ctx = read_ticket(
        "Базовое ПО: наименование и версия:\n   ОС Windows Server 2019, СУБД Oracle 19c\n",
        received=RECEIVED,
    )
    names = {item["name"] for item in ctx.fields["base_software"].value["items"]}
    assert names == {"Windows Server", "Oracle"}


def test_r_tkt_2_a_storys_short_first_sentence_is_no_heading() -> None:
    story = "Оператор заходит в реестр. Выбирает участок, жмёт «Печать»."
    found = _steps(f"Сломалась печать.\n\n{story}\n")
    assert found is not None and found.startswith("Оператор заходит в реестр.")

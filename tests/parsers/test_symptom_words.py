"""§4.1: a problem report at support@ says its symptom in many words — what the software
loses or fails to do — and is a ticket without «ошибка» or «не работает» (R-MBX-9).
A symptom quoted in the past, in a letter saying it is solved, is not a new problem."""

from __future__ import annotations

import pytest

from parsers import classify, parse_letter
from parsers.types import Kind
from tests.support.letters import letter


@pytest.mark.parametrize(
    "body",
    [
        "У клиента при экспорте карты в PDF пропадают подписи объектов. Помогите разобраться.",
        "После обновления не открывается проект на рабочих местах операторов.",
        "Слои кадастрового деления не отображаются на карте, хотя в списке они есть.",
        "Модуль отчетов работает некорректно: суммы по участкам расходятся с реестром.",
        "Справочник не загружается, окно висит пустым.",
        "С утра исчезают сохраненные фильтры у всех пользователей.",
    ],
)
def test_a_symptom_in_other_words_at_support_is_a_ticket(body: str) -> None:
    verdict = classify(parse_letter(letter(subject="Вопрос по ГИС", body=body)), "support")
    assert verdict.kind == Kind.TICKET, verdict.reasons


def test_a_symptom_told_in_the_past_does_not_score_as_a_new_problem() -> None:
    body = (
        "По заявке TCM-000098 (не открывалась карта после обновления браузеров): после "
        "обновления всё открывается. Спасибо, вопрос решен."
    )
    verdict = classify(parse_letter(letter(subject="Заявка TCM-000098", body=body)), "support")
    assert not any("открыва" in reason for reason in verdict.reasons), verdict.reasons

"""Clarifications a careful Russian office would sign (issue 24): «не указан» agrees with the
field's label, and the reason is joined to «Нужно» with the right conjunction."""

from __future__ import annotations

import re

import pytest

from replies.grammar import need, not_given
from replies.labels import _FIELDS
from replies.render import Renderer
from tests.unit.test_replies import COMMON, PARTNER


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Адрес клиента", "не указан"),
        ("Оценка мероприятия в часах", "не указана"),
        ("Наименование банка", "не указано"),
        ("Контактные лица клиента (не менее двух)", "не указаны"),
        ("Номер и дата договора / государственного контракта", "не указаны"),
        ("Должность и ФИО руководителя", "не указаны"),
        ("Скан формы с подписью руководителя и печатью", "не указан"),  # «и» inside a phrase
        ("Номер обращения или ИНН клиента", "не указан"),  # alternatives: the first agrees
        ("ИНН клиента", "не указан"),  # abbreviations of «номер»/«код»
        ("Базовое ПО: наименование и версия", "не указано"),  # the head is before the colon
        ("Результаты самостоятельной диагностики", "не указаны"),
    ],
)
def test_not_given_agrees_with_the_labels_head_word(label: str, expected: str) -> None:
    assert not_given(label) == expected


@pytest.mark.parametrize(
    ("why", "expected"),
    [
        ("чтобы понять объем работ", "Нужно, чтобы понять объем работ"),
        ("для связи по заявке", "Нужно для связи по заявке"),
        ("от типа зависит срок решения", "Нужно, так как от типа зависит срок решения"),
    ],
)
def test_need_joins_the_reason_with_the_right_conjunction(why: str, expected: str) -> None:
    assert need(why) == expected


def test_every_field_of_a_clarification_reads_as_a_sentence() -> None:
    """Each missing field's line: label, agreeing «не указан…», example, reason with its
    conjunction; never the bare «Нужно, <clause>» or «— не указано» after a feminine noun."""
    data = {**COMMON, **PARTNER["clarification"], "missing": list(_FIELDS), "invalid": []}
    text = Renderer().render("clarification", data).text
    for code, help_ in _FIELDS.items():
        line = next(ln for ln in text.splitlines() if ln.startswith(f"• {help_.label} — "))
        assert f"— {not_given(help_.label)}. Пример: {help_.example}" in line, code
        reason = re.search(r"\. (Нужно[ ,].*)\.$", line)
        assert reason and reason.group(1) == need(help_.why), (code, line)

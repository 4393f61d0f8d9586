"""§4.3 «Консультация»: a partner's short question about the software at support@ is a
ticket, though it names no tracker and no problem words (R-MBX-9, R-TKT-3)."""

from __future__ import annotations

import pytest

from parsers import classify, parse_letter
from parsers.types import Kind
from tests.support.letters import letter


@pytest.mark.parametrize(
    "body",
    [
        "Коллеги, добрый день.\n\nРаботает ли модуль печати на Red OS 7.3 без Wine?\n",
        "Подскажите, пожалуйста, где задается масштаб подписей слоев?\n\nСпасибо.",
        "Здравствуйте! Возможно ли перенести лицензию на другой сервер без повторной активации?\n",
    ],
)
def test_a_question_about_the_software_at_support_is_a_consultation_ticket(body: str) -> None:
    verdict = classify(parse_letter(letter(subject="Вопрос", body=body)), "support")
    assert verdict.kind == Kind.TICKET


def test_the_same_wording_at_mail_does_not_become_a_ticket_by_itself() -> None:
    raw = letter(
        subject="Партнерство",
        body="Подскажите, можно ли стать вашим партнером в Казани?\n",
        to="mail@technocom.tech",
    )
    assert classify(parse_letter(raw), "general").kind != Kind.TICKET

"""Requests to mail@ other than licenses, asked loosely (§2.4, 000 §6): HQ engineers' help
asked as «помощь ваших инженеров» with the hours said after the number's noun. Wordings are
this file's."""

from __future__ import annotations

from parsers import extract
from parsers.classify import classify
from parsers.letter import parse_letter
from parsers.types import Kind
from tests.support.letters import letter


def test_r_res_1_hq_engineers_help_asked_loosely_is_a_resource_request() -> None:
    body = (
        "Нам понадобится помощь ваших инженеров по МУП «Горсети» (ИНН 7707083893).\n\n"
        "Что нужно сделать:\n- подключить SCADA к модулю онлайн-режима;\n\n"
        "По трудозатратам думаем часов 24, не больше.\n"
    )
    raw = letter(subject="Нужны ваши спецы", body=body, to="mail@technocom.tech")
    parsed = parse_letter(raw)
    assert classify(parsed, "general").kind == Kind.RESOURCE
    assert extract(parsed, Kind.RESOURCE).fields["estimated_hours"].value == 24

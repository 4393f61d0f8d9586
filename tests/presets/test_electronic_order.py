"""Seed 002 «Электронный Ордер» as the preset config/policy/electronic_order.toml, walked end to
end on a simulated clock: letters in through the pipeline, replies and deadlines out."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.app import build
from bot.policy import load_policy
from tests.conftest import deliver, register_partner
from tests.integration.test_service_desk import act, at, partner_replies, show
from tests.support.letters import COMPLETE_TICKET, letter

PRESET = Path(__file__).resolve().parents[2] / "config" / "policy" / "electronic_order.toml"
IDENTIFIED = "Логин (email): petrov@kadastr.ru\nФИО: Петров Петр Петрович\n"


@pytest.fixture
def order_desk(settings, frozen_clock):
    service = build(settings.model_copy(update={"policy_file": PRESET}), clock=frozen_clock)
    register_partner(service)
    yield service
    service.engine.dispose()


def test_002_s1_s4_1_r_id_7_missing_identification_is_asked_then_completed(
    order_desk, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 12, 0)
    first = deliver(order_desk, letter(body=COMPLETE_TICKET))
    assert first.state == "needs_info"
    # The organisation (name and INN) is in the «Юридическое лицо» line; login and name are not.
    assert first.missing == ["login_email", "user_full_name"]
    [ask] = partner_replies(first)
    assert "Логин (e-mail) пользователя в системе" in ask["text"]
    assert "Фамилия, имя и отчество пользователя" in ask["text"]
    answer = deliver(order_desk, letter(subject=f"Re: [{first.case}] вопрос", body=IDENTIFIED))
    assert answer.state == "open"
    case = show(order_desk, first.case)
    assert case["fields"]["login_email"]["value"] == "petrov@kadastr.ru"


def test_002_s4_1_r_id_7_refuse_if_missing_rejects(settings, frozen_clock, tmp_path) -> None:
    policy = tmp_path / "eo_refuse.toml"
    policy.write_text(
        PRESET.read_text(encoding="utf-8").replace(
            "refuse_if_missing = false", "refuse_if_missing = true"
        ),
        encoding="utf-8",
    )
    service = build(settings.model_copy(update={"policy_file": policy}), clock=frozen_clock)
    register_partner(service)
    at(frozen_clock, 2026, 3, 2, 12, 0)
    refused = deliver(service, letter(body=COMPLETE_TICKET))
    assert refused.state == "rejected"
    [rejection] = partner_replies(refused)
    assert "нет идентифицирующей пользователя информации" in rejection["text"]
    complete = deliver(service, letter(body=COMPLETE_TICKET + IDENTIFIED))
    assert complete.state == "open"
    service.engine.dispose()


def test_002_s4_3_r_sla_13_sixteen_working_hours_then_r_sla_8_written_notice(
    order_desk, frozen_clock
) -> None:
    # Monday 12:00 GMT+5 = 10:00 Moscow; the office works 9:30–18:30 Moscow (§2.5):
    # 8.5 h on Monday + 7.5 h on Tuesday = 16 wh → Tuesday 17:00 Moscow.
    at(frozen_clock, 2026, 3, 2, 12, 0)
    ticket = deliver(order_desk, letter(body=COMPLETE_TICKET + IDENTIFIED))
    assert ticket.state == "open"
    case = show(order_desk, ticket.case)
    deadline = datetime.fromisoformat(case["attrs"]["deadline_at"])
    assert deadline == datetime.fromisoformat("2026-03-03T17:00:00+03:00")
    [ack] = partner_replies(ticket)
    assert "16 рабочих час" in ack["text"]
    extended = act(
        order_desk,
        ticket.case,
        "extend_deadline",
        deadline="2026-03-06T17:00:00+03:00",
        reason="нужна выгрузка каталога",
    )
    [notice] = partner_replies(extended)
    assert notice["template"] == "tkt_deadline_changed"
    assert "нужна выгрузка каталога" in notice["text"]


def test_002_r_cfg_4_technocom_support_target_unchanged() -> None:
    # R-SLA-13 is off by default: TECHNOCOM's support questions keep 5 working days.
    assert load_policy(None).sla.target("support", None).breach_wd == 5
    assert load_policy(PRESET).sla.target("feature", None).breach_wh == 16
    assert load_policy(PRESET).sla.target("bug", "high").breach_wd == 3

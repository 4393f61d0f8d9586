"""Seed 004 (TechnoKad) walked end to end on config/policy/technokad.toml (R-CFG-4).

Letters go in through the pipeline, time moves on a frozen clock, HQ acts through the action
layer; the replies, deadlines and alerts are what comes out. Test names carry the seed's
section numbers and the rule ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Service
from bot.desk.labels import flag_word
from tests.conftest import PARTNER, deliver, register_partner
from tests.presets.conftest import HQ, act, at, preset_service, show
from tests.support.letters import COMPLETE_TICKET, letter

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def technokad(tmp_path: Path) -> Iterator[Service]:
    for service in preset_service(tmp_path, "technokad"):
        register_partner(service, {**PARTNER, "support_tier": "basic"})
        register_partner(
            service,
            {
                "name": "ООО «Кадастр Плюс»",
                "inn": "5406123450",
                "role": "authorized",
                "support_tier": "extended",
                "domains": ["kplus.ru"],
                "addresses": ["olga@kplus.ru"],
            },
        )
        yield service


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


def partner_replies(result) -> list[dict]:
    return [r for r in result.replies if r["to"] != HQ]


def test_004_2_1_r_cal_2_two_offices_make_one_working_day_from_4_to_18_msk(technokad) -> None:
    calendar = technokad.rules.calendar
    tuesday = msk(2026, 3, 3, 12, 0)
    assert calendar.is_working_time(msk(2026, 3, 3, 4, 30))  # Novosibirsk branch only
    assert calendar.is_working_time(msk(2026, 3, 3, 17, 30))  # head office only
    assert not calendar.is_working_time(msk(2026, 3, 3, 18, 30))
    assert not calendar.is_working_time(msk(2026, 3, 3, 3, 59))
    # 14 working hours a day: 04:00–18:00 MSK, no gap between the windows.
    assert calendar.working_time_between(msk(2026, 3, 3, 0, 0), msk(2026, 3, 4, 0, 0)).seconds == (
        14 * 3600
    )
    assert calendar.add_working_hours(tuesday, 6) == msk(2026, 3, 3, 18, 0)


def test_004_2_2_r_sla_12_basic_tier_first_response_in_working_hours_of_both_offices(
    technokad,
) -> None:
    # Received Tuesday 19:00 MSK, after both windows: 8 wh from Wednesday 04:00 = 12:00 MSK.
    at(technokad, msk(2026, 3, 3, 19, 0))
    ticket = deliver(technokad, letter(body=COMPLETE_TICKET))
    assert (ticket.kind, ticket.state) == ("ticket", "open")
    due = datetime.fromisoformat(show(technokad, ticket.case)["attrs"]["first_response_due_at"])
    assert due == msk(2026, 3, 4, 12, 0)


def test_004_2_2_r_sla_12_extended_tier_missed_first_response_alerts_hq(technokad) -> None:
    at(technokad, msk(2026, 3, 3, 5, 0))  # only the Novosibirsk branch is at work
    ticket = deliver(technokad, letter(body=COMPLETE_TICKET, sender="olga@kplus.ru"))
    due = datetime.fromisoformat(show(technokad, ticket.case)["attrs"]["first_response_due_at"])
    assert due == msk(2026, 3, 3, 7, 0)  # extended: 2 wh
    at(technokad, msk(2026, 3, 3, 7, 1))
    tick = technokad.ticker.tick()
    assert [r["template"] for r in tick.replies] == ["hq_alert_deadline"]
    assert "Нет первого ответа" in tick.replies[0]["subject"]


def test_004_2_2_r_sla_12_an_answer_in_time_means_no_alert(technokad) -> None:
    at(technokad, msk(2026, 3, 3, 10, 0))
    ticket = deliver(technokad, letter(body=COMPLETE_TICKET))
    at(technokad, msk(2026, 3, 3, 11, 0))
    act(technokad, ticket.case, "reply", text="Проверьте, пожалуйста, версию программы.")
    at(technokad, msk(2026, 3, 4, 12, 0))
    assert [r for r in technokad.ticker.tick().replies if r["to"] == HQ] == []


def test_004_3_1_vendor_footer_names_technokad_and_the_hotline(technokad) -> None:
    ticket = deliver(technokad, letter(body=COMPLETE_TICKET))
    [ack] = partner_replies(ticket)
    assert "ООО «ТехноКад»" in ack["text"] and "8 (800) 200-87-75" in ack["text"]
    assert "cep@technokad.ru" in ack["text"]  # §6: whom to write when closed too early
    assert "ТЕХНОКОМ" not in ack["text"] and "(3452)" not in ack["text"]


def test_004_4_1_r_tkt_17_out_of_scope_topic_is_flagged_and_hq_refuses(technokad) -> None:
    body = COMPLETE_TICKET.replace(
        "как настроить отображение подписей участков только на крупных масштабах?",
        "помогите переустановить Windows на рабочем компьютере кадастрового инженера.",
    )
    ticket = deliver(technokad, letter(body=body))
    assert ticket.state == "open"  # the bot only flags (R-TKT-17)
    assert "out_of_scope" in show(technokad, ticket.case)["attrs"]["flags"]
    # HQ reads the flag in words in its digest and alerts (R-HQ-8), not as a code.
    assert flag_word("out_of_scope") == "возможно, вне компетенции поддержки"
    rejected = act(technokad, ticket.case, "reject", reason="out_of_scope")
    assert rejected.state == "rejected"
    [refusal] = rejected.replies
    assert "не входит в предмет технической поддержки" in refusal["text"]
    assert "ООО «ТехноКад»" in refusal["text"]


def test_004_4_1_r_tkt_17_an_ordinary_question_is_not_flagged(technokad) -> None:
    ticket = deliver(technokad, letter(body=COMPLETE_TICKET))
    assert "out_of_scope" not in show(technokad, ticket.case)["attrs"].get("flags", [])


def test_004_3_7_r_tkt_17_abusive_letter_is_flagged_and_refused_with_its_wording(
    technokad,
) -> None:
    body = COMPLETE_TICKET.replace("Добрый день!", "Да вы охренели там, идиоты! Опять не работает.")
    ticket = deliver(technokad, letter(body=body))
    assert "offensive" in show(technokad, ticket.case)["attrs"]["flags"]
    [refusal] = act(technokad, ticket.case, "reject", reason="offensive_language").replies
    assert "некорректные выражения" in refusal["text"]
    assert "без нецензурных и оскорбительных выражений" in refusal["text"]


@pytest.mark.parametrize(
    ("reason", "title", "what_next"),
    [
        ("license_violation", "нарушение условий лицензионного", "в соответствие с лицензионным"),
        ("insufficient_info", "недостаточно информации", "последовательности действий"),
        ("incomprehensible", "сформулировано непонятно", "сформулируйте вопрос четко"),
    ],
)
def test_004_3_7_r_tkt_17_each_refusal_reason_says_what_would_make_it_acceptable(
    technokad, reason: str, title: str, what_next: str
) -> None:
    ticket = deliver(technokad, letter(body=COMPLETE_TICKET))
    [refusal] = act(technokad, ticket.case, "reject", reason=reason).replies
    assert title in refusal["text"] and what_next in refusal["text"]
    assert show(technokad, ticket.case)["attrs"]["close_reason"] == reason


def test_004_6_r_tkt_12_premature_close_reopened_within_the_window_then_new_ticket(
    technokad,
) -> None:
    at(technokad, msk(2026, 3, 3, 10, 0))
    ticket = deliver(technokad, letter(body=COMPLETE_TICKET))
    act(technokad, ticket.case, "close", reason="вопрос решен по телефону")
    at(technokad, msk(2026, 3, 16, 10, 0))  # 13 days later: within 14 CD
    again = deliver(
        technokad,
        letter(subject=f"Re: [{ticket.case}]", body="Вопрос не решен: подписи снова пропадают."),
    )
    assert (again.case, again.state) == (ticket.case, "open")
    assert partner_replies(again)[0]["template"] == "tkt_reopened"
    assert "premature_close" in str(show(technokad, ticket.case)["attrs"])
    act(technokad, ticket.case, "close", reason="решено")
    at(technokad, msk(2026, 4, 1, 10, 0))  # past the window
    later = deliver(
        technokad, letter(subject=f"Re: [{ticket.case}]", body="Снова та же ошибка с подписями.")
    )
    assert later.case != ticket.case

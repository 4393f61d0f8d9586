"""Seed 001 (Omnicomm) walked end to end on config/policy/omnicomm.toml (R-CFG-4).

Letters go in through the pipeline, time moves on a frozen clock, HQ acts through the action
layer (declare_outage / end_outage as any HQ action); the replies, deadlines and notices are
what comes out. Test names carry the seed's item numbers and the rule ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.app import Service
from bot.rules.action_base import ActionRefused
from tests.conftest import PARTNER, deliver, register_partner
from tests.presets.conftest import HQ, act, at, preset_service, show
from tests.support.letters import COMPLETE_TICKET, letter

GMT5 = timezone(timedelta(hours=5))
LETTERS = Path(__file__).resolve().parents[1] / "letters"
DEALER = {
    "name": "ООО «ГеоПартнер»",
    "inn": "7700000009",
    "role": "authorized",
    "domains": ["geopartner.ru"],
    "official_email": "office@geopartner.ru",
}


@pytest.fixture
def omnicomm(tmp_path: Path, database_url: str) -> Iterator[Service]:
    # SQLite, and PostgreSQL too for the tests marked both_databases.
    for service in preset_service(tmp_path, "omnicomm", database_url):
        register_partner(service, PARTNER)
        register_partner(service, DEALER)
        yield service


def gmt5(*args: int) -> datetime:
    return datetime(*args, tzinfo=GMT5)


def partner_replies(result) -> list[dict]:
    return [r for r in result.replies if r["to"] != HQ]


def test_001_9_number_comes_at_once_within_ack_max_delay_with_the_not_registered_rule(
    omnicomm,
) -> None:
    received = at(omnicomm, gmt5(2026, 3, 2, 10, 0))
    ticket = deliver(omnicomm, letter(body=COMPLETE_TICKET))
    [ack] = partner_replies(ticket)
    assert ack["subject"].startswith(f"[{ticket.case}]")
    assert f"Номер обращения: {ticket.case}." in ack["text"]
    assert "Если на ваше письмо не пришел номер обращения" in ack["text"]
    # mail.ack_max_delay = 15 min: the acknowledgement is written with the letter itself.
    [row] = show(omnicomm, ticket.case)["replies"]
    queued = datetime.fromisoformat(row["created_at"])
    assert queued - received <= timedelta(minutes=15)
    assert row["status"] == "queued"


def test_001_10_one_question_one_thread_follow_up_joins_new_question_gets_a_number(
    omnicomm,
) -> None:
    ticket = deliver(omnicomm, letter(body=COMPLETE_TICKET))
    [ack] = partner_replies(ticket)
    assert "1 вопрос/проблема = 1 переписка" in ack["text"]
    same = deliver(
        omnicomm,
        letter(subject=f"Re: [{ticket.case}] Вопрос", body="Дополняю: версия сервера 5.2."),
    )
    assert same.case == ticket.case
    # Another question in a new letter gets its own number and its own thread.
    other = deliver(omnicomm, letter(body=COMPLETE_TICKET.replace("подписей", "легенды")))
    assert other.case not in (None, ticket.case)
    [other_ack] = partner_replies(other)
    assert other_ack["subject"].startswith(f"[{other.case}]")


def test_001_12_14_r_hq_4_official_answer_due_in_3_working_days_names_a_role(omnicomm) -> None:
    at(omnicomm, gmt5(2026, 3, 2, 10, 15))
    raw = (LETTERS / "62_inquiry_training.eml").read_bytes()
    new = deliver(omnicomm, raw)
    assert (new.kind, new.state) == ("inquiry", "open")
    [ack] = partner_replies(new)
    assert ack["template"] == "inq_ack"
    assert "до 05.03.2026 10:15 (GMT+5) (3 рабочих дня)" in ack["text"]
    assert "тел." not in ack["text"].split("С уважением")[0]  # item 12: no personal phone
    assert "Omnicomm" in ack["text"]  # [vendor] signs the letter
    at(omnicomm, gmt5(2026, 3, 5, 10, 16))
    [alert] = omnicomm.ticker.tick().replies
    assert alert["to"] == HQ and "ИСТЕК" in alert["subject"]


@pytest.mark.both_databases
def test_001_15_r_tkt_21_outage_over_60_minutes_notifies_partners_once_then_restored(
    omnicomm,
) -> None:
    at(omnicomm, gmt5(2026, 3, 2, 10, 0))
    declared = act(
        omnicomm,
        "new",
        "declare_outage",
        service="Omnicomm Online",
        started_at="2026-03-02T09:50:00+05:00",
        expected_fix="2026-03-02T14:00:00+05:00",
    )
    assert declared.state == "declared" and declared.case.startswith("OUT-")
    assert declared.replies == []
    at(omnicomm, gmt5(2026, 3, 2, 10, 49))  # 59 minutes: nobody is told yet
    assert omnicomm.ticker.tick().replies == []
    at(omnicomm, gmt5(2026, 3, 2, 10, 51))
    notices = omnicomm.ticker.tick().replies
    # The dealer's official e-mail; the other partner has none: its first registered address.
    assert sorted(n["to"] for n in notices) == ["ivan@partner.ru", "office@geopartner.ru"]
    assert {n["template"] for n in notices} == {"outage"}
    text = notices[0]["text"]
    assert "недоступен с 02.03.2026 09:50 (GMT+5)" in text
    assert "Ожидаемое время восстановления: 02.03.2026 14:00 (GMT+5)" in text
    at(omnicomm, gmt5(2026, 3, 2, 11, 30))
    assert omnicomm.ticker.tick().replies == []  # never twice
    at(omnicomm, gmt5(2026, 3, 2, 13, 10))
    ended = act(omnicomm, declared.case, "end_outage")
    assert ended.state == "ended"
    assert sorted(r["to"] for r in ended.replies) == ["ivan@partner.ru", "office@geopartner.ru"]
    assert "восстановлена 02.03.2026 13:10 (GMT+5)" in ended.replies[0]["text"]
    history = [e["event"] for e in show(omnicomm, declared.case)["history"]]
    assert [e for e in history if e.startswith("outage-")] == [
        "outage-declared",
        "outage-notified",
        "outage-ended",
    ]
    assert history.count("reply-notice") == 4  # two notices, two restorations


def test_001_15_r_tkt_21_outage_ended_within_60_minutes_tells_nobody(omnicomm) -> None:
    at(omnicomm, gmt5(2026, 3, 2, 10, 0))
    declared = act(omnicomm, "new", "declare_outage", service="Omnicomm Online")
    at(omnicomm, gmt5(2026, 3, 2, 10, 40))
    ended = act(omnicomm, declared.case, "end_outage")
    assert (ended.state, ended.replies) == ("ended", [])
    at(omnicomm, gmt5(2026, 3, 2, 12, 0))
    assert omnicomm.ticker.tick().replies == []
    with pytest.raises(ActionRefused, match="already ended"):
        act(omnicomm, declared.case, "end_outage")


def test_r_tkt_21_outage_actions_refused_where_the_option_is_off(
    tmp_path: Path,
) -> None:
    for technocom in preset_service(tmp_path, "technocom"):
        with pytest.raises(ActionRefused, match=r"outage_notice\.enabled = true"):
            act(technocom, "new", "declare_outage", service="Omnicomm Online")


def test_r_tkt_21_declare_outage_needs_a_service_and_zoned_moments(omnicomm) -> None:
    with pytest.raises(ActionRefused, match="--param service="):
        act(omnicomm, "new", "declare_outage")
    with pytest.raises(ActionRefused, match="no time zone"):
        act(omnicomm, "new", "declare_outage", service="X", started_at="2026-03-02T10:00")


def test_001_15_r_tkt_21_r_hq_7_the_outage_reads_as_such_in_the_morning_digest(omnicomm) -> None:
    at(omnicomm, gmt5(2026, 3, 2, 16, 0))
    declared = act(omnicomm, "new", "declare_outage", service="Omnicomm Online")
    at(omnicomm, gmt5(2026, 3, 3, 8, 31))  # past the threshold and the digest time (08:30)
    tick = omnicomm.ticker.tick()
    assert {r["template"] for r in tick.replies} == {"outage"}
    [line] = [
        line
        for digest in tick.digests
        for line in digest["text"].splitlines()
        if declared.case in line
    ][:1]
    assert "сбой сервиса" in line and "партнеры уведомлены" in line

"""HQ actions and timers on tickets: every letter they send renders, and says what it must."""

from __future__ import annotations

import json
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from bot.app import build
from bot.cli import main
from tests.conftest import deliver, register_partner
from tests.integration.test_service_desk import HQ, act, at, partner_replies, show
from tests.support.letters import COMPLETE_TICKET, bug_ticket, letter

GMT5 = timezone(timedelta(hours=5))


def test_r_sla_7_at_risk_then_breach_alert_hq_only(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket = deliver(service, bug_ticket("Высокий"))
    at(frozen_clock, 2026, 3, 4, 16, 0)  # 75 % of 3 working days is past
    [risk] = service.ticker.tick().replies
    assert (risk["to"], risk["template"]) == (HQ, "hq_alert_deadline")
    assert "под угрозой" in risk["subject"]
    at(frozen_clock, 2026, 3, 5, 10, 1)
    [breach] = service.ticker.tick().replies
    assert "НАРУШЕН" in breach["subject"] and ticket.case in breach["subject"]
    assert show(service, ticket.case)["state"] == "open"


def test_r_tkt_13_defer_then_release_published(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket = deliver(service, bug_ticket("Низкий"))
    deferred = act(service, ticket.case, "defer", release="4.3")
    assert "в релиз 4.3" in deferred.replies[0]["text"]
    released = act(service, ticket.case, "release_published", release="4.3")
    assert released.state == "resolved"
    assert "Опубликован релиз 4.3" in released.replies[0]["text"]


def test_r_tkt_8_question_within_window_stops_the_clock(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    asked = act(service, ticket.case, "request_info", text="Какая версия сервера?")
    assert asked.state == "needs_info"
    text = asked.replies[0]["text"]
    assert "Какая версия сервера?" in text and "срок решения начнет отсчитываться заново" in text
    at(frozen_clock, 2026, 3, 3, 9, 0)
    answer = deliver(service, letter(subject=f"Re: [{ticket.case}]", body="Версия 4.2.1"))
    assert answer.state == "open"
    [ack] = partner_replies(answer)
    assert "с 03.03.2026 09:00 (GMT+5)" in ack["text"]  # the new clock start


def test_r_sla_8_deadline_extension_letter_and_status_query(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    extended = act(
        service,
        ticket.case,
        "extend_deadline",
        deadline="2026-03-20T17:00:00+05:00",
        reason="нужна доработка сервера",
    )
    text = extended.replies[0]["text"]
    assert "Новый срок: 20.03.2026 17:00 (GMT+5)" in text and "нужна доработка сервера" in text
    status = deliver(
        service, letter(subject=f"Re: [{ticket.case}]", body="Добрый день, какой срок решения?")
    )
    assert status.state == "open"
    [reply] = partner_replies(status)
    assert reply["template"] == "tkt_status" and "20.03.2026 17:00" in reply["text"]


def test_r_hq_10_free_text_reply_and_r_tkt_17_rejection(service, frozen_clock) -> None:
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    reply = act(service, ticket.case, "reply", text="Коллеги, передали вопрос разработчикам.")
    assert "передали вопрос разработчикам" in reply.replies[0]["text"]
    assert reply.replies[0]["subject"].startswith(f"[{ticket.case}]")
    rejected = act(service, ticket.case, "reject", reason="out_of_scope")
    assert rejected.state == "rejected"
    assert "не входит в предмет технической поддержки" in rejected.replies[0]["text"]


def test_r_thr_13_merge_routes_the_old_number_to_the_target(service) -> None:
    first = deliver(service, letter(body=COMPLETE_TICKET))
    second = deliver(service, letter(body=COMPLETE_TICKET))
    merged = act(service, first.case, "merge", into=second.case)
    assert merged.state == "merged"
    assert f"объединено с обращением {second.case}" in merged.replies[0]["text"]
    later = deliver(service, letter(subject=f"Re: [{first.case}] ещё вопрос", body="Дополнение"))
    assert later.case == second.case


def test_r_sla_12_r_cal_14_first_response_target_per_support_tier(settings, frozen_clock, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text('[[support_tiers]]\nname = "paid"\nfirst_response_wh = 16\n')
    service = build(settings.model_copy(update={"policy_file": policy}), clock=frozen_clock)
    register_partner(
        service,
        {
            "name": "ООО «Партнер»",
            "inn": "7204196795",
            "support_tier": "paid",
            "addresses": ["ivan@partner.ru"],
        },
    )
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    at(frozen_clock, 2026, 3, 3, 16, 59)
    assert service.ticker.tick().replies == []
    at(frozen_clock, 2026, 3, 3, 17, 0)  # Mon 10:00 + 7.5 h + Tue 8.5 h = 16 working hours
    [alert] = service.ticker.tick().replies
    assert "Нет первого ответа" in alert["subject"] and ticket.case in alert["subject"]
    service.engine.dispose()


def test_r_cal_4_missing_year_is_computed_and_hq_told_once(service, frozen_clock) -> None:
    at(frozen_clock, 2031, 3, 3, 10, 0)  # no production calendar shipped for 2031
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    assert ticket.state == "open"
    first = [r for r in service.ticker.tick().replies if r["template"] == "hq_calendar_missing"]
    assert len(first) == 1 and "2031" in first[0]["subject"]
    assert [
        r for r in service.ticker.tick().replies if r["template"] == "hq_calendar_missing"
    ] == []


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_partners_and_case_commands(workdir: Path, capsys) -> None:
    partners = workdir / "partners.csv"
    partners.write_text(
        "name,inn,role,domains,addresses,curator\n"
        "ООО «Партнер»,7204196795,official,partner.ru,ivan@partner.ru,cur@technocom.tech\n"
    )
    assert main(["partners", "import", str(partners)]) == 0
    assert "1 partner(s) imported" in capsys.readouterr().out
    assert main(["partners", "list", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["role"], row["addresses"]) == ("gold", ["ivan@partner.ru"])
    assert main(["partners", "show", "7204196795"]) == 0
    assert "cur@technocom.tech" in capsys.readouterr().out
    bad = workdir / "bad.json"
    bad.write_text('[{"name": "X", "inn": "123"}]')
    assert main(["partners", "import", str(bad)]) == 1
    assert "record 1" in capsys.readouterr().err

    (workdir / "t.eml").write_bytes(letter(body=COMPLETE_TICKET))
    assert main(["process", "t.eml", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "open"
    assert (
        main(
            [
                "case",
                "TCM-000001",
                "resolve",
                "--text",
                "Готово",
                "--as",
                "hq@technocom.tech",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["state"] == "resolved" and result["replies"][0]["kind"] == "notice"
    assert main(["case", "TCM-000001", "resolve", "--text", "x", "--as", "hq@technocom.tech"]) == 1
    assert "resolve is not possible" in capsys.readouterr().err
    assert main(["case", "TCM-000001", "comment", "--text", "x", "--as", "ivan@partner.ru"]) == 1
    assert "not HQ staff" in capsys.readouterr().err


def test_r_hq_6_every_action_is_in_the_history_with_who_what_and_states(service) -> None:
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    act(service, ticket.case, "set_tracker", tracker="bug")
    history = show(service, ticket.case)["history"]
    [entry] = [e for e in history if e["event"] == "tracker-changed"]
    assert entry["actor"] == "hq@technocom.tech"
    # …and the letter it sent is recorded right after it.
    assert history[-1]["event"] == "reply-notice"
    assert entry["details"]["action"] == "set_tracker"
    assert entry["details"]["params"] == {"tracker": "bug"}
    assert (entry["old_state"], entry["new_state"]) == ("open", "open")


def test_r_hq_9_a_comment_sends_nothing(service) -> None:
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    assert act(service, ticket.case, "comment", text="созвонились").replies == []
    assert show(service, ticket.case)["history"][-1]["event"] == "comment"


def test_r_hq_11_the_case_shows_why_it_was_decided(service) -> None:
    result = deliver(service, letter(body=COMPLETE_TICKET.replace("ПО: ТехноКарта Сервер\n", "")))
    created = show(service, result.case)["history"][0]
    assert created["details"]["missing"] == ["software_name"]
    assert "R-TKT-2" in created["details"]["rules"]

"""Policy keys of issue 23 that were declared but changed nothing, each flipped here:
pin.extension_max_count (R-PIN-16), pin.disclose_holder (R-PIN-4, R-PIN-27, D-16),
report.grace_days (R-PIN-23, checked against the unpinning day at start-up, R-CFG-2),
sla.pause_while_waiting_partner (R-SLA-11, D-5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import Service, build
from bot.policy import PolicyError, load_policy
from tests.conftest import deliver, register_partner
from tests.integration.test_pins import OTHER, in_thread, pin_request, send
from tests.integration.test_service_desk import GMT5, act, at, partner_replies, show
from tests.support.letters import COMPLETE_TICKET, letter

ASK = "Просим продлить срок предварительного закрепления на 10 дней."


def with_policy(settings, frozen_clock, tmp_path: Path, toml: str) -> Iterator[Service]:
    policy = tmp_path / "policy.toml"
    policy.write_text(toml, encoding="utf-8")
    service = build(settings.model_copy(update={"policy_file": policy}), clock=frozen_clock)
    register_partner(service)
    yield service
    service.engine.dispose()


@pytest.fixture
def two_extensions(settings, frozen_clock, tmp_path: Path) -> Iterator[Service]:
    yield from with_policy(settings, frozen_clock, tmp_path, "[pin]\nextension_max_count = 2\n")


@pytest.fixture
def disclosing(settings, frozen_clock, tmp_path: Path) -> Iterator[Service]:
    yield from with_policy(settings, frozen_clock, tmp_path, "[pin]\ndisclose_holder = true\n")


def test_r_pin_16_extension_max_count_2_allows_two_extensions_then_refuses(
    two_extensions, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(two_extensions, pin_request()).case
    for day, expiry in ((3, "11.05.2026"), (4, "21.05.2026")):
        at(frozen_clock, 2026, 3, day, 10, 0)  # one HQ action per moment (the reply's key)
        ack = in_thread(two_extensions, case, ASK, subject="продление")
        assert partner_replies(ack)[0]["template"] == "pin_ext_ack"
        ok = act(two_extensions, case, "approve_extension", days="10")
        assert f"до {expiry} 23:59" in ok.replies[0]["text"]
    # Only the last one says no further extension is possible.
    assert "Повторное продление не предусмотрено" in ok.replies[0]["text"]
    third = in_thread(two_extensions, case, ASK, subject="продление")
    [refusal] = partner_replies(third)
    assert refusal["template"] == "pin_ext_rej"
    assert "регламент допускает не более 2 продлений" in refusal["text"]


def test_r_pin_16_extension_max_count_2_first_approval_leaves_the_door_open(
    two_extensions, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(two_extensions, pin_request()).case
    in_thread(two_extensions, case, ASK, subject="продление")
    ok = act(two_extensions, case, "approve_extension", days="10")
    assert "Повторное продление не предусмотрено" not in ok.replies[0]["text"]


def test_r_pin_16_extension_max_count_0_refuses_every_extension(
    settings, frozen_clock, tmp_path: Path
) -> None:
    for service in with_policy(
        settings, frozen_clock, tmp_path, "[pin]\nextension_max_count = 0\n"
    ):
        at(frozen_clock, 2026, 3, 2, 10, 0)
        case = send(service, pin_request()).case
        refused = in_thread(service, case, ASK, subject="продление")
        assert partner_replies(refused)[0]["template"] == "pin_ext_rej"


def test_r_pin_4_r_pin_27_disclose_holder_names_the_other_partner(disclosing, frozen_clock) -> None:
    register_partner(disclosing, OTHER)
    at(frozen_clock, 2026, 3, 2, 10, 0)
    assert send(disclosing, pin_request(sender="anna@other.ru")).state == "pre_pinned"
    rejected = send(disclosing, pin_request())
    [refusal] = partner_replies(rejected)
    assert "за другим партнером — ООО «Другой партнер»" in refusal["text"]


def test_r_pin_4_d_16_by_default_the_holder_is_not_named(service, frozen_clock) -> None:
    register_partner(service, OTHER)
    at(frozen_clock, 2026, 3, 2, 10, 0)
    send(service, pin_request(sender="anna@other.ru"))
    [refusal] = partner_replies(send(service, pin_request()))
    assert "за другим партнером." in refusal["text"] and "Другой партнер" not in refusal["text"]


def test_r_pin_23_r_cfg_2_grace_days_must_end_on_the_unpinning_day(tmp_path: Path) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text("[report]\ngrace_days = 5\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"grace_days \(5\) must equal unpin_after_days \(10\)"):
        load_policy(bad)
    good = tmp_path / "good.toml"
    good.write_text("[report]\ngrace_days = 5\nunpin_after_days = 8\n", encoding="utf-8")
    assert load_policy(good).report.unpin_after_days == 8


QUESTION = "Пришлите, пожалуйста, журнал сервера за время сбоя."


def gmt5(*args: int) -> datetime:
    return datetime(*args, tzinfo=GMT5)


def deadline(service: Service, case: str) -> datetime:
    return datetime.fromisoformat(show(service, case)["attrs"]["deadline_at"])


def _question_and_answer(service: Service, frozen_clock) -> str:
    """A support ticket on Monday 02.03.2026 10:00 (GMT+5, 5 WD → Tuesday 10.03 10:00, the
    9th is a holiday); HQ asks after W on Thursday 12:00; the partner answers Friday 12:00."""
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    assert deadline(service, ticket.case) == gmt5(2026, 3, 10, 10)
    at(frozen_clock, 2026, 3, 5, 12, 0)
    asked = act(service, ticket.case, "request_info", text=QUESTION)
    assert asked.state == "open"
    at(frozen_clock, 2026, 3, 6, 12, 0)
    deliver(service, letter(subject=f"Re: [{ticket.case}] Вопрос", body="Журнал во вложении."))
    return ticket.case


@pytest.fixture
def pausing(settings, frozen_clock, tmp_path: Path) -> Iterator[Service]:
    yield from with_policy(
        settings, frozen_clock, tmp_path, "[sla]\npause_while_waiting_partner = true\n"
    )


def test_r_sla_11_pause_while_waiting_partner_moves_the_deadline_by_the_wait(
    pausing, frozen_clock
) -> None:
    case = _question_and_answer(pausing, frozen_clock)
    attrs = show(pausing, case)["attrs"]
    # 9 working hours of waiting (Thu 12:00–17:30, Fri 08:30–12:00): 16 wh were left at the
    # question, counted again from Friday 12:00 → Wednesday 11.03 10:00.
    assert deadline(pausing, case) == gmt5(2026, 3, 11, 10)
    assert attrs["sla_paused_wh"] == 9.0
    # The breach timer waits for the moved deadline; the one of the old date is cancelled.
    rows = show(pausing, case)["deadlines"]
    timers = {(d["due_at"], d["status"]) for d in rows if d["kind"] == "sla_breach"}
    assert timers == {
        (gmt5(2026, 3, 10, 10).astimezone(UTC).isoformat(), "cancelled"),
        (gmt5(2026, 3, 11, 10).astimezone(UTC).isoformat(), "pending"),
    }


def test_r_sla_11_the_question_says_the_clock_is_paused(pausing, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket = deliver(pausing, letter(body=COMPLETE_TICKET))
    at(frozen_clock, 2026, 3, 5, 12, 0)
    [question] = partner_replies(act(pausing, ticket.case, "request_info", text=QUESTION))
    assert "Срок решения приостановлен до получения ответа" in question["text"]


def test_r_sla_11_d_5_by_default_the_clock_runs_on(service, frozen_clock) -> None:
    case = _question_and_answer(service, frozen_clock)
    assert deadline(service, case) == gmt5(2026, 3, 10, 10)

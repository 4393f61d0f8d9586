"""Policy keys of issue 23 that were declared but changed nothing, each flipped here:
pin.extension_max_count (R-PIN-16), pin.disclose_holder (R-PIN-4, R-PIN-27, D-16),
report.grace_days (R-PIN-23, checked against the unpinning day at start-up, R-CFG-2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Service, build
from bot.policy import PolicyError, load_policy
from tests.conftest import register_partner
from tests.integration.test_pins import OTHER, in_thread, pin_request, send
from tests.integration.test_service_desk import act, at, partner_replies

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

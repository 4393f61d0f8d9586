"""Resolution targets in working time with fixture F and the real calendar (R-SLA-*)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.policy import Policy, SlaPolicy, Target, load_policy
from bot.rules.ticket.sla import resolution_target
from bot.workcal import WorkCalendar

GMT5 = timezone(timedelta(hours=5))
F = WorkCalendar.for_fixture_f()


def _target(tracker, priority, at, *, calendar=F, status="active", policy=None, suspended=None):
    return resolution_target(
        tracker=tracker,
        priority=priority,
        project_status=status,
        clock_started_at=at,
        calendar=calendar,
        policy=policy or SlaPolicy(),
        suspended_reason=suspended,
    )


def test_r_sla_4_urgent_bug_across_the_f_holidays() -> None:
    target = _target("bug", "urgent", datetime(2025, 6, 11, 10, 0, tzinfo=GMT5))
    assert target.deadline_at == datetime(2025, 6, 16, 10, 0, tzinfo=GMT5)
    assert (target.amount, target.unit) == (1, "WD")


def test_r_sla_4_high_bug_received_friday_evening_ends_on_shortened_wednesday() -> None:
    target = _target("bug", "high", datetime(2025, 6, 6, 18, 0, tzinfo=GMT5))
    assert target.deadline_at == datetime(2025, 6, 11, 16, 30, tzinfo=GMT5)


def test_r_sla_3_normal_bug_soft_reminder_at_5_and_breach_at_21_working_days() -> None:
    start = datetime(2025, 6, 2, 10, 0, tzinfo=GMT5)  # Monday
    target = _target("bug", "normal", start)
    assert target.soft_at == F.add_working_days(start, 5)
    assert target.deadline_at == F.add_working_days(start, 21)


def test_r_sla_3_support_question_five_working_days_across_new_year() -> None:
    real = WorkCalendar.default()
    start = datetime(2025, 12, 30, 15, 0, tzinfo=GMT5)
    target = _target("support", None, start, calendar=real)
    # 31.12 and 1–11.01 are off in 2026 (production calendar): 5 WD ends on Fri 16.01.
    assert target.deadline_at == datetime(2026, 1, 16, 15, 0, tzinfo=GMT5)


@pytest.mark.parametrize(
    ("tracker", "priority", "status", "reason"),
    [
        ("feature", None, "active", "не гарантирован"),  # R-TKT-14
        ("bug", "low", "active", "следующих релизов"),  # D-8
        ("bug", "urgent", "demo", "demo"),  # R-SLA-5
    ],
)
def test_r_sla_3_5_no_target(tracker, priority, status, reason) -> None:
    target = _target(tracker, priority, datetime(2025, 6, 2, 10, tzinfo=UTC), status=status)
    assert target.deadline_at is None and reason in target.no_target_reason


def test_r_sla_6_flag_suspends_urgent_and_high_only() -> None:
    start = datetime(2025, 6, 2, 10, tzinfo=GMT5)
    assert _target("bug", "high", start, suspended="замечания к базовому ПО").deadline_at is None
    assert _target("bug", "normal", start, suspended="x").deadline_at is not None


def test_r_sla_7_at_risk_at_three_quarters_of_the_working_time() -> None:
    start = datetime(2025, 6, 2, 8, 30, tzinfo=GMT5)  # Monday window start
    target = _target("bug", "high", start)
    total = F.working_time_between(start, target.deadline_at)
    assert F.working_time_between(start, target.at_risk_at) == total * 0.75
    assert start < target.at_risk_at < target.deadline_at


def test_r_sla_13_hours_target_from_policy() -> None:
    policy = SlaPolicy(targets={"support": {"*": Target(breach_wh=16)}})
    start = datetime(2025, 6, 11, 15, 0, tzinfo=GMT5)
    target = _target("support", None, start, policy=policy)
    assert target.deadline_at == datetime(2025, 6, 17, 14, 0, tzinfo=GMT5)  # R-CAL-5 example


def test_r_cfg_2_policy_rejects_unknown_tracker_and_names_the_key(tmp_path) -> None:
    from bot.policy import PolicyError

    bad = tmp_path / "p.toml"
    bad.write_text('[sla.targets.incident]\n"*" = { breach_wd = 1 }\n')
    with pytest.raises(PolicyError, match="unknown tracker 'incident'"):
        load_policy(bad)
    bad.write_text(
        '[[calendar.offices]]\nname = "X"\ntz = "Asia/Yekaterinburg"\n'
        'start = "18:00"\nend = "09:00"\n'
    )
    with pytest.raises(PolicyError, match=r"calendar\.offices"):
        load_policy(bad)


def test_r_cfg_1_shipped_policy_file_equals_the_embedded_defaults() -> None:
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[2] / "config" / "policy" / "technocom.toml"
    assert load_policy(shipped) == Policy()

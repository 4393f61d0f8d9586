"""Every worked example of the spec, computed with fixture F (R-CAL-15)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.workcal import WorkCalendar

from .helpers import local


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar.for_fixture_f()


def test_r_cal_15_fixture_f_days(cal: WorkCalendar) -> None:
    assert not cal.is_working_day(date(2025, 6, 12))
    assert not cal.is_working_day(date(2025, 6, 13))
    assert cal.is_short_day(date(2025, 6, 11))
    assert cal.is_working_day(date(2025, 11, 1))  # Saturday made working
    assert not cal.is_working_day(date(2025, 11, 3))
    assert not cal.is_working_day(date(2025, 11, 4))
    assert cal.is_working_day(date(2025, 10, 31)) and not cal.is_short_day(date(2025, 10, 31))
    assert not cal.is_working_day(date(2025, 6, 14))  # plain weekend
    assert cal.missing_years() == ()


def test_r_cal_3_short_day_window_ends_an_hour_earlier(cal: WorkCalendar) -> None:
    assert cal.windows(date(2025, 6, 11)) == (
        (local(2025, 6, 11, 8, 30), local(2025, 6, 11, 16, 30)),
    )
    assert cal.is_working_time(local(2025, 6, 11, 16, 29))
    assert not cal.is_working_time(local(2025, 6, 11, 16, 30))
    assert cal.is_working_time(local(2025, 6, 10, 17, 29))
    assert not cal.is_working_time(local(2025, 6, 10, 17, 30))  # [start, end)
    assert cal.is_working_time(local(2025, 6, 10, 8, 30))
    assert not cal.is_working_time(local(2025, 6, 12, 10, 0))
    assert cal.is_working_time(local(2025, 11, 1, 10, 0))


def test_r_cal_3_short_day_can_be_switched_off() -> None:
    cal = WorkCalendar.for_fixture_f(shorten_pre_holiday=False)
    assert cal.day_end(date(2025, 6, 11)) == local(2025, 6, 11, 17, 30)
    cal = WorkCalendar.for_fixture_f(short_day_minutes=90)
    assert cal.day_end(date(2025, 6, 11)) == local(2025, 6, 11, 16, 0)


def test_r_cal_5_example_sixteen_working_hours(cal: WorkCalendar) -> None:
    assert cal.add_working_hours(local(2025, 6, 11, 15), 16) == local(2025, 6, 17, 14)


def test_r_cal_5_start_outside_working_time_counts_from_next_window(cal: WorkCalendar) -> None:
    assert cal.add_working_hours(local(2025, 6, 7, 12), 1) == local(2025, 6, 9, 9, 30)
    assert cal.add_working_hours(local(2025, 6, 9, 6), 0) == local(2025, 6, 9, 8, 30)


def test_r_cal_5_result_on_window_end_is_that_end(cal: WorkCalendar) -> None:
    assert cal.add_working_hours(local(2025, 6, 9, 8, 30), 9) == local(2025, 6, 9, 17, 30)
    assert cal.add_working_hours(local(2025, 6, 11, 15), 1.5) == local(2025, 6, 11, 16, 30)
    assert cal.add_working_hours(local(2025, 6, 11, 15), timedelta(minutes=91)) == local(
        2025, 6, 16, 8, 31
    )


def test_r_cal_5_rejects_negative_hours(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError):
        cal.add_working_hours(local(2025, 6, 9, 10), -1)


def test_r_cal_6_example_inside_window_keeps_clock_time(cal: WorkCalendar) -> None:
    assert cal.add_working_days(local(2025, 6, 6, 10), 1) == local(2025, 6, 9, 10)


def test_r_cal_6_example_weekend_start_gives_end_of_first_day(cal: WorkCalendar) -> None:
    assert cal.add_working_days(local(2025, 6, 7, 12), 1) == local(2025, 6, 9, 17, 30)


def test_r_cal_6_example_evening_start_ends_on_shortened_day(cal: WorkCalendar) -> None:
    assert cal.add_working_days(local(2025, 6, 6, 18), 3) == local(2025, 6, 11, 16, 30)


def test_r_cal_6_clamped_to_target_day_window_end(cal: WorkCalendar) -> None:
    # Tue 17:00 + 1 WD lands on the short Wednesday, which ends at 16:30.
    assert cal.add_working_days(local(2025, 6, 10, 17), 1) == local(2025, 6, 11, 16, 30)


def test_r_cal_6_early_morning_counts_the_same_day_as_first(cal: WorkCalendar) -> None:
    assert cal.add_working_days(local(2025, 6, 9, 7), 1) == local(2025, 6, 9, 17, 30)
    assert cal.add_working_days(local(2025, 6, 9, 17, 30), 1) == local(2025, 6, 10, 17, 30)


def test_r_cal_6_working_saturday_and_november_holidays(cal: WorkCalendar) -> None:
    assert cal.add_working_days(local(2025, 10, 31, 10), 1) == local(2025, 11, 1, 10)
    assert cal.add_working_days(local(2025, 10, 31, 10), 2) == local(2025, 11, 5, 10)


def test_r_cal_7_end_of_local_day(cal: WorkCalendar) -> None:
    end = cal.add_calendar_days(local(2025, 6, 6, 18), 60)
    assert end == local(2025, 8, 6) - timedelta(milliseconds=1)  # 05.08 23:59:59.999 GMT+5
    assert cal.format_local(end) == "05.08.2025 23:59 (GMT+5)"
    # The local date counts: 20:30 UTC is already the next day in Tyumen.
    late = datetime(2025, 6, 6, 20, 30, tzinfo=UTC)
    assert cal.add_calendar_days(late, 3) == local(2025, 6, 11) - timedelta(milliseconds=1)
    # A week is 7 days; weekends and holidays do not move it (R-CAL-9 default off, D-12).
    assert cal.add_calendar_days(local(2025, 6, 5, 10), 7) == local(2025, 6, 13) - timedelta(
        milliseconds=1
    )


def test_r_cal_7_start_of_day_variant_for_warnings(cal: WorkCalendar) -> None:
    assert cal.add_calendar_days_start(local(2026, 1, 15, 23, 59), 3) == local(2026, 1, 18)


def test_r_cal_8_add_months_clamps_to_month_end(cal: WorkCalendar) -> None:
    eod = timedelta(milliseconds=1)
    assert cal.add_months(local(2025, 1, 31, 10), 1) == local(2025, 3, 1) - eod
    assert cal.add_months(local(2024, 1, 31, 10), 1) == local(2024, 3, 1) - eod
    assert cal.add_months(local(2025, 6, 15, 10), 1) == local(2025, 7, 16) - eod
    assert cal.add_months(local(2025, 12, 15, 10), 1) == local(2026, 1, 16) - eod
    assert cal.add_months(local(2025, 12, 31, 10), 2) == local(2026, 3, 1) - eod


def test_r_cal_9_rollover_moves_partner_deadline_to_next_working_day(cal: WorkCalendar) -> None:
    saturday_end = local(2025, 6, 15) - timedelta(milliseconds=1)  # Sat 14.06 23:59:59.999
    assert cal.rollover_non_working(saturday_end) == local(2025, 6, 17) - timedelta(milliseconds=1)
    friday = local(2025, 6, 6, 12)
    assert cal.rollover_non_working(friday) == friday


def test_r_cal_1_format_local(cal: WorkCalendar) -> None:
    assert cal.format_local(datetime(2025, 6, 17, 9, 0, tzinfo=UTC)) == "17.06.2025 14:00 (GMT+5)"
    assert cal.format_local(datetime(2025, 12, 31, 19, 5, tzinfo=UTC)) == "01.01.2026 00:05 (GMT+5)"


def test_r_cal_1_instants_are_utc_and_aware(cal: WorkCalendar) -> None:
    result = cal.add_working_hours(local(2025, 6, 9, 10), 1)
    assert result.tzinfo is UTC
    with pytest.raises(ValueError):
        cal.add_working_hours(datetime(2025, 6, 9, 10), 1)


def test_r_sla_1_clarification_window_is_exactly_72_hours(cal: WorkCalendar) -> None:
    assert cal.add_exact_hours(local(2025, 6, 6, 18), 72) == local(2025, 6, 9, 18)


def test_r_sla_4_urgent_bug_one_working_day_over_holidays(cal: WorkCalendar) -> None:
    assert cal.add_working_days(local(2025, 6, 11, 10), 1) == local(2025, 6, 16, 10)


def test_r_sla_4_high_bug_received_friday_evening(cal: WorkCalendar) -> None:
    received = local(2025, 6, 6, 18)
    # The clock is normalised to the next window start …
    assert cal.add_working_days(received, 0) == local(2025, 6, 9, 8, 30)
    # … and the deadline is the shortened end of the 3rd working day.
    deadline = cal.add_working_days(received, 3)
    assert deadline == local(2025, 6, 11, 16, 30)
    assert cal.format_local(deadline) == "11.06.2025 16:30 (GMT+5)"


def test_r_sla_7_elapsed_working_time_for_at_risk_ratio(cal: WorkCalendar) -> None:
    start = local(2025, 6, 11, 15)
    assert cal.working_time_between(start, local(2025, 6, 17, 14)) == timedelta(hours=16)
    assert cal.working_time_between(start, local(2025, 6, 14, 12)) == timedelta(hours=1.5)
    assert cal.working_time_between(local(2025, 6, 17, 14), start) == timedelta(0)

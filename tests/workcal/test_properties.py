"""Property-based checks of the working-time arithmetic (R-CAL-5, R-CAL-6, R-SLA-7)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.workcal import (
    HQ_TYUMEN,
    TECHNOKAD_OFFICES,
    FileDaysSource,
    Office,
    WorkCalendar,
    union_windows,
)

BERLIN = Office("Berlin", "Europe/Berlin", time(9), time(18), ((time(13), time(14)),))

CALENDARS = {
    "technocom": WorkCalendar((HQ_TYUMEN,), FileDaysSource()),
    "fixture_f": WorkCalendar.for_fixture_f(),
    "technokad": WorkCalendar(TECHNOKAD_OFFICES, FileDaysSource()),
    # A zone with daylight saving and a lunch break, to stress the window merging.
    "hq_and_berlin": WorkCalendar((HQ_TYUMEN, BERLIN), FileDaysSource()),
}

calendars = st.sampled_from(sorted(CALENDARS)).map(CALENDARS.__getitem__)
# Whole minutes from mid-2024 to the end of 2026, across New Year holidays and DST changes.
instants = st.integers(0, 60 * 24 * 900).map(
    lambda minutes: datetime(2024, 6, 1, tzinfo=UTC) + timedelta(minutes=minutes)
)
minutes = st.integers(1, 60 * 60)  # up to 60 working hours
PROPERTY = settings(max_examples=150, deadline=None)


def _in_working_time_or_at_window_end(cal: WorkCalendar, instant: datetime) -> bool:
    start, end = next(union_windows(cal, instant - timedelta(microseconds=1)))
    return start <= instant < end or instant == end


@PROPERTY
@given(calendars, instants, minutes, minutes)
def test_r_cal_5_adding_hours_is_additive(cal: WorkCalendar, t: datetime, a: int, b: int) -> None:
    once = cal.add_working_hours(t, timedelta(minutes=a + b))
    twice = cal.add_working_hours(
        cal.add_working_hours(t, timedelta(minutes=a)), timedelta(minutes=b)
    )
    assert once == twice


@PROPERTY
@given(calendars, instants, minutes)
def test_r_cal_5_result_is_working_time_or_a_window_end(
    cal: WorkCalendar, t: datetime, m: int
) -> None:
    result = cal.add_working_hours(t, timedelta(minutes=m))
    assert result > t
    assert _in_working_time_or_at_window_end(cal, result)
    assert result.tzinfo is UTC


@PROPERTY
@given(calendars, instants, st.integers(0, 60 * 60))
def test_r_sla_7_elapsed_working_time_inverts_adding(
    cal: WorkCalendar, t: datetime, m: int
) -> None:
    h = timedelta(minutes=m)
    start = t if cal.is_working_time(t) else cal.add_working_hours(t, 0)
    assert cal.is_working_time(start)
    assert cal.working_time_between(start, cal.add_working_hours(start, h)) == h
    # Counting from outside working time gives the same: idle time is not counted.
    assert cal.working_time_between(t, cal.add_working_hours(t, h)) == h


@PROPERTY
@given(calendars, instants, instants, st.integers(0, 25), st.integers(0, 25))
def test_r_cal_6_adding_days_is_monotonic(
    cal: WorkCalendar, t1: datetime, t2: datetime, n1: int, n2: int
) -> None:
    t1, t2 = min(t1, t2), max(t1, t2)
    n1, n2 = min(n1, n2), max(n1, n2)
    assert cal.add_working_days(t1, n1) <= cal.add_working_days(t2, n1)
    assert cal.add_working_days(t1, n1) <= cal.add_working_days(t1, n2)
    if n1 > 0:
        result = cal.add_working_days(t1, n1)
        assert result > t1
        # The result is on a working day of the primary office, within its window span.
        day = cal.local(result).date()
        windows = cal.windows(day)
        assert windows and windows[0][0] <= result <= windows[-1][1]

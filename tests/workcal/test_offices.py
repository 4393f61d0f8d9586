"""Several offices, breaks and configuration of offices (R-CAL-2, R-CAL-3, D-9)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.workcal import (
    HQ_TYUMEN,
    TECHNOKAD_OFFICES,
    MemoryDaysSource,
    Office,
    WorkCalendar,
    union_windows,
)

from .helpers import MSK, local


@pytest.fixture
def technokad() -> WorkCalendar:
    return WorkCalendar.for_fixture_f(offices=TECHNOKAD_OFFICES)


def test_r_cal_2_default_office_is_hq_tyumen() -> None:
    cal = WorkCalendar.default()
    assert cal.primary == HQ_TYUMEN
    assert (HQ_TYUMEN.tz, HQ_TYUMEN.start, HQ_TYUMEN.end) == (
        "Asia/Yekaterinburg",
        time(8, 30),
        time(17, 30),
    )


def test_r_cal_2_office_from_config_mapping() -> None:
    office = Office.from_mapping(
        {
            "name": "X",
            "tz": "Europe/Moscow",
            "start": "09:00",
            "end": "18:00",
            "breaks": [["13:00", "14:00"]],
        }
    )
    assert office.breaks == ((time(13), time(14)),)
    with pytest.raises(ValueError):
        Office("bad", "Europe/Moscow", time(18), time(9))
    with pytest.raises(ValueError):
        Office("bad", "Europe/Moscow", time(9), time(18), ((time(8), time(10)),))
    with pytest.raises(KeyError):  # ZoneInfoNotFoundError is a KeyError
        Office("bad", "Mars/Olympus", time(9), time(18))


def test_r_cal_3_technokad_union_of_office_windows(technokad: WorkCalendar) -> None:
    # Moscow 09–18 and the branch 04–13 (both MSK): working time is 04:00–18:00 MSK.
    monday = (2025, 6, 9)
    assert not technokad.is_working_time(local(*monday, 3, 59, zone=MSK))
    assert technokad.is_working_time(local(*monday, 4, 0, zone=MSK))
    assert technokad.is_working_time(local(*monday, 12, 30, zone=MSK))
    assert technokad.is_working_time(local(*monday, 17, 59, zone=MSK))
    assert not technokad.is_working_time(local(*monday, 18, 0, zone=MSK))
    windows = union_windows(technokad, local(*monday, zone=MSK))
    assert next(windows) == (local(*monday, 4, zone=MSK), local(*monday, 18, zone=MSK))


def test_r_cal_5_technokad_working_hours_over_the_union(technokad: WorkCalendar) -> None:
    # Mon 17:00 MSK + 2 wh: 1 h until 18:00, then Tue from 04:00.
    assert technokad.add_working_hours(local(2025, 6, 9, 17, zone=MSK), 2) == local(
        2025, 6, 10, 5, zone=MSK
    )
    # A full union day is 14 h; the short Wednesday is 13 h (each office ends an hour early).
    assert technokad.working_time_between(
        local(2025, 6, 9, zone=MSK), local(2025, 6, 10, zone=MSK)
    ) == timedelta(hours=14)
    assert technokad.working_time_between(
        local(2025, 6, 11, zone=MSK), local(2025, 6, 12, zone=MSK)
    ) == timedelta(hours=13)


def test_r_cal_6_technokad_working_days_use_the_primary_office(technokad: WorkCalendar) -> None:
    assert technokad.primary.name == "Moscow"
    # 05:00 MSK is union working time, but before the Moscow window: rule (b).
    assert technokad.add_working_days(local(2025, 6, 9, 5, zone=MSK), 1) == local(
        2025, 6, 9, 18, zone=MSK
    )
    assert technokad.format_local(local(2025, 6, 9, 5, zone=MSK)) == "09.06.2025 05:00 (GMT+3)"


def test_r_cal_3_offices_in_different_zones() -> None:
    cal = WorkCalendar.for_fixture_f(offices=(HQ_TYUMEN, TECHNOKAD_OFFICES[0]))
    # HQ 08:30–17:30 GMT+5 = 03:30–12:30 UTC; Moscow 09–18 MSK = 06:00–15:00 UTC.
    assert cal.add_working_hours(local(2025, 6, 9, 17, 0), 1) == local(2025, 6, 9, 18, 0)
    assert cal.working_time_between(local(2025, 6, 9), local(2025, 6, 10)) == timedelta(
        hours=11, minutes=30
    )


def test_d_9_breaks_are_not_working_time() -> None:
    office = Office("HQ", "Asia/Yekaterinburg", time(8, 30), time(17, 30), ((time(13), time(14)),))
    cal = WorkCalendar((office,), MemoryDaysSource())
    day = date(2025, 6, 9)
    assert cal.windows(day) == (
        (local(2025, 6, 9, 8, 30), local(2025, 6, 9, 13)),
        (local(2025, 6, 9, 14), local(2025, 6, 9, 17, 30)),
    )
    assert not cal.is_working_time(local(2025, 6, 9, 13, 30))
    assert cal.add_working_hours(local(2025, 6, 9, 12), 1) == local(2025, 6, 9, 13)
    assert cal.add_working_hours(local(2025, 6, 9, 12), 2) == local(2025, 6, 9, 15)
    # A lunch-break moment counts as the start of the afternoon window (rule (a)).
    assert cal.add_working_days(local(2025, 6, 9, 13, 30), 1) == local(2025, 6, 10, 14)
    assert cal.missing_years() == (2025,)


def test_r_cal_3_short_day_cuts_into_a_late_break() -> None:
    office = Office("X", "Asia/Yekaterinburg", time(9), time(18), ((time(16, 30), time(17, 30)),))
    cal = WorkCalendar.for_fixture_f(offices=(office,))
    assert cal.windows(date(2025, 6, 11)) == ((local(2025, 6, 11, 9), local(2025, 6, 11, 16, 30)),)


def test_r_cal_1_primary_office_must_be_one_of_the_offices() -> None:
    cal = WorkCalendar(TECHNOKAD_OFFICES, MemoryDaysSource(), primary="Novosibirsk branch")
    assert cal.primary is TECHNOKAD_OFFICES[1]
    with pytest.raises(ValueError):
        WorkCalendar(TECHNOKAD_OFFICES, MemoryDaysSource(), primary=HQ_TYUMEN)
    with pytest.raises(ValueError):
        WorkCalendar(TECHNOKAD_OFFICES, MemoryDaysSource(), primary="Tyumen")

"""Deadlines with the shipped Russian production calendar, and how its data load (R-CAL-4)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.workcal import (
    HQ_TYUMEN,
    CalendarDataError,
    FileDaysSource,
    WorkCalendar,
    YearData,
    fallback_year,
)
from bot.workcal.data import dump_year_file, parse_year_file

from .helpers import local


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar.default()


def _days(year: int, month: int, *days: int) -> set[date]:
    return {date(year, month, d) for d in days}


def test_r_cal_4_shipped_2025_facts(cal: WorkCalendar) -> None:
    off = {date(2025, 1, d) for d in range(1, 9)} | _days(2025, 5, 1, 2, 8, 9)
    off |= _days(2025, 6, 12, 13) | _days(2025, 11, 3, 4) | {date(2025, 12, 31)}
    assert not any(cal.is_working_day(d) for d in off)
    assert cal.is_working_day(date(2025, 1, 9))
    assert cal.is_working_day(date(2025, 11, 1))  # Saturday worked for Monday 3 November
    assert cal.is_working_day(date(2025, 12, 30))
    # Official 2025 calendar: 247 working days, 4 shortened ones (1972 h on a 40-h week).
    year = [date(2025, 1, 1) + timedelta(days=i) for i in range(365)]
    assert sum(cal.is_working_day(d) for d in year) == 247
    shortened = {d for d in year if cal.is_short_day(d)}
    assert shortened == _days(2025, 3, 7) | _days(2025, 4, 30) | _days(2025, 6, 11) | {
        date(2025, 11, 1)
    }
    assert cal.missing_years() == ()


def test_r_cal_4_shipped_2024_and_2026_facts(cal: WorkCalendar) -> None:
    assert cal.is_working_day(date(2024, 4, 27)) and cal.is_working_day(date(2024, 12, 28))
    assert cal.is_short_day(date(2024, 11, 2))  # working Saturday before 4 November
    assert not cal.is_working_day(date(2024, 12, 31))
    assert not cal.is_working_day(date(2026, 1, 9))  # moved from Saturday 3 January
    assert not cal.is_working_day(date(2026, 3, 9))  # 8 March fell on a Sunday
    assert not cal.is_working_day(date(2026, 5, 11))  # 9 May fell on a Saturday
    assert cal.is_short_day(date(2026, 5, 8))  # Friday before Saturday 9 May
    assert not cal.is_working_day(date(2026, 12, 31))
    assert cal.is_working_day(date(2026, 1, 12))


def test_r_cal_4_all_shipped_years_load() -> None:
    source = FileDaysSource()
    for year in range(2024, 2028):
        data = source.year_data(year)
        assert data is not None and data.year == year and data.holidays


def test_r_sla_3_deadline_across_new_year_holidays(cal: WorkCalendar) -> None:
    received = local(2025, 12, 30, 15)  # last working day of 2025
    assert cal.add_working_days(received, 1) == local(2026, 1, 12, 15)
    assert cal.add_working_days(received, 3) == local(2026, 1, 14, 15)
    assert cal.add_working_days(received, 5) == local(2026, 1, 16, 15)
    assert cal.format_local(cal.add_working_days(received, 1)) == "12.01.2026 15:00 (GMT+5)"
    assert cal.add_working_hours(received, 16) == local(2026, 1, 13, 13)


def test_r_sla_3_received_during_holidays_counts_first_working_day(cal: WorkCalendar) -> None:
    assert cal.add_working_days(local(2025, 12, 31, 12), 1) == local(2026, 1, 12, 17, 30)
    assert cal.add_working_days(local(2026, 1, 5, 9), 3) == local(2026, 1, 14, 17, 30)


def test_r_sla_3_deadline_across_a_weekend(cal: WorkCalendar) -> None:
    assert cal.add_working_days(local(2025, 10, 24, 11), 1) == local(2025, 10, 27, 11)
    assert cal.add_working_days(local(2025, 10, 24, 11), 5) == local(2025, 10, 31, 11)
    # Friday 31.10.2025 + 1 WD is the working Saturday, shortened to 16:30.
    assert cal.add_working_days(local(2025, 10, 31, 10), 1) == local(2025, 11, 1, 10)
    assert cal.add_working_days(local(2025, 10, 31, 17), 1) == local(2025, 11, 1, 16, 30)
    assert cal.add_working_days(local(2025, 10, 31, 10), 2) == local(2025, 11, 5, 10)


def test_r_sla_3_support_five_days_over_may_holidays(cal: WorkCalendar) -> None:
    # 30.04.2025 is short; 1–4 and 8–11 May are off.
    assert cal.add_working_days(local(2025, 4, 30, 16), 1) == local(2025, 5, 5, 16)
    assert cal.add_working_days(local(2025, 4, 30, 16), 5) == local(2025, 5, 13, 16)


def test_r_cal_4_missing_year_falls_back_and_is_reported(cal: WorkCalendar) -> None:
    # 31.12.2027 is off (2027 data); 2028 has no file: Mon–Fri + art. 112.
    assert cal.add_working_days(local(2027, 12, 30, 15), 3) == local(2028, 1, 12, 15)
    assert cal.missing_years() == (2028,)
    assert not cal.is_working_day(date(2028, 2, 23))
    assert cal.is_working_day(date(2028, 2, 24))


def test_r_cal_4_fallback_year_content() -> None:
    data = fallback_year(2028)
    assert date(2028, 1, 3) in data.holidays and date(2028, 11, 4) not in data.holidays  # Sat
    assert data.is_working_day(date(2028, 1, 10)) and not data.is_working_day(date(2028, 1, 8))
    assert not data.working_weekends and not data.short_days


def test_r_cal_4_config_dir_overrides_and_extends(tmp_path: Path) -> None:
    override = YearData(year=2025, holidays=frozenset({date(2025, 10, 31)}), source="config")
    extra = YearData(year=2030, working_weekends=frozenset({date(2030, 1, 5)}), source="config")
    for data in (override, extra):
        (tmp_path / f"ru-{data.year}.toml").write_text(dump_year_file(data), encoding="utf-8")
    cal = WorkCalendar((HQ_TYUMEN,), FileDaysSource(tmp_path))
    assert not cal.is_working_day(date(2025, 10, 31))
    assert cal.is_working_day(date(2025, 5, 2))  # the whole packaged 2025 file is replaced
    assert cal.is_working_day(date(2030, 1, 5))
    assert not cal.is_working_day(date(2026, 1, 9))  # other years still packaged
    assert cal.missing_years() == ()


def test_r_cal_4_round_trip_of_a_year_file() -> None:
    data = FileDaysSource().year_data(2025)
    assert data is not None
    assert parse_year_file(dump_year_file(data)) == data


@pytest.mark.parametrize(
    "text",
    [
        "year = 2025\nholidays = [2024-12-31]\n",  # outside the year
        "year = 2025\nworking_weekends = [2025-11-03]\n",  # a Monday
        "year = 2025\nholidays = [2025-11-04]\nshort_days = [2025-11-04]\n",  # idle short day
        "year = 2025\nholidays = ['2025-11-04']\n",  # strings, not dates
        "holidays = []\n",  # no year
        "year = 2025\nholidays = [\n",  # not TOML
    ],
)
def test_r_cal_4_malformed_year_file_is_rejected(text: str) -> None:
    with pytest.raises(CalendarDataError):
        parse_year_file(text, source="test")


def test_r_cal_4_reload_picks_up_a_new_year_file(tmp_path: Path) -> None:
    cal = WorkCalendar.default(tmp_path)
    assert cal.is_working_day(date(2030, 1, 9))  # fallback: Mon–Fri + art. 112
    assert cal.missing_years() == (2030,)
    new = YearData(year=2030, holidays=frozenset({date(2030, 1, 9)}), source="decree")
    (tmp_path / "ru-2030.toml").write_text(dump_year_file(new), encoding="utf-8")
    cal.reload()
    assert not cal.is_working_day(date(2030, 1, 9))
    assert cal.missing_years() == ()


def test_r_cal_4_only_years_actually_touched_are_reported_missing(tmp_path: Path) -> None:
    only_2024 = tmp_path / "ru-2024.toml"
    only_2024.write_text(dump_year_file(fallback_year(2024)), encoding="utf-8")
    cal = WorkCalendar((HQ_TYUMEN,), FileDaysSource(tmp_path, packaged=False))
    assert cal.add_working_hours(local(2024, 1, 1, 0, 30), 1) == local(2024, 1, 9, 9, 30)
    assert cal.working_time_between(local(2024, 1, 1), local(2024, 1, 11)) == timedelta(hours=18)
    assert cal.add_working_days(local(2024, 1, 1), 1) == local(2024, 1, 9, 17, 30)
    assert cal.missing_years() == ()
    cal.add_working_days(local(2024, 12, 28, 10), 3)
    assert cal.missing_years() == (2025,)


def test_r_cal_4_file_for_the_wrong_year_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "ru-2031.toml").write_text("year = 2030\n", encoding="utf-8")
    with pytest.raises(CalendarDataError):
        FileDaysSource(tmp_path).year_data(2031)

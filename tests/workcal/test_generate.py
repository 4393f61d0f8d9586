"""The generator that writes the yearly files from the `holidays` package (R-CAL-4, D-10)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import holidays
import pytest

from bot.workcal import FileDaysSource
from bot.workcal.data import parse_year_file
from bot.workcal.generate import GenerationError, build_year, main


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_r_cal_4_shipped_files_match_the_package(year: int) -> None:
    shipped = FileDaysSource().year_data(year)
    assert shipped is not None
    if shipped.source != f"holidays {holidays.__version__}":
        pytest.skip(f"shipped from {shipped.source}, installed {holidays.__version__}")
    assert build_year(year) == shipped


def test_r_cal_4_short_days_follow_art_95() -> None:
    data = build_year(2025)
    # Before a holiday, even one on a Saturday (8 March); not before a mere day off (8 May).
    assert date(2025, 3, 7) in data.short_days
    assert date(2025, 5, 7) not in data.short_days
    assert date(2025, 12, 30) not in data.short_days
    # A working Saturday replacing a pre-holiday Monday inherits the shortening.
    assert date(2025, 11, 1) in data.short_days
    # One replacing an ordinary Monday does not (27.04.2024 replaces 29.04.2024).
    assert date(2024, 4, 27) not in build_year(2024).short_days


def test_r_cal_4_refuses_a_year_without_decree() -> None:
    with pytest.raises(GenerationError):
        build_year(2028)
    data = build_year(2028, allow_without_decree=True)
    assert date(2028, 1, 3) in data.holidays and not data.working_weekends


def test_r_cal_4_command_writes_loadable_files(tmp_path: Path) -> None:
    assert main(["2025", "2026", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ru-2025.toml", "ru-2026.toml"]
    text = (tmp_path / "ru-2025.toml").read_text(encoding="utf-8")
    assert parse_year_file(text) == build_year(2025)
    assert main(["2028", "--out", str(tmp_path)]) == 1

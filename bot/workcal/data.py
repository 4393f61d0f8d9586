"""Production-calendar data: one file per year, packaged or from a config directory (R-CAL-4).

A year file (`ru-YYYY.toml`) lists `holidays` (non-working weekdays, transferred days off
included), `working_weekends` (Saturdays/Sundays made working by a transfer) and `short_days`
(pre-holiday days shortened by one hour, Labour Code art. 95). Everything not listed follows
the Mon–Fri rule.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Protocol

FILE_PREFIX = "ru-"
FILE_SUFFIX = ".toml"

# Labour Code art. 112 part 1: the fixed non-working public holidays (month, day).
ART_112_HOLIDAYS: tuple[tuple[int, int], ...] = (
    *((1, day) for day in range(1, 9)),
    (2, 23),
    (3, 8),
    (5, 1),
    (5, 9),
    (6, 12),
    (11, 4),
)


class CalendarDataError(ValueError):
    """A production-calendar file is malformed or contradicts itself."""


def is_art_112_holiday(day: date) -> bool:
    return (day.month, day.day) in ART_112_HOLIDAYS


def is_weekend(day: date) -> bool:
    return day.weekday() >= 5


@dataclass(frozen=True)
class YearData:
    """The production calendar of one year."""

    year: int
    holidays: frozenset[date] = frozenset()
    working_weekends: frozenset[date] = frozenset()
    short_days: frozenset[date] = frozenset()
    source: str = ""  # provenance, e.g. "holidays 0.109"
    origin: str = field(default="", compare=False)  # where it was loaded from
    names: Mapping[date, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for label, days in (
            ("holidays", self.holidays),
            ("working_weekends", self.working_weekends),
            ("short_days", self.short_days),
        ):
            strays = sorted(d for d in days if d.year != self.year)
            if strays:
                raise CalendarDataError(f"{self.year}: {label} outside the year: {strays}")
        not_weekend = sorted(d for d in self.working_weekends if not is_weekend(d))
        if not_weekend:
            raise CalendarDataError(f"{self.year}: working_weekends on weekdays: {not_weekend}")
        both = sorted(self.holidays & self.working_weekends)
        if both:
            raise CalendarDataError(f"{self.year}: both holiday and working weekend: {both}")
        idle_short = sorted(d for d in self.short_days if not self.is_working_day(d))
        if idle_short:
            raise CalendarDataError(f"{self.year}: short_days that are not working: {idle_short}")

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if is_weekend(day):
            return day in self.working_weekends
        return True


def fallback_year(year: int) -> YearData:
    """Mon–Fri plus the fixed art. 112 holidays, for a year without data (R-CAL-4, D-10).

    No transfers and no short days: neither can be computed without the year's decree.
    """
    holidays = frozenset(
        d for month, day in ART_112_HOLIDAYS if not is_weekend(d := date(year, month, day))
    )
    return YearData(year=year, holidays=holidays, source="fallback: Mon–Fri + art. 112")


class DaysSource(Protocol):
    """Where the calendar gets its year data; None means "no data for that year"."""

    def year_data(self, year: int) -> YearData | None: ...


class MemoryDaysSource:
    """Year data held in memory (tests, fixture F)."""

    def __init__(self, years: Iterable[YearData] = ()) -> None:
        self._years = {data.year: data for data in years}

    def year_data(self, year: int) -> YearData | None:
        return self._years.get(year)


class FileDaysSource:
    """Year files from `data_dir` (config, `cfg:calendar.data_dir`) first, then the packaged ones.

    A file in `data_dir` replaces the packaged file of the same year as a whole, and can add
    years the package does not ship (R-CAL-4: data in config override and extend).
    """

    def __init__(self, data_dir: Path | str | None = None, *, packaged: bool = True) -> None:
        self._data_dir = Path(data_dir) if data_dir is not None else None
        self._packaged = packaged
        self._cache: dict[int, YearData | None] = {}

    def year_data(self, year: int) -> YearData | None:
        if year not in self._cache:
            self._cache[year] = self._load(year)
        return self._cache[year]

    def clear(self) -> None:
        """Drop cached files so the next lookup reads them again."""
        self._cache.clear()

    @property
    def data_dir(self) -> Path | None:
        """The configured folder of year files, watched for changes (R-CAL-4)."""
        return self._data_dir

    @property
    def packaged(self) -> bool:
        """Whether years missing from `data_dir` come from the package (R-CAL-4)."""
        return self._packaged

    def _load(self, year: int) -> YearData | None:
        name = year_file_name(year)
        data: YearData | None = None
        if self._data_dir is not None and (path := self._data_dir / name).is_file():
            data = parse_year_file(path.read_text(encoding="utf-8"), source=str(path))
        elif self._packaged:
            packaged = resources.files("bot.workcal").joinpath("years", name)
            if packaged.is_file():
                data = parse_year_file(
                    packaged.read_text(encoding="utf-8"), source=f"package:{name}"
                )
        if data is not None and data.year != year:
            raise CalendarDataError(f"{data.origin}: says year {data.year}")
        return data


def year_file_name(year: int) -> str:
    return f"{FILE_PREFIX}{year}{FILE_SUFFIX}"


def parse_year_file(text: str, *, source: str = "") -> YearData:
    """Parse a year file; `source` names where it came from, for messages and `origin`."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarDataError(f"{source}: {exc}") from exc
    year = doc.get("year")
    if not isinstance(year, int):
        raise CalendarDataError(f"{source}: `year` must be an integer")

    def dates(key: str) -> frozenset[date]:
        values = doc.get(key, [])
        if not isinstance(values, list) or not all(
            isinstance(v, date) and not hasattr(v, "hour") for v in values
        ):
            raise CalendarDataError(f"{source}: `{key}` must be a list of TOML dates")
        return frozenset(values)

    return YearData(
        year=year,
        holidays=dates("holidays"),
        working_weekends=dates("working_weekends"),
        short_days=dates("short_days"),
        source=str(doc.get("source", "")),
        origin=source,
    )


def dump_year_file(data: YearData, *, header: Iterable[str] = ()) -> str:
    """TOML text of a year file, one date a line with its name as a comment for review."""
    lines = [f"# {line}" if line else "#" for line in header]
    lines += [f"year = {data.year}", f'source = "{data.source}"', ""]
    for key, days in (
        ("holidays", data.holidays),
        ("working_weekends", data.working_weekends),
        ("short_days", data.short_days),
    ):
        if not days:
            lines += [f"{key} = []", ""]
            continue
        lines.append(f"{key} = [")
        for day in sorted(days):
            note = data.names.get(day)
            comment = f"  # {day:%a}" + (f", {note}" if note else "")
            lines.append(f"    {day.isoformat()},{comment}")
        lines += ["]", ""]
    return "\n".join(lines)


# R-CAL-15: test fixture F (test data, not a statement of any real year).
FIXTURE_F_2025 = YearData(
    year=2025,
    holidays=frozenset(
        {date(2025, 6, 12), date(2025, 6, 13), date(2025, 11, 3), date(2025, 11, 4)}
    ),
    working_weekends=frozenset({date(2025, 11, 1)}),
    short_days=frozenset({date(2025, 6, 11)}),
    source="fixture F (R-CAL-15)",
)

"""Offices, working days and working windows (R-CAL-1 … R-CAL-4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.workcal import arithmetic
from bot.workcal.data import (
    FIXTURE_F_2025,
    DaysSource,
    FileDaysSource,
    MemoryDaysSource,
    YearData,
    fallback_year,
)

Window = arithmetic.Window


def _parse_time(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


@dataclass(frozen=True)
class Office:
    """One office's working hours in its own time zone (R-CAL-2)."""

    name: str
    tz: str
    start: time
    end: time
    breaks: tuple[tuple[time, time], ...] = ()

    def __post_init__(self) -> None:
        ZoneInfo(self.tz)  # fail at configuration time on an unknown zone
        if not self.start < self.end:
            raise ValueError(f"office {self.name!r}: start {self.start} is not before {self.end}")
        for b_start, b_end in self.breaks:
            if not self.start <= b_start < b_end <= self.end:
                raise ValueError(f"office {self.name!r}: break {b_start}–{b_end} outside hours")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Office:
        """From a config entry `{name, tz, start, end, breaks: [[start, end], …]}`."""
        return cls(
            name=str(raw["name"]),
            tz=str(raw["tz"]),
            start=_parse_time(raw["start"]),
            end=_parse_time(raw["end"]),
            breaks=tuple(
                (_parse_time(b_start), _parse_time(b_end))
                for b_start, b_end in raw.get("breaks", ())
            ),
        )


# R-CAL-2 default and anchor presets.
HQ_TYUMEN = Office("HQ Tyumen", "Asia/Yekaterinburg", time(8, 30), time(17, 30))
TECHNOKAD_OFFICES = (
    Office("Moscow", "Europe/Moscow", time(9, 0), time(18, 0)),
    Office("Novosibirsk branch", "Europe/Moscow", time(4, 0), time(13, 0)),
)
ELECTRONIC_ORDER_OFFICES = (Office("Electronic Order", "Europe/Moscow", time(9, 30), time(18, 30)),)


def shtrih_m_offices(tz: str) -> tuple[Office, ...]:
    """10:00–19:00; the seed does not name the zone, so config gives it (R-CAL-2)."""
    return (Office("Shtrih-M", tz, time(10, 0), time(19, 0)),)


class WorkCalendar:
    """Working days of the production calendar and the working windows of the offices.

    All instants in and out are aware UTC datetimes (R-CAL-1); local dates are dates in an
    office's zone.
    """

    def __init__(
        self,
        offices: Sequence[Office],
        days_source: DaysSource,
        *,
        shorten_pre_holiday: bool = True,
        short_day_minutes: int = 60,
        primary: Office | str | None = None,
    ) -> None:
        if not offices:
            raise ValueError("at least one office is required")
        if short_day_minutes < 0:
            raise ValueError("short_day_minutes must not be negative")
        self.offices: tuple[Office, ...] = tuple(offices)
        self.days_source = days_source
        self.shorten_pre_holiday = shorten_pre_holiday
        self.short_day_minutes = short_day_minutes
        self.primary = self._resolve_primary(primary)
        self._years: dict[int, YearData] = {}
        self._missing: set[int] = set()

    def _resolve_primary(self, primary: Office | str | None) -> Office:
        if primary is None:
            return self.offices[0]
        if isinstance(primary, Office):
            if primary not in self.offices:
                raise ValueError(f"primary office {primary.name!r} is not among the offices")
            return primary
        for office in self.offices:
            if office.name == primary:
                return office
        raise ValueError(f"primary office {primary!r} is not among the offices")

    # -- construction helpers -------------------------------------------------------------

    @classmethod
    def default(cls, data_dir: str | Path | None = None, **options: Any) -> WorkCalendar:
        """TECHNOCOM: HQ Tyumen 08:30–17:30 GMT+5 with the shipped production calendar."""
        return cls((HQ_TYUMEN,), FileDaysSource(data_dir), **options)

    @classmethod
    def for_fixture_f(
        cls, offices: Sequence[Office] = (HQ_TYUMEN,), **options: Any
    ) -> WorkCalendar:
        """Fixture F of R-CAL-15 for 2025; other years fall back (and are reported missing)."""
        return cls(offices, MemoryDaysSource([FIXTURE_F_2025]), **options)

    # -- days ------------------------------------------------------------------------------

    def year_data(self, year: int) -> YearData:
        data = self._years.get(year)
        if data is None:
            loaded = self.days_source.year_data(year)
            if loaded is None:
                # R-CAL-4: fall back and remember, so the service can raise H-OPS.
                self._missing.add(year)
                loaded = fallback_year(year)
            data = self._years[year] = loaded
        return data

    def reload(self) -> None:
        """Forget loaded year data, e.g. after new files arrive in `data_dir` (R-CAL-4).

        The caller then recomputes the open deadlines derived from working time (R-SLA-14).
        """
        clear = getattr(self.days_source, "clear", None)
        if callable(clear):
            clear()
        self._years.clear()
        self._missing.clear()

    def missing_years(self) -> tuple[int, ...]:
        """Years asked for so far that had no data and used the fallback (R-CAL-4)."""
        return tuple(sorted(self._missing))

    def is_working_day(self, day: date) -> bool:
        return self.year_data(day.year).is_working_day(day)

    def is_short_day(self, day: date) -> bool:
        return (
            self.shorten_pre_holiday
            and day in self.year_data(day.year).short_days
            and self.is_working_day(day)
        )

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for offset in range(1, arithmetic.SEARCH_LIMIT_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise arithmetic.NoWorkingTimeError(f"no working day within a decade after {day}")

    # -- windows ---------------------------------------------------------------------------

    def windows(self, local_date: date, office: Office | None = None) -> tuple[Window, ...]:
        """The working windows of `office` (primary by default) on its local date (R-CAL-3).

        `[start, end)` minus the breaks; on a short day the end comes `short_day_minutes`
        earlier (R-CAL-3, D-10). Empty on a non-working day.
        """
        office = office or self.primary
        if not self.is_working_day(local_date):
            return ()
        zone = office.zone
        start = datetime.combine(local_date, office.start, zone)
        end = datetime.combine(local_date, office.end, zone)
        if self.is_short_day(local_date):
            end -= timedelta(minutes=self.short_day_minutes)
        pieces: list[Window] = []
        cursor = start
        for b_start, b_end in sorted(office.breaks):
            brk_start = datetime.combine(local_date, b_start, zone)
            brk_end = datetime.combine(local_date, b_end, zone)
            if brk_start > cursor:
                pieces.append((cursor, min(brk_start, end)))
            cursor = max(cursor, brk_end)
        pieces.append((cursor, end))
        return tuple((s.astimezone(UTC), e.astimezone(UTC)) for s, e in pieces if s < e)

    def day_end(self, local_date: date, office: Office | None = None) -> datetime | None:
        """End of the last window of a working day (shortened on a short day), else None."""
        windows = self.windows(local_date, office)
        return windows[-1][1] if windows else None

    def is_working_time(self, instant: datetime) -> bool:
        """Inside the window of at least one office (the union, R-CAL-3)."""
        instant = _utc(instant)
        for office in self.offices:
            local = instant.astimezone(office.zone).date()
            if any(s <= instant < e for s, e in self.windows(local, office)):
                return True
        return False

    # -- presentation ----------------------------------------------------------------------

    def local(self, instant: datetime, office: Office | None = None) -> datetime:
        return _utc(instant).astimezone((office or self.primary).zone)

    def format_local(self, instant: datetime) -> str:
        """`dd.mm.yyyy HH:MM (GMT+5)` in the primary office zone (R-CAL-1)."""
        local = self.local(instant)
        return f"{local:%d.%m.%Y %H:%M} ({gmt_label(local.utcoffset() or timedelta(0))})"

    # -- arithmetic (R-CAL-5 … R-CAL-9); see arithmetic.py --------------------------------

    def add_working_hours(self, t: datetime, hours: float | timedelta) -> datetime:
        return arithmetic.add_working_hours(self, t, hours)

    def add_working_days(self, t: datetime, n: int) -> datetime:
        return arithmetic.add_working_days(self, t, n)

    def add_calendar_days(self, t: datetime, n: int) -> datetime:
        return arithmetic.add_calendar_days(self, t, n)

    def add_calendar_days_start(self, t: datetime, n: int) -> datetime:
        return arithmetic.add_calendar_days_start(self, t, n)

    def add_months(self, t: datetime, n: int) -> datetime:
        return arithmetic.add_months(self, t, n)

    def add_exact_hours(self, t: datetime, hours: float) -> datetime:
        return arithmetic.add_exact_hours(t, hours)

    def rollover_non_working(self, t: datetime) -> datetime:
        return arithmetic.rollover_non_working(self, t)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        return arithmetic.working_time_between(self, a, b)


def gmt_label(offset: timedelta) -> str:
    """`GMT+5`, `GMT+3`, `GMT+5:30`, `GMT-3` — the suffix people see (R-CAL-1)."""
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: instants must be timezone-aware (R-CAL-1)")
    return instant.astimezone(UTC)

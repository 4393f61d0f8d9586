"""Deadline arithmetic over working time and calendar days (R-CAL-5 … R-CAL-9).

Functions take a `WorkCalendar`; its methods of the same names delegate here. They see it
through the `WorkingTime` protocol, so the calendar imports this module and not the reverse.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import heapq
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

Window = tuple[datetime, datetime]
"""A half-open working interval [start, end), both aware UTC datetimes."""


class OfficeZone(Protocol):
    @property
    def zone(self) -> tzinfo: ...


class WorkingTime(Protocol):
    """What the arithmetic asks of a `WorkCalendar`."""

    @property
    def offices(self) -> Sequence[OfficeZone]: ...

    @property
    def primary(self) -> OfficeZone: ...

    def windows(self, local_date: date, office: OfficeZone | None = None) -> tuple[Window, ...]: ...

    def next_working_day(self, day: date) -> date: ...

    def day_end(self, local_date: date, office: OfficeZone | None = None) -> datetime | None: ...


# A calendar with no working day for ten years is broken data, not a long holiday.
SEARCH_LIMIT_DAYS = 3660

END_OF_DAY = time(23, 59, 59, 999000)  # R-CAL-7: 23:59:59.999 local


class NoWorkingTimeError(RuntimeError):
    """The calendar has no working time within SEARCH_LIMIT_DAYS."""


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: instants must be timezone-aware (R-CAL-1)")
    return instant.astimezone(UTC)


def union_windows(cal: WorkingTime, after: datetime) -> Iterator[Window]:
    """The union of all offices' windows (R-CAL-3), merged and in order, each ending after `after`.

    Touching or overlapping windows are merged, so a moment where one office closes as
    another is open stays working time. Windows are produced one local date at a time; a
    window is released only once no later local date can yield an earlier one.
    """
    after = _utc(after)
    # Windows of earlier local dates end by `after`; not asking for them also keeps a
    # deadline from 1 January from reporting the previous year as missing (R-CAL-4).
    first_dates = [after.astimezone(office.zone).date() for office in cal.offices]
    day = min(first_dates)
    heap: list[tuple[datetime, datetime]] = []
    current: tuple[datetime, datetime] | None = None
    last_yield = day
    while True:
        for office, first_date in zip(cal.offices, first_dates, strict=True):
            if day >= first_date:
                for window in cal.windows(day, office):
                    heapq.heappush(heap, window)
        day += timedelta(days=1)
        # No window of a later local date starts before this moment.
        threshold = min(
            datetime.combine(day, time(0), office.zone).astimezone(UTC) for office in cal.offices
        )
        while heap and heap[0][0] < threshold:
            start, end = heapq.heappop(heap)
            if current is not None and start <= current[1]:
                current = (current[0], max(current[1], end))
                continue
            if current is not None and current[1] > after:
                last_yield = day
                yield current
            current = (start, end)
        # A merged window ending before the threshold can no longer grow: release it.
        if current is not None and current[1] < threshold:
            if current[1] > after:
                last_yield = day
                yield current
            current = None
        if (day - last_yield).days > SEARCH_LIMIT_DAYS:
            raise NoWorkingTimeError(f"no working time within a decade after {after}")


def add_working_hours(cal: WorkingTime, t: datetime, hours: float | timedelta) -> datetime:
    """`t` plus `hours` of working time (R-CAL-5).

    A start outside working time counts from the next window start; a result that lands
    exactly on a window end is that end, not the next window start.
    """
    remaining = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
    if remaining < timedelta(0):
        raise ValueError("working hours must not be negative")
    t = _utc(t)
    for start, end in union_windows(cal, t):
        start = max(start, t)
        if remaining <= end - start:
            return start + remaining
        remaining -= end - start
    raise AssertionError("unreachable: union_windows is endless or raises")


def working_time_between(cal: WorkingTime, a: datetime, b: datetime) -> timedelta:
    """Working time elapsed in [a, b) (R-SLA-7 at-risk ratios); zero when b ≤ a."""
    a, b = _utc(a), _utc(b)
    total = timedelta(0)
    if b <= a:
        return total
    for start, end in union_windows(cal, a):
        if start >= b:
            break
        total += min(end, b) - max(start, a)
    return total


def _next_primary_window_start(cal: WorkingTime, t: datetime) -> datetime:
    """The first window start of the primary office after `t`."""
    day = t.astimezone(cal.primary.zone).date()
    for _ in range(SEARCH_LIMIT_DAYS):
        for start, _end in cal.windows(day):
            if start > t:
                return start
        day += timedelta(days=1)
    raise NoWorkingTimeError(f"no working window within a decade after {t}")


def add_working_days(cal: WorkingTime, t: datetime, n: int) -> datetime:
    """`t` plus `n` working days of the primary office (R-CAL-6).

    (a) t inside a window of working day d → the same local clock time on the n-th working
        day after d, clamped to that day's (possibly shortened) window end;
    (b) otherwise t moves to the next window start, on day d′, and the result is the end of
        the window of the n-th working day counting d′ as the first.
    A moment inside a break is treated as the start of the window after the break under (a):
    the break is a pause within the day, and (b) would turn "1 WD" from a lunch break into
    the same afternoon (D-9 leaves breaks to config). n = 0 gives t, or the next window
    start when t is outside working time.
    """
    if n < 0:
        raise ValueError("working days must not be negative")
    t = _utc(t)
    zone = cal.primary.zone
    day = t.astimezone(zone).date()
    windows = cal.windows(day)
    inside = any(start <= t < end for start, end in windows)
    if not inside and windows and windows[0][0] <= t < windows[-1][1]:
        t = next(start for start, _end in windows if start > t)  # in a break
        inside = True
    if inside:
        if n == 0:
            return t
        target = day
        for _ in range(n):
            target = cal.next_working_day(target)
        same_clock = datetime.combine(target, t.astimezone(zone).time(), zone).astimezone(UTC)
        day_end = cal.day_end(target)
        assert day_end is not None  # target is a working day
        return min(same_clock, day_end)
    start = _next_primary_window_start(cal, t)
    if n == 0:
        return start
    target = start.astimezone(zone).date()
    for _ in range(n - 1):
        target = cal.next_working_day(target)
    day_end = cal.day_end(target)
    assert day_end is not None
    return day_end


def _local_date(cal: WorkingTime, t: datetime) -> date:
    return _utc(t).astimezone(cal.primary.zone).date()


def _at_local(cal: WorkingTime, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, cal.primary.zone).astimezone(UTC)


def add_calendar_days(cal: WorkingTime, t: datetime, n: int) -> datetime:
    """End of the local day (23:59:59.999, primary office) of local_date(t) + n (R-CAL-7)."""
    return _at_local(cal, _local_date(cal, t) + timedelta(days=n), END_OF_DAY)


def add_calendar_days_start(cal: WorkingTime, t: datetime, n: int) -> datetime:
    """Start (00:00 local) of local_date(t) + n: warning moments such as R-PIN-23 (D-12)."""
    return _at_local(cal, _local_date(cal, t) + timedelta(days=n), time(0))


def add_months(cal: WorkingTime, t: datetime, n: int) -> datetime:
    """End of the local day with the same day number n months later, clamped (R-CAL-8)."""
    day = _local_date(cal, t)
    month_index = day.month - 1 + n
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return _at_local(cal, date(year, month, min(day.day, last)), END_OF_DAY)


def add_exact_hours(t: datetime, hours: float) -> datetime:
    """Plain elapsed time, for «сутки» (R-SLA-1: 3 суток = exactly 72 h, D-4)."""
    return _utc(t) + timedelta(hours=hours)


def rollover_non_working(cal: WorkingTime, t: datetime) -> datetime:
    """A partner's calendar-day deadline on a non-working day moves to the next working day,
    same local clock time (so an end-of-day deadline stays end of day). Applied only when
    `cfg:calendar.rollover_non_working` is on, and never to HQ deadlines (R-CAL-9).
    """
    local = _utc(t).astimezone(cal.primary.zone)
    if cal.is_working_day(local.date()):
        return _utc(t)
    return _at_local(cal, cal.next_working_day(local.date()), local.time())

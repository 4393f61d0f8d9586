"""When a scheduler letter to a partner may leave (R-CAL-10, D-34). Pure: a calendar and
an instant in, an instant out.

A letter that answers a partner's letter leaves at once; one the scheduler writes
(reminder, warning, expiry or unpin notice) leaves inside a working day of the primary
office, from the send slot (09:00 local) to the day's end, and otherwise waits for the next
slot, so that a partner never gets it on a Saturday or at midnight. The state change it
reports still takes effect at the exact due moment.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol

# cfg:mail.send_slot (R-CAL-10): the spec's value.
SEND_SLOT = time(9, 0)


class SlotCalendar(Protocol):
    def local(self, instant: datetime) -> datetime: ...

    def is_working_day(self, day: date) -> bool: ...

    def day_end(self, local_date: date) -> datetime | None: ...


def next_send_slot(instant: datetime, calendar: SlotCalendar, slot: time = SEND_SLOT) -> datetime:
    """The first send slot at or after `instant` (aware), in primary-office local time."""
    local = calendar.local(instant)
    day = local.date()
    if local.time() > slot:
        day += timedelta(days=1)  # today's slot has passed
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, slot, tzinfo=local.tzinfo)


def send_moment(now: datetime, calendar: SlotCalendar, slot: time = SEND_SLOT) -> datetime:
    """`now` when it lies between the slot and the end of a working day, else the next slot."""
    local = calendar.local(now)
    end = calendar.day_end(local.date()) if calendar.is_working_day(local.date()) else None
    if end is not None and local.time() >= slot and now < end:
        return now
    return next_send_slot(now, calendar, slot)

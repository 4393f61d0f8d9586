"""Shared helpers: instants are written in an office's local time and handled in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

GMT5 = ZoneInfo("Asia/Yekaterinburg")
MSK = ZoneInfo("Europe/Moscow")


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, zone: ZoneInfo = GMT5
) -> datetime:
    """An aware UTC instant given by its wall-clock time in `zone` (HQ time by default)."""
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)

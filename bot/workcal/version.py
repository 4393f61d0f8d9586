"""What the calendar's deadlines depend on, as one short digest (R-CAL-4, R-SLA-14, R-HQ-11).

The year files of the configured data folder (a new decree, a year added), the packaged year
files when the source falls back to them (an upgrade that ships a missing year) and the
offices' hours. When the digest changes, deadlines computed under the old one are recomputed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from bot.workcal.calendar import WorkCalendar
from bot.workcal.data import FILE_PREFIX, FILE_SUFFIX


def calendar_version(calendar: WorkCalendar) -> str:
    digest = hashlib.sha256()
    digest.update(repr(calendar.offices).encode())
    digest.update(f"{calendar.shorten_pre_holiday}:{calendar.short_day_minutes}".encode())
    folder = getattr(calendar.days_source, "data_dir", None)
    if isinstance(folder, Path) and folder.is_dir():
        for name, content in _year_files(folder.iterdir()):
            digest.update(b"dir:" + name + b"\0" + content + b"\0")
    if getattr(calendar.days_source, "packaged", False):
        for name, content in _year_files(
            resources.files("bot.workcal").joinpath("years").iterdir()
        ):
            digest.update(b"package:" + name + b"\0" + content + b"\0")
    return digest.hexdigest()[:16]


def _year_files(entries: Iterable[Traversable]) -> list[tuple[bytes, bytes]]:
    """Name and content of each year file, by name."""
    out: list[tuple[bytes, bytes]] = []
    for entry in sorted(entries, key=lambda e: e.name):
        if not (entry.name.startswith(FILE_PREFIX) and entry.name.endswith(FILE_SUFFIX)):
            continue
        try:
            out.append((entry.name.encode(), entry.read_bytes()))
        except OSError:
            continue  # a file being replaced is read on the next tick
    return out

"""What the calendar's deadlines depend on, as one short digest (R-CAL-4, R-SLA-14, R-HQ-11).

The year files of the configured data folder (a new decree, a year added) and the offices'
hours. When the digest changes, deadlines computed under the old one are recomputed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.workcal.calendar import WorkCalendar
from bot.workcal.data import FILE_PREFIX, FILE_SUFFIX


def calendar_version(calendar: WorkCalendar) -> str:
    digest = hashlib.sha256()
    digest.update(repr(calendar.offices).encode())
    digest.update(f"{calendar.shorten_pre_holiday}:{calendar.short_day_minutes}".encode())
    folder = getattr(calendar.days_source, "data_dir", None)
    if isinstance(folder, Path) and folder.is_dir():
        for path in sorted(folder.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}")):
            try:
                content = path.read_bytes()
            except OSError:
                continue  # a file being replaced is read on the next tick
            digest.update(path.name.encode() + b"\0" + content + b"\0")
    return digest.hexdigest()[:16]

"""HQ action parameters as the CLI gives them (strings), checked with clear refusals (R-HQ-5).

Shared by the license and resource actions: `--param days=30`, `--param payment_date=
2026-03-10`, `--param documents=transfer_act,license_certificate`, `--param hours=12.5`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime, time

from bot.rules.action_base import ActionRefused, ActionRequest, require_state
from bot.workcal import WorkCalendar

# The same guard every kind's actions use (R-HQ-5).
need_state = require_state


def _raw(request: ActionRequest, name: str) -> str:
    value = request.params.get(name)
    return "" if value is None else str(value).strip()


def required_text(request: ActionRequest, name: str) -> str:
    value = _raw(request, name)
    if not value:
        raise ActionRefused(f"{request.name} needs --param {name}=…")
    return value


def optional_text(request: ActionRequest, name: str) -> str | None:
    return _raw(request, name) or None


def choice(request: ActionRequest, name: str, allowed: Collection[str]) -> str:
    value = required_text(request, name).lower()
    if value not in allowed:
        raise ActionRefused(
            f"{request.name}: {name} {value!r} is unknown; use one of {', '.join(sorted(allowed))}"
        )
    return value


def choices(request: ActionRequest, name: str, allowed: Collection[str]) -> list[str]:
    """A non-empty comma-separated subset of `allowed`, in the given order, without repeats."""
    items = [i.strip().lower() for i in re.split(r"[,;\s]+", required_text(request, name))]
    items = list(dict.fromkeys(i for i in items if i))
    unknown = [i for i in items if i not in allowed]
    if unknown or not items:
        raise ActionRefused(
            f"{request.name}: {name} must list one or more of {', '.join(sorted(allowed))}; "
            f"unknown: {', '.join(unknown) or '(empty)'}"
        )
    return items


def positive_int(request: ActionRequest, name: str, maximum: int | None = None) -> int:
    value = required_text(request, name)
    if not value.isdigit() or int(value) < 1 or (maximum is not None and int(value) > maximum):
        bound = f"1..{maximum}" if maximum is not None else "1 or more"
        raise ActionRefused(f"{request.name}: {name} must be a whole number {bound}, got {value!r}")
    return int(value)


def hours(request: ActionRequest, name: str, maximum: float) -> float:
    value = required_text(request, name)
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise ActionRefused(
            f"{request.name}: {name} must be a number of hours, got {value!r}"
        ) from None
    if not 0 < number <= maximum:
        raise ActionRefused(f"{request.name}: {name} must be above 0 and at most {maximum:g}")
    return round(number, 2)


def local_date(
    request: ActionRequest,
    name: str,
    *,
    today: date,
    default: date | None = None,
    allow_future: bool = False,
) -> date:
    """ISO `2026-03-10` or Russian `10.03.2026`; a past event may not be dated in the future."""
    value = _raw(request, name)
    if not value:
        if default is None:
            raise ActionRefused(f"{request.name} needs --param {name}=YYYY-MM-DD")
        return default
    parsed: date | None = None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            parsed = datetime.strptime(value, pattern).date()
            break
        except ValueError:
            continue
    if parsed is None:
        raise ActionRefused(f"{request.name}: {name} {value!r} is not a date; use YYYY-MM-DD")
    if not allow_future and parsed > today:
        raise ActionRefused(f"{request.name}: {name} {parsed:%d.%m.%Y} is in the future")
    return parsed


def today(calendar: WorkCalendar, now: datetime) -> date:
    return calendar.local(now).date()


def noon(calendar: WorkCalendar, day: date) -> datetime:
    """A moment inside the local day, as the start of calendar-day arithmetic (R-CAL-7/8)."""
    return datetime.combine(day, time(12, 0), tzinfo=calendar.primary.zone)

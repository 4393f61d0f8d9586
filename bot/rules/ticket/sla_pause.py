"""R-SLA-11 (D-5): with `sla.pause_while_waiting_partner`, the working time between an HQ
question asked after the window W and the partner's answer does not count towards the
resolution target. Off by default: the clock keeps running (TECHNOCOM, 000 §4.2). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.rules.decide import DeadlineIntent, iso, when
from bot.workcal import WorkCalendar

PAUSED_AT = "sla_paused_at"


def pause(attrs: dict[str, Any], now: datetime, enabled: bool) -> tuple[dict[str, Any], bool]:
    """At HQ's question: the clock stops (its timers are cancelled by the caller) when the
    option is on and the ticket has a deadline to hold back."""
    if not enabled or attrs.get("deadline_at") is None or attrs.get(PAUSED_AT):
        return attrs, False
    return {**attrs, PAUSED_AT: iso(now)}, True


def resume(
    attrs: dict[str, Any],
    answered_at: datetime,
    calendar: WorkCalendar,
    timers: Mapping[str, str],
) -> tuple[dict[str, Any], tuple[DeadlineIntent, ...]]:
    """At the partner's answer: every SLA moment still ahead when the clock stopped keeps the
    working time it had left, counted from the answer. `timers` maps attribute → timer kind."""
    paused_at = when(attrs, PAUSED_AT)
    if paused_at is None:
        return attrs, ()
    paused = calendar.working_time_between(paused_at, answered_at)
    total = float(attrs.get("sla_paused_wh") or 0) + paused.total_seconds() / 3600
    out = {**attrs, PAUSED_AT: None, "sla_paused_wh": round(total, 2)}
    deadlines: list[DeadlineIntent] = []
    for key, kind in timers.items():
        moment = when(attrs, key)
        if moment is None or moment <= paused_at:
            continue  # it fell due before the pause and has done its work
        left = calendar.working_time_between(paused_at, moment)
        shifted = calendar.add_working_hours(answered_at, left)
        out[key] = iso(shifted)
        deadlines.append(DeadlineIntent(kind, shifted, "R-SLA-11", {}))
    return out, tuple(deadlines)

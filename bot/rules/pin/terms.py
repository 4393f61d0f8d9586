"""The pin's terms: pre-pin for 60 days, pinned with its first report date (R-PIN-7, 10, 18)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from bot.policy import Policy
from bot.rules.decide import (
    CaseView,
    DeadlineIntent,
    Decision,
    ReplyIntent,
    iso,
)
from bot.rules.kinds import RuleContext
from bot.rules.pin.reports import schedule_report
from bot.rules.pin.states import (
    EXT_ALERT,
    PIN_EXPIRY,
    PIN_REMIND,
    PIN_TIMEOUT,
    PINNED,
    PRE_PINNED,
    PREPIN_TIMERS,
)
from bot.rules.working_terms import WorkingTerm, working_days
from bot.workcal import WorkCalendar


def disclosed_holder(ctx: RuleContext, partner_id: int | None) -> str | None:
    """R-PIN-4, R-PIN-27 (D-16): the holder is named only with pin.disclose_holder."""
    if not ctx.policy.pin.disclose_holder or ctx.lookups is None or partner_id is None:
        return None
    return ctx.lookups.partner_name(partner_id)


def extensions_granted(attrs: dict[str, Any]) -> int:
    """R-PIN-16: extensions approved so far (cases from before the count have only the flag)."""
    return int(attrs.get("extensions_granted") or (1 if attrs.get("extension_used") else 0))


def extension_terms(attrs: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """R-PIN-16 as a letter states it: how many extensions, of how many days, and whether one
    can still be asked for — the vendor's policy, not TECHNOCOM's numbers."""
    most, days = policy.pin.extension_max_count, policy.pin.extension_max_days
    left = most - extensions_granted(attrs)
    return {
        "extension_max_count": most,
        "extension_max_days": days,
        "extension_available": left > 0 and days > 0 and not attrs.get("extension_pending"),
    }


def prepin(
    fields: dict[str, Any], attrs: dict[str, Any], start: datetime, ctx: RuleContext, event: str
) -> Decision:
    """R-PIN-7: pre-pinned from `start` to the end of the day 60 calendar days later."""
    expires = ctx.calendar.add_calendar_days(start, ctx.policy.pin.prepin_days)
    attrs = {
        **attrs,
        "prepin_started_at": iso(start),
        "prepin_expires_at": iso(expires),
        "extension_used": False,
        "extension_pending": False,
        "registry_since": iso(start),
    }
    return Decision(
        state=PRE_PINNED,
        event=event,
        fields=fields,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "pin_prepin", extension_terms(attrs, ctx.policy)),),
        deadlines=prepin_timers(start, expires, ctx),
        rule_ids=("R-PIN-7", "R-PIN-30"),
    )


def prepin_timers(now: datetime, expires: datetime, ctx: RuleContext) -> tuple[DeadlineIntent, ...]:
    timers = [DeadlineIntent(PIN_EXPIRY, expires, "R-PIN-13", {})]
    for days in ctx.policy.pin.expiry_reminders_days:
        # D-34: partner reminders go out at 09:00 local on the reminder day.
        moment = local_nine(expires - timedelta(days=days), ctx)
        if moment > now:
            timers.append(DeadlineIntent(PIN_REMIND, moment, "R-PIN-17", {"days": days}))
    return tuple(timers)


def local_nine(instant: datetime, ctx: RuleContext) -> datetime:
    return _nine(instant, ctx.calendar)


def _nine(instant: datetime, calendar: WorkCalendar) -> datetime:
    local = calendar.local(instant)
    return datetime.combine(local.date(), time(9, 0), tzinfo=local.tzinfo)


def pin(
    case: CaseView, attrs: dict[str, Any], at: datetime, basis: str, ctx: RuleContext
) -> Decision:
    """Pinned at `at`; the first yearly report is due on the next 15 January (R-PIN-18)."""
    attrs = {**attrs, "pinned_at": iso(at), "pin_basis": basis, "registry_since": iso(at)}
    report_attrs, timers = schedule_report(at, ctx)
    attrs.update(report_attrs)
    return Decision(
        state=PINNED,
        event=f"pinned-by-{basis.replace('_', '-')}",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "pin_pinned", {"basis": basis}),),
        deadlines=timers,
        cancel_deadlines=PREPIN_TIMERS,
        rule_ids=("R-PIN-10", "R-PIN-13", "R-PIN-18"),
    )


def two_wd_before(instant: datetime, calendar: WorkCalendar) -> datetime:
    """09:00 of the working day two working days before `instant`'s day (R-PIN-17)."""
    day = calendar.local(instant).date()
    found = 0
    while found < 2:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            found += 1
    return _nine(datetime.combine(day, time(12, 0), tzinfo=instant.tzinfo), calendar)


def _alert_moment(
    calendar: WorkCalendar, policy: Policy, attrs: dict[str, Any], expires: datetime
) -> datetime:
    return two_wd_before(expires, calendar)


# What the calendar refresh recomputes (R-CAL-4): the clarification timeout of 10 WD after
# the last request (D-25) and HQ's alert 2 WD before expiry while an extension request is
# pending (R-PIN-17), never before the request. The pre-pin's 60 calendar days (R-PIN-7),
# its reminders and the yearly report dates (R-PIN-18 … R-PIN-25) are calendar days.
PIN_TERMS = (
    WorkingTerm(
        PIN_TIMEOUT,
        "last_request_at",
        working_days(lambda attrs, policy: policy.pin.clarification_timeout_wd),
        "D-25",
        "timeout_at",
    ),
    WorkingTerm(
        EXT_ALERT,
        "prepin_expires_at",
        _alert_moment,
        "R-PIN-17",
        not_before="extension_requested_at",
    ),
)

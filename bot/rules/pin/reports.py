"""Yearly reports on pinned clients (000 §3.2–§3.3; R-PIN-18 … R-PIN-25, D-11, D-12). Pure."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from bot.rules.decide import (
    CaseView,
    DeadlineIntent,
    Decision,
    ReplyIntent,
    iso,
    unchanged,
    when,
)
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.partner_terms import partner_due
from bot.rules.pin.states import PIN_TIMEOUT, PREPIN_TIMERS, noted

PINNED, REPORT_OVERDUE, UNPIN_PENDING, UNPINNED = (
    "pinned", "report_overdue", "unpin_pending", "unpinned",
)  # fmt: skip
RPT_REMIND, RPT_DUE, RPT_WARN, RPT_UNPIN = "rpt_remind", "rpt_due", "rpt_warn", "rpt_unpin"


def report_timers() -> tuple[str, ...]:
    return (RPT_REMIND, RPT_DUE, RPT_WARN, RPT_UNPIN)


def first_due(after: datetime, ctx: RuleContext) -> datetime:
    """R-PIN-18: the first reporting date strictly after `after`: the end of 15 January."""
    year = ctx.calendar.local(after).year
    due = _end_of(date(year, 1, ctx.policy.report.due_day), ctx)
    return due if due > after else _end_of(date(year + 1, 1, ctx.policy.report.due_day), ctx)


def _end_of(day: date, ctx: RuleContext) -> datetime:
    start = datetime.combine(day, time(12, 0), tzinfo=ctx.calendar.primary.zone)
    # R-CAL-9: the partner's report date may move off a non-working day.
    return partner_due(ctx.calendar, ctx.policy, ctx.calendar.add_calendar_days(start, 0))


def schedule_report(
    after: datetime, ctx: RuleContext, due: datetime | None = None
) -> tuple[dict[str, Any], tuple[DeadlineIntent, ...]]:
    """Timers of one reporting date D: reminders, overdue at D, warning D+3, unpin D+10."""
    due = due or first_due(after, ctx)
    policy = ctx.policy.report
    payload = {"due": iso(due)}
    timers = [DeadlineIntent(RPT_DUE, due, "R-PIN-23", payload)]
    for days in policy.reminder_days:
        local = ctx.calendar.local(due - timedelta(days=days))
        moment = datetime.combine(local.date(), time(9, 0), tzinfo=local.tzinfo)
        if moment > after:
            timers.append(DeadlineIntent(RPT_REMIND, moment, "R-PIN-22", {**payload, "days": days}))
    # D-12: the warning at the start of D+3, the final date the end of D+10 (calendar days).
    warn_at = ctx.calendar.add_calendar_days_start(due, policy.warning_after_days)
    final_at = partner_due(
        ctx.calendar, ctx.policy, ctx.calendar.add_calendar_days(due, policy.unpin_after_days)
    )  # R-CAL-9
    if policy.auto_warn:
        timers.append(DeadlineIntent(RPT_WARN, warn_at, "R-PIN-23", payload))
    timers.append(DeadlineIntent(RPT_UNPIN, final_at, "R-PIN-25", payload))
    attrs = {"report_due_at": iso(due), "report_final_at": iso(final_at), "warned_at": None}
    return attrs, tuple(timers)


def on_report(case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
    """R-PIN-20/21/24: a valid report moves D one year on and clears an overdue state."""
    attrs = dict(case.attrs)
    if case.state not in (PINNED, REPORT_OVERDUE, UNPIN_PENDING):
        return noted(case, facts, "report-not-applicable")
    due = when(attrs, "report_due_at")
    assert due is not None
    if not facts.findings.complete:
        problems = [
            *({"field": c, "reason": "не указано"} for c in facts.findings.missing),
            *({"field": i.field, "reason": i.reason} for i in facts.findings.invalid),
        ]
        return _same(
            case,
            "report-incomplete",
            replies=(ReplyIntent("clarification", "rpt_clarify", {"problems": problems}),),
            rules=("R-PIN-20",),
        )
    previous = due - timedelta(days=365)
    pinned_at = when(attrs, "pinned_at")
    counts_from = max(previous, pinned_at) if pinned_at else previous
    if facts.received_at <= counts_from:
        # R-PIN-20: the report for this period was already accepted.
        return _same(
            case,
            "report-already-received",
            replies=(ReplyIntent("notice", "rpt_ack", {"already": True}),),
            rules=("R-PIN-20",),
        )
    next_due = _end_of(date(ctx.calendar.local(due).year + 1, 1, ctx.policy.report.due_day), ctx)
    report_attrs, timers = schedule_report(facts.received_at, ctx, due=next_due)
    attrs.update(report_attrs)
    attrs.update(last_report_at=iso(facts.received_at), unpin_hold=None, last_report_for=iso(due))
    return Decision(
        state=PINNED,
        event="report-accepted",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "rpt_ack", {"already": False, "reported_due": due}),),
        deadlines=timers,
        cancel_deadlines=report_timers(),
        rule_ids=("R-PIN-19", "R-PIN-20", "R-PIN-24"),
    )


def unpin(case: CaseView, at: datetime, reason: str, text: str) -> Decision:
    """R-PIN-25/28: unpinned; the client is free for other partners."""
    attrs = {**case.attrs, "unpinned_at": iso(at), "closed_at": iso(at), "close_reason": reason}
    return Decision(
        state=UNPINNED,
        event="unpinned",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "pin_unpinned", {"reason": reason, "text": text}),),
        cancel_deadlines=(*report_timers(), *PREPIN_TIMERS, PIN_TIMEOUT),
        rule_ids=("R-PIN-25", "R-PIN-28"),
    )


_same = unchanged

"""HQ engineer-hours request lifecycle (spec §5.4 S1–S9, R-RES-1 … R-RES-8, D-23). Pure.

States: needs_info, in_review, scheduled, and the terminal done, rejected. Hours already
used in a year come in through `Lookups.hours_used`; hours HQ logs go out as
`Decision.hours` for the shell to record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.rules import action_params as p
from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.case_helpers import after_close, as_list, hq_question, letter_event, same, value
from bot.rules.decide import (
    CaseView,
    DeadlineIntent,
    Decision,
    HoursEntry,
    HqAlert,
    ReplyIntent,
    iso,
)
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.resource.hours import REVIEWER, book_hours, forecast, hours_limit

NEEDS_INFO, IN_REVIEW, SCHEDULED, DONE, REJECTED = (
    "needs_info", "in_review", "scheduled", "done", "rejected",
)  # fmt: skip
TERMINAL = frozenset({DONE, REJECTED})
REVIEW_DUE = "res_review_due"  # R-RES-3
# R-RES-2: a "task" that only says "set the system up" describes no preparatory work.
_VAGUE_TASK = re.compile(
    r"^(?:настро\w+|настройк\w+)\s+(?:систем\w*|по|программ\w*)\.?$|^настройк\w+\.?$", re.I
)


def _tasks_problem(fields: dict[str, Any]) -> str | None:
    tasks = [str(t).strip() for t in as_list(value(fields, "tasks"))]
    if tasks and all(_VAGUE_TASK.match(t) for t in tasks):
        return "задачи не описаны: укажите, что именно нужно настроить и что уже подготовлено"
    return None


def assess(case: CaseView | None, facts: LetterFacts, ctx: RuleContext, event: str) -> Decision:
    """S1–S3: not a partner → rejected; incomplete → clarification; else review in 3 WD."""
    identity = facts.identity
    attrs = dict(case.attrs) if case else {}
    attrs.setdefault("received_at", iso(facts.received_at))
    attrs.setdefault("policy_version", ctx.policy.version)
    if identity is None or not identity.active:
        # R-RES-1 / R-ID-3: only partners with a distribution agreement.
        attrs.update(close_reason="not_partner", closed_at=iso(facts.received_at))
        return Decision(
            state=REJECTED,
            event="rejected-not-partner",
            fields=facts.fields,
            attrs=attrs,
            replies=(ReplyIntent("rejection", "res_rej", {"reason": "not_partner"}),),
            rule_ids=("R-RES-1", "R-ID-3"),
        )
    attrs["partner_role"] = identity.role
    missing = facts.findings.missing
    invalid = [{"field": i.field, "reason": i.reason} for i in facts.findings.invalid]
    if (problem := _tasks_problem(facts.fields)) and "tasks" not in {i["field"] for i in invalid}:
        invalid.append({"field": "tasks", "reason": problem})
    most = ctx.policy.resource.max_single_request_hours
    estimate = value(facts.fields, "estimated_hours")
    if estimate is not None and float(estimate) > most:
        # §3.7: cfg:resource.max_single_request_hours, when set below the parser's 160.
        invalid.append({"field": "estimated_hours", "reason": f"не больше {most:g} часов"})
    if missing or invalid:
        return Decision(
            state=NEEDS_INFO,
            event=event,
            fields=facts.fields,
            missing=missing,
            invalid=tuple(invalid),
            attrs=attrs,
            replies=(
                ReplyIntent(
                    "clarification",
                    "res_clarify",
                    {"missing": list(missing), "invalid": invalid, "hq_text": None},
                ),
            ),
            cancel_deadlines=(REVIEW_DUE,),
            rule_ids=("R-RES-1", "R-RES-2", "R-VAL-7"),
        )
    return _review(case, facts.fields, attrs, facts.received_at, ctx, identity.partner_id, event)


def _review(
    case: CaseView | None,
    fields: dict[str, Any],
    attrs: dict[str, Any],
    start: datetime,
    ctx: RuleContext,
    partner_id: int | None,
    event: str,
) -> Decision:
    """S3 (R-RES-3, R-RES-6): the Deputy CEO for Science reviews within 3 WD."""
    due = ctx.calendar.add_working_days(start, ctx.policy.resource.review_due_wd)
    year = ctx.calendar.local(start).year
    est = float(value(fields, "estimated_hours") or 0)
    role = attrs.get("partner_role")
    attrs = {
        **attrs,
        "tasks_list": [str(t) for t in as_list(value(fields, "tasks"))],
        "review_due_at": iso(due),
        "review_clock_started_at": iso(start),  # R-CAL-4: recomputed from it
        "forecast": forecast(ctx, role, partner_id, year, est),
    }
    alerts: tuple[HqAlert, ...] = ()
    if hours_limit(ctx, role) is None:
        # R-ID-6: without a role the limit is unknown; HQ sets it in the registry.
        alerts = (HqAlert(REVIEWER, "hq_resource_alert", {"alert": "role_missing"}, key="role"),)
    return Decision(
        state=IN_REVIEW,
        event=event,
        fields=fields,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "res_ack", {}),),
        deadlines=(DeadlineIntent(REVIEW_DUE, due, "R-RES-3"),),
        cancel_deadlines=(REVIEW_DUE,),
        hq_alerts=alerts,
        rule_ids=("R-RES-1", "R-RES-3", "R-RES-6"),
    )


def on_letter(case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
    attrs = dict(case.attrs)
    if case.state in TERMINAL:
        return after_close(case, attrs)
    if case.state == NEEDS_INFO:
        # R-RES-4: the answer returns the case to review with a fresh 3 WD.
        return assess(case, facts, ctx, "clarification-answer")
    if letter_event(facts) == "status_query" and not facts.attachments:
        return same(
            case,
            "status-query",
            attrs,
            replies=(ReplyIntent("notice", "res_status", {}),),
            rule_ids=("R-HQ-13",),
        )
    return same(
        case,
        "followup",
        attrs,
        replies=(
            ReplyIntent("notice", "followup_received", {"attachments": list(facts.attachments)}),
        ),
        rule_ids=("R-MBX-8",),
    )


def on_deadline(case: CaseView, kind: str, due_at: datetime, ctx: RuleContext) -> Decision | None:
    if kind == REVIEW_DUE and case.state == IN_REVIEW:
        alert = HqAlert(
            REVIEWER,
            "hq_resource_alert",
            {"alert": "review_due", "due_at": due_at},
            key=iso(due_at) or "",
        )
        return same(
            case, "review-overdue", dict(case.attrs), hq_alerts=(alert,), rule_ids=("R-RES-3",)
        )
    return None


# -- HQ actions ------------------------------------------------------------------------------


def _request_info(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """S4 (R-RES-4): HQ asks; the answer restarts the 3-WD review."""
    p.need_state(case, "request_info", {IN_REVIEW})
    return hq_question(
        case,
        p.required_text(request, "text"),
        "res_clarify",
        ("R-RES-4",),
        attrs={**case.attrs, "review_due_at": None},
        cancel_deadlines=(REVIEW_DUE,),
    )


def _assign(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """S6 (R-RES-4): a responsible employee, optionally a schedule."""
    p.need_state(case, "assign", {IN_REVIEW})
    attrs = {
        **case.attrs,
        "employee": p.required_text(request, "employee"),
        "schedule": p.optional_text(request, "schedule"),
        "assigned_at": iso(ctx.now),
    }
    return Decision(
        state=SCHEDULED,
        event="assigned",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "res_assigned", {}),),
        cancel_deadlines=(REVIEW_DUE,),
        rule_ids=("R-RES-4",),
    )


def _decline(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """S7 (R-RES-4)."""
    p.need_state(case, "decline", {IN_REVIEW, NEEDS_INFO})
    reason = p.required_text(request, "reason")
    attrs = {**case.attrs, "close_reason": reason, "closed_at": iso(ctx.now)}
    return Decision(
        state=REJECTED,
        event="declined",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "res_rej", {"reason": reason}),),
        cancel_deadlines=(REVIEW_DUE,),
        rule_ids=("R-RES-4",),
    )


def _log_hours(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """S8 (R-RES-6, R-RES-7)."""
    p.need_state(case, "log_hours", {SCHEDULED})
    hours = p.hours(request, "hours", ctx.policy.resource.max_single_request_hours)
    today = p.today(ctx.calendar, ctx.now)
    day = p.local_date(request, "date", today=today, default=today)
    attrs, replies, alerts = book_hours(case, ctx, hours, day)
    return same(
        case,
        "hours-logged",
        attrs,
        replies=replies,
        hq_alerts=alerts,
        hours=(HoursEntry(hours, day),),
        rule_ids=("R-RES-6", "R-RES-7"),
    )


def _complete(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """S9 (R-RES-8): the remainder of hours_total is logged; A-RES-DONE with the balance."""
    p.need_state(case, "complete", {SCHEDULED})
    # A sanity bound only: the total may exceed the estimate, not by an order of magnitude.
    total = p.hours(request, "hours_total", ctx.policy.resource.max_single_request_hours * 10)
    logged = float(case.attrs.get("hours_logged") or 0)
    if total < logged:
        raise ActionRefused(f"complete: hours_total {total:g} is below the {logged:g} h logged")
    today = p.today(ctx.calendar, ctx.now)
    rest = round(total - logged, 2)
    attrs, replies, alerts = dict(case.attrs), (), ()
    entries: tuple[HoursEntry, ...] = ()
    if rest > 0:
        attrs, replies, alerts = book_hours(case, ctx, rest, today)
        entries = (HoursEntry(rest, today),)
    else:
        attrs["balance"] = forecast(ctx, attrs.get("partner_role"), case.partner_id, today.year, 0)
    attrs.update(hours_total=total, closed_at=iso(ctx.now), close_reason="done")
    return Decision(
        state=DONE,
        event="done",
        fields=case.fields,
        attrs=attrs,
        replies=(*replies, ReplyIntent("notice", "res_done", {})),
        hq_alerts=alerts,
        hours=entries,
        rule_ids=("R-RES-8", "R-RES-7"),
    )


_HANDLERS: dict[str, Callable[[CaseView, ActionRequest, RuleContext], Decision]] = {
    "request_info": _request_info,
    "assign": _assign,
    "decline": _decline,
    "reject": _decline,
    "log_hours": _log_hours,
    "complete": _complete,
}
RESOURCE_ACTIONS = tuple(sorted(_HANDLERS))


class ResourceRules:
    """The HQ engineer-hours request (spec §5.4), registered for case kind `resource`."""

    def new_case(self, facts: LetterFacts, ctx: RuleContext) -> Decision:
        return assess(None, facts, ctx, "created")

    def followup(self, case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
        return on_letter(case, facts, ctx)

    def deadline(
        self, case: CaseView, kind: str, due_at: datetime, payload: dict[str, Any], ctx: RuleContext
    ) -> Decision | None:
        return on_deadline(case, kind, due_at, ctx)

    def action(self, case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
        handler = _HANDLERS.get(request.name)
        if handler is None:
            raise ActionRefused(
                f"unknown action {request.name!r}; resource actions: "
                f"{', '.join(RESOURCE_ACTIONS)}, and comment, reply, merge, reclassify"
            )
        return handler(case, request, ctx)

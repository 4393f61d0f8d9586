"""The inquiry to an HQ role (spec §5.5, R-HQ-2, R-HQ-3, R-HQ-4, R-HQ-13). Pure.

States: unclassified (an unidentified author: no case work until HQ adopts or discards it, or
sends a partner's client on to that partner, R-PIN-26),
open (A-INQ-ACK, the responsible role answers within 3 WD), answered (HQ's answer sent; the
case closes after 5 WD without a partner letter), and the terminal closed, discarded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.rules import action_params as p
from bot.rules.action_base import ActionRefused, ActionRequest, run_action
from bot.rules.case_helpers import after_close, letter_event, same
from bot.rules.decide import CaseView, DeadlineIntent, Decision, HqAlert, ReplyIntent, iso
from bot.rules.inquiry.direct_client import direct_client, holder_of, redirect
from bot.rules.inquiry.states import (
    ANSWER_DUE,
    ANSWERED,
    AUTO_CLOSE,
    CLOSED,
    DISCARDED,
    OPEN,
    TERMINAL,
    TIMERS,
    UNCLASSIFIED,
)
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.working_terms import WorkingTerm, working_days
from parsers.signals_inquiry import ROUTING_SIGNALS

ANSWER_WD = 3  # cfg:hq.official_reply_due (R-HQ-4, D-47)
CLOSE_WD = 5
# R-HQ-2: the §5 group of questions → the responsible role.
GROUP_ROLES = {
    "strategy": "ceo",
    "sales_cooperation": "deputy_ceo",
    "product_events": "deputy_science",
    "client_usage": "deputy_science",
    "training": "dir_methodology",
    "tech_support": "dir_software_dev",
}
# A-INQ-ACK names the role, never a person's phone or messenger (R-HQ-4).
ROLE_TITLES = {
    "ceo": "Генеральный директор",
    "deputy_ceo": "Заместитель генерального директора",
    "deputy_science": "Заместитель генерального директора по науке",
    "dir_methodology": "Директор департамента методологического обеспечения проектов",
    "dir_software_dev": "Директор департамента разработки ПО",
    "curator": "руководитель проекта (куратор вашей организации)",
    "service_desk": "Service Desk",
    "accounting": "бухгалтерия",
    "admin": "администратор головного офиса",
}
_PATTERNS = tuple((group, weight, re.compile(rx, re.I)) for group, weight, rx in ROUTING_SIGNALS)


def route(text: str) -> tuple[str | None, str]:
    """R-HQ-3: the group with the highest keyword score, else the partner's curator."""
    scores: dict[str, int] = {}
    for group, weight, pattern in _PATTERNS:
        if pattern.search(text):
            scores[group] = scores.get(group, 0) + weight
    if not scores:
        return None, "curator"
    group = max(scores, key=lambda g: scores[g])
    return group, GROUP_ROLES[group]


def _ack(
    attrs: dict[str, Any], fields: dict[str, Any], start: datetime, ctx: RuleContext, event: str
) -> Decision:
    """A-INQ-ACK with the responsible role and the answer date; an HQ alert when it passes."""
    due = ctx.calendar.add_working_days(start, ANSWER_WD)
    role = str(attrs.get("owner_role") or "curator")
    attrs = {**attrs, "answer_due_at": iso(due), "responsible_role": role}
    attrs["answer_clock_started_at"] = iso(start)  # R-CAL-4: recomputed from it
    context = {"role_title": ROLE_TITLES.get(role, role), "due_at": due, "due_wd": ANSWER_WD}
    return Decision(
        state=OPEN,
        event=event,
        fields=fields,
        attrs=attrs,
        replies=(ReplyIntent("acceptance", "inq_ack", context),),
        deadlines=(DeadlineIntent(ANSWER_DUE, due, "R-HQ-4"),),
        cancel_deadlines=TIMERS,
        rule_ids=("R-HQ-2", "R-HQ-3", "R-HQ-4"),
    )


def on_new(facts: LetterFacts, ctx: RuleContext) -> Decision:
    group, role = route(facts.new_text)
    attrs: dict[str, Any] = {
        "received_at": iso(facts.received_at),
        "routing_group": group,
        "owner_role": role,
    }
    if facts.identity is None and (held := holder_of(facts, ctx)):
        return direct_client(facts, attrs, *held, ctx)  # R-PIN-26: a partner's client
    if facts.identity is None:
        # §5.5 / R-MBX-8: an unknown author waits in the unclassified queue. The plain
        # acknowledgement goes out only with mail.ack_unidentified_general_mail (D-36): the
        # shell drops it otherwise; no answer date is promised before HQ adopts the letter.
        return Decision(
            state=UNCLASSIFIED,
            event="unclassified",
            fields=facts.fields,
            attrs=attrs,
            replies=(ReplyIntent("acceptance", "acceptance", {"warnings": []}),),
            rule_ids=("R-MBX-8", "D-36"),
        )
    return _ack(attrs, facts.fields, facts.received_at, ctx, "created")


def on_letter(case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
    attrs = dict(case.attrs)
    if case.state in TERMINAL:
        return after_close(case, attrs)
    if letter_event(facts) == "status_query" and not facts.attachments:
        return same(
            case,
            "status-query",
            attrs,
            replies=(ReplyIntent("notice", "inq_status", _status(attrs)),),
            rule_ids=("R-HQ-13",),
        )
    if case.state == ANSWERED:
        # §5.5: the partner writes again after the answer → open, with a new due date.
        return _ack(attrs, case.fields, facts.received_at, ctx, "reopened")
    replies = ()
    if case.state != UNCLASSIFIED:
        replies = (
            ReplyIntent("notice", "followup_received", {"attachments": list(facts.attachments)}),
        )
    return same(case, "followup", attrs, replies=replies, rule_ids=("R-MBX-8",))


def _status(attrs: dict[str, Any]) -> dict[str, Any]:
    role = str(attrs.get("owner_role") or "curator")
    return {"role_title": ROLE_TITLES.get(role, role)}


def on_deadline(case: CaseView, kind: str, due_at: datetime, ctx: RuleContext) -> Decision | None:
    attrs = dict(case.attrs)
    if kind == ANSWER_DUE and case.state == OPEN:
        # R-HQ-4, R-HQ-8: the official answer is due; its owner is alerted.
        role = str(attrs.get("owner_role") or "curator")
        alert = HqAlert(role, "inq_alert_due", {"due_at": due_at}, key=iso(due_at) or "")
        return same(case, "answer-overdue", attrs, hq_alerts=(alert,), rule_ids=("R-HQ-4",))
    if kind == AUTO_CLOSE and case.state == ANSWERED:
        attrs.update(closed_at=iso(ctx.now), close_reason="answered")
        return same(case, "auto-closed", attrs, state=CLOSED, rule_ids=("R-HQ-4",))
    return None


# -- HQ actions ------------------------------------------------------------------------------


def _reply(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """§5.5: HQ's answer goes to the partner; the case closes 5 WD later unless they write."""
    p.need_state(case, "reply", {OPEN, ANSWERED})
    text = p.required_text(request, "text")
    close_at = ctx.calendar.add_working_days(ctx.now, CLOSE_WD)
    attrs = {**case.attrs, "answered_at": iso(ctx.now), "autoclose_at": iso(close_at)}
    return Decision(
        state=ANSWERED,
        event="answered",
        fields=case.fields,
        attrs=attrs,
        replies=(ReplyIntent("notice", "hq_reply", {"text": text}),),
        deadlines=(DeadlineIntent(AUTO_CLOSE, close_at, "R-HQ-4"),),
        cancel_deadlines=TIMERS,
        rule_ids=("R-HQ-4", "R-HQ-10"),
    )


def _adopt(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """§5.5: HQ takes an unclassified letter on as an inquiry (A-INQ-ACK); `role=` names the
    responsible role when the keywords found none. Another kind: `reclassify` after this."""
    p.need_state(case, "adopt", {UNCLASSIFIED})
    role = str(request.params.get("role") or case.attrs.get("owner_role") or "curator")
    if role not in ROLE_TITLES:
        raise ActionRefused(f"adopt: unknown role {role!r}; roles: {', '.join(ROLE_TITLES)}")
    attrs = {**case.attrs, "owner_role": role, "adopted_by": request.actor}
    return _ack(attrs, case.fields, ctx.now, ctx, "adopted")


def _discard(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """§5.5: an unclassified letter HQ does not take on: kept, never answered."""
    p.need_state(case, "discard", {UNCLASSIFIED})
    attrs = {**case.attrs, "closed_at": iso(ctx.now), "close_reason": "discarded"}
    return same(case, "discarded", attrs, state=DISCARDED, rule_ids=("R-MBX-8",))


def _close(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    p.need_state(case, "close", {OPEN, ANSWERED})
    reason = p.required_text(request, "reason")
    attrs = {**case.attrs, "closed_at": iso(ctx.now), "close_reason": reason}
    return same(case, "closed", attrs, state=CLOSED, cancel_deadlines=TIMERS, rule_ids=("R-HQ-4",))


def _comment(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    return same(case, "comment", dict(case.attrs), rule_ids=("R-HQ-6",))


_HANDLERS: dict[str, Callable[[CaseView, ActionRequest, RuleContext], Decision]] = {
    "reply": _reply,
    "adopt": _adopt,
    "discard": _discard,
    "close": _close,
    "comment": _comment,
    "redirect_to_partner": redirect,
}
INQUIRY_ACTIONS = tuple(sorted(_HANDLERS))


class InquiryRules:
    """The inquiry (spec §5.5), registered for case kind `inquiry`."""

    def new_case(self, facts: LetterFacts, ctx: RuleContext) -> Decision:
        return on_new(facts, ctx)

    def followup(self, case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
        return on_letter(case, facts, ctx)

    def deadline(
        self, case: CaseView, kind: str, due_at: datetime, payload: dict[str, Any], ctx: RuleContext
    ) -> Decision | None:
        return on_deadline(case, kind, due_at, ctx)

    def action(self, case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
        return run_action(_HANDLERS, case, request, ctx, "inquiry")


# What the calendar refresh recomputes (R-CAL-4): the official answer's 3 WD (R-HQ-4) and
# the closing 5 WD after HQ's answer (§5.5).
INQUIRY_TERMS = (
    WorkingTerm(
        ANSWER_DUE,
        "answer_clock_started_at",
        working_days(lambda attrs, policy: ANSWER_WD),
        "R-HQ-4",
        "answer_due_at",
    ),
    WorkingTerm(
        AUTO_CLOSE,
        "answered_at",
        working_days(lambda attrs, policy: CLOSE_WD),
        "R-HQ-4",
        "autoclose_at",
    ),
)

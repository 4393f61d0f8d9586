"""HQ engineer-hours requests as pure functions, with fixture F (spec §5.4, R-RES)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from bot.partners import Identity
from bot.policy import Policy
from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.decide import CaseView, Decision, HoursEntry, when
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.resource.resources import REVIEW_DUE, ResourceRules
from bot.workcal import WorkCalendar
from parsers.requirements import Findings

GMT5 = timezone(timedelta(hours=5))
F = WorkCalendar.for_fixture_f()
MON = datetime(2025, 6, 9, 10, 0, tzinfo=GMT5)
RULES = ResourceRules()
AUTHORIZED = Identity(1, "ООО «ГеоПартнер»", "authorized", True, "domain")
GOLD = replace(AUTHORIZED, role="gold")


def ok(value: Any) -> dict[str, Any]:
    return {"status": "valid", "value": value, "raw": str(value)}


REQUEST = {
    "enterprise_name": ok("ООО «Северный кадастр»"),
    "tasks": ok(["Настройка репликации базы данных между филиалами"]),
    "estimated_hours": ok(24),
    "desired_time": ok("2025-06-16"),
}


class Hours:
    """Lookups answering only the hours question: `used` per (partner, year)."""

    def __init__(self, used: dict[tuple[int, int], float] | None = None) -> None:
        self.used = used or {}

    def cases(self, **_: Any) -> list[CaseView]:
        return []

    def hours_used(self, partner_id: int, year: int) -> float:
        return self.used.get((partner_id, year), 0.0)


def ctx(now: datetime = MON, used: float = 0.0) -> RuleContext:
    return RuleContext(F, Policy(), now, Hours({(1, 2025): used}))


def facts(
    identity: Identity | None = AUTHORIZED, fields=None, findings=None, at: datetime = MON
) -> LetterFacts:
    return LetterFacts(
        kind="resource",
        findings=findings or Findings((), ()),
        fields=dict(REQUEST if fields is None else fields),
        received_at=at,
        identity=identity,
        new_text="",
        attachments=(),
    )


def case_after(decision: Decision, previous: CaseView | None = None) -> CaseView:
    return CaseView(
        1,
        "TCM-000002",
        "resource",
        decision.state,
        "petrov@geopartner.ru",
        decision.fields or (previous.fields if previous else {}),
        {**(previous.attrs if previous else {}), **decision.attrs},
        1,
    )


def action(case: CaseView, name: str, used: float = 0.0, **params) -> Decision:
    return RULES.action(case, ActionRequest(name, "hq@technocom.tech", params), ctx(used=used))


def scheduled(identity: Identity = AUTHORIZED) -> CaseView:
    review = case_after(RULES.new_case(facts(identity), ctx()))
    return case_after(action(review, "assign", employee="Смирнов А.В."), review)


@pytest.mark.parametrize("identity", [None, replace(AUTHORIZED, active=False)])
def test_r_res_1_r_id_3_only_active_partners_may_ask(identity: Identity | None) -> None:
    decision = RULES.new_case(facts(identity), ctx())
    assert (decision.state, decision.attrs["close_reason"]) == ("rejected", "not_partner")
    assert decision.replies[0].template == "res_rej"


def test_r_res_2_tasks_that_only_say_set_the_system_up_are_not_a_task_list() -> None:
    vague = {**REQUEST, "tasks": ok(["Настроить систему"])}
    decision = RULES.new_case(facts(fields=vague), ctx())
    assert decision.state == "needs_info"
    assert [i["field"] for i in decision.invalid] == ["tasks"]
    missing = RULES.new_case(facts(findings=Findings(("tasks",), ())), ctx())
    assert missing.missing == ("tasks",) and missing.replies[0].template == "res_clarify"


def test_r_res_3_review_due_in_three_working_days_with_an_alert_to_deputy_science() -> None:
    decision = RULES.new_case(facts(), ctx())
    assert decision.state == "in_review"
    # Fixture F: Tue 10, Wed 11, (Thu 12, Fri 13 off), Mon 16.
    due = datetime(2025, 6, 16, 10, 0, tzinfo=GMT5)
    assert when(decision.attrs, "review_due_at") == due
    assert [(d.kind, d.due_at) for d in decision.deadlines] == [(REVIEW_DUE, due)]
    alert = RULES.deadline(case_after(decision), REVIEW_DUE, due, {}, ctx(due))
    assert alert is not None and alert.hq_alerts[0].role == "deputy_science"
    assigned = case_after(action(case_after(decision), "assign", employee="Смирнов"), None)
    assert RULES.deadline(assigned, REVIEW_DUE, due, {}, ctx(due)) is None


@pytest.mark.parametrize(
    ("identity", "used", "excess"), [(AUTHORIZED, 70.0, 14.0), (GOLD, 70.0, 0.0)]
)
def test_r_res_5_r_res_6_acceptance_forecasts_the_excess_over_the_yearly_limit(
    identity: Identity, used: float, excess: float
) -> None:
    decision = RULES.new_case(facts(identity), ctx(used=used))
    forecast = decision.attrs["forecast"]
    assert (forecast["used"], forecast["estimated"], forecast["excess"]) == (used, 24.0, excess)
    assert forecast["limit"] == {"authorized": 80.0, "gold": 160.0}[identity.role]


def test_r_id_6_missing_role_waits_for_hq() -> None:
    decision = RULES.new_case(facts(replace(AUTHORIZED, role=None)), ctx())
    assert decision.attrs["forecast"]["limit"] is None
    assert decision.hq_alerts[0].context["alert"] == "role_missing"


def test_r_res_4_hq_question_then_the_answer_restarts_the_review() -> None:
    review = case_after(RULES.new_case(facts(), ctx()))
    asked = action(review, "request_info", text="Какая СУБД на стороне заказчика?")
    assert asked.state == "needs_info" and REVIEW_DUE in asked.cancel_deadlines
    tue = MON + timedelta(days=1)
    answer = RULES.followup(case_after(asked, review), facts(at=tue), ctx(tue))
    assert answer.state == "in_review"
    assert when(answer.attrs, "review_due_at") == datetime(2025, 6, 17, 10, 0, tzinfo=GMT5)
    with pytest.raises(ActionRefused, match="needs --param employee"):
        action(review, "assign")
    assert action(review, "decline", reason="нет подготовки").state == "rejected"


def test_r_res_7_first_entry_over_the_limit_reports_to_accounting_and_the_partner() -> None:
    case = scheduled()
    under = action(case, "log_hours", used=60.0, hours="20", date="2025-06-09")
    assert under.hours == (HoursEntry(20.0, date(2025, 6, 9)),)
    assert under.hq_alerts == () and under.replies == ()  # exactly at the limit: not over
    over = action(case, "log_hours", used=70.0, hours="12,5")
    assert [a.role for a in over.hq_alerts] == ["accounting", "deputy_science"]
    assert over.hq_alerts[0].template == "hq_accounting"
    assert over.replies[0].template == "res_overlimit"
    assert over.attrs["balance"] == {
        "year": 2025,
        "used": 82.5,
        "limit": 80.0,
        "hours": 12.5,
        "excess": 2.5,
    }
    again = action(case, "log_hours", used=82.5, hours="4")
    assert again.hq_alerts == () and again.replies == ()  # reported once a year


def test_r_res_6_hours_are_checked_and_counted_in_the_year_of_the_work() -> None:
    with pytest.raises(ActionRefused, match="above 0 and at most 160"):
        action(scheduled(), "log_hours", hours="0")
    with pytest.raises(ActionRefused, match="in the future"):
        action(scheduled(), "log_hours", hours="2", date="2025-07-01")
    late = action(scheduled(), "log_hours", hours="2", date="2024-12-30")
    assert late.hours[0].work_date.year == 2024


def test_r_res_8_complete_logs_the_remainder_and_states_the_balance() -> None:
    case = scheduled(GOLD)
    logged = case_after(action(case, "log_hours", hours="10"), case)
    with pytest.raises(ActionRefused, match="below the 10 h logged"):
        action(logged, "complete", used=10.0, hours_total="8")
    done = action(logged, "complete", used=10.0, hours_total="24")
    assert done.state == "done" and done.hours[0].hours == 14.0
    assert done.attrs["balance"]["used"] == 24.0
    assert [r.template for r in done.replies] == ["res_done"]


def test_r_cfg_1_single_request_maximum_comes_from_the_policy() -> None:
    strict = RuleContext(F, Policy(resource={"max_single_request_hours": 16}), MON, Hours())
    decision = RULES.new_case(facts(), strict)
    assert decision.state == "needs_info"
    assert decision.invalid == ({"field": "estimated_hours", "reason": "не больше 16 часов"},)

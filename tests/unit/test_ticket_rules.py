"""Ticket lifecycle rules as pure functions, with fixture F and a moved clock (spec §5.2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from bot.policy import Policy
from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.decide import CaseView, Decision, when
from bot.rules.ticket.actions import on_ticket_action
from bot.rules.ticket.states import (
    AUTOCLOSE,
    INFO_TIMEOUT,
    SLA_AT_RISK,
    SLA_BREACH,
    W_END,
    TicketContext,
    TicketLetter,
)
from bot.rules.ticket.tickets import on_new_ticket, on_ticket_letter
from bot.rules.ticket.timers import TIMERS, on_ticket_deadline
from bot.workcal import WorkCalendar
from parsers.feedback import read_feedback
from parsers.requirements import Findings, Invalid

GMT5 = timezone(timedelta(hours=5))
F = WorkCalendar.for_fixture_f()
MON = datetime(2025, 6, 2, 10, 0, tzinfo=GMT5)  # Monday, working time, fixture F
COMPLETE = Findings((), ())
MISSING = Findings(("license_contract",), ())


def ctx(now: datetime = MON, **policy) -> TicketContext:
    return TicketContext(F, Policy(**policy), now)


def fields(tracker="bug", priority="urgent", status="active") -> dict:
    out = {"tracker": {"status": "valid", "value": tracker}}
    if priority:
        out["priority"] = {"status": "valid", "value": priority}
    out["project_status"] = {"status": "valid", "value": status}
    return out


def letter(at=MON, findings=COMPLETE, text="", identified=True, **kw) -> TicketLetter:
    return TicketLetter(
        received_at=at,
        findings=findings,
        fields=kw.pop("fields", fields()),
        identified=identified,
        feedback=read_feedback(text),
        **kw,
    )


def case_after(decision: Decision, number="TCM-000001") -> CaseView:
    return CaseView(
        1,
        number,
        "ticket",
        decision.state,
        "ivan@partner.ru",
        decision.fields,
        dict(decision.attrs),
        partner_id=1,
    )


def kinds(decision: Decision) -> set[str]:
    return {d.kind for d in decision.deadlines}


def test_r_id_2_unidentified_sender_is_rejected_with_how_to_register() -> None:
    decision = on_new_ticket(letter(identified=False), ctx())
    assert decision.state == "rejected"
    assert [(r.reply_kind, r.template) for r in decision.replies] == [("rejection", "rej_id")]


def test_r_id_2_identification_can_be_switched_off_in_policy() -> None:
    decision = on_new_ticket(letter(identified=False), ctx(identification={"required": False}))
    assert decision.state == "open"


def test_r_tkt_2_incomplete_ticket_asks_and_sets_window_and_timeout() -> None:
    decision = on_new_ticket(letter(findings=MISSING), ctx())
    assert decision.state == "needs_info" and decision.missing == ("license_contract",)
    assert kinds(decision) == {W_END, INFO_TIMEOUT}
    due = {d.kind: d.due_at for d in decision.deadlines}
    assert due[W_END] == MON + timedelta(hours=72)  # R-SLA-1
    assert due[INFO_TIMEOUT] == F.add_working_days(MON, 10)  # R-TKT-15
    assert decision.replies[0].template == "tkt_clarify"


def test_r_sla_2_complete_urgent_bug_starts_clock_at_receipt_and_alerts_hq() -> None:
    decision = on_new_ticket(letter(), ctx())
    assert decision.state == "open"
    assert when(decision.attrs, "clock_started_at") == MON
    assert when(decision.attrs, "deadline_at") == F.add_working_days(MON, 1)
    assert kinds(decision) == {SLA_AT_RISK, SLA_BREACH}
    # R-TKT-7: the Service Desk and the Director of Software Development.
    assert {a.role for a in decision.hq_alerts} == {"service_desk", "dir_software_dev"}


def test_r_sla_2_answer_completing_the_ticket_starts_the_clock_then() -> None:
    first = on_new_ticket(letter(findings=MISSING), ctx())
    later = MON + timedelta(days=1, hours=2)
    answer = on_ticket_letter(case_after(first), letter(at=later), ctx(later))
    assert answer.state == "open"
    assert when(answer.attrs, "clock_started_at") == later
    assert W_END in answer.cancel_deadlines and INFO_TIMEOUT in answer.cancel_deadlines


def test_r_tkt_15_reminder_at_w_end_then_closed_for_lack_of_data() -> None:
    case = case_after(on_new_ticket(letter(findings=MISSING), ctx()))
    reminder = on_ticket_deadline(case, W_END, MON + timedelta(hours=72), ctx())
    assert reminder is not None and reminder.replies[0].template == "tkt_remind"
    due = F.add_working_days(MON, 10)
    closed = on_ticket_deadline(case, INFO_TIMEOUT, due, ctx(due + timedelta(days=3)))
    assert closed is not None and closed.state == "closed"
    # R-CAL-11: the state change is dated at the due moment, not when the tick ran.
    assert when(closed.attrs, "closed_at") == due
    assert closed.attrs["close_reason"] == "insufficient_info"


def test_r_cal_11_stale_timers_do_nothing() -> None:
    case = case_after(on_new_ticket(letter(), ctx()))
    assert on_ticket_deadline(case, W_END, MON, ctx()) is None  # already open
    assert on_ticket_deadline(case, AUTOCLOSE, MON, ctx()) is None  # not resolved


def test_r_sla_7_breach_alerts_hq_only_and_records_first_breach() -> None:
    case = case_after(on_new_ticket(letter(), ctx()))
    due = when(case.attrs, "deadline_at")
    decision = on_ticket_deadline(case, SLA_BREACH, due, ctx(due))
    assert decision is not None and decision.replies == ()
    assert decision.hq_alerts[0].context["alert"] == "breached"
    assert when(decision.attrs, "first_breach_at") == due


def _resolved_case() -> CaseView:
    opened = case_after(on_new_ticket(letter(), ctx()))
    resolved = on_ticket_action(opened, ActionRequest("resolve", "sd@hq", {"text": "Ответ"}), ctx())
    assert kinds(resolved) == {AUTOCLOSE}
    return case_after(resolved)


def test_r_tkt_10_confirmation_closes_and_not_solved_reopens_with_new_clock() -> None:
    later = MON + timedelta(days=1)
    closed = on_ticket_letter(
        _resolved_case(), letter(at=later, text="Спасибо, вопрос решен"), ctx(later)
    )
    assert (closed.state, closed.attrs["close_reason"]) == ("closed", "confirmed")
    reopened = on_ticket_letter(
        _resolved_case(), letter(at=later, text="Ошибка повторяется"), ctx(later)
    )
    assert reopened.state == "open"
    assert when(reopened.attrs, "clock_started_at") == later  # R-SLA-10


def test_r_tkt_10_autoclose_after_five_working_days() -> None:
    case = _resolved_case()
    due = when(case.attrs, "autoclose_at")
    assert due == F.add_working_days(MON, 5)
    closed = on_ticket_deadline(case, AUTOCLOSE, due, ctx(due))
    assert closed is not None and (closed.state, closed.attrs["close_reason"]) == ("closed", "auto")


def test_r_tkt_12_reopen_within_window_thanks_does_not_and_later_is_new_ticket() -> None:
    case = _resolved_case()
    closed = case_after(on_ticket_deadline(case, AUTOCLOSE, MON, ctx()))
    soon = MON + timedelta(days=3)
    reopened = on_ticket_letter(closed, letter(at=soon, text="Проблема снова появилась"), ctx(soon))
    assert reopened.state == "open" and "premature_close" in reopened.attrs["flags"]
    thanks = on_ticket_letter(closed, letter(at=soon, text="Спасибо!"), ctx(soon))
    assert thanks.state == "closed" and thanks.replies == ()
    late = MON + timedelta(days=20)
    new = on_ticket_letter(closed, letter(at=late, text="Снова ошибка"), ctx(late))
    assert new.split_from == "TCM-000001"


def test_r_tkt_16_status_query_changes_nothing() -> None:
    case = case_after(on_new_ticket(letter(), ctx()))
    status = on_ticket_letter(case, letter(text="Подскажите, какой срок решения?"), ctx())
    assert status.state == "open" and status.replies[0].template == "tkt_status"


def test_r_sla_2_question_within_w_stops_clock_after_w_does_not() -> None:
    case = case_after(on_new_ticket(letter(), ctx()))
    within = on_ticket_action(
        case, ActionRequest("request_info", "sd", {"text": "Логи?"}), ctx(MON + timedelta(hours=5))
    )
    assert within.state == "needs_info" and within.attrs["clock_started_at"] is None
    assert within.replies[0].context["clock_stopped"] is True
    after = on_ticket_action(
        case, ActionRequest("request_info", "sd", {"text": "Логи?"}), ctx(MON + timedelta(hours=73))
    )
    assert (
        after.state == "open" and after.attrs["clock_started_at"] == case.attrs["clock_started_at"]
    )
    assert after.attrs["hq_question_pending"] is True


def test_r_sla_9_new_priority_counts_from_the_unchanged_clock_start() -> None:
    case = case_after(on_new_ticket(letter(), ctx()))
    later = MON + timedelta(days=1)
    decision = on_ticket_action(
        case, ActionRequest("set_priority", "sd", {"priority": "high"}), ctx(later)
    )
    assert when(decision.attrs, "deadline_at") == F.add_working_days(MON, 3)
    assert decision.replies[0].context["old"]["priority"] == "urgent"


def test_r_sla_6_flag_suspends_and_clear_restores() -> None:
    case = case_after(on_new_ticket(letter(), ctx()))
    flagged = on_ticket_action(
        case, ActionRequest("flag_base_software_issue", "sd", {"text": "СУБД"}), ctx()
    )
    assert (
        flagged.attrs["deadline_at"] is None and "базового ПО" in flagged.attrs["no_target_reason"]
    )
    cleared = on_ticket_action(case_after(flagged), ActionRequest("clear_flag", "sd"), ctx())
    assert when(cleared.attrs, "deadline_at") == F.add_working_days(MON, 1)


def test_r_sla_8_extension_must_be_later_and_is_announced() -> None:
    case = case_after(on_new_ticket(letter(), ctx()))
    with pytest.raises(ActionRefused, match="later than the current one"):
        on_ticket_action(
            case,
            ActionRequest("extend_deadline", "sd", {"deadline": MON.isoformat(), "reason": "x"}),
            ctx(),
        )
    new = MON + timedelta(days=10)
    decision = on_ticket_action(
        case,
        ActionRequest(
            "extend_deadline", "sd", {"deadline": new.isoformat(), "reason": "нужен релиз"}
        ),
        ctx(),
    )
    assert when(decision.attrs, "deadline_at") == new
    assert decision.replies[0].template == "tkt_deadline_changed"


def test_r_hq_5_action_not_allowed_in_state_is_refused_with_explanation() -> None:
    case = case_after(on_new_ticket(letter(findings=MISSING), ctx()))
    with pytest.raises(ActionRefused, match=r"resolve is not possible .* needs_info"):
        on_ticket_action(case, ActionRequest("resolve", "sd", {"text": "x"}), ctx())
    with pytest.raises(ActionRefused, match="reason 'rude' is not listed"):
        on_ticket_action(case, ActionRequest("reject", "sd", {"reason": "rude"}), ctx())


def test_r_tkt_4_failed_self_diagnosis_policies() -> None:
    failed = Findings((), (Invalid("self_diagnosis", "СУБД: есть проблемы"),))
    assert on_new_ticket(letter(findings=failed), ctx()).state == "needs_info"
    accepted = on_new_ticket(
        letter(findings=failed), ctx(ticket={"self_diagnosis_failed_policy": "accept_no_sla"})
    )
    assert accepted.state == "open" and accepted.attrs["deadline_at"] is None
    rejected = on_new_ticket(
        letter(findings=failed), ctx(ticket={"self_diagnosis_failed_policy": "reject"})
    )
    assert rejected.state == "rejected"


def test_r_tkt_14_feature_has_no_deadline_and_r_sla_5_demo_neither() -> None:
    feature = on_new_ticket(letter(fields=fields("feature", None)), ctx())
    assert feature.state == "open" and feature.attrs["deadline_at"] is None
    demo = on_new_ticket(letter(fields=fields(status="demo")), ctx())
    assert demo.attrs["deadline_at"] is None and "demo" in demo.attrs["no_target_reason"]


def test_r_tkt_19_urgent_request_alerts_deputy_science_without_changing_priority() -> None:
    case = case_after(on_new_ticket(letter(fields=fields(priority="normal")), ctx()))
    decision = on_ticket_letter(
        case, letter(text="Просим срочно решить, стоит производство"), ctx()
    )
    assert [a.role for a in decision.hq_alerts] == ["deputy_science"]
    assert decision.attrs["priority"] == "normal"


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("ВОПРОС РЕШЁН, можно закрывать", "solved"),
        ("Ошибка ПОВТОРЯЕТСЯ после обновления", "not_solved"),
        ("СПАСИБО!", "thanks_only"),
        ("Когда БУДЕТ исправлено?", "status_query"),
        ("Нужно СРОЧНО", "asks_urgent"),
    ],
)
def test_r_tkt_10_r_tkt_12_feedback_is_read_whatever_the_letter_case(text, signal) -> None:
    """The feedback patterns are lowercase and search the lowercased text (no re.I)."""
    feedback = read_feedback(text)
    assert getattr(feedback, signal)
    others = {"solved", "not_solved", "thanks_only", "status_query", "asks_urgent"} - {signal}
    assert not any(getattr(feedback, name) for name in others - {"asks_urgent"})


@pytest.mark.parametrize("timer", sorted(TIMERS))
def test_r_cal_11_a_ticket_timer_acts_only_in_the_states_its_row_names(timer: str) -> None:
    """spec §5.2 as a table: in every other state a due timer changes nothing."""
    states, _ = TIMERS[timer]
    opened = case_after(on_new_ticket(letter(), ctx()))
    for state in ("needs_info", "open", "resolved", "deferred", "closed", "rejected"):
        case = replace(
            opened, state=state, attrs={**opened.attrs, "deadline_at": opened.attrs["deadline_at"]}
        )
        decision = on_ticket_deadline(case, timer, MON + timedelta(days=30), ctx())
        if state not in states:
            assert decision is None, (timer, state)
        else:
            assert decision is not None, (timer, state)

"""Client pins as pure functions (spec §5.1, R-PIN-*): a request, the registry of other cases
through fake lookups, and timers run on a moved clock — no database, no pipeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bot.letters.context import CaseAttrs
from bot.partners import Identity
from bot.policy import Policy
from bot.rules.action_base import ActionRequest
from bot.rules.decide import CaseView, Decision, when
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.pin.pins import PinRules
from bot.rules.pin.states import (
    EXT_ALERT,
    PIN_EXPIRY,
    PIN_REMIND,
    PIN_TIMEOUT,
)
from bot.rules.pin.timers import TIMERS
from bot.workcal import WorkCalendar
from parsers.requirements import Findings, Invalid
from replies.render import Renderer

GMT5 = timezone(timedelta(hours=5))
F = WorkCalendar.for_fixture_f()
MON = datetime(2025, 6, 9, 10, 0, tzinfo=GMT5)  # Monday; 12–13 June are days off (fixture F)
RULES = PinRules()
PARTNER = Identity(1, "ООО «Партнер»", "gold", True, "address", inn="7204196795")
OTHER = Identity(2, "ООО «Другой»", "gold", True, "address", inn="7728168971")
CLIENT_INN = "7707083893"


def ok(value: Any) -> dict[str, Any]:
    return {"status": "valid", "value": value, "raw": str(value)}


REQUEST = {
    "client_name": ok("АО «Восток»"),
    "client_inn": ok(CLIENT_INN),
    "client_address": ok("г. Тюмень, ул. Республики, 1"),
    "contract_ref": ok({"number": "12/25", "date": "2025-05-30", "key": "12/25|2025-05-30"}),
    "interest_reason": ok("внедрение ГеоКадастр"),
    "contacts": ok(["Смирнов А.П., +7 3452 123456", "Орлова Е.В., +7 3452 654321"]),
}


class Registry:
    """The other pin cases the rules may ask about (R-PIN-3, R-PIN-6, R-PIN-27)."""

    def __init__(self, *cases: CaseView) -> None:
        self.pins = list(cases)

    def cases(self, *, kind, states=(), partner_id=None, attr_equals=None) -> list[CaseView]:
        return [
            c
            for c in self.pins
            if c.kind == kind
            and (not states or c.state in states)
            and (partner_id is None or c.partner_id == partner_id)
        ]

    def partner_name(self, partner_id: int) -> str:
        return {1: PARTNER.partner_name, 2: OTHER.partner_name}[partner_id]


def ctx(now: datetime = MON, lookups: Registry | None = None, **policy) -> RuleContext:
    return RuleContext(F, Policy(**policy), now, lookups or Registry())


def facts(
    at: datetime = MON,
    fields: dict | None = None,
    findings: Findings | None = None,
    identity: Identity | None = PARTNER,
    **extra: Any,
) -> LetterFacts:
    return LetterFacts(
        kind="pin_request",
        findings=findings or Findings((), ()),
        fields=dict(REQUEST if fields is None else fields),
        received_at=at,
        identity=identity,
        new_text=extra.pop("text", ""),
        attachments=(),
        **extra,
    )


def case_after(decision: Decision, previous: CaseView | None = None, partner: int = 1) -> CaseView:
    return CaseView(
        id=previous.id if previous else 1,
        number=previous.number if previous else "TCM-000001",
        kind="pin_request",
        state=decision.state,
        requester="ivan@partner.ru",
        fields=decision.fields or (previous.fields if previous else {}),
        attrs={**(previous.attrs if previous else {}), **decision.attrs},
        partner_id=partner,
    )


def held_by(identity: Identity, state: str = "pre_pinned", number: str = "TCM-000009") -> CaseView:
    decision = RULES.new_case(facts(identity=identity), ctx())
    return replace(
        case_after(decision, partner=identity.partner_id), id=9, number=number, state=state
    )


def timers(decision: Decision) -> dict[str, datetime]:
    return {d.kind: d.due_at for d in decision.deadlines}


def local(value: datetime | None) -> str:
    assert value is not None
    return value.astimezone(GMT5).strftime("%Y-%m-%d %H:%M")


# -- a new request ---------------------------------------------------------------------------


def test_r_pin_1_only_an_active_partner_may_pin_a_client() -> None:
    decision = RULES.new_case(facts(identity=None), ctx())
    assert (decision.state, decision.attrs["close_reason"]) == ("rejected", "not_partner")
    assert [r.template for r in decision.replies] == ["rej_id"]
    suspended = replace(PARTNER, active=False)
    assert RULES.new_case(facts(identity=suspended), ctx()).state == "rejected"


def test_r_pin_2_incomplete_request_asks_for_what_is_missing_and_sets_the_timeout() -> None:
    findings = Findings(("client_address", "contacts"), (Invalid("client_inn", "bad key"),))
    decision = RULES.new_case(facts(findings=findings), ctx())
    assert decision.state == "needs_info"
    assert decision.missing == ("client_address", "contacts")
    [ask] = decision.replies
    assert ask.template == "pin_clarify" and ask.context["missing"] == [
        "client_address",
        "contacts",
    ]
    # D-25: 10 working days; 12 and 13 June are days off in fixture F.
    assert local(timers(decision)[PIN_TIMEOUT]) == "2025-06-25 10:00"
    assert PIN_TIMEOUT in decision.cancel_deadlines  # a second clarification restarts it


def test_r_pin_7_complete_request_is_pre_pinned_for_60_calendar_days() -> None:
    decision = RULES.new_case(facts(), ctx())
    assert decision.state == "pre_pinned"
    assert local(when(decision.attrs, "prepin_expires_at")) == "2025-08-08 23:59"
    due = timers(decision)
    assert local(due[PIN_EXPIRY]) == "2025-08-08 23:59"
    assert PIN_REMIND in due  # R-PIN-17: reminders before expiry
    assert decision.attrs["client_inn"] == CLIENT_INN  # the registry key (R-PIN-30)
    assert [r.template for r in decision.replies] == ["pin_prepin"]


def test_r_pin_6_the_same_partners_active_request_for_the_client_is_a_duplicate() -> None:
    registry = Registry(held_by(PARTNER, "pinned"))
    decision = RULES.new_case(facts(), ctx(lookups=registry))
    assert (decision.state, decision.attrs["duplicate_of"]) == ("duplicate", "TCM-000009")
    assert [r.template for r in decision.replies] == ["pin_dup"]


@pytest.mark.parametrize("disclose", [False, True])
def test_r_pin_3_r_pin_4_a_client_held_by_another_partner_is_refused(disclose: bool) -> None:
    registry = Registry(held_by(OTHER))
    decision = RULES.new_case(facts(), ctx(lookups=registry, pin={"disclose_holder": disclose}))
    assert decision.state == "rejected"
    assert decision.attrs["flags"] == ["pinned_by_other"]  # R-PIN-9: HQ sees it
    [refusal] = decision.replies
    assert refusal.context["reason"] == "pinned_by_other"
    # D-16: the holder is named only when the vendor chose to disclose it.
    assert refusal.context["holder"] == (OTHER.partner_name if disclose else None)


def test_r_pin_3_a_client_another_partner_no_longer_holds_is_free() -> None:
    registry = Registry(held_by(OTHER, "expired"))
    assert RULES.new_case(facts(), ctx(lookups=registry)).state == "pre_pinned"


def test_r_pin_8_manual_confirmation_waits_for_hq_and_alerts_the_curator() -> None:
    decision = RULES.new_case(facts(), ctx(pin={"confirmation_mode": "manual"}))
    assert decision.state == "awaiting_hq"
    [alert] = decision.hq_alerts
    assert (alert.role, alert.template) == ("curator", "hq_alert_pin_review")
    assert not decision.deadlines  # no pre-pin before HQ approves (R-PIN-8)


def test_r_thr_9_one_letter_one_client() -> None:
    decision = RULES.new_case(facts(flags=("multiple_subjects",)), ctx())
    assert (decision.state, [r.template for r in decision.replies]) == ("rejected", ["rej_multi"])


@pytest.mark.parametrize(
    ("holders", "partner", "status"),
    [((), PARTNER, "free"), ((OTHER,), PARTNER, "taken"), ((PARTNER,), PARTNER, "yours")],
)
def test_r_pin_27_a_status_question_answers_free_taken_or_yours(holders, partner, status) -> None:
    registry = Registry(*(held_by(h) for h in holders))
    decision = RULES.new_case(
        facts(identity=partner, event="pin_status_query"), ctx(lookups=registry)
    )
    assert decision.state == "answered"
    assert decision.replies[0].context["status"] == status


# -- letters in the thread -------------------------------------------------------------------


def test_r_pin_2_the_answer_to_a_clarification_completes_the_request() -> None:
    asked = case_after(
        RULES.new_case(facts(findings=Findings(("contacts",), ())), ctx()),
    )
    answer = RULES.followup(asked, facts(at=MON + timedelta(days=1)), ctx(MON + timedelta(days=1)))
    assert answer.state == "pre_pinned"
    assert PIN_TIMEOUT in answer.cancel_deadlines


def test_r_pin_28_withdrawal_ends_the_pin_and_its_timers() -> None:
    pinned = case_after(RULES.new_case(facts(), ctx()))
    decision = RULES.followup(pinned, facts(event="withdrawal"), ctx())
    assert decision.state == "withdrawn"
    assert {PIN_EXPIRY, PIN_REMIND, EXT_ALERT} <= set(decision.cancel_deadlines)


def test_r_hq_13_a_status_question_in_the_thread_changes_nothing() -> None:
    pinned = case_after(RULES.new_case(facts(), ctx()))
    decision = RULES.followup(pinned, facts(event="status_query"), ctx())
    assert decision.state == "pre_pinned" and decision.replies[0].template == "pin_status_case"


# -- timers ----------------------------------------------------------------------------------


def test_d_25_an_unanswered_clarification_ends_the_request() -> None:
    asked = case_after(RULES.new_case(facts(findings=Findings(("contacts",), ())), ctx()))
    due = when(asked.attrs, "timeout_at")
    assert due is not None
    decision = RULES.deadline(asked, PIN_TIMEOUT, due, {}, ctx(due))
    assert decision is not None and decision.attrs["close_reason"] == "insufficient_info"
    # The same timer once the request is complete does nothing.
    pinned = case_after(RULES.new_case(facts(), ctx()))
    assert RULES.deadline(pinned, PIN_TIMEOUT, due, {}, ctx(due)) is None


def test_r_pin_17_reminder_says_how_many_days_are_left() -> None:
    pinned = case_after(RULES.new_case(facts(), ctx()))
    at = datetime(2025, 7, 25, 9, 0, tzinfo=GMT5)
    decision = RULES.deadline(pinned, PIN_REMIND, at, {}, ctx(at))
    assert decision is not None and decision.replies[0].context["days_left"] == 14


def test_r_pin_17_an_undecided_extension_alerts_hq_and_a_decided_one_does_not() -> None:
    pinned = case_after(RULES.new_case(facts(), ctx()))
    at = datetime(2025, 8, 6, 10, 0, tzinfo=GMT5)
    assert RULES.deadline(pinned, EXT_ALERT, at, {}, ctx(at)) is None
    pending = replace(pinned, attrs={**pinned.attrs, "extension_pending": True})
    decision = RULES.deadline(pending, EXT_ALERT, at, {}, ctx(at))
    assert decision is not None
    assert [a.context.get("alert") for a in decision.hq_alerts] == ["expiry_near"]


def test_r_pin_7_the_pre_pin_expires_at_its_end_and_frees_the_client() -> None:
    pinned = case_after(RULES.new_case(facts(), ctx()))
    end = when(pinned.attrs, "prepin_expires_at")
    assert end is not None
    decision = RULES.deadline(pinned, PIN_EXPIRY, end, {}, ctx(end))
    assert decision is not None and decision.state == "expired"
    assert [r.template for r in decision.replies] == ["pin_expired"]


def test_r_pin_16_one_extension_by_hq_adds_calendar_days() -> None:
    pinned = case_after(RULES.new_case(facts(), ctx()))
    pending = replace(pinned, attrs={**pinned.attrs, "extension_pending": True})
    request = ActionRequest("approve_extension", "hq@technocom.tech", {"days": "30"})
    decision = RULES.action(pending, request, ctx())
    assert local(when(decision.attrs, "prepin_expires_at")) == "2025-09-07 23:59"
    assert decision.attrs["extension_used"] is True


# -- what the letters say of extensions: the vendor's policy, not TECHNOCOM's numbers ----------


def test_r_pin_16_the_pre_pin_letter_states_the_vendors_extension_terms() -> None:
    policy = {"pin": {"extension_max_days": 14, "extension_max_count": 2}}
    [prepin] = RULES.new_case(facts(), ctx(**policy)).replies
    assert (prepin.context["extension_max_days"], prepin.context["extension_max_count"]) == (14, 2)
    assert prepin.context["extension_available"] is True
    context = {**_case_context(), **prepin.context}
    text = Renderer().render("pin_prepin", context).text
    assert "не более 2 раз, каждый раз не более чем на 14 календарных дней" in text
    assert "30 календарных" not in text
    # A vendor without extensions promises none.
    [none] = RULES.new_case(facts(), ctx(pin={"extension_max_count": 0})).replies
    text = Renderer().render("pin_prepin", {**_case_context(), **none.context}).text
    assert "продлить" not in text


def test_r_pin_17_the_reminder_offers_an_extension_only_while_one_is_left() -> None:
    pinned = case_after(RULES.new_case(facts(), ctx()))
    at = datetime(2025, 7, 25, 9, 0, tzinfo=GMT5)
    decision = RULES.deadline(pinned, PIN_REMIND, at, {}, ctx(at))
    assert decision is not None and decision.replies[0].context["extension_available"] is True
    used = replace(pinned, attrs={**pinned.attrs, "extensions_granted": 1})
    decision = RULES.deadline(used, PIN_REMIND, at, {}, ctx(at))
    assert decision is not None and decision.replies[0].context["extension_available"] is False
    twice = RULES.deadline(used, PIN_REMIND, at, {}, ctx(at, pin={"extension_max_count": 2}))
    assert twice is not None and twice.replies[0].context["extension_available"] is True


def _case_context() -> dict[str, Any]:
    """What the letter writer adds to a pre-pinned case's reply (letter_context.case_context)."""
    decision = RULES.new_case(facts(), ctx())
    return {
        "case_number": "TCM-000001",
        "kind": "pin_request",
        "state": decision.state,
        "topic": "Закрепление клиента",
        "company": "ООО «ТЕХНОКОМ»",
        "phone": "(3452) 39-31-33",
        "reply_mailbox": "mail@technocom.tech",
        "general_mailbox": "mail@technocom.tech",
        # As the letter writer gives them: the instants as datetimes.
        "attrs": CaseAttrs(
            {
                k: when(decision.attrs, k) if k.endswith("_at") else v
                for k, v in decision.attrs.items()
            }
        ),
        "missing": [],
        "invalid": [],
        "now": MON,
        "partner_name": PARTNER.partner_name,
        "field_value": lambda code: "—",
        "at_risk_ratio": 0.75,
        "previous_case": None,
        "right_mailbox": None,
        "received_at": MON,
        "unknown_tags": [],
        "warnings": [],
    }


@pytest.mark.parametrize("timer", sorted(TIMERS))
def test_r_cal_11_a_pin_timer_acts_only_in_the_state_its_row_names(timer: str) -> None:
    """spec §5.1 as a table: in every other state a due timer changes nothing."""
    state, _ = TIMERS[timer]
    pinned = case_after(RULES.new_case(facts(), ctx()))
    # What each row's own guard looks at: an extension waiting, no hold on unpinning.
    attrs = {
        **pinned.attrs,
        "extension_pending": True,
        "timeout_at": pinned.attrs.get("prepin_started_at"),
    }
    at = datetime(2025, 8, 1, 10, 0, tzinfo=GMT5)
    for other in ("needs_info", "awaiting_hq", "pre_pinned", "pinned", "report_overdue", "expired"):
        decision = RULES.deadline(replace(pinned, state=other, attrs=attrs), timer, at, {}, ctx(at))
        assert (decision is not None) == (other == state), (timer, other)

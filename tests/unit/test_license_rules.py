"""License request lifecycle as pure functions, with fixture F and a moved clock (spec §5.3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bot.partners import Identity
from bot.policy import Policy
from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.decide import CaseView, Decision, when
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.license.licenses import (
    HQ_DUE,
    HQ_WARN,
    PAYMENT_DUE,
    RETURN_DUE,
    SCANS_DUE,
    TRANSIT,
)
from bot.rules.license.rules import LicenseRules
from bot.workcal import WorkCalendar
from parsers.requirements import Findings

GMT5 = timezone(timedelta(hours=5))
F = WorkCalendar.for_fixture_f()
MON = datetime(2025, 6, 9, 10, 0, tzinfo=GMT5)  # Monday, working time; 12–13 June are off
RULES = LicenseRules()
PARTNER = Identity(1, "ООО «Партнер»", "gold", True, "address", inn="7204196795")
AUTHORIZED = replace(PARTNER, role="authorized")


def ok(value: Any) -> dict[str, Any]:
    return {"status": "valid", "value": value, "raw": str(value)}


FORM = {
    "software_name": ok(["ГеоКадастр Сервер"]),
    "end_customer": ok(["ООО «Северный кадастр»"]),
    "end_customer_inn": ok(["7700000009"]),
    "purpose": ok(["own_use"]),
    "inn": ok("7204196795"),
}


class FakeLookups:
    """Pin cases that hold a client INN, and no hours (not used by licenses)."""

    def __init__(self, pins: list[CaseView] = ()) -> None:
        self.pins = list(pins)

    def cases(self, *, kind, states=(), partner_id=None, attr_equals=None) -> list[CaseView]:
        wanted = attr_equals or {}
        return [
            c
            for c in self.pins
            if c.kind == kind
            and (not states or c.state in states)
            and all(c.attrs.get(k) == v for k, v in wanted.items())
        ]

    def hours_used(self, partner_id: int, year: int) -> float:
        return 0.0


def ctx(now: datetime = MON, lookups=None, **policy) -> RuleContext:
    return RuleContext(F, Policy(**policy), now, lookups or FakeLookups())


def facts(
    at: datetime = MON,
    findings: Findings | None = None,
    fields: dict | None = None,
    identity: Identity | None = PARTNER,
    text: str = "",
    attachments: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
    event: str | None = None,
) -> LetterFacts:
    return LetterFacts(
        kind="license_request",
        findings=findings or Findings((), ()),
        fields=dict(FORM if fields is None else fields),
        received_at=at,
        identity=identity,
        new_text=text,
        attachments=attachments,
        flags=flags,
        event=event,
    )


def case_after(decision: Decision, previous: CaseView | None = None) -> CaseView:
    attrs = {**(previous.attrs if previous else {}), **decision.attrs}
    return CaseView(
        id=1,
        number="TCM-000001",
        kind="license_request",
        state=decision.state,
        requester="ivan@partner.ru",
        fields=decision.fields or (previous.fields if previous else {}),
        attrs=attrs,
        partner_id=1,
    )


def act(case: CaseView, name: str, at: datetime = MON, **params) -> CaseView:
    return case_after(
        RULES.action(case, ActionRequest(name, "hq@technocom.tech", params), ctx(at)), case
    )


def local_iso(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(GMT5).strftime("%Y-%m-%dT%H:%M:%S")


def at_day(day: int, hour: int = 10, month: int = 6) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=GMT5)


def in_review(identity: Identity = PARTNER) -> CaseView:
    return case_after(RULES.new_case(facts(identity=identity), ctx()))


def awaiting_payment(identity: Identity = PARTNER) -> CaseView:
    sent = act(in_review(identity), "send_license_docs", draft_agreement="d.docx", invoice="i.pdf")
    scans = facts(at=at_day(10, 11), attachments=("signed.pdf",), flags=("event:signed_scans",))
    return case_after(RULES.followup(sent, scans, ctx(at_day(10, 11))), sent)


def awaiting_originals(identity: Identity = PARTNER) -> CaseView:
    paid = act(awaiting_payment(identity), "mark_paid", at_day(11), payment_date="2025-06-10")
    return act(paid, "mark_license_docs_sent", at_day(16), documents="transfer_act", channel="post")


# -- letters ---------------------------------------------------------------------------------


def test_r_lic_1_incomplete_request_asks_for_each_problem_once() -> None:
    findings = Findings(("kpp",), ())
    decision = RULES.new_case(facts(findings=findings), ctx())
    assert decision.state == "needs_info" and decision.missing == ("kpp",)
    [reply] = decision.replies
    assert (reply.template, reply.context["missing"]) == ("lic_clarify", ["kpp"])
    assert decision.deadlines == ()


def test_r_lic_1_r_lic_4_complete_request_gives_hq_five_working_days_with_alert_a_day_before():
    decision = RULES.new_case(facts(), ctx())
    assert decision.state == "in_review"
    # Fixture F: Wed 11 is short, Thu 12 and Fri 13 are off → 5 WD end on Wed 18 June.
    assert when(decision.attrs, "hq_due_at") == at_day(18)
    due = {d.kind: d.due_at for d in decision.deadlines}
    assert due == {HQ_WARN: at_day(17), HQ_DUE: at_day(18)}
    assert decision.replies[0].template == "lic_ack"
    assert decision.attrs["summary"]["rows"] == [
        {"software": "ГеоКадастр Сервер", "customer": "ООО «Северный кадастр»", "inn": "7700000009"}
    ]


def test_r_lic_4_hq_timers_alert_deputy_ceo_only_while_in_review() -> None:
    case = in_review()
    alert = RULES.deadline(case, HQ_WARN, at_day(17), {}, ctx(at_day(17)))
    assert alert is not None and alert.replies == ()
    assert [(a.role, a.context["alert"]) for a in alert.hq_alerts] == [
        ("deputy_ceo", "hq_due_soon")
    ]
    sent = act(case, "send_license_docs", draft_agreement="d.docx", invoice="i.pdf")
    assert RULES.deadline(sent, HQ_DUE, at_day(18), {}, ctx(at_day(18))) is None


def test_r_lic_2_r_id_4_non_partner_goes_to_hq_then_approve_partner_starts_the_clock() -> None:
    decision = RULES.new_case(facts(identity=None), ctx())
    assert (decision.state, decision.attrs["hq_reason"]) == ("awaiting_hq", "partner_onboarding")
    assert decision.replies[0].template == "lic_hqreview" and decision.deadlines == ()
    case = case_after(decision)
    with pytest.raises(ActionRefused, match="role 'silver' is unknown"):
        act(case, "approve_partner", role="silver")
    approved = RULES.action(
        case, ActionRequest("approve_partner", "hq", {"role": "official"}), ctx(at_day(10))
    )
    assert approved.state == "in_review" and approved.event == "partner-approved"
    assert approved.attrs["approved_partner"]["role"] == "gold"  # D-1 alias
    assert when(approved.attrs, "hq_due_at") == at_day(19)  # 5 WD from the approval


def test_r_lic_3_scan_only_form_asks_for_a_text_copy_or_goes_to_hq_by_policy() -> None:
    scan_only = facts(findings=Findings(("inn", "bik"), ()), flags=("scan_without_text",))
    asked = RULES.new_case(scan_only, ctx())
    assert asked.state == "needs_info" and asked.replies[0].context["text_copy_needed"] is True
    manual = RULES.new_case(scan_only, ctx(license={"scan_only_policy": "hq_manual_entry"}))
    assert (manual.state, manual.attrs["hq_reason"]) == ("awaiting_hq", "manual_entry")
    accepted = act(case_after(manual), "accept", at_day(10))
    assert accepted.state == "in_review"


def test_r_lic_3_signed_form_is_required_only_when_configured() -> None:
    findings = Findings(("signed_form",), ())
    assert RULES.new_case(facts(findings=findings), ctx()).state == "needs_info"
    relaxed = ctx(license={"require_signed_form": False})
    assert RULES.new_case(facts(findings=findings), relaxed).state == "in_review"


def test_r_lic_3_hq_rejects_the_form_scan_and_only_a_new_scan_completes() -> None:
    rejected = act(in_review(), "reject_scan", reason="нет подписи руководителя")
    assert rejected.state == "needs_info"
    assert rejected.fields["signed_form"]["status"] == "invalid"


def test_r_lic_15_end_customer_pinned_by_another_partner_flags_no_partner_discount() -> None:
    other = CaseView(
        7, "TCM-000007", "pin_request", "pinned", "x@other.ru", {}, {"client_inn": "7700000009"}, 2
    )
    decision = RULES.new_case(facts(), ctx(lookups=FakeLookups([other])))
    assert "no_partner_discount" in decision.attrs["flags"]
    assert decision.attrs["end_customer_pins"] == {"7700000009": "other:TCM-000007"}
    assert [a.context["alert"] for a in decision.hq_alerts] == ["flags"]
    assert "no_partner_discount" not in str(decision.replies)  # HQ only
    own = replace(other, partner_id=1)
    mine = RULES.new_case(facts(), ctx(lookups=FakeLookups([own])))
    assert "no_partner_discount" not in mine.attrs["flags"]
    assert mine.attrs["end_customer_pins"] == {"7700000009": "own:TCM-000007"}


def test_r_lic_16_demo_only_and_r_val_4_inn_mismatch_are_flags_not_rejections() -> None:
    fields = {**FORM, "purpose": ok(["demo"]), "inn": ok("7700000009")}
    decision = RULES.new_case(facts(fields=fields), ctx())
    assert decision.state == "in_review"
    assert decision.attrs["flags"] == ["demo_only", "inn_mismatch"]
    assert [w["field"] for w in decision.warnings] == ["inn"]


def test_r_lic_5_send_license_docs_needs_both_documents_and_gives_five_wd_for_scans() -> None:
    case = in_review()
    with pytest.raises(ActionRefused, match="needs --param invoice"):
        act(case, "send_license_docs", draft_agreement="d.docx")
    sent = act(case, "send_license_docs", draft_agreement="/srv/docs/Проект.docx", invoice="i.pdf")
    assert sent.state == "awaiting_signed_scans"
    assert sent.attrs["draft_agreement"] == "Проект.docx"  # the name, never the HQ path
    assert when(sent.attrs, "scans_due_at") == at_day(18)


def test_r_lic_6_signed_scans_start_the_payment_term_and_hq_may_override_it() -> None:
    case = awaiting_payment()
    assert case.state == "awaiting_payment"
    assert when(case.attrs, "payment_due_at") == at_day(19, 11)  # Tue 10 + 5 WD in F
    longer = RULES.action(case, ActionRequest("set_payment_term", "hq", {"days": "10"}), ctx())
    assert longer.replies[0].template == "lic_payment_term"
    assert when(longer.attrs, "payment_due_at") == at_day(26, 11)
    by_date = act(case, "set_payment_term", date="2025-06-30")
    assert local_iso(by_date.attrs["payment_due_at"]) == "2025-06-30T23:59:59"
    with pytest.raises(ActionRefused, match="whole number"):
        act(case, "set_payment_term", days="ten")


def test_r_lic_6_rejected_scans_return_the_case_with_five_new_working_days() -> None:
    back = RULES.action(
        awaiting_payment(), ActionRequest("reject_scans", "hq", {"reason": "нечитаемо"}), ctx()
    )
    assert back.state == "awaiting_signed_scans"
    assert back.replies[0].context["scans_rejected"] == "нечитаемо"
    assert {d.kind for d in back.deadlines} == {SCANS_DUE}
    assert set(back.cancel_deadlines) >= {PAYMENT_DUE}


def test_r_lic_7_overdue_scans_or_payment_remind_once_and_never_cancel() -> None:
    sent = act(in_review(), "send_license_docs", draft_agreement="d", invoice="i")
    reminder = RULES.deadline(sent, SCANS_DUE, at_day(18), {}, ctx(at_day(18)))
    assert reminder is not None and reminder.state == "awaiting_signed_scans"
    assert reminder.replies[0].context["step"] == "scans"
    assert reminder.hq_alerts[0].context["alert"] == "scans_overdue"
    assert RULES.deadline(awaiting_payment(), SCANS_DUE, at_day(18), {}, ctx()) is None
    payment = RULES.deadline(awaiting_payment(), PAYMENT_DUE, at_day(18, 11), {}, ctx())
    assert payment is not None and payment.replies[0].context["step"] == "payment"


def test_r_lic_8_payment_order_is_recorded_and_acknowledged_without_a_state_change() -> None:
    case = awaiting_payment()
    letter = facts(
        at=at_day(11), text="Оплата произведена, п/п № 5 от 10.06.2025", attachments=("pp.pdf",)
    )
    decision = RULES.followup(case, letter, ctx(at_day(11)))
    assert decision.state == "awaiting_payment" and decision.event == "payment-order"
    assert decision.attrs["payment_orders"] == ["pp.pdf"]
    assert decision.replies[0].context["what"] == "payment_order"
    assert decision.hq_alerts[0].context["date"] == "2025-06-10"


def test_r_lic_8_d_21_mark_paid_clamps_the_month_and_records_the_r_pin_14_event() -> None:
    case = awaiting_payment()
    with pytest.raises(ActionRefused, match="in the future"):
        act(case, "mark_paid", payment_date="2025-07-01")
    paid = RULES.action(
        case,
        ActionRequest("mark_paid", "hq", {"payment_date": "31.01.2025"}),
        ctx(at_day(11)),
    )
    assert paid.state == "awaiting_license_docs"
    assert local_iso(paid.attrs["license_docs_due_at"]) == "2025-02-28T23:59:59"
    assert (paid.attrs["payment_date"], paid.attrs["paid_end_customer_inns"]) == (
        "2025-01-31",
        ["7700000009"],
    )


def test_r_lic_9_documents_and_channel_are_checked() -> None:
    paid = act(awaiting_payment(), "mark_paid", at_day(11), payment_date="2025-06-10")
    with pytest.raises(ActionRefused, match="unknown: invoice"):
        act(paid, "mark_license_docs_sent", documents="invoice", channel="post")
    with pytest.raises(ActionRefused, match="channel 'fax' is unknown"):
        act(paid, "mark_license_docs_sent", documents="transfer_act", channel="fax")
    sent = act(
        paid,
        "mark_license_docs_sent",
        at_day(16),
        documents="transfer_act,license_certificate",
        channel="edo",
    )
    assert sent.state == "awaiting_originals"
    assert sent.attrs["license_documents"] == ["transfer_act", "license_certificate"]
    assert local_iso(sent.attrs["originals_send_due_at"]) == "2025-06-23T23:59:59"  # 7 CD


def test_r_lic_10_d_22_post_receipt_is_assumed_after_transit_and_edo_at_sending() -> None:
    case = awaiting_originals()
    posted = RULES.action(
        case, ActionRequest("mark_originals_sent", "hq", {"channel": "post"}), ctx(at_day(17))
    )
    assert {d.kind: d.due_at.isoformat()[:10] for d in posted.deadlines} == {TRANSIT: "2025-06-24"}
    after_post = case_after(posted, case)
    assumed = RULES.deadline(after_post, TRANSIT, posted.deadlines[0].due_at, {}, ctx(at_day(25)))
    assert assumed is not None and assumed.replies == ()
    assert local_iso(assumed.attrs["originals_return_due_at"]) == "2025-07-01T23:59:59"
    returned_due = case_after(assumed, after_post)
    remind = RULES.deadline(returned_due, RETURN_DUE, at_day(1, month=7), {}, ctx(at_day(2, 9, 7)))
    assert remind is not None and remind.replies[0].template == "lic_orig_remind"
    edo = act(case, "mark_originals_sent", at_day(17), channel="edo")
    assert edo.attrs["originals_received_at"] == edo.attrs["originals_sent_at"]
    assert local_iso(edo.attrs["originals_return_due_at"]) == "2025-06-24T23:59:59"


def test_r_lic_10_partner_letter_reports_receipt_of_the_originals() -> None:
    posted = act(awaiting_originals(), "mark_originals_sent", at_day(17), channel="courier")
    letter = facts(at=at_day(19), text="Добрый день! Оригиналы документов получили.")
    decision = RULES.followup(posted, letter, ctx(at_day(19)))
    assert local_iso(decision.attrs["originals_return_due_at"]) == "2025-06-26T23:59:59"
    assert set(decision.cancel_deadlines) == {TRANSIT, RETURN_DUE}


@pytest.mark.parametrize(
    ("identity", "expected"),
    [(AUTHORIZED, ["transfer_act", "supp_agreement"]), (PARTNER, ["transfer_act"])],
)
def test_r_lic_11_support_agreement_is_returned_by_authorized_partners_only(
    identity: Identity, expected: list[str]
) -> None:
    assert awaiting_originals(identity).attrs["return_documents"] == expected


@pytest.mark.parametrize(
    "order",
    [
        ("mark_originals_returned", "mark_original_agreement_received"),
        ("mark_original_agreement_received", "mark_originals_returned"),
    ],
)
def test_r_lic_12_the_last_checklist_item_completes_the_case(order: tuple[str, str]) -> None:
    case = act(awaiting_originals(), "mark_originals_sent", at_day(17), channel="edo")
    with pytest.raises(ActionRefused):
        act(awaiting_originals(), "mark_originals_returned")  # not sent yet
    first = act(case, order[0], at_day(20))
    assert first.state == "awaiting_originals"
    last = RULES.action(first, ActionRequest(order[1], "hq", {}), ctx(at_day(20)))
    assert last.state == "completed" and last.replies[0].template == "lic_completed"


def test_r_lic_12_hq_may_force_completion_with_a_note() -> None:
    with pytest.raises(ActionRefused, match="needs --param note"):
        act(awaiting_originals(), "complete")
    assert act(awaiting_originals(), "complete", note="оригиналы по ЭДО").state == "completed"


def test_r_lic_13_d_35_withdrawal_before_payment_cancels_after_payment_goes_to_hq() -> None:
    withdrawn = RULES.followup(
        awaiting_payment(), facts(text="Отзываем заявку", event="withdrawal"), ctx()
    )
    assert withdrawn.state == "cancelled" and withdrawn.replies[0].template == "lic_cancelled"
    late = RULES.followup(awaiting_originals(), facts(event="withdrawal"), ctx())
    assert late.state == "awaiting_originals"
    assert late.hq_alerts[0].context["alert"] == "withdrawal_after_payment"
    assert act(awaiting_originals(), "cancel", reason="расторжение").state == "cancelled"


def test_r_lic_13_decline_only_before_the_documents_are_sent() -> None:
    assert act(in_review(), "decline", reason="нет плана продаж").state == "rejected"
    with pytest.raises(
        ActionRefused, match="not possible for TCM-000001 in state awaiting_payment"
    ):
        act(awaiting_payment(), "decline", reason="x")


def test_r_hq_13_status_query_and_r_thr_11_letters_after_the_end_change_nothing() -> None:
    status = RULES.followup(in_review(), facts(event="status_query"), ctx())
    assert (status.state, status.replies[0].template) == ("in_review", "lic_status")
    done = act(in_review(), "decline", reason="x")
    closed = RULES.followup(done, facts(text="Почему?"), ctx())
    assert (closed.state, closed.replies[0].template) == ("rejected", "case_closed_thread")


def test_r_hq_5_unknown_action_lists_the_license_actions() -> None:
    with pytest.raises(ActionRefused, match="license actions: accept, approve_partner"):
        act(in_review(), "resolve")


def test_r_val_6_an_answer_that_also_asks_when_completes_the_request_first() -> None:
    waiting = case_after(RULES.new_case(facts(findings=Findings(("kpp",), ())), ctx()))
    answer = facts(at=at_day(10), text="КПП: 720301001. Когда будет готов проект?")
    decision = RULES.followup(waiting, replace(answer, event="status_query"), ctx(at_day(10)))
    assert decision.state == "in_review" and decision.replies[0].template == "lic_ack"

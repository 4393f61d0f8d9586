"""Every reply and HQ message the license and resource rules can produce renders, and each
partner letter names the case, its state and what to do next (spec §6, R-NTF-4, R-NTF-5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.letters.context import instants
from bot.rules.decide import CaseView, Decision
from bot.rules.license.licenses import (
    DOCS_DUE,
    HQ_DUE,
    HQ_WARN,
    ORIG_SEND_DUE,
    PAYMENT_DUE,
    RETURN_DUE,
    SCANS_DUE,
)
from parsers.requirements import Findings, Invalid
from replies.render import Renderer
from tests.unit import test_license_rules as lic
from tests.unit import test_resource_rules as res

RENDERER = Renderer()


def render(template: str, case: CaseView, extra: dict[str, Any]) -> tuple[str, str]:
    context = {
        "case_number": case.number,
        "kind": case.kind,
        "state": case.state,
        "topic": "Запрос",
        "company": "ООО «ТЕХНОКОМ»",
        "phone": "(3452) 39-31-33",
        "reply_mailbox": "mail@technocom.tech",
        "general_mailbox": "mail@technocom.tech",
        "attrs": instants(case.attrs),
        "missing": [],
        "invalid": [],
        "now": lic.MON,
        "partner_name": "ООО «Партнер»",
        "field_value": lambda code: str((case.fields.get(code) or {}).get("raw") or "—"),
        "at_risk_ratio": 0.75,
        "previous_case": None,
        "right_mailbox": None,
        "received_at": lic.MON,
        "unknown_tags": [],
        # What the HQ writer adds to its letters (R-HQ-8): HQ's words and the --as address.
        "hq_state": "на рассмотрении",
        "actor": "sd@technocom.tech",
        "flag_word": str,
        **extra,
    }
    rendered = RENDERER.render(template, context)
    return rendered.subject, rendered.text


def license_decisions() -> list[tuple[Decision, CaseView]]:
    """Decisions along every license path, each with the case it leaves behind."""
    out: list[tuple[Decision, CaseView]] = []
    rules, ctx = lic.RULES, lic.ctx

    def keep(decision: Decision, previous: CaseView | None = None) -> CaseView:
        case = lic.case_after(decision, previous)
        out.append((decision, case))
        return case

    def do(case: CaseView, name: str, at=lic.MON, **params: str) -> CaseView:
        return keep(rules.action(case, lic.ActionRequest(name, "hq", params), ctx(at)), case)

    keep(rules.new_case(lic.facts(identity=None), ctx()))
    manual = ctx(license={"scan_only_policy": "hq_manual_entry"})
    keep(rules.new_case(lic.facts(flags=("scan_without_text",)), manual))
    scan_only = Findings(("inn",), (Invalid("bank_account", "не соответствует БИК"),))
    keep(rules.new_case(lic.facts(findings=scan_only, flags=("scan_without_text",)), ctx()))
    fields = {**lic.FORM, "purpose": lic.ok(["demo"]), "inn": lic.ok("7700000009")}
    case = keep(rules.new_case(lic.facts(fields=fields), ctx()))
    for name in ("status_query", None):
        keep(rules.followup(case, lic.facts(event=name, text="Добрый день"), ctx()), case)
    for kind in (HQ_WARN, HQ_DUE):
        keep(rules.deadline(case, kind, lic.at_day(17), {}, ctx()), case)
    do(case, "reject_scan", reason="нет печати")
    do(case, "decline", reason="нет плана")
    request = lic.ActionRequest("send_license_docs", "hq", {"draft_agreement": "d", "invoice": "i"})
    sent = keep(rules.action(case, request, ctx()), case)
    scans = lic.facts(attachments=("signed.pdf",), flags=("event:signed_scans",))
    keep(rules.followup(sent, scans, ctx(lic.at_day(10, 11))), sent)
    keep(rules.deadline(sent, SCANS_DUE, lic.at_day(18), {}, ctx()), sent)
    keep(rules.followup(sent, lic.facts(event="status_query"), ctx()), sent)
    do(sent, "set_payment_term", days="7")
    paying = lic.awaiting_payment()
    for params in ({"days": "7"}, {"date": "2025-06-30"}):
        request = lic.ActionRequest("set_payment_term", "hq", params)
        keep(rules.action(paying, request, ctx()), paying)
    do(paying, "reject_scans", reason="нечитаемо")
    keep(rules.deadline(paying, PAYMENT_DUE, lic.at_day(19, 11), {}, ctx()), paying)
    order = lic.facts(text="Оплатили, п/п № 5 от 10.06.2025", attachments=("pp.pdf",))
    keep(rules.followup(paying, order, ctx()), paying)
    keep(rules.followup(paying, lic.facts(event="withdrawal"), ctx()), paying)
    paid = do(paying, "mark_paid", lic.at_day(11), payment_date="2025-06-10")
    keep(rules.deadline(paid, DOCS_DUE, lic.at_day(10, 23, 7), {}, ctx()), paid)
    request = lic.ActionRequest(
        "mark_license_docs_sent", "hq", {"documents": "license_certificate", "channel": "edo"}
    )
    keep(rules.action(paid, request, ctx(lic.at_day(16))), paid)
    for identity in (lic.PARTNER, lic.AUTHORIZED):
        originals = lic.awaiting_originals(identity)
        keep(rules.followup(originals, lic.facts(event="withdrawal"), ctx()), originals)
        keep(rules.deadline(originals, ORIG_SEND_DUE, lic.at_day(23), {}, ctx()), originals)
        for channel in ("edo", "post"):
            request = lic.ActionRequest("mark_originals_sent", "hq", {"channel": channel})
            posted = keep(rules.action(originals, request, ctx(lic.at_day(17))), originals)
        keep(rules.followup(posted, lic.facts(text="Оригиналы получили"), ctx()), posted)
        keep(rules.deadline(posted, RETURN_DUE, lic.at_day(2, month=7), {}, ctx()), posted)
        returned = lic.facts(text="Отправили подписанный акт почтой")
        keep(rules.followup(posted, returned, ctx()), posted)
        keep(rules.followup(posted, lic.facts(event="status_query"), ctx()), posted)
        done = do(posted, "complete", note="ЭДО")
        keep(rules.followup(done, lic.facts(text="Спасибо"), ctx()), done)
        do(originals, "cancel", reason="x")
    return out


def resource_decisions() -> list[tuple[Decision, CaseView]]:
    out: list[tuple[Decision, CaseView]] = []
    rules, ctx = res.RULES, res.ctx

    def keep(decision: Decision, previous: CaseView | None = None) -> CaseView:
        case = res.case_after(decision, previous)
        out.append((decision, case))
        return case

    keep(rules.new_case(res.facts(None), ctx()))
    keep(rules.new_case(res.facts(findings=res.Findings(("tasks",), ())), ctx()))
    keep(rules.new_case(res.facts(replace(res.AUTHORIZED, role=None)), ctx()))
    review = keep(rules.new_case(res.facts(), ctx(used=70)))
    keep(rules.deadline(review, res.REVIEW_DUE, res.MON + timedelta(days=7), {}, ctx()), review)
    keep(rules.followup(review, res.facts(), ctx()), review)
    keep(rules.followup(review, replace(res.facts(), event="status_query"), ctx()), review)
    keep(res.action(review, "request_info", text="Какая СУБД?"), review)
    keep(res.action(review, "decline", reason="нет подготовки"), review)
    case = keep(res.action(review, "assign", employee="Смирнов А.В.", schedule="16–20.06"), review)
    over = keep(res.action(case, "log_hours", used=75, hours="10"), case)
    done = keep(res.action(over, "complete", used=85, hours_total="12"), over)
    keep(rules.followup(done, res.facts(), ctx()), done)
    return out


CASES = [*license_decisions(), *resource_decisions()]


@pytest.mark.parametrize(("decision", "case"), CASES, ids=[d.event for d, _ in CASES])
def test_r_ntf_10_every_reply_renders_with_the_required_content(
    decision: Decision, case: CaseView
) -> None:
    for intent in decision.replies:
        subject, text = render(intent.template, case, intent.context)
        assert subject.startswith(f"[{case.number}]")
        assert text.startswith(f"Номер обращения: {case.number}.")  # spec §6
        assert "Что дальше" in text  # R-NTF-5
        assert "{{" not in text and "None" not in text
        assert "Пример: ." not in text  # every field named has a Russian label (R-VAL-7)
    for alert in decision.hq_alerts:
        subject, text = render(alert.template, case, alert.context)
        assert case.number in subject and "None" not in text


def test_every_license_and_resource_path_was_exercised() -> None:
    templates = {r.template for d, _ in CASES for r in (*d.replies, *d.hq_alerts)}
    assert templates >= {
        "lic_clarify",
        "lic_hqreview",
        "lic_ack",
        "lic_docs",
        "lic_scans_ack",
        "lic_payment_term",
        "lic_remind",
        "lic_followup_ack",
        "lic_paid_ack",
        "lic_licdocs",
        "lic_orig_sent",
        "lic_orig_remind",
        "lic_completed",
        "lic_rej",
        "lic_cancelled",
        "lic_status",
        "case_closed_thread",
        "hq_license_alert",
        "res_clarify",
        "res_ack",
        "res_assigned",
        "res_overlimit",
        "res_done",
        "res_rej",
        "res_status",
        "hq_accounting",
        "hq_resource_alert",
    }

"""License requests end to end: letters through ingest, time through tick, HQ through actions.

The request letters are the stored corpus (tests/letters, Appendix 1 in the body, DOCX, bad
account key), re-addressed from a registered partner where the test needs one (spec §5.3).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.partners import find_partner, identify
from bot.rules.action_base import ActionRefused
from tests.conftest import deliver, register_partner
from tests.integration.test_service_desk import HQ, act, at, partner_replies, show
from tests.support.letters import letter

LETTERS = Path(__file__).resolve().parents[1] / "letters"
POSTAL = "625013, г. Тюмень, ул. Пермякова, д.1, стр.5, оф.904"


def corpus(name: str, sender: str = "ivan@partner.ru") -> bytes:
    """A stored letter, sent by `sender` (the corpus writes from petrov@geopartner.ru)."""
    return (LETTERS / name).read_bytes().replace(b"petrov@geopartner.ru", sender.encode())


def in_thread(case: str, body: str, files: list[tuple[str, bytes, str]] | None = None) -> bytes:
    return letter(
        subject=f"Re: [{case}] Запрос лицензий",
        to="mail@technocom.tech",
        body=body,
        attachments=files,
    )


def texts(replies: list[dict], to: str | None = None) -> str:
    return "\n".join(r["text"] for r in replies if to is None or r["to"] == to)


def tick(service) -> list[dict]:
    return service.ticker.tick().replies


def pdf(name: str) -> list[tuple[str, bytes, str]]:
    return [(name, b"%PDF-1.4\n%stub\n", "application/pdf")]


def test_r_lic_1_to_r_lic_12_r_lic_17_a_license_request_through_every_step_with_reminders(
    service, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)  # Mon; 9 March 2026 is a day off
    request = deliver(service, corpus("26_license_form_in_body_scan.eml"))
    assert (request.kind, request.state) == ("license_request", "in_review")
    [ack] = partner_replies(request)
    # R-NTF-2: the partner's topic in the subject, the state in the first line (issue 24).
    assert ack["subject"].startswith("[TCM-000001] Запрос лицензий: ")
    assert ack["text"].startswith("Номер обращения: TCM-000001. Запрос лицензий принят в работу.")
    assert "ГеоКадастр Сервер, 5 лицензий — конечный заказчик ООО «Северный кадастр»" in ack["text"]
    assert "до 10.03.2026 10:00 (GMT+5) (5 рабочих дней)" in ack["text"]  # R-LIC-4
    case = request.case

    at(frozen_clock, 2026, 3, 6, 10, 1)  # R-LIC-4: HQ alert one working day before
    [soon] = tick(service)
    assert soon["to"] == HQ and "остался 1 рабочий день" in soon["subject"]
    at(frozen_clock, 2026, 3, 10, 10, 1)
    [due] = tick(service)
    assert "ИСТЕК" in due["subject"] and "до 10.03.2026 10:00 (GMT+5)" in due["text"]

    docs = act(
        service, case, "send_license_docs", draft_agreement="Проект.docx", invoice="Счет.pdf"
    )
    assert docs.state == "awaiting_signed_scans"
    text = texts(docs.replies)
    assert "(«Проект.docx»)" in text and "(«Счет.pdf»)" in text
    assert "до 17.03.2026 10:01 (GMT+5) (5 рабочих дней)" in text  # R-LIC-5
    assert POSTAL in text and "ЭДО «Диадок»" in text  # R-LIC-17

    at(frozen_clock, 2026, 3, 17, 10, 2)  # R-LIC-7: one reminder and an HQ flag
    overdue = tick(service)
    assert {r["template"] for r in overdue} == {"lic_remind", "hq_license_alert"}
    assert "истек 17.03.2026 10:01 (GMT+5)" in texts(overdue, "ivan@partner.ru")
    assert tick(service) == []

    at(frozen_clock, 2026, 3, 18, 9, 0)  # R-LIC-6: scans filed to the same case
    scans = deliver(
        service,
        in_thread(case, "Направляем сканы подписанного лицензионного соглашения.", pdf("LA.pdf")),
    )
    assert (scans.case, scans.state) == (case, "awaiting_payment")
    assert "Оплатите счет до 25.03.2026 09:00 (GMT+5)" in texts(partner_replies(scans))

    order = deliver(
        service,
        in_thread(
            case, "Оплата произведена, платежное поручение № 318 от 18.03.2026.", pdf("pp.pdf")
        ),
    )
    assert order.state == "awaiting_payment"  # R-LIC-8: only HQ confirms payment
    assert "Платежное поручение получено" in texts(partner_replies(order))
    assert "mark_paid" in texts(order.replies, HQ)

    at(frozen_clock, 2026, 3, 25, 9, 1)
    assert [r["template"] for r in tick(service)] == ["lic_remind", "hq_license_alert"]
    paid = act(service, case, "mark_paid", payment_date="2026-03-24")
    assert paid.state == "awaiting_license_docs"
    assert "до 24.04.2026 23:59 (GMT+5)" in texts(paid.replies)  # R-LIC-8 / D-21
    attrs = show(service, case)["attrs"]  # R-PIN-14: what the pin rules read
    assert (attrs["payment_date"], attrs["paid_end_customer_inns"]) == ("2026-03-24", [])

    at(frozen_clock, 2026, 4, 25, 0, 0)  # R-LIC-9: HQ is told when it is late
    [late] = tick(service)
    assert late["to"] == HQ and "акта/сертификата ИСТЕК" in late["subject"]
    sent = act(
        service,
        case,
        "mark_license_docs_sent",
        documents="transfer_act,license_certificate",
        channel="post",
    )
    text = texts(sent.replies)
    assert "акт передачи прав на лицензию и сертификат на лицензию почтой" in text
    assert "передайте лицензии конечному пользователю" in text
    # R-LIC-11: a gold partner returns the act only.
    assert "с момента получения оригиналов: акт передачи прав на лицензию." in text
    assert "дополнительное соглашение" not in text

    at(frozen_clock, 2026, 4, 27, 12, 0)
    posted = act(service, case, "mark_originals_sent", channel="post")
    assert "считаются полученными 04.05.2026 23:59 (GMT+5)" in texts(posted.replies)
    at(frozen_clock, 2026, 5, 5, 0, 0)
    assert tick(service) == []  # D-22: receipt assumed after the postal transit, no letter
    at(frozen_clock, 2026, 5, 12, 0, 0)
    [remind] = tick(service)
    assert remind["template"] == "lic_orig_remind" and POSTAL in remind["text"]
    assert "истек 11.05.2026 23:59 (GMT+5)" in remind["text"]

    returned = act(service, case, "mark_originals_returned")
    assert returned.state == "awaiting_originals" and returned.replies == []
    done = act(service, case, "mark_original_agreement_received")
    assert done.state == "completed"  # R-LIC-12: the last checklist item completes it
    assert "Оплата подтверждена (дата оплаты 24.03.2026)" in texts(done.replies)

    after = deliver(service, in_thread(case, "Спасибо! Когда будет следующий этап?"))
    assert (after.state, after.replies[0]["template"]) == ("completed", "case_closed_thread")


def test_r_lic_2_docx_form_from_a_non_partner_goes_to_hq_then_approve_partner(
    service, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    request = deliver(service, corpus("27_license_docx_outlook.eml"))
    assert request.state == "awaiting_hq"
    [reply] = partner_replies(request)
    assert reply["to"] == "o.sidorova@ural-gis.ru"
    assert "заявка на участие в партнерской программе" in reply["text"]
    assert "после одобрения участия в партнерской программе" in reply["text"]
    assert "approve_partner" in texts(request.replies, HQ)

    at(frozen_clock, 2026, 3, 3, 11, 0)
    # The form's INN is that of the registered gold ООО «Партнер» (issue 19): HQ must confirm
    # the applicant works for it, and the role is never downgraded on the way.
    with pytest.raises(ActionRefused, match="--param merge=yes"):
        act(service, request.case, "approve_partner", role="authorized")
    with pytest.raises(ActionRefused, match="registered as gold, not authorized"):
        act(service, request.case, "approve_partner", role="authorized", merge="yes")
    assert show(service, request.case)["state"] == "awaiting_hq"
    with service.sessions() as session:
        assert identify(session, "o.sidorova@ural-gis.ru", "general") is None
    approved = act(service, request.case, "approve_partner", role="gold", merge="yes")
    assert approved.state == "in_review"
    text = texts(approved.replies)
    assert "• ТехноКарта Сервер — конечный заказчик АО «Тюменьгазстрой»" in text
    assert "• ТехноКарта Мобайл, 10 мест — конечный заказчик АО «Тюменьгазстрой»" in text
    assert "модификации функциональных компонентов" in text
    assert "до 11.03.2026 11:00 (GMT+5)" in text  # 5 WD from the approval
    # The applicant is now a registered partner: its next letter is identified.
    with service.sessions() as session:
        identity = identify(session, "o.sidorova@ural-gis.ru", "general")
        partner = identify(session, "ivan@partner.ru", "general")
    assert identity is not None and identity.role == "gold"
    # Confirmed by HQ: the partner's record is kept, the applicant's address joins it.
    assert partner is not None and identity.partner_id == partner.partner_id
    assert partner.partner_name == "ООО «Партнер»"


def test_r_lic_2_approve_partner_registers_a_new_company_under_the_name_hq_gives(
    service, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    request = deliver(service, corpus("32_license_sole_trader.eml", "kuzmin@ip-kuzmin.ru"))
    assert request.state == "awaiting_hq"
    approved = act(service, request.case, "approve_partner", role="gold", name="ИП Кузьмин А.А.")
    assert approved.state == "in_review"
    with service.sessions() as session:
        partner = find_partner(session, "500100000015")
        identity = identify(session, "kuzmin@ip-kuzmin.ru", "general")
    assert partner is not None and (partner.name, partner.role) == ("ИП Кузьмин А.А.", "gold")
    assert identity is not None and identity.partner_id == partner.id
    assert show(service, request.case)["state"] == "in_review"


def test_r_val_3_r_val_7_bad_account_key_is_named_then_the_answer_completes(
    service, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    request = deliver(service, corpus("29_license_bad_account_key.eml"))
    assert (request.state, [i["field"] for i in request.invalid]) == (
        "needs_info",
        ["bank_account"],
    )
    [clarify] = partner_replies(request)
    assert "требуется уточнение" in clarify["text"].splitlines()[0]
    assert "Расчетный счет не соответствует БИК" in clarify["text"]
    assert "40702810100000000001" in clarify["text"]
    answer = deliver(
        service,
        in_thread(
            request.case,
            "Исправленные реквизиты:\nР/счет: 40702810200000000001 в ПАО «Сбербанк»\n"
            "К/счет: 30101810400000000225\nБИК: 044525225",
        ),
    )
    assert (answer.case, answer.state) == (request.case, "in_review")


def test_r_lic_13_withdrawal_before_payment_and_r_hq_13_status(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    request = deliver(service, corpus("26_license_form_in_body_scan.eml"))
    status = deliver(service, in_thread(request.case, "Подскажите, какой срок ответа по заявке?"))
    assert status.state == "in_review"
    assert "направит проект лицензионного соглашения и счет до 10.03.2026 10:00" in texts(
        partner_replies(status)
    )
    withdrawn = deliver(service, in_thread(request.case, "Отзываем заявку, проект отменен."))
    assert withdrawn.state == "cancelled"
    assert "Причина: вы отозвали заявку" in texts(partner_replies(withdrawn))
    at(frozen_clock, 2026, 3, 10, 10, 1)
    assert tick(service) == []  # the HQ timers went with the case


def test_r_hq_5_license_actions_from_the_cli_refuse_what_the_state_forbids(
    service, frozen_clock, capsys, monkeypatch
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    request = deliver(service, corpus("26_license_form_in_body_scan.eml"))
    with pytest.raises(ActionRefused, match="allowed in: awaiting_payment"):
        act(service, request.case, "mark_paid", payment_date="2026-03-02")
    monkeypatch.setenv("PARTNERDESK_DATABASE_URL", service.settings.database_url)
    args = ["case", request.case, "send_license_docs", "--as", HQ, "--json"]
    params = ["--param", "draft_agreement=Проект.docx", "--param", "invoice=Счет.pdf"]
    assert main([*args, *params]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "awaiting_signed_scans"
    paid = ["case", request.case, "mark_paid", "--as", HQ, "--param", "payment_date=x"]
    # R-HQ-5: mark_paid is limited to some roles (hq.permissions); HQ holds none of them.
    assert main(paid) == 1
    assert "mark_paid is allowed only to the roles" in capsys.readouterr().err
    monkeypatch.setenv("PARTNERDESK_HQ__ROLES", json.dumps({"accounting": [HQ]}))
    assert main(paid) == 1
    assert "allowed in: awaiting_payment" in capsys.readouterr().err


def test_r_lic_14_r_lic_15_end_customer_pinned_by_another_partner_is_told_to_hq_only(
    service, frozen_clock
) -> None:
    from bot.partners import upsert_partner
    from bot.store.models import Case

    now = at(frozen_clock, 2026, 3, 2, 10, 0)
    with service.sessions.begin() as session:
        other = upsert_partner(session, {"name": "ООО «Другой»", "inn": "7700000009"}, now)
        session.add(
            Case(
                number="TCM-000900",
                kind="pin_request",
                state="pinned",
                mailbox="general",
                requester="x@other.ru",
                subject="Закрепление",
                fields={},
                missing=[],
                invalid=[],
                created_at=now,
                updated_at=now,
                partner_id=other.id,
                attrs={"client_inn": "500100000015"},
            )
        )
    result = deliver(service, corpus("34_license_html_two_rows.eml"))
    assert result.state == "in_review"
    hq = texts(result.replies, HQ)
    assert "Без партнерской скидки" in hq and "скидка партнера не предоставляется" in hq
    assert "ИНН 500100000015: закреплен за другим партнером (TCM-000900)" in hq
    assert "ИНН 7204196795: свободен" in hq
    assert show(service, result.case)["attrs"]["flags"] == ["no_partner_discount"]
    partner = texts(partner_replies(result))
    assert "скидк" not in partner and "TCM-000900" not in partner  # R-LIC-15, R-NTF-9
    assert (
        "• ТехноКарта Сервер — конечный заказчик ООО «Ромашка-Агро» (ИНН 500100000015)" in partner
    )


def test_r_hq_5_approve_partner_refuses_an_address_of_another_registered_partner(
    service, frozen_clock
) -> None:
    suspended = {"name": "ООО «Бывший»", "inn": "7700000009", "status": "suspended"}
    register_partner(service, {**suspended, "addresses": ["ivan@old.ru"]})
    at(frozen_clock, 2026, 3, 2, 10, 0)
    request = deliver(service, corpus("26_license_form_in_body_scan.eml", "ivan@old.ru"))
    assert request.state == "awaiting_hq"  # an inactive partner is not a partner (R-LIC-2)
    with pytest.raises(ActionRefused, match="already belongs to another partner"):
        act(service, request.case, "approve_partner", role="gold", merge="yes")
    assert show(service, request.case)["state"] == "awaiting_hq"


def test_r_thr_4_step_5_untagged_scans_join_the_one_case_waiting_for_them(
    service, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    first = deliver(service, corpus("26_license_form_in_body_scan.eml"))
    act(service, first.case, "send_license_docs", draft_agreement="d.docx", invoice="i.pdf")
    scans = letter(
        subject="Подписанное соглашение",
        to="mail@technocom.tech",
        body="Добрый день! Направляем сканы подписанного лицензионного соглашения.",
        attachments=pdf("LA.pdf"),
    )
    joined = deliver(service, scans)
    assert (joined.case, joined.state) == (first.case, "awaiting_payment")
    # D-39: with two cases waiting for scans the bot does not guess.
    form = corpus("26_license_form_in_body_scan.eml")
    second = deliver(service, form.replace(b"Message-ID: <", b"Message-ID: <2."))
    act(service, second.case, "send_license_docs", draft_agreement="d.docx", invoice="i.pdf")
    third = deliver(service, form.replace(b"Message-ID: <", b"Message-ID: <3."))
    act(service, third.case, "send_license_docs", draft_agreement="d.docx", invoice="i.pdf")
    unmatched = deliver(service, scans.replace(b"Message-ID: <", b"Message-ID: <again."))
    assert unmatched.case not in {first.case, second.case, third.case}


def test_r_hq_3_license_alerts_go_to_the_deputy_ceo(settings, frozen_clock) -> None:
    from bot.app import build

    hq = settings.hq.model_copy(update={"roles": {"deputy_ceo": ["deputy@technocom.tech"]}})
    service = build(settings.model_copy(update={"hq": hq}), clock=frozen_clock)
    register_partner(service)
    at(frozen_clock, 2026, 3, 2, 10, 0)
    request = deliver(service, corpus("26_license_form_in_body_scan.eml"))
    assert request.state == "in_review"
    at(frozen_clock, 2026, 3, 6, 10, 1)  # one working day before HQ's 5 WD end
    [alert] = tick(service)
    assert alert["to"] == "deputy@technocom.tech"
    service.engine.dispose()

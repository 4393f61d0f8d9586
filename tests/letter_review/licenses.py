"""License requests (spec §5.3): acceptance, clarification, HQ review, the documents, the
scheduler's reminders, payment, originals, completion, refusal and cancellation."""

from __future__ import annotations

from pathlib import Path

from tests.letter_review.desk import GENERAL, Desk, Keep, partner_letters
from tests.support.letters import letter

LETTERS = Path(__file__).resolve().parents[1] / "letters"


def stored(name: str, sender: str = "ivan@partner.ru") -> bytes:
    """A letter of tests/letters, sent from `sender` (the letters write from geopartner.ru)."""
    return (LETTERS / name).read_bytes().replace(b"petrov@geopartner.ru", sender.encode())


def in_thread(case: str, body: str, files: list[tuple[str, bytes, str]] | None = None) -> bytes:
    return letter(subject=f"Re: [{case}] Запрос лицензий", to=GENERAL, body=body, attachments=files)


def pdf(name: str) -> list[tuple[str, bytes, str]]:
    return [(name, b"%PDF-1.4\n%stub\n", "application/pdf")]


def lifecycle(desk: Desk, keep: Keep) -> None:
    """R-LIC-1 … R-LIC-12, R-LIC-17: one request through every step, with the reminders."""
    request = desk.write(stored("26_license_form_in_body_scan.eml"))
    case = request.case
    keep("license_accepted", request, "lic_ack")
    desk.at(2026, 3, 3, 11, 0)
    status = desk.write(in_thread(case, "Подскажите, какой срок ответа по заявке?"))
    keep("license_status_in_review", status, "lic_status")
    docs = desk.act(
        case, "send_license_docs", draft_agreement="Проект ЛС-17.docx", invoice="Счет 318.pdf"
    )
    keep("license_draft_and_invoice_sent", docs, "lic_docs")
    desk.at(2026, 3, 11, 11, 1)  # R-LIC-7: the scans are late
    keep("license_reminder_scans", desk.tick(), "lic_remind")
    desk.at(2026, 3, 12, 9, 0)
    scans = desk.write(
        in_thread(
            case,
            "Направляем сканы подписанного лицензионного соглашения.",
            pdf("ЛС-17 подписано.pdf"),
        )
    )
    keep("license_scans_received", scans, "lic_scans_ack")
    order = desk.write(
        in_thread(
            case, "Оплата произведена, платежное поручение № 318 от 12.03.2026.", pdf("pp-318.pdf")
        )
    )
    keep("license_payment_order_received", order, "lic_followup_ack")
    desk.at(2026, 3, 19, 9, 1)  # R-LIC-7: the payment is late
    keep("license_reminder_payment", desk.tick(), "lic_remind")
    paid = desk.act(case, "mark_paid", payment_date="2026-03-18")
    keep("license_payment_confirmed", paid, "lic_paid_ack")
    desk.at(2026, 4, 1, 12, 0)
    sent = desk.act(
        case, "mark_license_docs_sent", documents="transfer_act,license_certificate", channel="post"
    )
    keep("license_documents_sent", sent, "lic_licdocs")
    desk.at(2026, 4, 2, 12, 0)
    keep(
        "license_originals_sent",
        desk.act(case, "mark_originals_sent", channel="post"),
        "lic_orig_sent",
    )
    desk.at(2026, 4, 17, 0, 0)
    keep("license_reminder_originals", desk.tick(), "lic_orig_remind")
    desk.act(case, "mark_originals_returned")
    keep("license_completed", desk.act(case, "mark_original_agreement_received"), "lic_completed")
    desk.at(2026, 4, 20, 10, 0)
    after = desk.write(
        in_thread(case, "Спасибо! Подскажите, когда можно будет заказать еще лицензии?")
    )
    keep("license_letter_after_completion", after, "case_closed_thread")


def clarifications(desk: Desk, keep: Keep) -> None:
    """R-LIC-1, R-LIC-2, R-LIC-3, R-VAL-3: incomplete forms, a scan only, a new applicant."""
    bad_key = desk.write(stored("29_license_bad_account_key.eml"))
    keep("license_clarify_bank_account", bad_key, "lic_clarify")
    missing = desk.write(stored("31_license_missing_kpp_ogrn_scan.eml"))
    keep("license_clarify_missing_details", missing, "lic_clarify")
    group = desk.write(stored("26_license_form_in_body_scan.eml", "petrov@geopartner.ru"))
    keep("license_accepted_inn_of_another_company", group, "lic_ack")
    newcomer = desk.write(stored("27_license_docx_outlook.eml", "o.sidorova@ural-gis.ru"))
    keep("license_applicant_not_a_partner", newcomer, "lic_hqreview")


def refusals(desk: Desk, keep: Keep) -> None:
    """R-LIC-13: declined by HQ, withdrawn by the partner, a payment term, a scan refused."""
    first = desk.write(stored("26_license_form_in_body_scan.eml")).case
    keep(
        "license_declined",
        desk.act(
            first,
            "decline",
            reason="по этому клиенту действует лицензионный договор с другим партнером",
        ),
        "lic_rej",
    )
    second = desk.write(stored("34_license_html_two_rows.eml")).case
    desk.act(second, "send_license_docs", draft_agreement="Проект.docx", invoice="Счет.pdf")
    scans = desk.write(
        in_thread(second, "Направляем сканы подписанных документов.", pdf("скан.pdf"))
    )
    assert [r.template for r in partner_letters(scans)] == ["lic_scans_ack"]
    keep(
        "license_scans_refused",
        desk.act(second, "reject_scans", reason="на скане нет подписи руководителя и печати"),
        "lic_clarify",
    )
    third = desk.write(stored("28_license_pdf_text_layer_sig.eml")).case
    desk.act(third, "send_license_docs", draft_agreement="Проект.docx", invoice="Счет.pdf")
    desk.write(in_thread(third, "Направляем сканы подписанных документов.", pdf("скан.pdf")))
    keep(
        "license_payment_term_set",
        desk.act(third, "set_payment_term", days="10"),
        "lic_payment_term",
    )
    withdrawn = desk.write(in_thread(third, "Отзываем заявку, проект отменен."))
    keep("license_withdrawn", withdrawn, "lic_cancelled")


SCENARIOS = (lifecycle, clarifications, refusals)

"""License follow-ups (§3.6): payment order, originals received and returned, signed scans."""

from __future__ import annotations

from datetime import UTC, datetime

from parsers import extract, parse_letter
from parsers.extract_license_docs import date_in, license_event
from parsers.types import Kind
from tests.support.letters import letter

LETTER_DATE = datetime(2026, 4, 9, 8, 0, tzinfo=UTC)


def _read(body: str, attachments: list[tuple[str, bytes, str]] | None = None):
    raw = letter(
        subject="Re: [TCM-000510] Документы",
        body=body,
        to="mail@technocom.tech",
        date=LETTER_DATE,
        attachments=attachments,
    )
    return extract(parse_letter(raw), Kind.LICENSE_DOCUMENTS, received_at=LETTER_DATE)


def test_r_lic_8_payment_order_number_and_date() -> None:
    request = _read("Оплатили, п/п № 552 от 08.04.2026, копия приложена.")
    assert request.fields["payment_document"].value["number"] == "552"
    assert request.fields["payment_date"].value == "2026-04-08"
    assert "event:payment_order" in request.flags


def test_r_lic_10_originals_received_with_a_day_and_month_only() -> None:
    request = _read("Здравствуйте. Оригинал сертификата и акта мы получили 07.04, спасибо.")
    assert request.fields["received_date"].value == "2026-04-07"


def test_r_lic_10_originals_received_without_a_date_default_to_the_letter_date() -> None:
    request = _read("Получили оригиналы документов, всё в порядке.")
    assert request.fields["received_date"].value == "2026-04-09"


def test_r_lic_12_returned_originals_track_number_and_yesterday() -> None:
    request = _read(
        "Подписанный акт отправили вчера заказным письмом.\nШПИ 62501234567890\nВсего доброго."
    )
    assert request.fields["tracking_number"].value == "62501234567890"
    assert request.fields["return_date"].value == "2026-04-08"


def test_r_lic_6_scan_of_signed_agreement_with_original_by_post_is_signed_scans() -> None:
    text = "Скан подписанного соглашения прикладываем, оригинал отправили Почтой России."
    assert license_event(text) == "signed_scans"


def test_date_in_places_a_december_date_written_in_january_in_the_previous_year() -> None:
    assert date_in("получили 28.12", datetime(2027, 1, 3).date()) == "2026-12-28"


def test_r_lic_12_a_papers_own_date_is_not_the_day_it_was_sent() -> None:
    # «акт № … от <date>» dates the act; the sending day is the other date, or «сегодня».
    dated = _read(
        "Оригиналы акта № 71 от 02.04.2026 и соглашения отправили 08.04.2026 курьером, "
        "накладная 1234 5678 90."
    )
    assert dated.fields["return_date"].value == "2026-04-08"
    today = _read("Акт приема-передачи от 01.04.2026 отправили сегодня Почтой России.")
    assert today.fields["return_date"].value == "2026-04-09"


def test_r_lic_10_receipt_of_a_dated_paper_without_a_day_is_the_letters_date() -> None:
    request = _read("Оригинал лицензионного договора № 5 от 30.03.2026 получили, спасибо.")
    assert request.fields["received_date"].value == "2026-04-09"


def test_r_lic_8_the_invoice_paid_on_a_day_by_a_numbered_order() -> None:
    request = _read(
        "Счет № 402 от 01.04.2026 оплачен 08.04.2026 платежным поручением № 2291, "
        "копия во вложении."
    )
    assert request.fields["payment_date"].value == "2026-04-08"
    assert request.fields["payment_document"].value["number"] == "2291"


def test_r_lic_12_a_tracking_number_labelled_with_a_bracketed_abbreviation() -> None:
    request = _read(
        "Оригиналы отправили сегодня заказным письмом.\n"
        "Почтовый идентификатор (ШПИ): 62615212014730"
    )
    assert request.fields["tracking_number"].value == "62615212014730"


def test_r_lic_12_scans_sent_with_the_originals_keep_the_track_and_date() -> None:
    request = _read(
        "Акт подписали, оригиналы отправили вам сегодня, 08.04.2026, Почтой России, трек-номер "
        "62007598123456.\n\nСканы подписанных документов во вложении."
    )
    assert "event:signed_scans" in request.flags
    assert request.fields["tracking_number"].value == "62007598123456"
    assert request.fields["return_date"].value == "2026-04-08"


def test_r_lic_6_agreement_signed_in_edo_is_a_license_follow_up() -> None:
    from parsers.classify import classify

    body = (
        "Лицензионное соглашение N ЛС-2026/455 от 26.11.2026 (Гео-Сервер,\nАО «Вектор») "
        "подписали со своей стороны в Диадоке. Бумажный экземпляр не отправляем."
    )
    raw = letter(subject="Соглашение подписано", body=body, to="mail@technocom.tech")
    assert classify(parse_letter(raw), "general").kind == Kind.LICENSE_DOCUMENTS

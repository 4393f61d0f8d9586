"""Automatic mail without RFC 3834 headers, recognised by content (R-MBX-3, R-ID-5, D-37)."""

from __future__ import annotations

import pytest

from bot.rules.loop_guard import is_bounce
from parsers import is_automatic, parse_letter, parse_report


def raw(body: str, subject: str = "", headers: str = "", sender: str = "a.petrov@partner.ru"):
    return (
        f"From: {sender}\r\nTo: mail@vendor.example\r\nSubject: {subject}\r\n{headers}"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}"
    ).encode()


def letter(body: str, subject: str = "", headers: str = "", sender: str = "a.petrov@partner.ru"):
    return parse_letter(raw(body, subject, headers, sender))


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Автоматический ответ: Запрос лицензий", "Спасибо за письмо."),
        ("RE: Автоответ: заявка", "Спасибо, ваше письмо получено."),
        ("Out of Office: license request", "Thank you for your message."),
        ("Auto Reply: pins", "Thanks."),
        ("Re: [TCM-000012] Закрепление", "Нахожусь в ежегодном отпуске до 14 января."),
        ("Re: квартальный отчет", "I am out of the office until Monday."),
        ("Re: договор", "Буду отсутствовать до 20.02. По срочным вопросам звоните Ивановой."),
    ],
)
def test_r_mbx_3_out_of_office_without_headers(subject: str, body: str) -> None:
    assert is_automatic(letter(body, subject)) is not None


def test_r_mbx_3_a_short_request_saying_someone_else_is_on_vacation_is_no_autoreply() -> None:
    body = (
        "Направляем заявку на лицензии для предварительного рассмотрения. Генеральный "
        "директор в отпуске до 07.12.2026 — подписанный экземпляр пришлём после."
    )
    assert is_automatic(letter(body, "Заявка на лицензии")) is None
    # and the first person still is one
    assert is_automatic(letter("Здравствуйте. Я в отпуске до 07.12.2026.", "Re: заявка"))


def test_r_mbx_3_a_long_request_that_mentions_a_vacation_is_written_by_a_person() -> None:
    body = (
        "Добрый день! Я в отпуске до 10 марта, поэтому прошу предварительно закрепить клиента "
        "сейчас. Клиент: ООО «Вектор», ИНН 7204196795, адрес: г. Курган, ул. Ленина, 5. "
        "Договор № 15/2026 от 01.02.2026. Причина интереса: модернизация сетей водоснабжения. "
        "Контактные лица: Сидоров П. П., +7 912 000-00-01; Кузнецова А. А., +7 912 000-00-02. "
    ) * 3
    assert is_automatic(letter(body, "Предварительное закрепление")) is None


@pytest.mark.parametrize(
    ("subject", "body", "sender"),
    [
        (
            "Mail delivery failed: returning message to sender",
            "This message was created automatically by mail delivery software.\n\n"
            "A message that you sent could not be delivered to one or more of its recipients.",
            "mail-relay@isp.example",
        ),
        (
            "failure notice",
            "Hi. This is the qmail-send program at mx.example.org.\nI'm afraid I wasn't able "
            "to deliver your message to the following addresses.",
            "relay@mx.example.org",
        ),
        (
            "Returned mail: see transcript for details",
            "The original message was received at Mon, 2 Mar 2026 10:00:00 +0500\n"
            "----- The following addresses had permanent fatal errors -----",
            "relay@mx.example.org",
        ),
        (
            "Ваше сообщение не доставлено",
            "Сообщение не было доставлено: адрес получателя не найден.",
            "robot-mail@post.example",
        ),
        (
            "Undeliverable: Запрос",
            "Delivery has failed to these recipients or groups:\nivanov@partner.ru",
            "exchange@partner.ru",
        ),
    ],
)
def test_r_mbx_3_bounces_of_every_mta_by_content(subject: str, body: str, sender: str) -> None:
    parsed = letter(body, subject, sender=sender)
    assert is_automatic(parsed) is not None
    assert is_bounce(parsed)  # HQ hears of undeliverable bot letters (R-MBX-3)


def test_r_mbx_3_a_partner_writing_about_a_lost_letter_is_not_a_bounce() -> None:
    body = "Добрый день! Наше письмо от 3 марта вам не доставлено? Ответа так и не получили."
    assert is_automatic(letter(body, "Re: письмо не дошло")) is None


def test_r_mbx_3_returned_headers_part_inside_a_mixed_letter() -> None:
    message = (
        b"From: relay@mx.example.org\r\nSubject: note\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
        b"--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"From: mail@vendor.example\r\nSubject: [TCM-000001] reminder\r\n--b--\r\n"
    )
    assert is_automatic(parse_letter(message)) is not None


@pytest.mark.parametrize(
    "headers",
    [
        "List-Unsubscribe: <mailto:leave@news.example>\r\n",
        "List-Post: <mailto:forum@lists.example>\r\n",
        "Mailing-List: contact forum-help@lists.example; run by ezmlm\r\n",
        "Return-Path: <>\r\n",
        "X-Auto-Response-Suppress: All\r\nX-MS-Exchange-Inbox-Rules-Loop: a@partner.ru\r\n",
    ],
)
def test_r_mbx_3_list_null_sender_and_exchange_markers(headers: str) -> None:
    assert is_automatic(letter("Новости компании", "Дайджест", headers)) is not None


def test_r_mbx_3_site_notification_sender() -> None:
    parsed = letter("Новая заявка с сайта", "Форма обратной связи", sender="robot@site.example")
    assert is_automatic(parsed) is not None


SPAM = (
    "ТОЛЬКО СЕГОДНЯ! Каталог оборудования со скидкой 50 % — успейте купить!!! "
    "Звоните: +7 900 000-00-00, Viber: +7 900 000-00-00, сайт http://deals.example.shop"
)


def test_r_id_5_spam_with_failed_dmarc() -> None:
    headers = "Authentication-Results: mx.vendor.example; spf=softfail; dmarc=fail\r\n"
    assert is_automatic(letter("Скидка 30% только до пятницы!!! Закажите", "Акция", headers))


def test_r_mbx_3_obvious_spam_without_authentication_results() -> None:
    assert is_automatic(letter(SPAM, "Распродажа")) is not None


def test_r_mbx_3_a_partner_letter_with_one_exclamation_is_not_spam() -> None:
    body = "Срочно!! Не работает выгрузка отчетов у заказчика, прошу посмотреть лог."
    assert is_automatic(letter(body, "Ошибка выгрузки")) is None


def test_r_mbx_3_parse_report_reads_automatic_mail_as_ignored() -> None:
    report = parse_report(raw("Я в отпуске до 5 мая.", "Автоответ: Re: заявка"), "support")
    assert report["kind"] == "ignored"
    assert report["automatic"] and "automatic" in report["flags"]
    assert report["fields"] == {} and report["missing"] == []


def test_r_mbx_3_a_short_letter_carrying_a_document_is_no_autoreply() -> None:
    from tests.support.letters import letter as full_letter

    raw_letter = full_letter(
        subject="Заявка",
        body="Я в отпуске до 07.12, заявку во вложении отправляю заранее.",
        attachments=[("Заявка.pdf", b"%PDF-1.4 stub", "application/pdf")],
    )
    assert is_automatic(parse_letter(raw_letter)) is None

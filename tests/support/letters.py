"""Build test letters as bytes, the way mail clients send them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

_counter = itertools.count(1)


def letter(
    *,
    subject: str = "Вопрос",
    body: str = "Добрый день!",
    sender: str = "ivan@partner.ru",
    sender_name: str = "Иван Петров",
    to: str = "support@technocom.tech",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: list[str] | None = None,
    headers: dict[str, str] | None = None,
    date: datetime | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = formataddr((sender_name, sender))
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date or datetime(2026, 3, 2, 5, 0, tzinfo=UTC))
    msg["Message-ID"] = message_id or f"<test-{next(_counter)}@partner.ru>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = " ".join(references)
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for filename, payload, mime in attachments or []:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


COMPLETE_TICKET = """Добрый день!

Юридическое лицо: ООО «Ромашка»
Лицензионный договор: № 15-Л от 10.03.2025
ПО: ТехноКад-Экспресс
Описание: при сохранении документа появляется ошибка «Нет доступа»
"""

INCOMPLETE_TICKET = """Добрый день! Не работает сохранение документов, помогите.
"""


def dsn(original_message_id: str, to: str = "mail@technocom.tech") -> bytes:
    """A delivery status notification as an MTA sends it (RFC 3464)."""
    return (
        "From: MAILER-DAEMON@mx.partner.ru\r\n"
        f"To: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <dsn-{next(_counter)}@mx.partner.ru>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n'
        "\r\n"
        "--b1\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.partner.ru\r\n\r\n"
        "Final-Recipient: rfc822; nobody@partner.ru\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {original_message_id}\r\n"
        "--b1--\r\n"
    ).encode()

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


# A complete consultation (support) ticket: the §3.4 fields a question needs.
COMPLETE_TICKET = """Добрый день!

Tracker: Консультация
Описание: как настроить отображение подписей участков только на крупных масштабах?
Юридическое лицо: ООО «Северный кадастр», ИНН 7204196795
Лицензионный договор: № ЛД-2025/17 от 15.09.2025
ПО: ТехноКарта Сервер
"""

# A bug report with everything §4.1–§4.2 asks for, except the attachments (see bug_ticket).
BUG_BODY = """Добрый день!

Tracker: Неисправность
Priority: {priority}
Описание: при сохранении участка в реестре появляется ошибка «Deadlock detected»
Юридическое лицо: ООО «Северный кадастр», ИНН 7204196795
Лицензионный договор: № ЛД-2025/17 от 15.09.2025
ПО: ГеоКадастр 4.2
Компонент: модуль редактирования реестра участков
Базовое ПО: PostgreSQL 14.5

Результаты самостоятельной диагностики:
1. Базовое ПО работает корректно: да
2. СУБД функционирует корректно, проблем с транзакциями нет
3. Сетевые настройки исправны, ping -t стабильный
4. Привилегии пользователей на сервере аутентификации не менялись

Последовательность действий:
1. Открыть реестр земельных участков
2. Изменить площадь участка и нажать «Сохранить»
3. Через 30 секунд появляется сообщение об ошибке
"""

BUG_ATTACHMENTS = [
    ("logs_2026-03-01.zip", b"PK\x05\x06" + b"\x00" * 18, "application/zip"),
    ("screenshot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
]


def bug_ticket(priority: str = "Срочный", **kw) -> bytes:
    """A complete bug ticket of the given priority, with logs and a screenshot."""
    return letter(
        subject=kw.pop("subject", "Ошибка при сохранении участка"),
        body=BUG_BODY.format(priority=priority),
        attachments=BUG_ATTACHMENTS,
        **kw,
    )


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

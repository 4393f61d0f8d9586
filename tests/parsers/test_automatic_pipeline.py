"""Content-detected automatic mail in the pipeline: stored, attached, never answered (R-MBX-3)."""

from __future__ import annotations

from sqlalchemy import select

from bot.store.models import Letter
from tests.conftest import deliver
from tests.support.letters import COMPLETE_TICKET, letter


def test_r_mbx_3_out_of_office_without_headers_joins_its_case_without_a_reply(service) -> None:
    opened = deliver(service, letter(subject="Ошибка при сохранении", body=COMPLETE_TICKET))
    away = letter(
        subject=f"Автоматический ответ: [{opened.case}] Ошибка при сохранении",
        body="Нахожусь в командировке до 15.03, ответить не смогу.",
    )
    result = deliver(service, away)
    assert (result.status, result.kind, result.replies) == ("ignored", "ignored", [])
    assert result.case == opened.case  # attached to the case history
    with service.sessions() as session:
        statuses = list(session.scalars(select(Letter.status).order_by(Letter.id)))
    assert statuses[-1] == "ignored"  # stored, not dropped


def test_r_mbx_3_bounce_by_text_alerts_hq_and_never_answers_the_sender(service) -> None:
    bounce = letter(
        subject="Undelivered Mail Returned to Sender",
        sender="relay@mx.partner.ru",
        body="This is the mail system at host mx.partner.ru.\n\n"
        "I'm sorry to have to inform you that your message could not be delivered.",
    )
    result = deliver(service, bounce)
    assert result.status == "ignored"
    assert all(reply.get("to") != "relay@mx.partner.ru" for reply in result.replies)
    [alert] = result.replies
    assert alert["to"] == "hq@technocom.tech"  # the HQ alert of R-HQ-8

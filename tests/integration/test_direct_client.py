"""R-PIN-26 end to end: a client held by a partner writes to HQ directly; HQ is alerted
(H-REDIRECT) instead of the client getting an answer, and `redirect_to_partner` sends the
client's letter to the holder (A-PIN-CLIENT-REDIRECTED)."""

from __future__ import annotations

import email
from email import policy

import pytest
from sqlalchemy import select

from bot.rules.action_base import ActionRefused
from bot.store.models import OutboxMessage
from tests.conftest import deliver
from tests.integration.test_hq_mail_lifecycles import command
from tests.integration.test_pins import pin_request, send
from tests.integration.test_service_desk import act, at, show
from tests.support.hq_mail import STAFF
from tests.support.letters import letter

ASK = (
    "Добрый день!\n\nМы рассматриваем внедрение вашей системы. Пришлите, пожалуйста, "
    "коммерческое предложение и условия продажи и подключения.\n\n"
    "С уважением,\nКузнецова Мария, начальник отдела ИТ\n"
)


def client_letter(sender: str, body: str = ASK, subject: str = "Условия покупки") -> bytes:
    return letter(sender=sender, to="mail@technocom.tech", subject=subject, body=body)


def alerts(result) -> list[dict]:
    return [r for r in result.replies if r["template"] == "hq_alert_direct_client"]


@pytest.fixture
def pinned(service, frozen_clock) -> str:
    """ООО «Партнер» holds ООО «Северный кадастр» (INN 7204196795, contact at sevkad.ru)."""
    at(frozen_clock, 2026, 3, 2, 10, 0)
    result = send(service, pin_request())
    assert result.state == "pre_pinned"
    at(frozen_clock, 2026, 3, 10, 11, 0)
    return result.case


def test_r_pin_26_client_known_by_its_contacts_domain_alerts_hq_and_gets_no_answer(service, pinned):
    result = send(service, client_letter("director@sevkad.ru"))
    assert (result.kind, result.state) == ("inquiry", "unclassified")
    # No commercial auto-reply to the client: only HQ hears of it.
    assert not [r for r in result.replies if r["to"] == "director@sevkad.ru"]
    [alert] = alerts(result)
    assert pinned in alert["text"] and "ООО «Партнер»" in alert["text"]
    assert f"partnerdesk case {result.case} redirect_to_partner" in alert["text"]
    attrs = show(service, result.case)["attrs"]
    assert attrs["direct_client"]["pin_case"] == pinned
    assert attrs["direct_client"]["found_by"] == "domain"
    assert f"direct_client:{pinned}" in attrs["flags"]


def test_r_pin_26_client_known_by_the_inn_in_its_letter_from_a_public_mailbox(service, pinned):
    body = ASK.replace("Добрый день!", "Добрый день! Пишет ООО «Северный кадастр», ИНН 7204196795.")
    result = send(service, client_letter("sevkad.buh@mail.ru", body=body))
    [alert] = alerts(result)
    assert show(service, result.case)["attrs"]["direct_client"]["found_by"] == "inn"
    assert pinned in alert["text"]


def test_r_pin_26_a_public_mailbox_alone_does_not_identify_a_client(service, frozen_clock):
    # The holder's client contact has a public mailbox: that proves nothing about a stranger.
    contacts = (
        "Контактные лица:\n1. Смирнов Алексей Петрович, главный инженер, smirnov@mail.ru\n"
        "2. Кузнецова Мария Игоревна, начальник отдела ИТ, kuznetsova@sevkad.ru\n"
    )
    assert send(service, pin_request(contacts=contacts)).state == "pre_pinned"
    result = send(service, client_letter("someone@mail.ru"))
    assert result.state == "unclassified"
    assert not alerts(result)
    assert "direct_client" not in show(service, result.case)["attrs"]


def test_r_pin_26_a_client_nobody_holds_is_an_ordinary_unclassified_letter(service):
    result = send(service, client_letter("director@sevkad.ru"))
    assert result.state == "unclassified"
    assert not alerts(result)
    with pytest.raises(ActionRefused, match="no partner holds the client"):
        act(service, result.case, "redirect_to_partner")


def test_r_pin_26_redirect_sends_the_client_letter_to_the_holder_and_closes(service, pinned):
    direct = send(service, client_letter("director@sevkad.ru", subject="Запрос КП на ГИС"))
    done = act(service, direct.case, "redirect_to_partner")
    assert done.state == "closed"
    [sent] = [r for r in done.replies if r["template"] == "pin_client_redirected"]
    # The holder's first registered address (it has no official one), never the client.
    assert sent["to"] == "ivan@partner.ru"
    assert pinned in sent["subject"] and "director@sevkad.ru" in sent["text"]
    with service.sessions() as session:
        raw = session.scalars(
            select(OutboxMessage.raw).where(OutboxMessage.message_id == sent["message_id"])
        ).one()
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message.get_content_type() == "multipart/mixed"
    [forwarded] = [
        p for p in message.iter_attachments() if p.get_content_type() == "message/rfc822"
    ]
    original = forwarded.get_content()
    assert original["Subject"] == "Запрос КП на ГИС"
    assert original["From"].addresses[0].addr_spec == "director@sevkad.ru"
    assert "коммерческое предложение" in original.get_body(("plain",)).get_content()
    assert show(service, direct.case)["attrs"]["close_reason"] == "redirected_to_partner"
    with pytest.raises(ActionRefused):
        act(service, direct.case, "redirect_to_partner")  # once: the case is closed


def test_r_pin_26_hq_redirects_by_replying_to_the_alert(desk, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    pin = deliver(desk, pin_request()).case
    direct = deliver(desk, client_letter("director@sevkad.ru"))
    [alert] = alerts(direct)
    assert alert["to"] == STAFF and "передать партнеру" in alert["text"]
    done = deliver(desk, command(direct.case, "Передать партнеру"))
    [sent] = [r for r in done.replies if r["template"] == "pin_client_redirected"]
    assert sent["to"] == "ivan@partner.ru" and pin in sent["subject"]
    assert show(desk, direct.case)["state"] == "closed"


def test_r_pin_26_the_holder_answering_the_redirect_writes_in_its_pin_thread(service, pinned):
    # The holder replies to the forwarded letter from its mail client: In-Reply-To names our
    # letter, and a colleague's client may drop the subject's tag. The answer belongs to the
    # holder's pin, not to the client's closed inquiry (which would answer «case closed»).
    direct = send(service, client_letter("director@sevkad.ru"))
    done = act(service, direct.case, "redirect_to_partner")
    [sent] = [r for r in done.replies if r["template"] == "pin_client_redirected"]
    answer = send(
        service,
        letter(
            to="mail@technocom.tech",
            subject="Re: клиент",
            body="Добрый день! Спасибо, с клиентом связались, КП направим сами.",
            in_reply_to=sent["message_id"],
            references=[sent["message_id"]],
        ),
    )
    assert answer.case == pinned
    assert show(service, direct.case)["state"] == "closed"
    assert not [r for r in answer.replies if "closed" in r["template"]]
    history = show(service, pinned)["history"]
    assert any(
        e["event"] == "reply-notice" and e["details"]["template"] == "pin_client_redirected"
        for e in history
    )

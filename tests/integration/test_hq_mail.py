"""HQ acting by replying to mail, over the real SMTP endpoint on 127.0.0.1 (R-HQ-5, R-ID-5,
R-MBX-7). Letters carry the headers a real border server adds: Received, Return-Path, a
DKIM-Signature and our server's Authentication-Results (authserv-id mx.technocom.tech)."""

from __future__ import annotations

import asyncio
import contextlib
import smtplib
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build
from bot.hqmail.wiring import hq_actions
from bot.inspect import case_details
from bot.rules.action_base import ActionRefused
from bot.settings import load_settings
from bot.store.models import Case, Letter, OutboxMessage
from replies.subjects import thread_topic
from tests.conftest import register_partner
from tests.integration.test_smtp_endpoint import _replies, running_service
from tests.support.letters import COMPLETE_TICKET, bug_ticket, letter

pytestmark = pytest.mark.integration

ADMIN, SD = "hq@technocom.tech", "sd@technocom.tech"
PARTNER = "ivan@partner.ru"
MX = "mx.technocom.tech"
GOOD_AUTH = (
    f"{MX}; dkim=pass (2048-bit key) header.d=technocom.tech header.i=@technocom.tech "
    "header.s=mail header.b=Qx7PfK1a; spf=pass (mx.technocom.tech: domain of {sender} "
    "designates 10.0.0.5 as permitted sender) smtp.mailfrom={sender}; "
    "dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=technocom.tech"
)


def hq_service(tmp_path: Path) -> contextlib.AbstractAsyncContextManager:
    """The real service with HQ staff, roles and our border server as the trusted authserv."""
    return running_service(
        tmp_path,
        hq={
            "staff": [ADMIN, SD],
            "alerts_to": [ADMIN],
            "roles": {"admin": [ADMIN], "service_desk": [SD]},
            "trusted_authserv_ids": [MX],
        },
    )


@pytest.fixture
async def desk(tmp_path: Path, clean_env: None):
    async with hq_service(tmp_path) as running:
        yield running


def _send(port: int, raw: bytes, sender: str, to: str = "support@technocom.tech") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail(sender, [to], raw)


def staff_letter(
    sender: str,
    body: str,
    reply_to: EmailMessage,
    auth: str | None = GOOD_AUTH,
    **kw,
) -> bytes:
    """A staff member's reply to a case letter, as our border server hands it on."""
    headers = {
        "Return-Path": f"<{sender}>",
        "Received": "from [10.0.0.5] by mx.technocom.tech with ESMTPSA; Mon, 2 Mar 2026",
        "DKIM-Signature": "v=1; a=rsa-sha256; d=technocom.tech; s=mail; b=Qx7PfK1a",
    }
    if auth is not None:
        headers = {"Authentication-Results": auth.format(sender=sender), **headers}
    return letter(
        sender=sender,
        sender_name="Сотрудник",
        subject=f"Re: {reply_to['Subject']}",
        in_reply_to=reply_to["Message-ID"],
        references=[reply_to["Message-ID"]],
        body=body,
        headers=headers,
        **kw,
    )


async def open_ticket(port: int, outbox: Path) -> EmailMessage:
    """A complete bug ticket from the partner; its acceptance is what HQ replies to."""
    await asyncio.to_thread(_send, port, bug_ticket("Нормальный"), PARTNER)
    [ack] = await _replies(outbox, 1)
    assert ack["Subject"].startswith("[TCM-000001]")
    return ack


def rows(service, **where) -> list[OutboxMessage]:
    with service.sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(session.scalars(query))


async def until_processed(service, count: int) -> None:
    for _ in range(200):
        with service.sessions() as session:
            done = session.scalars(select(Letter.status)).all()
        if len(done) >= count and all(status != "received" for status in done):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("letters were not processed")


@pytest.mark.parametrize(
    ("body", "action", "partner_template"),
    [
        ("приоритет высокий", "set_priority", "tkt_reclassified"),
        ("set_priority high", "set_priority", "tkt_reclassified"),
        ("вопрос: Уточните, пожалуйста, версию PostgreSQL.", "request_info", "tkt_hq_question"),
        ("request_info: Which PostgreSQL version?", "request_info", "tkt_hq_question"),
        ("решено: Исправлено в сборке 4.3.1.", "resolve", "tkt_resolved"),
        ("resolve: Fixed in 4.3.1.", "resolve", "tkt_resolved"),
        ("закрыть: дубликат TCM-000009", "close", "tkt_closed"),
        ("ответ: Ошибка воспроизведена, готовим исправление.", "reply", "hq_reply"),
        ("Ошибка воспроизведена, готовим исправление.\n\n--\nСервис Деск", "reply", "hq_reply"),
        ("комментарий: проверить на стенде", "comment", None),
    ],
)
async def test_r_hq_5_r_hq_6_command_by_reply_acts_and_answers_the_staff_member(
    desk, body: str, action: str, partner_template: str | None
) -> None:
    service, port, outbox = desk
    ack = await open_ticket(port, outbox)
    quoted = f"{body}\n\n> {ack['Subject']}\n> цитата письма партнеру: приоритет низкий\n"
    await asyncio.to_thread(_send, port, staff_letter(ADMIN, quoted, ack), ADMIN)
    await until_processed(service, 2)
    partner = [r.template for r in rows(service, to_addr=PARTNER)][1:]
    assert partner == ([partner_template] if partner_template else [])
    [answer] = rows(service, to_addr=ADMIN, template="hq_cmd_done")
    assert f"→ {action}: выполнено" in answer.text
    if partner_template:
        assert PARTNER in answer.text  # what was sent to whom
    assert "[TCM-000001]" in answer.subject
    # R-HQ-6: the history names the staff member and the mail channel.
    history = case_details(service.sessions, "TCM-000001")["history"]
    acted = [h for h in history if h.get("actor") == ADMIN and "mail" in str(h)]
    assert acted, history


@pytest.mark.parametrize(
    "auth",
    [
        None,  # no Authentication-Results at all
        # Added by the sender: a server that is not ours says «pass».
        "mx.evil.example; dkim=pass header.d=technocom.tech; spf=pass smtp.mailfrom={sender}",
        # Our server, but the check failed.
        f"{MX}; dkim=fail header.d=technocom.tech; spf=fail smtp.mailfrom={{sender}}; "
        "dmarc=fail header.from=technocom.tech",
        # Our server, a DKIM pass for another domain only (not aligned with From).
        f"{MX}; dkim=pass header.d=mailer.example; spf=softfail smtp.mailfrom=x@mailer.example",
    ],
)
async def test_r_id_5_forged_staff_command_does_nothing_and_alerts_hq(desk, auth) -> None:
    service, port, outbox = desk
    ack = await open_ticket(port, outbox)
    forged = staff_letter(SD, "закрыть: не актуально", ack, auth=auth)
    await asyncio.to_thread(_send, port, forged, SD)
    await until_processed(service, 2)
    with service.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == "TCM-000001"))
        assert case is not None and case.state == "open"
    assert [r.template for r in rows(service, to_addr=PARTNER)] == ["tkt_ack"]
    assert rows(service, to_addr=SD) == []  # never answered: the From may be forged
    [alert] = rows(service, to_addr=ADMIN, template="hq_cmd_forged")
    assert SD in alert.text and "не подтвердил" in alert.text


async def test_r_hq_5_staff_member_without_permission_is_refused(desk) -> None:
    service, port, outbox = desk
    ack = await open_ticket(port, outbox)
    await asyncio.to_thread(_send, port, staff_letter(SD, "открепить: нет отчета", ack), SD)
    await until_processed(service, 2)
    [answer] = rows(service, to_addr=SD, template="hq_cmd_refused")
    assert "unpin is allowed only to the roles" in answer.text and "service_desk" in answer.text
    assert [r.template for r in rows(service, to_addr=PARTNER)] == ["tkt_ack"]
    # The same check for `partnerdesk case … --as` (the CLI builds its actions the same way).
    actions = hq_actions(
        service.settings, service.sessions, service.applier, service.rules, service.clock
    )
    with pytest.raises(ActionRefused, match="allowed only to the roles"):
        actions.perform("TCM-000001", "unpin", {"reason": "x"}, SD)


@pytest.mark.parametrize(
    "body",
    [
        "приоритет высокий или срочный",  # which value?
        "приоритет высокий\nи еще посмотрите логи",  # a command mixed with other text
        "escalate_now",  # no such action
    ],
)
async def test_r_hq_5_ambiguous_command_asks_hq_and_does_nothing(desk, body: str) -> None:
    service, port, outbox = desk
    ack = await open_ticket(port, outbox)
    await asyncio.to_thread(_send, port, staff_letter(ADMIN, body, ack), ADMIN)
    await until_processed(service, 2)
    [answer] = rows(service, to_addr=ADMIN, template="hq_cmd_refused")
    assert "ничего не изменено" in answer.text and "Как написать команду" in answer.text
    assert [r.template for r in rows(service, to_addr=PARTNER)] == ["tkt_ack"]
    assert case_details(service.sessions, "TCM-000001")["attrs"].get("priority") == "normal"


async def test_r_hq_5_one_refused_command_undoes_the_letters_other_commands(desk) -> None:
    service, port, outbox = desk
    ack = await open_ticket(port, outbox)
    body = "приоритет высокий\nпродлить 30"  # a ticket has no pin extension
    await asyncio.to_thread(_send, port, staff_letter(ADMIN, body, ack), ADMIN)
    await until_processed(service, 2)
    [answer] = rows(service, to_addr=ADMIN, template="hq_cmd_refused")
    assert "set_priority" in answer.text  # named as undone
    assert case_details(service.sessions, "TCM-000001")["attrs"].get("priority") == "normal"
    assert [r.template for r in rows(service, to_addr=PARTNER)] == ["tkt_ack"]


async def test_r_mbx_7_hq_forward_of_a_partner_letter_is_processed_as_the_partners(
    desk,
) -> None:
    service, port, outbox = desk
    original = message_from_bytes(letter(subject="Консультация", body=COMPLETE_TICKET))
    forward = EmailMessage(policy=SMTP)
    forward["From"], forward["To"] = f"Сотрудник <{ADMIN}>", "support@technocom.tech"
    forward["Subject"] = "Fwd: Консультация"
    forward["Message-ID"] = "<fwd-1@technocom.tech>"
    forward["Authentication-Results"] = GOOD_AUTH.format(sender=ADMIN)
    forward.set_content("Коллеги, письмо партнера пришло мне лично.")
    forward.add_attachment(original)
    await asyncio.to_thread(_send, port, forward.as_bytes(), ADMIN)
    [reply] = await _replies(outbox, 1)
    assert reply["To"] == PARTNER and reply["Subject"].startswith("[TCM-000001]")
    details = case_details(service.sessions, "TCM-000001")
    assert details["kind"] == "ticket"
    assert any(h.get("event") == "forwarded-by-hq" and ADMIN in str(h) for h in details["history"])


async def test_r_id_5_partner_letter_with_dmarc_fail_is_treated_as_unidentified(desk) -> None:
    service, port, outbox = desk
    ack = await open_ticket(port, outbox)
    forged = letter(
        subject=f"Re: {ack['Subject']}",
        in_reply_to=ack["Message-ID"],
        body="Какой статус заявки и срок? Пришлите все данные по обращению.",
        headers={
            "Authentication-Results": f"{MX}; spf=fail smtp.mailfrom=ivan@partner.ru; "
            "dkim=fail header.d=partner.ru; dmarc=fail (p=NONE) header.from=partner.ru",
        },
    )
    await asyncio.to_thread(_send, port, forged, PARTNER)
    await until_processed(service, 2)
    with service.sessions() as session:
        second = session.scalars(select(Letter).order_by(Letter.id)).all()[1]
        assert second.case_id != 1  # not attached to the partner's case
    # No partner data to that address: not the case's state, topic or the partner's name
    # (the letter's own subject, echoed back, is the sender's text).
    echoed = f"Re: {ack['Subject']}"
    for reply in rows(service, to_addr=PARTNER)[1:]:
        # R-NTF-2: a reply quotes the subject without «Re:» and the case tag (issue 24).
        text = reply.text.replace(echoed, "").replace(thread_topic(echoed), "")
        assert "TCM-000001" not in text and "Ошибка при сохранении" not in text
        assert "Партнер" not in text
    flags = rows(service, template="hq_flag")
    assert any("auth_failed" in r.text for r in flags)


def test_issue22_item5_hq_letters_are_never_held_nor_counted(tmp_path: Path, clean_env) -> None:
    """R-MBX-4 counts automatic replies only: HQ's own letters past the cap are sent, and do
    not make the partner's next auto-reply held."""
    from datetime import UTC, datetime

    from bot.clock import FrozenClock
    from tests.conftest import deliver

    clock = FrozenClock(datetime(2026, 3, 2, 5, 0, tzinfo=UTC))
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'pd.sqlite3'}",
        outbox={"maildir": str(tmp_path / "outbox")},
        mail={"max_auto_replies_per_sender_per_hour": 2},
    )
    service = build(settings, clock=clock)
    register_partner(service)
    ticket = deliver(service, bug_ticket("Нормальный"))
    actions = hq_actions(settings, service.sessions, service.applier, service.rules, clock)
    for number in range(3):
        clock.advance(minutes=1)  # one letter per action and moment (its dedupe key)
        done = actions.perform(ticket.case, "reply", {"text": f"Сообщение {number}"}, ADMIN)
        assert [r["status"] for r in done.replies] == ["queued"]
    followup = deliver(service, letter(subject=f"Re: [{ticket.case}]", body=COMPLETE_TICKET))
    assert all(r["status"] == "queued" for r in followup.replies if r["to"] == PARTNER)
    service.engine.dispose()

"""The Service Desk end to end: letters through ingest, time through tick, HQ through actions.

Every deadline is checked by moving a frozen clock (R-CAL, R-SLA, R-TKT). The replies in the
`--json` results are compared with what lands in the partner's mailbox (the Maildir outbox).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from bot.actions import Actions
from bot.rules.action_base import ActionRefused
from tests.conftest import deliver, maildir_messages, register_partner
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, bug_ticket, letter

GMT5 = timezone(timedelta(hours=5))
HQ = "hq@technocom.tech"


def at(clock, *args) -> datetime:
    clock.set(datetime(*args, tzinfo=GMT5))
    return clock.now()


def act(service, case: str, action: str, **params):
    actions = Actions(
        service.sessions,
        service.applier,
        service.rules,
        service.clock,
        frozenset(service.settings.hq.staff),
    )
    return actions.perform(case, action, params, HQ)


def show(service, number: str) -> dict:
    from bot.inspect import case_details

    details = case_details(service.sessions, number)
    assert details is not None
    return details


def partner_replies(result) -> list[dict]:
    return [r for r in result.replies if r["to"] != HQ]


@pytest.mark.parametrize(
    ("priority", "received", "deadline_text"),
    [
        # R-SLA-3: urgent 1 WD. Friday 16:00 → Monday 16:00 (across the weekend).
        ("Срочный", (2026, 3, 13, 16, 0), "до 16.03.2026 16:00 (GMT+5)"),
        # High 3 WD from 30.12.2025: 31.12 and 1–11.01 are off → Wed 14.01.2026.
        ("Высокий", (2025, 12, 30, 15, 0), "до 14.01.2026 15:00 (GMT+5)"),
        # Normal: breach at 21 WD (D-7); 9 March 2026 is a day off.
        ("Нормальный", (2026, 3, 2, 10, 0), "до 01.04.2026 10:00 (GMT+5)"),
    ],
)
def test_r_sla_3_complete_bug_deadline_in_the_acceptance(
    service, frozen_clock, priority, received, deadline_text
) -> None:
    at(frozen_clock, *received)
    result = deliver(service, bug_ticket(priority))
    assert (result.kind, result.state) == ("ticket", "open")
    [ack] = partner_replies(result)
    assert ack["kind"] == "acceptance"
    assert f"Срок решения по регламенту: {deadline_text}" in ack["text"]


def test_r_sla_3_low_bug_has_no_deadline_and_says_why(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    [ack] = partner_replies(deliver(service, bug_ticket("Низкий")))
    assert "Срок решения не регламентирован: неисправности низкого приоритета" in ack["text"]


def test_r_tkt_7_r_hq_8_urgent_bug_alerts_service_desk_at_once(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 22, 0)  # outside working hours: alerts are immediate
    result = deliver(service, bug_ticket("Срочный"))
    alerts = [r for r in result.replies if r["to"] == HQ]
    assert [a["template"] for a in alerts] == ["hq_alert_urgent", "hq_alert_urgent"]
    assert "СРОЧНАЯ заявка" in alerts[0]["subject"]


def test_r_sla_3_support_question_five_working_days(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)  # Monday
    [ack] = partner_replies(deliver(service, letter(body=COMPLETE_TICKET)))
    assert "Консультация" in ack["text"]
    assert "до 10.03.2026 10:00 (GMT+5) (5 рабочих дней" in ack["text"]  # 9 March is off


def test_r_sla_2_incomplete_then_completed_in_thread_clock_starts_at_completion(
    service, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    first = deliver(service, letter(message_id="<s1@partner.ru>", body=INCOMPLETE_TICKET))
    assert first.state == "needs_info"
    [ask] = partner_replies(first)
    assert ask["kind"] == "clarification"
    assert "Тип обращения (Tracker)" in ask["text"]
    assert "Срок решения начнет отсчитываться" in ask["text"]
    at(frozen_clock, 2026, 3, 3, 14, 30)
    answer = deliver(
        service, letter(subject="Re: данные", body=COMPLETE_TICKET, in_reply_to=ask["message_id"])
    )
    assert (answer.case, answer.kind, answer.state) == (first.case, "followup", "open")
    [ack] = partner_replies(answer)
    # Five working days from the completing letter (Tue 14:30), not from the first one.
    assert "до 11.03.2026 14:30 (GMT+5)" in ack["text"]


def test_r_sla_1_window_passes_without_question_clock_stays_at_receipt(
    service, frozen_clock
) -> None:
    received = at(frozen_clock, 2026, 3, 2, 10, 0)
    result = deliver(service, letter(body=COMPLETE_TICKET))
    frozen_clock.advance(hours=80)
    tick = service.ticker.tick()
    assert [r for r in tick.replies if r["to"] != HQ] == []  # nothing for the partner
    attrs = show(service, result.case)
    assert attrs["state"] == "open"
    # A question after the window does not move the clock (R-SLA-2 item 4).
    asked = act(service, result.case, "request_info", text="Пришлите журнал сервера")
    assert asked.state == "open"
    assert "Срок решения продолжает отсчитываться" in asked.replies[0]["text"]
    from sqlalchemy import select

    from bot.store.models import Case

    with service.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == result.case))
        assert datetime.fromisoformat(case.attrs["clock_started_at"]) == received


def test_r_tkt_15_unanswered_clarification_reminded_then_closed(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    first = deliver(service, letter(body=INCOMPLETE_TICKET))
    at(frozen_clock, 2026, 3, 5, 10, 0)  # exactly 72 h later
    [reminder] = service.ticker.tick().replies
    assert reminder["kind"] == "reminder" and first.case in reminder["subject"]
    at(frozen_clock, 2026, 3, 20, 12, 0)  # past 10 working days
    [closed] = service.ticker.tick().replies
    assert "Причина: недостаточно информации для решения" in closed["text"]
    assert show(service, first.case)["state"] == "closed"


def test_r_tkt_9_10_r_sla_10_resolve_no_answer_autoclose_then_reopen_within_window(
    service, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    at(frozen_clock, 2026, 3, 3, 11, 0)
    resolved = act(service, ticket.case, "resolve", text="Включите опцию «Подписи по масштабу».")
    [letter_out] = resolved.replies
    assert "Включите опцию" in letter_out["text"]
    # Five working days; 9 March 2026 is a day off.
    assert "будет закрыта автоматически" in letter_out["text"]
    assert "до 11.03.2026 11:00 (GMT+5)" in letter_out["text"]
    at(frozen_clock, 2026, 3, 11, 11, 1)
    [auto] = service.ticker.tick().replies
    assert "подтверждение решения не поступило" in auto["text"]
    assert show(service, ticket.case)["state"] == "closed"
    at(frozen_clock, 2026, 3, 12, 9, 0)
    reopened = deliver(
        service,
        letter(subject=f"Re: [{ticket.case}]", body="Проблема снова появилась после перезапуска."),
    )
    assert (reopened.case, reopened.state) == (ticket.case, "open")
    assert partner_replies(reopened)[0]["template"] == "tkt_reopened"
    history = [e["event"] for e in show(service, ticket.case)["history"]]
    assert "reopened" in history


def test_r_tkt_10_partner_confirms_and_ticket_closes(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    act(service, ticket.case, "resolve", text="Ответ")
    confirm = deliver(
        service,
        letter(subject=f"Re: [{ticket.case}]", body="Спасибо, вопрос решен, можно закрывать."),
    )
    assert confirm.state == "closed"
    assert "вы подтвердили, что вопрос решен" in partner_replies(confirm)[0]["text"]


def test_r_id_2_r_tkt_1_unknown_sender_is_rejected_with_how_to_register(service) -> None:
    result = deliver(service, letter(sender="stranger@other.ru", body=COMPLETE_TICKET))
    assert result.state == "rejected"
    [rejection] = result.replies
    assert rejection["kind"] == "rejection"
    assert "не зарегистрировано к исполнению" in rejection["text"]
    assert "mail@technocom.tech" in rejection["text"] and "персональных данных" in rejection["text"]


def test_r_thr_7_tag_of_another_partners_case_opens_a_new_case(service) -> None:
    register_partner(
        service, {"name": "ООО «Другой»", "inn": "7700000009", "addresses": ["anna@other.ru"]}
    )
    theirs = deliver(service, letter(sender="anna@other.ru", body=COMPLETE_TICKET))
    ours = deliver(service, letter(subject=f"Re: [{theirs.case}] вопрос", body=COMPLETE_TICKET))
    assert ours.case != theirs.case
    flags = [r for r in ours.replies if r["template"] == "hq_flag"]
    assert flags and theirs.case in flags[0]["text"]
    partner = partner_replies(ours)
    assert all("anna@other.ru" not in r["text"] for r in partner)


def test_r_tkt_20_r_hq_1_r_hq_5_reclassify_and_refuse_out_of_state(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ticket = deliver(service, bug_ticket("Нормальный"))
    changed = act(service, ticket.case, "set_priority", priority="urgent")
    text = changed.replies[0]["text"]
    assert "Было: тип обращения (Tracker) — Неисправность" in text
    assert "приоритет (Priority) — Нормальный" in text
    assert "до 03.03.2026 10:00 (GMT+5)" in text  # 1 WD from the unchanged clock start
    with pytest.raises(ActionRefused, match="not HQ staff"):
        Actions(
            service.sessions, service.applier, service.rules, service.clock, frozenset({HQ})
        ).perform(ticket.case, "close", {"reason": "x"}, "ivan@partner.ru")
    act(service, ticket.case, "close", reason="дубликат")
    with pytest.raises(ActionRefused, match="resolve is not possible"):
        act(service, ticket.case, "resolve", text="x")


def test_json_replies_are_what_the_partner_receives(service, frozen_clock, settings) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    result = deliver(service, bug_ticket("Высокий"))
    asyncio.run(service.sender.deliver_due())
    delivered = {m["Message-ID"]: m for m in maildir_messages(settings.outbox.maildir)}
    for reply in result.replies:
        message = delivered[reply["message_id"]]
        assert message["Subject"] == reply["subject"]
        body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert body.strip() == reply["text"].strip()


def test_r_mbx_6_ticket_sent_to_general_mailbox_is_handled_and_redirected(service) -> None:
    result = deliver(
        service, bug_ticket("Высокий", to="mail@technocom.tech"), to=("mail@technocom.tech",)
    )
    assert (result.kind, result.state) == ("ticket", "open")
    [ack] = partner_replies(result)
    assert "такие обращения направляйте на адрес support@technocom.tech" in ack["text"]


def test_r_tkt_3_missing_tracker_is_asked_with_the_criteria_not_guessed(service) -> None:
    result = deliver(service, letter(body=COMPLETE_TICKET.replace("Tracker: Консультация\n", "")))
    assert result.state == "needs_info" and "tracker" in result.missing
    text = partner_replies(result)[0]["text"]
    assert "Классификация обращения — ответственность заявителя" in text
    assert "«Неисправность» — ошибка или сбой" in text


def test_r_tkt_5_logs_not_applicable_with_a_reason_accepted_and_flagged(service) -> None:
    from tests.support.letters import BUG_BODY

    body = BUG_BODY.format(priority="Высокий") + (
        "Логи базового ПО: не применимо — сбой воспроизводится без сервера\n"
        "Скриншоты: не применимо — ошибка без сообщения на экране\n"
        "Логи приложения: не применимо — журнал отключен заказчиком\n"
    )
    result = deliver(service, letter(body=body))  # no attachments at all
    assert result.state == "open"
    assert "description_incomplete" in show(service, result.case)["attrs"]["flags"]


def test_r_tkt_11_hq_closes_with_its_reason(service) -> None:
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    closed = act(service, ticket.case, "close", reason="вопрос снят партнером по телефону")
    assert closed.state == "closed"
    text = closed.replies[0]["text"]
    assert "Причина: решение головного офиса" in text and "снят партнером по телефону" in text


def test_r_ntf_3_reply_goes_to_the_sender_only_never_to_hq_or_third_parties(service) -> None:
    raw = letter(body=COMPLETE_TICKET, headers={"Cc": "hq@technocom.tech, boss@client.ru"})
    [reply] = partner_replies(deliver(service, raw))
    assert (reply["to"], reply["cc"]) == ("ivan@partner.ru", [])


def test_r_val_2_warnings_do_not_block_and_are_listed(service) -> None:
    # A client address without a postal code is a warning, not a gap: the request goes on
    # and the acceptance asks the partner to check it (a ticket's unstated project status
    # no longer warns when a license contract is given, issue 24; pins list theirs too).
    body = (
        "Просим предварительно закрепить за нами клиента.\n\n"
        "Наименование клиента: ООО «Северный кадастр»\nИНН/КПП: 7204196795/720301001\n"
        "Адрес клиента: г. Тюмень, ул. Республики, д. 10\n"
        "Номер и дата договора: Договор № 12/34-ЛД от 01.02.2026\n"
        "Причина интереса: клиент планирует развитие муниципальной ГИС в 2026 году\n"
        "Контактные лица:\n1. Смирнов Алексей Петрович, главный инженер, +7 (3452) 12-34-56\n"
        "2. Кузнецова Мария Игоревна, начальник отдела ИТ, kuznetsova@sevkad.ru\n"
    )
    raw = letter(to="mail@technocom.tech", subject="Закрепление клиента", body=body)
    result = deliver(service, raw, to=("mail@technocom.tech",))
    assert result.state == "pre_pinned" and result.warnings, result
    assert "Просим проверить" in partner_replies(result)[0]["text"]


def test_r_sla_14_the_ticket_stores_its_clock_deadline_and_policy(service, frozen_clock) -> None:
    from sqlalchemy import select

    from bot.store.models import Case

    received = at(frozen_clock, 2026, 3, 2, 10, 0)
    deliver(service, bug_ticket("Высокий"))
    with service.sessions() as session:
        case = session.scalars(select(Case)).one()
        attrs = case.attrs
        assert case.policy_version == service.policy.version
    assert datetime.fromisoformat(attrs["clock_started_at"]) == received
    assert datetime.fromisoformat(attrs["deadline_at"]) == datetime(2026, 3, 5, 10, 0, tzinfo=GMT5)
    assert (attrs["target_amount"], attrs["target_unit"]) == (3, "WD")


def test_r_mbx_8_every_letter_in_a_thread_is_acknowledged(service) -> None:
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    more = deliver(
        service,
        letter(
            subject=f"Re: [{ticket.case}]",
            body="Прикладываю файл.",
            attachments=[("log.txt", b"ERROR", "text/plain")],
        ),
    )
    [notice] = partner_replies(more)
    assert notice["template"] == "followup_received" and "log.txt" in notice["text"]

"""The inquiry and Service Desk account lifecycles end to end on a moved clock (spec §5.5,
R-HQ-2, R-HQ-3, R-HQ-4, R-HQ-13, R-ID-2, R-ID-3, R-ID-9), through the pipeline and HQ actions."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import deliver, register_partner
from tests.integration.test_service_desk import HQ, act, at, partner_replies, show
from tests.support.letters import letter

LETTERS = Path(__file__).resolve().parents[1] / "letters"
GEO = {
    "name": "ООО «ГеоПартнер»",
    "inn": "7700000009",
    "role": "authorized",
    "domains": ["geopartner.ru"],
}


def texts(replies: list[dict]) -> str:
    return "\n".join(r["text"] for r in replies)


def in_thread(number: str, body: str, sender: str = "petrov@geopartner.ru") -> bytes:
    return letter(
        subject=f"Re: [{number}] Вопрос", to="mail@technocom.tech", sender=sender, body=body
    )


def test_r_hq_4_inquiry_ack_names_role_and_date_answer_then_close_after_5_wd(
    service, frozen_clock
) -> None:
    register_partner(service, GEO)
    at(frozen_clock, 2026, 3, 2, 10, 15)
    new = deliver(service, (LETTERS / "62_inquiry_training.eml").read_bytes())
    assert (new.kind, new.state) == ("inquiry", "open")
    [ack] = partner_replies(new)
    assert ack["template"] == "inq_ack"
    # R-HQ-2: «обучение … инженеров» is the training group, the methodology director's.
    assert "Директор департамента методологического обеспечения проектов" in ack["text"]
    assert "до 05.03.2026 10:15 (GMT+5) (3 рабочих дня)" in ack["text"]
    assert show(service, new.case)["attrs"]["owner_role"] == "dir_methodology"

    at(frozen_clock, 2026, 3, 3, 9, 0)
    status = deliver(service, in_thread(new.case, "Подскажите, какой статус обращения?"))
    [answer] = partner_replies(status)
    assert answer["template"] == "inq_status"  # R-HQ-13
    assert "Ответ ожидается от головного офиса до 05.03.2026 10:15" in answer["text"]

    at(frozen_clock, 2026, 3, 5, 10, 16)  # R-HQ-4, R-HQ-8: the answer is overdue
    [alert] = service.ticker.tick().replies
    assert alert["to"] == HQ and "срок официального ответа ИСТЕК" in alert["subject"]

    at(frozen_clock, 2026, 3, 5, 11, 0)
    done = act(service, new.case, "reply", text="Ближайший курс — 20 апреля.")
    assert done.state == "answered"
    [sent] = done.replies
    assert sent["to"] == "petrov@geopartner.ru" and "Ближайший курс — 20 апреля." in sent["text"]

    # §5.5: the partner writes again → open with a new due date, then HQ answers again.
    at(frozen_clock, 2026, 3, 6, 9, 0)
    again = deliver(service, in_thread(new.case, "А можно записать двух инженеров?"))
    assert again.state == "open"
    assert "до 12.03.2026 09:00" in texts(partner_replies(again))  # 9 March is a day off
    at(frozen_clock, 2026, 3, 6, 10, 0)
    assert act(service, new.case, "reply", text="Да, можно.").state == "answered"

    at(frozen_clock, 2026, 3, 16, 9, 59)  # 5 WD after 06.03 10:00 is 16.03 10:00
    service.ticker.tick()
    assert show(service, new.case)["state"] == "answered"
    at(frozen_clock, 2026, 3, 16, 10, 1)
    service.ticker.tick()
    assert show(service, new.case)["state"] == "closed"


def test_spec_5_5_unidentified_inquiry_waits_unanswered_until_adopt_or_discard(
    service, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    body = "Хотим обсудить софинансирование рекламной кампании."
    first = deliver(service, letter(to="mail@technocom.tech", sender="a@stranger.ru", body=body))
    assert (first.kind, first.state) == ("inquiry", "unclassified")
    assert partner_replies(first) == []
    adopted = act(service, first.case, "adopt")
    assert adopted.state == "open"
    [ack] = adopted.replies
    assert ack["to"] == "a@stranger.ru"
    assert "Заместитель генерального директора" in ack["text"]  # sales_cooperation
    assert "сформировано автоматически" not in ack["text"]  # HQ's own letter (issue 22 item 5)

    second = deliver(service, letter(to="mail@technocom.tech", sender="b@stranger.ru", body="?"))
    assert second.state == "unclassified"
    discarded = act(service, second.case, "discard")
    assert (discarded.state, discarded.replies) == ("discarded", [])


def test_r_id_9_approved_accounts_are_registered_and_then_identified_r_id_2(
    service, frozen_clock
) -> None:
    register_partner(service, GEO)
    at(frozen_clock, 2026, 3, 2, 10, 15)
    ticket = letter(
        sender="d.orlov@geopartner.ru",
        body="Tracker: Консультация\nОписание: как настроить подписи?\n"
        "Юридическое лицо: ООО «Северный кадастр»\nЛицензионный договор: № 15-Л от 10.03.2025\n"
        "ПО: ТехноКарта Сервер",
    )
    before = deliver(service, ticket)
    assert (before.kind, before.state) == ("ticket", "rejected")  # not registered yet

    request = deliver(service, (LETTERS / "59_sd_account_complete.eml").read_bytes())
    assert (request.kind, request.state) == ("sd_account", "awaiting_hq")
    ack = texts(partner_replies(request))
    assert "Орлов Дмитрий Сергеевич — d.orlov@geopartner.ru" in ack

    at(frozen_clock, 2026, 3, 2, 11, 0)
    status = deliver(service, in_thread(request.case, "Подскажите, какой статус запроса?"))
    assert [r["template"] for r in partner_replies(status)] == ["acc_status"]  # R-HQ-13

    done = act(service, request.case, "approve_accounts")
    assert done.state == "done"
    [sent] = done.replies
    assert sent["template"] == "acc_done" and "a.vasilieva@geopartner.ru" in sent["text"]
    assert "сформировано автоматически" not in sent["text"]

    at(frozen_clock, 2026, 3, 2, 12, 0)
    after = deliver(service, ticket.replace(b"Message-ID: <", b"Message-ID: <again."))
    assert (after.kind, after.state) != ("ticket", "rejected")


def test_r_id_9_incomplete_request_clarified_then_rejected_by_hq(service, frozen_clock) -> None:
    register_partner(service, GEO)
    at(frozen_clock, 2026, 3, 2, 10, 15)
    request = deliver(service, (LETTERS / "60_sd_account_no_consent.eml").read_bytes())
    assert request.state == "needs_info"
    assert partner_replies(request)[0]["template"] == "acc_clarify"
    at(frozen_clock, 2026, 3, 2, 11, 0)
    answer = deliver(
        service,
        in_thread(request.case, "Сотрудник дал согласие на обработку персональных данных."),
    )
    assert answer.state == "awaiting_hq"
    rejected = act(service, request.case, "reject_accounts", reason="сотрудник уже уволен")
    assert rejected.state == "rejected"
    assert "Причина: сотрудник уже уволен" in rejected.replies[0]["text"]


def test_r_id_3_account_request_from_a_non_partner_is_rejected(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 15)
    request = deliver(service, (LETTERS / "59_sd_account_complete.eml").read_bytes())
    assert request.state == "rejected"
    [reply] = partner_replies(request)
    assert reply["template"] == "rej_id"
    assert "нет действующего дистрибьюторского соглашения" in reply["text"]

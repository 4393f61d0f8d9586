"""Service Desk tickets (spec §5.2): every letter a partner reads about a ticket, from the
acceptance of each type to the closing letters, driven as a partner and HQ drive them."""

from __future__ import annotations

from pathlib import Path

from tests.letter_review.desk import Desk, Keep
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, bug_ticket, letter

LETTERS = Path(__file__).resolve().parents[1] / "letters"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
LOG = b"2026-03-03 09:00 ERROR label layer\n"


def stored(name: str) -> bytes:
    """A letter of tests/letters (from petrov@geopartner.ru, a registered partner)."""
    return (LETTERS / name).read_bytes()


def reply(case: str, body: str, topic: str = "Вопрос", **kw) -> bytes:
    return letter(subject=f"Re: [{case}] {topic}", body=body, **kw)


def acceptances(desk: Desk, keep: Keep) -> None:
    """R-TKT-2, R-SLA-3, R-TKT-14: the acceptance of each tracker and priority."""
    keep(
        "ticket_ack_consultation", desk.write(stored("44_ticket_consultation_gmail.eml")), "tkt_ack"
    )
    keep("ticket_ack_bug_low", desk.write(bug_ticket("Низкий")), "tkt_ack")
    keep("ticket_ack_feature", desk.write(stored("43_ticket_feature_thunderbird.eml")), "tkt_ack")
    keep("ticket_ack_demo_project", desk.write(stored("48_ticket_demo_project.eml")), "tkt_ack")
    wrong = desk.write(stored("46_ticket_sent_to_general.eml"), to=("mail@technocom.tech",))
    keep("ticket_ack_sent_to_general_mailbox", wrong, "tkt_ack")


def clarifications(desk: Desk, keep: Keep) -> None:
    """R-TKT-2..4, R-TKT-15: one missing item, several, a reminder and the closing."""
    one = COMPLETE_TICKET.replace("ПО: ТехноКарта Сервер\n", "")
    keep("ticket_clarify_one_missing", desk.write(letter(body=one)), "tkt_clarify")
    several = desk.write(letter(subject="Не работает сохранение", body=INCOMPLETE_TICKET))
    keep("ticket_clarify_several_missing", several, "tkt_clarify")
    bug = desk.write(stored("41_ticket_bug_no_diagnosis_no_screenshot.eml"))
    keep("ticket_clarify_bug_no_diagnosis", bug, "tkt_clarify")
    desk.at(2026, 3, 5, 10, 0)  # 72 hours after the question (R-TKT-15)
    keep("ticket_remind_missing_data", desk.tick(), "tkt_remind", several.case)
    desk.at(2026, 3, 4, 9, 0)
    answer = desk.write(reply(several.case, COMPLETE_TICKET, "Не работает сохранение"))
    keep("ticket_ack_after_clarification", answer, "tkt_ack")
    desk.at(2026, 3, 20, 12, 0)  # 10 working days without an answer
    keep("ticket_closed_insufficient_info", desk.tick(), "tkt_closed", bug.case)


def hq_work(desk: Desk, keep: Keep) -> None:
    """R-TKT-8, R-TKT-9, R-TKT-10, R-TKT-12, R-TKT-20, R-SLA-8: HQ's letters on an open
    ticket, the status answers between them, the reopening and the closing letters."""
    topic = "Подписи участков"
    first = desk.write(letter(subject=topic, body=COMPLETE_TICKET)).case
    question = (
        "Уточните, пожалуйста, версию ТехноКарта Сервер и приложите снимок экрана настроек слоя."
    )
    keep(
        "ticket_hq_question_clock_stopped",
        desk.act(first, "request_info", text=question),
        "tkt_hq_question",
    )
    desk.at(2026, 3, 3, 9, 0)
    answer = desk.write(
        reply(
            first,
            "Версия 4.2.1, снимок во вложении.",
            topic,
            attachments=[("layer.png", PNG, "image/png")],
        )
    )
    keep("ticket_ack_after_hq_question", answer, "tkt_ack")
    desk.at(2026, 3, 3, 9, 30)
    more = desk.write(
        reply(
            first,
            "Дополнительно направляем журнал сервера.",
            topic,
            attachments=[("server.log", LOG, "text/plain")],
        )
    )
    keep("ticket_followup_received", more, "followup_received")
    desk.at(2026, 3, 4, 11, 0)
    keep(
        "ticket_status_open",
        desk.write(reply(first, "Подскажите, когда будет решение?", topic)),
        "tkt_status",
    )
    keep(
        "ticket_reclassified_to_bug",
        desk.act(first, "set_tracker", tracker="bug"),
        "tkt_reclassified",
    )
    extended = desk.act(
        first,
        "extend_deadline",
        deadline="2026-03-20T17:00:00+05:00",
        reason="требуется доработка серверного модуля",
    )
    keep("ticket_deadline_set", extended, "tkt_deadline_changed")
    desk.at(2026, 3, 5, 11, 0)  # after the window W of 72 hours (R-TKT-8)
    late = desk.act(
        first, "request_info", text="Пришлите, пожалуйста, журнал сервера за 04.03.2026."
    )
    keep("ticket_hq_question_clock_running", late, "tkt_hq_question")
    desk.at(2026, 3, 5, 12, 0)
    desk.write(
        reply(
            first,
            "Журнал сервера во вложении.",
            topic,
            attachments=[("server-0403.log", LOG, "text/plain")],
        )
    )
    desk.at(2026, 3, 6, 11, 0)
    keep(
        "ticket_resolved",
        desk.act(
            first,
            "resolve",
            text="Включите в свойствах слоя опцию «Подписи по масштабу» и задайте порог 1:5000.",
        ),
        "tkt_resolved",
    )
    desk.at(2026, 3, 6, 12, 0)
    keep(
        "ticket_status_resolved",
        desk.write(reply(first, "Добрый день, какой статус заявки?", topic)),
        "tkt_status",
    )
    desk.at(2026, 3, 16, 11, 1)  # five working days without an answer (R-TKT-10)
    keep("ticket_closed_auto", desk.tick(), "tkt_closed")
    desk.at(2026, 3, 17, 9, 0)
    keep(
        "ticket_reopened",
        desk.write(reply(first, "Проблема снова появилась после перезапуска сервера.", topic)),
        "tkt_reopened",
    )
    desk.at(2026, 3, 17, 12, 0)
    desk.act(first, "resolve", text="Обновите модуль подписей до версии 4.2.2.")
    confirmed = desk.write(reply(first, "Спасибо, вопрос решен, можно закрывать.", topic))
    keep("ticket_closed_confirmed", confirmed, "tkt_closed")
    second = desk.write(letter(subject="Выгрузка в XML", body=COMPLETE_TICKET)).case
    keep(
        "ticket_closed_by_hq",
        desk.act(second, "close", reason="вопрос решен по телефону"),
        "tkt_closed",
    )


def releases(desk: Desk, keep: Keep) -> None:
    """R-TKT-13, R-TKT-14: a fix deferred to a release, published; a feature declined."""
    bug = desk.write(bug_ticket("Низкий")).case
    keep("ticket_deferred_to_release", desk.act(bug, "defer", release="4.3"), "tkt_deferred")
    keep(
        "ticket_deferred_status",
        desk.write(reply(bug, "Какой статус заявки?", "Ошибка при сохранении участка")),
        "tkt_status",
    )
    keep("ticket_released", desk.act(bug, "release_published", release="4.3"), "tkt_released")
    feature = desk.write(stored("43_ticket_feature_thunderbird.eml")).case
    declined = desk.act(
        feature, "decline_feature", reason="функция противоречит архитектуре продукта"
    )
    keep("ticket_closed_feature_declined", declined, "tkt_closed")


def rejections(desk: Desk, keep: Keep) -> None:
    """R-TKT-17, R-ID-2, R-TKT-12: each refusal reason, and a letter after a refusal."""
    for reason in (
        "out_of_scope",
        "license_violation",
        "insufficient_info",
        "incomprehensible",
        "offensive_language",
    ):
        case = desk.write(letter(subject="Вопрос по настройке", body=COMPLETE_TICKET)).case
        keep(f"ticket_rej_{reason}", desk.act(case, "reject", reason=reason), "tkt_rej")
    stranger = desk.write(
        letter(
            sender="stranger@other.ru",
            sender_name="Олег Сидоров",
            subject="Ошибка печати",
            body=COMPLETE_TICKET,
        )
    )
    keep("ticket_rej_unidentified_sender", stranger, "rej_id")
    desk.at(2026, 3, 2, 10, 17)
    later = desk.write(reply(case, "Но ведь это ошибка программы!", "Вопрос по настройке"))
    keep("ticket_new_after_rejection", later, "tkt_ack")


def others(desk: Desk, keep: Keep) -> None:
    """R-THR-13 merged and split; R-THR-6 an unknown number in the subject; R-HQ-10 HQ's own
    text."""
    first = desk.write(letter(subject="Не печатается отчет", body=COMPLETE_TICKET)).case
    second = desk.write(
        letter(subject="Не печатается отчет по участкам", body=COMPLETE_TICKET)
    ).case
    keep("ticket_merged", desk.act(first, "merge", into=second), "merged")
    unknown = desk.write(letter(subject="Re: [TCM-000777] Ошибка в отчете", body=COMPLETE_TICKET))
    keep("ticket_ack_unknown_case_number", unknown, "tkt_ack")
    slow = desk.write(letter(subject="Медленно открывается карта", body=COMPLETE_TICKET)).case
    text = (
        "Проверили журнал: карта открывается медленно из-за слоя без индекса. "
        "Постройте индекс по полю «Кадастровый номер» и откройте карту снова."
    )
    keep("ticket_hq_reply", desk.act(slow, "reply", text=text), "hq_reply")
    base = desk.write(letter(subject="Ошибка экспорта в MIF", body=COMPLETE_TICKET)).case
    question = f"По заявке {base}: подскажите, где взять счет на продление поддержки?"
    desk.write(letter(message_id="<invoice@partner.ru>", subject="Счет", body=question))
    split = desk.act(base, "split", letter=str(desk.letter_id("<invoice@partner.ru>")))
    keep("ticket_letter_split_into_new_case", split, "case_split")


SCENARIOS = (acceptances, clarifications, hq_work, releases, rejections, others)

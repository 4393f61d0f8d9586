"""HQ engineer hours (§5.4), Service Desk accounts and inquiries (§5.5), outage notices
(R-TKT-21): every letter a partner reads about them."""

from __future__ import annotations

from pathlib import Path

from tests.letter_review.desk import GENERAL, Desk, Keep
from tests.support.letters import COMPLETE_TICKET, letter

LETTERS = Path(__file__).resolve().parents[1] / "letters"
GEO_SENDER = "petrov@geopartner.ru"


def stored(name: str, copy: int = 0) -> bytes:
    """A letter of tests/letters; `copy` > 0 is another letter with the same text."""
    raw = (LETTERS / name).read_bytes()
    return raw.replace(b"Message-ID: <", f"Message-ID: <copy{copy}.".encode()) if copy else raw


def in_thread(case: str, body: str, topic: str = "Вопрос", sender: str = GEO_SENDER) -> bytes:
    return letter(subject=f"Re: [{case}] {topic}", to=GENERAL, sender=sender, body=body)


def resources(desk: Desk, keep: Keep) -> None:
    """R-RES-1 … R-RES-8: review, clarification, assignment, hours over the limit, refusal."""
    first = desk.write(stored("56_resource_complete.eml"))
    keep("resource_accepted", first, "res_ack")
    desk.at(2026, 3, 3, 9, 0)
    status = desk.write(in_thread(first.case, "Подскажите, какой статус заявки?"))
    keep("resource_status_in_review", status, "res_status")
    keep(
        "resource_hq_question",
        desk.act(
            first.case, "request_info", text="Уточните, пожалуйста, версию сервера публикации карт."
        ),
        "res_clarify",
    )
    desk.write(in_thread(first.case, "Версия сервера публикации карт — 4.2."))
    assigned = desk.act(
        first.case,
        "assign",
        employee="Смирнов А.В., инженер внедрения",
        schedule="16.03.2026–20.03.2026, с 10:00 до 17:00",
    )
    keep("resource_assigned", assigned, "res_assigned")
    desk.at(2026, 3, 20, 17, 0)
    desk.act(first.case, "log_hours", hours="70", date="2026-03-17")
    over = desk.act(first.case, "log_hours", hours="14", date="2026-03-18")
    keep("resource_hours_over_limit", over, "res_overlimit")
    keep("resource_done_over_limit", desk.act(first.case, "complete", hours_total="84"), "res_done")
    incomplete = desk.write(stored("57_resource_no_hours_outlook.eml"))
    keep("resource_clarify_hours", incomplete, "res_clarify")
    forecast = desk.write(stored("56_resource_complete.eml", copy=2))
    keep("resource_accepted_over_limit_forecast", forecast, "res_ack")
    third = desk.write(stored("56_resource_complete.eml", copy=3)).case
    keep(
        "resource_declined",
        desk.act(third, "decline", reason="задачи относятся к внедрению, а не к настройке сервера"),
        "res_rej",
    )
    stranger = desk.write(
        stored("56_resource_complete.eml", copy=4).replace(GEO_SENDER.encode(), b"a.k@stranger.ru")
    )
    keep("resource_rejected_not_a_partner", stranger, "res_rej")


def accounts(desk: Desk, keep: Keep) -> None:
    """R-ID-9: Service Desk accounts asked, clarified, approved, refused."""
    request = desk.write(stored("59_sd_account_complete.eml"))
    keep("account_request_accepted", request, "acc_ack")
    desk.at(2026, 3, 2, 11, 0)
    status = desk.write(in_thread(request.case, "Подскажите, какой статус запроса?"))
    keep("account_status", status, "acc_status")
    keep("account_created", desk.act(request.case, "approve_accounts"), "acc_done")
    no_consent = desk.write(stored("60_sd_account_no_consent.eml"))
    keep("account_clarify_consent", no_consent, "acc_clarify")
    desk.write(
        in_thread(no_consent.case, "Сотрудник дал согласие на обработку персональных данных.")
    )
    refused = desk.act(
        no_consent.case, "reject_accounts", reason="сотрудник уже не работает в организации"
    )
    keep("account_request_refused", refused, "acc_rej")


def inquiries(desk: Desk, keep: Keep) -> None:
    """R-HQ-2, R-HQ-4, R-HQ-13: an inquiry registered, its status before and after HQ's
    answer, and the partner's next letter."""
    new = desk.write(stored("62_inquiry_training.eml"))
    keep("inquiry_registered", new, "inq_ack")
    desk.at(2026, 3, 3, 9, 0)
    status = desk.write(in_thread(new.case, "Подскажите, какой статус обращения?"))
    keep("inquiry_status_open", status, "inq_status")
    desk.at(2026, 3, 5, 11, 0)
    answer = desk.act(
        new.case, "reply", text="Ближайший курс обучения инженеров — 20 апреля 2026 г."
    )
    keep("inquiry_answered_by_hq", answer, "hq_reply")
    desk.at(2026, 3, 6, 9, 0)
    keep(
        "inquiry_status_answered",
        desk.write(in_thread(new.case, "Какой статус обращения?")),
        "inq_status",
    )
    again = desk.write(in_thread(new.case, "А можно записать на курс двух инженеров?"))
    keep("inquiry_followup_registered", again, "inq_ack")


def outages(desk: Desk, keep: Keep) -> None:
    """R-TKT-21: a service down longer than the threshold, then restored."""
    desk.write(letter(subject="Не строится отчет", body=COMPLETE_TICKET))
    number = desk.perform(
        "new",
        "declare_outage",
        service="ТехноКарта Онлайн",
        started_at="2026-03-02T09:50:00+05:00",
        expected_fix="2026-03-02T14:00:00+05:00",
    ).case
    desk.at(2026, 3, 2, 11, 0)
    keep("outage_notice", desk.tick(), "outage", to="office@partner.ru")
    desk.at(2026, 3, 2, 13, 10)
    keep("outage_ended", desk.act(number, "end_outage"), "outage_end", to="office@partner.ru")


def unidentified(desk: Desk, keep: Keep) -> None:
    """R-MBX-8, D-36: a stranger's letter to mail@ that matches no kind, acknowledged where
    the vendor chose to (mail.ack_unidentified_general_mail); it waits for HQ."""
    stranger = letter(
        sender="info@unknown-firm.ru",
        sender_name="Ирина Соколова",
        to=GENERAL,
        subject="Сотрудничество",
        body="Добрый день! Хотели бы обсудить возможность сотрудничества. Ирина Соколова",
    )
    keep("unidentified_letter_acknowledged", desk.write(stranger), "acceptance")


SCENARIOS = (resources, accounts, inquiries, outages, unidentified)
# Outage notices are an option of the policy (R-TKT-21), off by default.
POLICIES = {outages: "[outage_notice]\nenabled = true\n"}
# Settings a scenario needs besides the defaults (keyword arguments of load_settings).
SETTINGS = {unidentified: {"mail": {"ack_unidentified_general_mail": True}}}

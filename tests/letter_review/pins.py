"""Client pins (spec §5.1): requests, the software list, extensions, the scheduler's
reminders and expiry, annual reports, unpinning and the status answers."""

from __future__ import annotations

from tests.integration.test_pins import REPORT, SOFTWARE_LIST
from tests.letter_review.desk import GENERAL, Desk, Keep, partner_letters
from tests.support.letters import letter

CONTACTS = """Контактные лица:
1. Смирнов Алексей Петрович, главный инженер, +7 (3452) 12-34-56
2. Кузнецова Мария Игоревна, начальник отдела ИТ, kuznetsova@sevkad.ru
"""
PIN_BODY = """Добрый день!

Просим предварительно закрепить за нами клиента.

Наименование клиента: {name}
ИНН/КПП: {inn}/720301001
Адрес клиента: 625000, г. Тюмень, ул. Республики, д. 10
Номер и дата договора: Договор № {contract} от 01.02.2026
Причина интереса: клиент планирует развитие муниципальной ГИС в 2026 году
{contacts}
"""


def pin_request(
    sender: str = "ivan@partner.ru",
    inn: str = "7204196795",
    contract: str = "12/34-ЛД",
    contacts: str = CONTACTS,
    name: str = "ООО «Северный кадастр»",
) -> bytes:
    body = PIN_BODY.format(inn=inn, contract=contract, contacts=contacts, name=name)
    return letter(
        sender=sender, to=GENERAL, subject="Предварительное закрепление клиента", body=body
    )


def send(desk: Desk, raw: bytes):
    return desk.write(raw, to=(GENERAL,))


def in_thread(desk: Desk, case: str, body: str, topic: str = "перечень ПО"):
    return send(desk, letter(to=GENERAL, subject=f"Re: [{case}] {topic}", body=body))


def requests(desk: Desk, keep: Keep) -> None:
    """R-PIN-2, R-PIN-4, R-PIN-6, R-PIN-7, R-PIN-9: the answers to a pin request."""
    keep("pin_prepinned", send(desk, pin_request()), "pin_prepin")
    one = send(
        desk,
        pin_request(
            inn="7728168971",
            contract="7/1",
            name="ООО «Тюменьгеодезия»",
            contacts="Контактное лицо: Смирнов А.П., +7 3452 123456",
        ),
    )
    keep("pin_clarify_one_problem", one, "pin_clarify")
    several = send(
        desk,
        letter(
            to=GENERAL,
            subject="Закрепление клиента АО «Восток»",
            body="Добрый день! Просим предварительно закрепить за нами клиента АО «Восток», "
            "ИНН 7707083893.",
        ),
    )
    keep("pin_clarify_several_missing", several, "pin_clarify")
    desk.at(2026, 3, 20, 10, 0)
    keep("pin_duplicate_request", send(desk, pin_request()), "pin_dup")
    taken = send(desk, pin_request(sender="petrov@geopartner.ru"))
    keep("pin_rejected_client_taken", taken, "pin_rej")


def software_lists(desk: Desk, keep: Keep) -> None:
    """R-PIN-10, R-PIN-11, R-PIN-12: the list with a bad number, then a good one; too late."""
    case = send(desk, pin_request()).case
    late = send(desk, pin_request(inn="7707083893", contract="55/1", name="АО «Восток»")).case
    desk.at(2026, 3, 10, 11, 0)
    bad = in_thread(desk, case, SOFTWARE_LIST.replace("2019612345", "2019512345"))
    keep("pin_software_list_problems", bad, "pin_list_clarify")
    desk.at(2026, 4, 1, 12, 0)
    keep("pin_pinned_by_software_list", in_thread(desk, case, SOFTWARE_LIST), "pin_pinned")
    desk.at(2026, 5, 2, 0, 0, 1)
    keep("pin_software_list_too_late", in_thread(desk, late, SOFTWARE_LIST), "pin_list_late")


def extensions(desk: Desk, keep: Keep) -> None:
    """R-PIN-15, R-PIN-16: asked, approved, declined, impossible."""
    first = send(desk, pin_request()).case
    second = send(desk, pin_request(inn="7707083893", contract="55/1", name="АО «Восток»")).case
    ask = "Просим продлить срок предварительного закрепления на 45 дней: клиент согласует закупку."
    keep("pin_extension_asked", in_thread(desk, first, ask, "продление"), "pin_ext_ack")
    again = in_thread(desk, first, "Просим продлить предварительное закрепление.", "продление")
    keep("pin_extension_impossible_already_asked", again, "pin_ext_rej")
    keep("pin_extension_approved", desk.act(first, "approve_extension", days="30"), "pin_ext_ok")
    in_thread(desk, second, "Просим продлить срок закрепления на 30 дней.", "продление")
    declined = desk.act(
        second, "decline_extension", reason="клиент не подтвердил интерес к проекту"
    )
    keep("pin_extension_declined", declined, "pin_ext_declined")


def scheduler(desk: Desk, keep: Keep) -> None:
    """R-PIN-17, R-PIN-13, R-CAL-10: reminders at 09:00 before expiry, then the expiry."""
    case = send(desk, pin_request()).case
    desk.at(2026, 4, 17, 9, 0)  # expiry 01.05 − 14 days
    keep("pin_reminder_14_days", desk.tick(), "pin_remind")
    desk.at(2026, 4, 28, 9, 0)  # − 3 days
    assert [r.template for r in partner_letters(desk.tick())] == ["pin_remind"]
    desk.at(2026, 5, 4, 9, 0)  # the first working day's slot after the expiry
    keep("pin_expired", desk.tick(), "pin_expired")
    desk.at(2026, 5, 6, 10, 0)
    keep(
        "pin_letter_after_expiry",
        in_thread(desk, case, "Добрый день! Подскажите, что с закреплением?", "закрепление"),
        "pin_closed_thread",
    )
    keep("pin_repeat_after_expiry_to_hq", send(desk, pin_request()), "pin_hqreview")


def reports(desk: Desk, keep: Keep) -> None:
    """R-PIN-18..25: the first report reminded, warned, accepted; a missed one unpins."""
    first = send(desk, pin_request()).case
    second = send(desk, pin_request(inn="7707083893", contract="55/1", name="АО «Восток»")).case
    desk.at(2026, 4, 1, 12, 0)
    in_thread(desk, first, SOFTWARE_LIST)
    in_thread(desk, second, SOFTWARE_LIST)
    desk.at(2026, 12, 16, 9, 0)  # 15.01.2027 − 30 days
    keep("pin_report_reminder", desk.tick(), "rpt_remind", first)
    desk.at(2027, 1, 11, 10, 0)
    thin = in_thread(
        desk,
        first,
        "Добрый день! Направляем ежегодный отчет по клиенту ИНН 7204196795. "
        "Подробности направим позже.",
        "отчет",
    )
    keep("pin_report_incomplete", thin, "rpt_clarify")
    keep("pin_report_accepted", in_thread(desk, first, REPORT, "отчет"), "rpt_ack")
    desk.at(2027, 1, 18, 9, 0)  # D+3 after a missed report
    keep("pin_report_missed_warning", desk.tick(), "rpt_warn", second)
    desk.at(2027, 1, 26, 9, 0)  # after the end of D+10
    keep("pin_unpinned_missed_report", desk.tick(), "pin_unpinned", second)


def status(desk: Desk, keep: Keep) -> None:
    """R-PIN-27, R-PIN-28, R-HQ-13: is the client free; the case status; a withdrawal."""
    case = send(desk, pin_request()).case
    ask = "Подскажите, свободен ли клиент с ИНН {inn}?"
    keep(
        "pin_client_status_yours",
        send(
            desk,
            letter(
                to=GENERAL, subject="Проверка статуса клиента", body=ask.format(inn="7204196795")
            ),
        ),
        "pin_status",
    )
    keep(
        "pin_client_status_free",
        send(
            desk,
            letter(
                to=GENERAL, subject="Проверка статуса клиента", body=ask.format(inn="7707083893")
            ),
        ),
        "pin_status",
    )
    taken = send(
        desk,
        letter(
            sender="petrov@geopartner.ru",
            to=GENERAL,
            subject="Статус клиента",
            body=ask.format(inn="7204196795"),
        ),
    )
    keep("pin_client_status_taken", taken, "pin_status")
    keep(
        "pin_case_status_prepinned",
        in_thread(desk, case, "Добрый день! Какой статус обращения?", "статус"),
        "pin_status_case",
    )
    withdrawn = in_thread(
        desk, case, "Отказываемся от закрепления, просим снять закрепление.", "отказ"
    )
    keep("pin_withdrawn", withdrawn, "pin_withdrawn")
    multi = send(
        desk,
        letter(
            to=GENERAL,
            subject="Закрепление двух клиентов",
            body="Просим предварительно закрепить клиентов: ООО «Северный кадастр», "
            "ИНН 7728168971, и АО «Восток», ИНН 7707083893.",
        ),
    )
    keep("pin_two_clients_in_one_letter", multi, "rej_multi")
    stranger = send(desk, pin_request(sender="someone@stranger.ru", inn="7728168971"))
    keep("pin_rejected_not_a_partner", stranger, "rej_id")
    unmatched = send(
        desk,
        letter(
            to=GENERAL,
            subject="Перечень ПО",
            body=SOFTWARE_LIST.replace("Направляем", "По ИНН 7728168971 направляем"),
        ),
    )
    keep("pin_software_list_unmatched", unmatched, "unmatched")


def licensed(desk: Desk, keep: Keep) -> None:
    """R-PIN-14, R-PIN-21: licenses bought during the pre-pin; one report for two clients."""
    case = send(desk, pin_request()).case
    keep(
        "pin_licenses_bought_noted",
        desk.act(case, "mark_licensed", license="TCM-000077"),
        "pin_lic_noted",
    )
    other = send(desk, pin_request(inn="7707083893", contract="55/1", name="АО «Восток»")).case
    in_thread(desk, other, SOFTWARE_LIST)
    desk.at(2026, 5, 2, 0, 0, 1)  # the pre-pin ends: the licenses pin the client
    keep("pin_pinned_by_licenses", desk.tick(), "pin_pinned", case)
    desk.at(2027, 1, 11, 10, 0)
    body = """Добрый день! Направляем ежегодный отчет по закрепленным клиентам.

1. ООО «Северный кадастр», ИНН 7204196795
Проведенные поставки: 5 лицензий ГеоКадастр в 2026 г.

2. АО «Восток», ИНН 7707083893
Планируемые поставки: 3 рабочих места в 2027 г.
"""
    combined = send(
        desk, letter(to=GENERAL, subject="Отчет об использовании специализированного ПО", body=body)
    )
    keep("pin_report_for_two_clients", combined, "rpt_ack_combined")


def direct_client(desk: Desk, keep: Keep) -> None:
    """R-PIN-26: the held client writes to HQ directly; HQ passes its letter to the holder."""
    send(desk, pin_request())
    direct = send(
        desk,
        letter(
            sender="director@sevkad.ru",
            to=GENERAL,
            subject="Условия покупки",
            body="Добрый день! Мы, ООО «Северный кадастр» (ИНН 7204196795), просим прислать "
            "коммерческое предложение и условия продажи и подключения.",
        ),
    )
    keep(
        "pin_client_redirected",
        desk.act(direct.case, "redirect_to_partner"),
        "pin_client_redirected",
    )


SCENARIOS = (
    requests,
    software_lists,
    extensions,
    scheduler,
    reports,
    status,
    licensed,
    direct_client,
)

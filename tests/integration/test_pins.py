"""The life of a client pin end to end (spec §5.1): letters via ingest, time via tick, HQ via
actions, on a frozen clock. Dates are 2026: 60 calendar days from 02.03 end on 01.05."""

from __future__ import annotations

import pytest

from tests.conftest import deliver, register_partner
from tests.integration.test_service_desk import act, at, partner_replies, show
from tests.support.letters import letter

PIN_BODY = """Добрый день!

Просим предварительно закрепить за нами клиента.

Наименование клиента: ООО «Северный кадастр»
ИНН/КПП: {inn}/720301001
Адрес клиента: 625000, г. Тюмень, ул. Республики, д. 10
Номер и дата договора: Договор № {contract} от {contract_date}
Причина интереса: клиент планирует развитие муниципальной ГИС в 2026 году
{contacts}
"""
CONTACTS = """Контактные лица:
1. Смирнов Алексей Петрович, главный инженер, +7 (3452) 12-34-56
2. Кузнецова Мария Игоревна, начальник отдела ИТ, kuznetsova@sevkad.ru
"""
SOFTWARE_LIST = """Добрый день!

Направляем перечень специализированного ПО для перевода клиента в статус закрепленного:

1. ГеоКадастр — ведение кадастра недвижимости — 2019612345
2. ТехноКарта Сервер — публикация карт — 2022665123
"""
REPORT = """Добрый день!
Направляем ежегодный отчет по клиенту ООО «Северный кадастр» (ИНН 7204196795).

Проведенные поставки: 5 лицензий ГеоКадастр, поставка в ноябре 2026 г.
Планируемые поставки в текущем и следующем периоде: 10 рабочих мест во 2 квартале 2027 г.
"""
OTHER = {
    "name": "ООО «Другой партнер»",
    "inn": "7700000009",
    "role": "authorized",
    "addresses": ["anna@other.ru"],
}


def pin_request(
    sender="ivan@partner.ru",
    inn="7204196795",
    contract="12/34-ЛД",
    contacts=CONTACTS,
    contract_date="01.02.2026",
    **kw,
) -> bytes:
    body = PIN_BODY.format(
        inn=inn, contract=contract, contacts=contacts, contract_date=contract_date
    )
    return letter(
        sender=sender,
        to="mail@technocom.tech",
        subject="Предварительное закрепление клиента",
        body=body,
        **kw,
    )


def send(service, raw: bytes):
    return deliver(service, raw, to=("mail@technocom.tech",))


def in_thread(service, case: str, body: str, subject: str = "перечень", **kw):
    return send(
        service,
        letter(to="mail@technocom.tech", subject=f"Re: [{case}] {subject}", body=body, **kw),
    )


def test_r_pin_2_incomplete_then_answer_then_r_pin_7_prepin_for_60_days(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    first = send(service, pin_request(contacts="Контактное лицо: Смирнов А.П., +7 3452 123456"))
    assert (first.kind, first.state) == ("pin_request", "needs_info")
    # One contact where two are required: named as a problem, not as missing data.
    assert "contacts" in {item["field"] for item in first.invalid}
    [ask] = partner_replies(first)
    assert "клиент за вами не закреплен" in ask["text"]
    at(frozen_clock, 2026, 3, 3, 9, 0)
    answer = in_thread(service, first.case, CONTACTS, subject="контакты")
    assert answer.state == "pre_pinned"
    [prepin] = partner_replies(answer)
    # R-PIN-7: the 60 days run from the completing letter: 03.03 + 60 = 02.05 end of day.
    assert "до 02.05.2026 23:59 (GMT+5)" in prepin["text"]
    assert "номер государственной регистрации программы для ЭВМ" in prepin["text"]


def test_r_pin_10_software_list_pins_and_r_pin_18_first_report_date(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(service, pin_request()).case
    at(frozen_clock, 2026, 4, 1, 12, 0)
    pinned = in_thread(service, case, SOFTWARE_LIST)
    assert (pinned.kind, pinned.state) == ("pin_confirmation", "pinned")
    assert "Первый отчет — до 15.01.2027 23:59 (GMT+5)" in partner_replies(pinned)[0]["text"]


def test_r_pin_11_invalid_software_list_keeps_prepin_and_the_date(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(service, pin_request()).case
    bad = in_thread(service, case, SOFTWARE_LIST.replace("2019612345", "2019512345"))
    assert bad.state == "pre_pinned"
    text = partner_replies(bad)[0]["text"]
    assert "свидетельство Роспатента" in text and "01.05.2026 23:59" in text


def test_r_pin_4_r_pin_13_expiry_releases_the_client_and_another_partner_can_pin(
    service, frozen_clock
):
    register_partner(service, OTHER)
    at(frozen_clock, 2026, 3, 2, 10, 0)
    first = send(service, pin_request())
    at(frozen_clock, 2026, 3, 10, 10, 0)
    taken = send(service, pin_request(sender="anna@other.ru"))
    assert (taken.state, partner_replies(taken)[0]["template"]) == ("rejected", "pin_rej")
    assert "ООО «Партнер»" not in partner_replies(taken)[0]["text"]  # R-PIN-4: holder unnamed
    at(frozen_clock, 2026, 5, 1, 23, 59, 59)
    assert [r for r in service.ticker.tick().replies if r["template"] == "pin_expired"] == []
    at(frozen_clock, 2026, 5, 2, 0, 0, 1)
    expired = [r for r in service.ticker.tick().replies if r["template"] == "pin_expired"]
    assert len(expired) == 1 and show(service, first.case)["state"] == "expired"
    again = send(service, pin_request(sender="anna@other.ru"))
    assert again.state == "pre_pinned"


def test_r_pin_17_reminders_before_expiry(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    send(service, pin_request())
    at(frozen_clock, 2026, 4, 17, 9, 0)  # expiry 01.05 − 14 days, 09:00 local
    [remind] = service.ticker.tick().replies
    assert remind["kind"] == "reminder" and "до окончания закрепления 14" in remind["text"]


def test_r_pin_15_16_extension_once_with_hq_approval(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(service, pin_request()).case
    ack = in_thread(
        service,
        case,
        "Просим продлить срок предварительного закрепления на 45 дней.",
        subject="продление",
    )
    assert ack.kind == "pin_extension"
    text = partner_replies(ack)[0]["text"]
    # 45 days asked, 30 is the most (R-PIN-16); the old date holds until HQ decides.
    assert "на 30 календарных дней" in text and "прежний срок — до 01.05.2026 23:59" in text
    second = in_thread(
        service, case, "Просим продлить предварительное закрепление.", subject="продление"
    )
    assert partner_replies(second)[0]["template"] == "pin_ext_rej"
    ok = act(service, case, "approve_extension", days="30")
    assert "до 31.05.2026 23:59 (GMT+5)" in ok.replies[0]["text"]
    third = in_thread(
        service, case, "Просим продлить предварительное закрепление еще.", subject="продление"
    )
    assert "уже было запрошено или предоставлено" in partner_replies(third)[0]["text"]
    at(frozen_clock, 2026, 5, 2, 12, 0)
    service.ticker.tick()
    assert show(service, case)["state"] == "pre_pinned"  # the old expiry no longer applies


def test_r_pin_3_conflict_by_contract_key(service, frozen_clock):
    register_partner(service, OTHER)
    send(service, pin_request())
    other = send(service, pin_request(sender="anna@other.ru", inn="7700000009"))
    assert other.state == "rejected"  # same contract number and date (R-PIN-3 b)


def test_r_pin_6_same_partner_twice_is_a_duplicate_with_the_old_dates(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    first = send(service, pin_request())
    at(frozen_clock, 2026, 3, 20, 10, 0)
    dup = send(service, pin_request())
    assert dup.state == "duplicate"
    text = partner_replies(dup)[0]["text"]
    assert first.case in text and "01.05.2026 23:59" in text and "не продлевает" in text


def test_r_pin_1_sender_who_is_not_a_partner_is_rejected(service):
    result = send(service, pin_request(sender="someone@stranger.ru"))
    assert result.state == "rejected"
    assert "дистрибьюторское соглашение" in result.replies[0]["text"]


def test_r_pin_23_25_missed_report_warning_then_unpinned(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(service, pin_request()).case
    in_thread(service, case, SOFTWARE_LIST)
    at(frozen_clock, 2027, 1, 16, 0, 0, 1)  # just after the end of 15 January
    service.ticker.tick()
    assert show(service, case)["state"] == "report_overdue"
    at(frozen_clock, 2027, 1, 18, 0, 0, 1)  # start of D+3
    [warning] = [r for r in service.ticker.tick().replies if r["kind"] == "warning"]
    assert "до 25.01.2027 23:59 (GMT+5)" in warning["text"]
    at(frozen_clock, 2027, 1, 26, 0, 0, 1)  # after the end of D+10
    [unpinned] = [r for r in service.ticker.tick().replies if r["template"] == "pin_unpinned"]
    assert "может быть закреплен за другим партнером" in unpinned["text"]
    assert show(service, case)["state"] == "unpinned"


def test_r_pin_24_report_during_overdue_returns_to_pinned_next_year(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(service, pin_request()).case
    in_thread(service, case, SOFTWARE_LIST)
    at(frozen_clock, 2027, 1, 20, 10, 0)
    service.ticker.tick()
    report = in_thread(service, case, REPORT, subject="отчет")
    assert (report.kind, report.state) == ("annual_report", "pinned")
    assert "следующий отчет — до 15.01.2028 23:59" in partner_replies(report)[0]["text"]
    at(frozen_clock, 2027, 1, 27, 10, 0)
    service.ticker.tick()
    assert show(service, case)["state"] == "pinned"  # the D+10 unpinning no longer applies


def test_r_pin_28_withdrawal_and_r_pin_27_status_query(service, frozen_clock):
    case = send(service, pin_request()).case
    status = send(
        service,
        letter(
            to="mail@technocom.tech",
            subject="Проверка статуса клиента",
            body="Подскажите, свободен ли клиент с ИНН 7204196795?",
        ),
    )
    assert status.state == "answered"
    assert f"закреплен за вашей организацией (обращение {case})" in status.replies[0]["text"]
    withdrawn = in_thread(
        service, case, "Отказываемся от закрепления, просим снять закрепление.", subject="отказ"
    )
    assert withdrawn.state == "withdrawn"


WITHDRAWAL = (
    "Коллеги, добрый вечер.\nПросим снять закрепление по ООО «Северный кадастр» (ИНН {inn}). "
    "Заказчик отказался от проекта, перечень ПО направлять не будем.\n\nОтправлено с iPhone"
)


def test_r_pin_28_withdrawal_without_a_thread_names_the_client_by_inn(service, frozen_clock):
    # R-THR-4 step 4: a new letter, no thread headers and no case number, names the INN.
    case = send(service, pin_request()).case
    body = WITHDRAWAL.format(inn="7204196795")
    out = send(service, letter(to="mail@technocom.tech", subject="Снятие закрепления", body=body))
    assert (out.case, out.state) == (case, "withdrawn")
    assert show(service, case)["state"] == "withdrawn"
    assert case in partner_replies(out)[0]["subject"]


def test_r_pin_28_withdrawal_naming_another_client_withdraws_nothing(service, frozen_clock):
    case = send(service, pin_request()).case
    body = WITHDRAWAL.format(inn="7203123459")
    out = send(service, letter(to="mail@technocom.tech", subject="Снятие закрепления", body=body))
    assert out.case != case
    assert show(service, case)["state"] == "pre_pinned"


def test_r_thr_7_withdrawal_never_reaches_another_partners_pin(service, frozen_clock):
    register_partner(service, OTHER)
    case = send(service, pin_request()).case
    body = WITHDRAWAL.format(inn="7204196795")
    out = send(
        service,
        letter(sender="anna@other.ru", to="mail@technocom.tech", subject="Снятие", body=body),
    )
    assert out.case != case
    assert show(service, case)["state"] == "pre_pinned"


@pytest.mark.parametrize("mode", ["manual"])
def test_r_pin_8_manual_mode_waits_for_hq(settings, frozen_clock, tmp_path, mode):
    from bot.app import build

    policy = tmp_path / "p.toml"
    policy.write_text(f'[pin]\nconfirmation_mode = "{mode}"\n')
    service = build(settings.model_copy(update={"policy_file": policy}), clock=frozen_clock)
    register_partner(service)
    result = send(service, pin_request())
    assert result.state == "awaiting_hq"
    approved = act(service, result.case, "approve_pin")
    assert approved.state == "pre_pinned"
    service.engine.dispose()


def test_r_pin_30_registry_export_and_client_history(
    service, frozen_clock, tmp_path, monkeypatch, capsys
):
    import json

    from bot.cli import main

    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(service, pin_request()).case
    in_thread(service, case, SOFTWARE_LIST)
    db = service.settings.database_url
    assert main(["registry", "export", "--db", db]) == 0
    exported = capsys.readouterr().out.splitlines()
    assert exported[0] == "client_name,client_inn,status,since,expires,holder,case"
    assert exported[1].startswith("ООО «Северный кадастр»,7204196795,pinned,")
    assert exported[1].endswith(f"ООО «Партнер»,{case}")
    out = tmp_path / "registry.json"
    assert main(["registry", "export", "--format", "json", "--out", str(out), "--db", db]) == 0
    [row] = json.loads(out.read_text())
    assert (row["status"], row["client_inn"]) == ("pinned", "7204196795")
    capsys.readouterr()
    assert main(["registry", "show", "7204196795", "--db", db]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["current"]["status"] == "pinned"
    assert [h["to"] for h in shown["history"]] == ["pre_pinned", "pinned"]
    assert main(["registry", "show", "7700000009", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["current"]["status"] == "free"


def test_r_thr_4_software_list_without_thread_matched_by_inn(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(service, pin_request()).case
    body = SOFTWARE_LIST.replace(
        "Направляем перечень", "По клиенту ИНН 7204196795 направляем перечень"
    )
    listed = send(service, letter(to="mail@technocom.tech", subject="Перечень ПО", body=body))
    assert (listed.case, listed.state) == (case, "pinned")


def test_r_pin_21_one_report_for_two_clients(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    first = send(service, pin_request()).case
    second = send(service, pin_request(inn="7700000009", contract="55/1")).case
    for case in (first, second):
        in_thread(service, case, SOFTWARE_LIST)
    at(frozen_clock, 2027, 1, 10, 10, 0)
    body = """Добрый день! Направляем ежегодный отчет по закрепленным клиентам.

1. ООО «Северный кадастр», ИНН 7204196795
Проведенные поставки: 5 лицензий ГеоКадастр в 2026 г.

2. АО «Восток», ИНН 7700000009
Планируемые поставки: 3 рабочих места в 2027 г.
"""
    report = send(
        service,
        letter(
            to="mail@technocom.tech",
            subject="Отчет об использовании специализированного ПО",
            body=body,
        ),
    )
    [ack] = partner_replies(report)
    assert first in ack["text"] and second in ack["text"] and "15.01.2028" in ack["text"]
    for case in (first, second):
        assert "report-accepted" in [e["event"] for e in show(service, case)["history"]]


def test_r_thr_4_step_6_unmatched_follow_up_is_asked_not_guessed(service, frozen_clock):
    listed = send(
        service,
        letter(
            to="mail@technocom.tech",
            subject="Перечень ПО",
            body=SOFTWARE_LIST.replace("Направляем", "По ИНН 7700000009 направляем"),
        ),
    )
    assert listed.state == "unmatched"
    [reply] = listed.replies
    assert "Не удалось отнести письмо к обращению" in reply["subject"]
    assert "не найдено действующее закрепление клиента" in reply["text"]


def test_r_pin_14_licenses_paid_during_the_prepin_pin_the_client_at_its_end(service, frozen_clock):
    from tests.integration.test_license_lifecycle import corpus, pdf
    from tests.integration.test_license_lifecycle import in_thread as license_thread

    at(frozen_clock, 2026, 3, 2, 10, 0)
    pin_case = send(service, pin_request()).case  # client INN 7204196795, pre-pinned to 01.05
    request = deliver(service, corpus("34_license_html_two_rows.eml"))  # an end customer 7204196795
    assert request.state == "in_review"
    act(
        service,
        request.case,
        "send_license_docs",
        draft_agreement="Проект.docx",
        invoice="Счет.pdf",
    )
    scans = deliver(
        service,
        license_thread(
            request.case,
            "Направляем сканы подписанных документов.",
            pdf("Подписанное соглашение.pdf"),
        ),
    )
    assert scans.state == "awaiting_payment"
    at(frozen_clock, 2026, 3, 20, 12, 0)
    paid = act(service, request.case, "mark_paid", payment_date="2026-03-20")
    assert paid.state == "awaiting_license_docs"
    at(frozen_clock, 2026, 5, 2, 0, 0, 1)  # the pre-pin has ended: no software list came
    replies = service.ticker.tick().replies
    assert show(service, pin_case)["state"] == "pinned"
    [pinned] = [r for r in replies if r["template"] == "pin_pinned"]
    assert "приобретены лицензии для клиента" in pinned["text"]


def test_r_cal_12_r_pin_12_list_in_time_at_the_last_minute_and_too_late(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    first = send(service, pin_request()).case
    second = send(service, pin_request(inn="7700000009", contract="55/1")).case
    # Received exactly at the deadline instant (end of day 60) is in time: ≤, not <.
    at(frozen_clock, 2026, 5, 1, 23, 59, 59, 999000)
    assert in_thread(service, first, SOFTWARE_LIST).state == "pinned"
    at(frozen_clock, 2026, 5, 2, 0, 0, 1)  # before any tick ran, but after the end
    late = in_thread(service, second, SOFTWARE_LIST)
    [reply] = partner_replies(late)
    assert reply["template"] == "pin_list_late" and "не учитывается" in reply["text"]
    assert late.state != "pinned"


def test_r_pin_5_same_contract_number_other_date_is_only_flagged(service, frozen_clock):
    register_partner(service, OTHER)
    holder = send(service, pin_request(sender="anna@other.ru", inn="7700000009")).case
    ours = send(service, pin_request(contract_date="15.01.2026"))
    assert ours.state == "pre_pinned"  # not a conflict: same number, another date
    assert f"possible_conflict:{holder}" in show(service, ours.case)["attrs"]["flags"]


def test_r_pin_9_the_first_complete_request_wins(service, frozen_clock):
    register_partner(service, OTHER)
    at(frozen_clock, 2026, 3, 2, 10, 0)
    ours = send(service, pin_request(contacts="Контактное лицо: Смирнов А.П., +7 3452 123456"))
    assert ours.state == "needs_info"  # D-32: an incomplete request reserves nothing
    at(frozen_clock, 2026, 3, 2, 11, 0)
    theirs = send(service, pin_request(sender="anna@other.ru"))
    assert theirs.state == "pre_pinned"
    at(frozen_clock, 2026, 3, 2, 12, 0)
    completed = in_thread(service, ours.case, CONTACTS, subject="контакты")
    assert completed.state == "rejected"
    assert partner_replies(completed)[0]["template"] == "pin_rej"


def test_r_pin_19_20_a_second_report_in_the_same_period_changes_nothing(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(service, pin_request()).case
    in_thread(service, case, SOFTWARE_LIST)
    at(frozen_clock, 2027, 1, 10, 10, 0)
    in_thread(service, case, REPORT, subject="отчет")
    at(frozen_clock, 2027, 1, 12, 10, 0)
    again = in_thread(service, case, REPORT, subject="отчет еще раз")
    text = partner_replies(again)[0]["text"]
    assert "уже был принят ранее" in text and "до 15.01.2028 23:59" in text
    assert show(service, case)["attrs"]["report_due_at"].startswith("2028-01-15")


def test_r_pin_22_report_reminder_30_days_before(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(service, pin_request()).case
    at(frozen_clock, 2026, 4, 1, 12, 0)
    in_thread(service, case, SOFTWARE_LIST)  # first report due 15.01.2027
    at(frozen_clock, 2026, 12, 16, 8, 59)
    assert [r for r in service.ticker.tick().replies if r["template"] == "rpt_remind"] == []
    at(frozen_clock, 2026, 12, 16, 9, 0)  # D − 30 days, 09:00 local
    [remind] = [r for r in service.ticker.tick().replies if r["template"] == "rpt_remind"]
    assert remind["kind"] == "reminder" and "до 15.01.2027 23:59" in remind["text"]


def test_r_pin_29_repeat_after_own_expiry_goes_to_hq(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    send(service, pin_request())
    at(frozen_clock, 2026, 5, 2, 9, 0)
    service.ticker.tick()  # the pre-pin expired
    again = send(service, pin_request())
    assert again.state == "awaiting_hq"
    assert "менее года назад" in partner_replies(again)[0]["text"]


def test_r_thr_9_one_letter_naming_two_clients_is_refused(service):
    from tests.integration.test_license_lifecycle import corpus

    result = deliver(service, corpus("12_pin_two_clients.eml"), to=("mail@technocom.tech",))
    assert (result.kind, result.state) == ("pin_request", "rejected")
    [reply] = result.replies
    assert reply["template"] == "rej_multi"
    assert "одно письмо — один вопрос" in reply["text"]


def test_r_val_8_contract_dated_after_the_letter_is_invalid(service, frozen_clock):
    at(frozen_clock, 2026, 3, 2, 10, 0)
    result = send(service, pin_request(contract_date="01.02.2027"))
    assert result.state == "needs_info"
    assert "contract_ref" in {item["field"] for item in result.invalid}


def test_r_cfg_3_a_case_keeps_the_policy_version_it_was_created_under(service):
    from sqlalchemy import select

    from bot.store.models import Case

    send(service, pin_request())
    with service.sessions() as session:
        assert session.scalars(select(Case.policy_version)).one() == service.policy.version

"""HQ's own letters (R-MBX-7, R-HQ-5, R-ID-5) and possibly offensive language (R-TKT-17)."""

from __future__ import annotations

from parsers import parse_report
from parsers.signals_hq import case_numbers
from parsers.signals_tone import offensive

OWN = ("vendor.example",)


def raw(body: str, subject: str = "", sender: str = "k.smirnov@vendor.example", headers: str = ""):
    return (
        f"From: {sender}\r\nTo: mail@vendor.example\r\nSubject: {subject}\r\n{headers}"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}"
    ).encode()


def report(message: bytes, role: str = "general", staff: tuple[str, ...] = ()) -> dict:
    return parse_report(message, role, own_domains=OWN, hq_staff=staff)


def test_r_hq_5_staff_reply_on_a_case_is_a_command() -> None:
    message = raw("Одобряю, ответственный Петров, 16 ч.", "RE: [TCM-000031] Ресурс сотрудников")
    got = report(message)
    assert (got["kind"], got["flags"]) == ("hq_command", ["from_hq_staff"])


def test_r_hq_5_command_words_without_a_tag() -> None:
    got = report(raw("Продление на 30 дней согласовываю.", "Продление для Альфы"))
    assert got["kind"] == "hq_command"
    assert report(raw("reject(incomplete)", "decision"))["kind"] == "hq_command"


def test_r_mbx_7_internal_letter_copied_to_mail_is_ignored() -> None:
    body = "Коллеги, в пятницу корпоратив, сбор в 18:00. Счета партнерам и акты — после праздников."
    got = report(raw(body, "Пятница"))
    assert (got["kind"], got["flags"]) == ("ignored", ["from_hq_staff"])


def test_r_mbx_7_configured_staff_address_outside_the_domain() -> None:
    message = raw("Просим предварительно закрепить клиента", "Тест", sender="boss@private.example")
    assert report(message, staff=("Boss@Private.example",))["flags"] == ["from_hq_staff"]


def test_r_id_5_forged_own_domain_is_not_hq() -> None:
    headers = "Authentication-Results: mx.vendor.example; dmarc=fail\r\n"
    got = report(raw("Прошу закрепить клиента ООО «Бета»", "Закрепление", headers=headers))
    assert "from_hq_staff" not in got["flags"] and got["kind"] != "hq_command"


def test_r_mbx_3_automatic_mail_from_our_domain_stays_automatic() -> None:
    got = report(raw("Новая заявка с сайта", "Форма", sender="noreply@vendor.example"))
    assert (got["kind"], got["flags"]) == ("ignored", ["automatic"])


def test_r_mbx_7_without_own_domains_a_partner_is_read_as_usual() -> None:
    message = raw("Прошу предварительно закрепить клиента ООО «Бета»", "Закрепление")
    assert parse_report(message, "general")["kind"] == "pin_request"


def test_r_thr_5_case_numbers_with_look_alikes() -> None:
    assert case_numbers("по ТСМ-207 и tcm 000031, еще TCM-№ 5555") == [
        "TCM-000207",
        "TCM-000031",
        "TCM-005555",
    ]


def test_r_tkt_17_obscene_and_abusive_words_by_root_and_lemma() -> None:
    assert offensive("Да вы охренели там, идиоты!")
    assert offensive("Опять эта хрень, вы все халтурщики и бездари")
    assert offensive("Сколько можно, блять")


def test_r_tkt_17_ordinary_words_that_contain_the_roots_are_not_offensive() -> None:
    text = (
        "Употребляем себестоимость, хуже не стало; оскорблений нет. "
        "Говорить о дураке в пословице можно."
    )
    assert offensive(text) is None


def test_r_tkt_17_offensive_ticket_keeps_its_kind_and_gets_the_flag() -> None:
    body = (
        "Вы там совсем идиоты? Ошибка при сохранении карточки, не работает уже неделю. "
        "Задолбались ждать."
    )
    got = parse_report(raw(body, "Не работает сохранение", sender="x@partner.example"), "support")
    assert got["kind"] == "ticket" and "offensive" in got["flags"]

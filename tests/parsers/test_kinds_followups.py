"""Kinds of letters read on their own: follow-ups without thread headers, §5 inquiries, resource."""

from __future__ import annotations

import pytest

from parsers import classify, parse_letter, parse_report
from parsers.types import Kind


def raw(body: str, subject: str = "", sender: str = "o.belova@partner.example") -> bytes:
    return (
        f"From: {sender}\r\nTo: mail@vendor.example\r\nSubject: {subject}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}"
    ).encode()


def kind(body: str, subject: str = "", role: str = "general") -> Kind:
    return classify(parse_letter(raw(body, subject)), role).kind


def test_r_pin_16_extension_wording_is_not_a_new_pin_request() -> None:
    body = (
        "Прошу продлить срок предварительного закрепления заказчика АО «Север» на один месяц: "
        "закупка перенесена, перечень ПО пришлем после торгов."
    )
    assert kind(body, "Re: [TCM-000777] Срок предварительного закрепления истекает") == (
        Kind.PIN_EXTENSION
    )


def test_r_pin_16_extension_until_a_date() -> None:
    body = "Просим продлить закрепление организации МУП «Водоканал» до 20.04.2027, нет бюджета."
    assert kind(body) == Kind.PIN_EXTENSION


def test_r_mbx_11_reply_subject_with_a_case_tag_is_not_the_partners_words() -> None:
    # The body is a software list; the subject repeats HQ's pin-request title.
    body = (
        "Направляем перечень программного обеспечения для перевода в статус закрепленного:\n"
        "1) ГИС Контур — учет сетей — рег. № 2020612345\n"
        "2) Портал данных — публикация карт — рег. № 2021654321\n"
    )
    assert kind(body, "Ответ: [TCM-000500] Предварительное закрепление клиента") == (
        Kind.PIN_CONFIRMATION
    )


def test_r_lic_originals_received_in_other_words() -> None:
    body = "Коллеги, оригиналы лицензионного соглашения и акта мы получили вчера, спасибо."
    assert kind(body, "Re: [TCM-000321] Документы") == Kind.LICENSE_DOCUMENTS


def test_r_pin_28_withdrawal_outside_its_thread_is_an_inquiry_with_the_event() -> None:
    body = "Отзываем нашу заявку на закрепление клиента ООО «Дельта» — тендер отменен."
    verdict = classify(parse_letter(raw(body, "Re: [TCM-000409] Закрепление клиента")), "general")
    assert (verdict.kind, verdict.event) == (Kind.INQUIRY, "withdrawal")


def test_r_thr_4_status_query_with_a_look_alike_tag_gets_event_and_case_no() -> None:
    report = parse_report(
        raw("Когда будет решено по ТСМ-31? Ждем третий день.", "Вопрос"), "support"
    )
    assert report["event"] == "status_query"
    assert report["fields"]["case_no"]["value"] == "TCM-000031"


def test_r_tkt_10_thanks_with_case_number_in_the_subject() -> None:
    body = "Все заработало, спасибо! Вопрос решен."
    report = parse_report(raw(body, "Re: [TCM-000088] Неисправность: ошибка печати"), "support")
    assert report["kind"] != "ticket"
    assert report["event"] == "resolution_confirmed"
    assert report["fields"]["case_no"]["value"] == "TCM-000088"


def test_r_hq_2_cofinancing_is_an_inquiry_even_with_a_disclaimer() -> None:
    body = (
        "Предлагаем совместную рекламную кампанию, просим софинансирование выставочного стенда.\n"
        "Если вы получили это письмо по ошибке, удалите его."
    )
    assert kind(body, "Маркетинг") == Kind.INQUIRY


def test_r_hq_2_training_question_at_support_is_an_inquiry() -> None:
    body = (
        "Наш новый специалист должен пройти аттестацию. Где взять учебные материалы "
        "и как записаться? В старом курсе устаревшие скриншоты."
    )
    assert kind(body, "Аттестация", role="support") == Kind.INQUIRY


def test_r_hq_2_complaint_about_service_desk_is_an_inquiry() -> None:
    body = (
        "Пишем жалобу на работу техподдержки: заявки висят неделями, ответы формальные. "
        "Сбой у клиента так и не устранен."
    )
    assert kind(body, "Претензия") == Kind.INQUIRY


def test_r_res_1_time_of_hq_staff_in_partners_words() -> None:
    body = (
        "Нужна помощь ваших инженеров в настройке обмена с биллингом у заказчика. "
        "Оцениваем в 24 часа работы специалиста, удобно в апреле."
    )
    assert kind(body, "Помощь") == Kind.RESOURCE
    body = "Просим выделить время сотрудников головного офиса на конфигурирование системы."
    assert kind(body, "Запрос") == Kind.RESOURCE


def test_r_tkt_a_bug_report_stays_a_ticket() -> None:
    body = "После обновления ошибка при открытии карты, сервер падает. Лог приложен."
    assert kind(body, "Сбой", role="support") == Kind.TICKET


FORM = (
    "ЗАЯВКА НА УЧАСТИЕ В ПАРТНЕРСКОЙ ПРОГРАММЕ\n"
    "Наименование программного обеспечения: ГИС Контур\nКонечный заказчик: МУП «Тепло»\n"
    "Цель приобретения ПО: сублицензирование\nР/счет 40702810000000000001\nБИК 047102651\n"
)


def test_r_mbx_7_inline_forward_counts_as_the_letter_passed_on() -> None:
    body = (
        "Коллеги, передаю заявку директора.\n\n"
        "-------- Пересылаемое сообщение --------\n"
        '01.03.2027, 10:00, "Директор" <boss@partner.example>:\n' + FORM
    )
    assert kind(body, "Fwd: Заявка") == Kind.LICENSE_REQUEST


def test_r_mbx_11_forward_of_a_case_letter_stays_history() -> None:
    body = (
        "Посмотрите, пожалуйста.\n\n-------- Forwarded message --------\n"
        "From: mail@vendor.example\n" + FORM
    )
    assert kind(body, "Fwd: [TCM-000012] Ваше обращение") != Kind.LICENSE_REQUEST


def test_sd_account_access_to_the_service_desk_in_other_words() -> None:
    body = "Коллеги, откройте доступ в сервис-деск нашему аналитику: Орлова Нина Петровна."
    assert kind(body, "Новый сотрудник") == Kind.SD_ACCOUNT


@pytest.mark.parametrize(
    "body",
    [
        "Заведите, пожалуйста, учетку в Сервис Деске новому сотруднику: Панов Олег Ильич.",
        "Нужен логин в SD для инженера Гариповой Лилии Рустемовны, l.garipova@partner.example",
        "Прошу создать нашему специалисту аккаунт для Service Desk. Согласие на обработку "
        "ПДн подписано, оригинал у нас.\n\nОтправлено с iPhone",
    ],
)
def test_r_val_5_sd_account_asked_in_a_partners_short_words(body: str) -> None:
    # «оригинал у нас. … Отправлено с iPhone» is no originals-sent follow-up (§3.6).
    assert kind(body, "Доступ") == Kind.SD_ACCOUNT


def test_r_val_7_sd_account_an_employee_named_by_initials_is_asked_for_the_full_name() -> None:
    body = "Заведите учетку в Service Desk: Ларионов Д.С., d.larionov@partner.example\n"
    report = parse_report(raw(body), "general")
    assert report["kind"] == Kind.SD_ACCOUNT.value
    assert "employees" in {item["field"] for item in report["invalid"]}


def test_r_res_1_allocate_an_engineer_for_an_enterprise() -> None:
    body = (
        "Просим выделить специалиста для АО «Теплосети Сургута»: перенос схем из AutoCAD, "
        "около 12 часов, в феврале 2027."
    )
    assert kind(body, "Помощь с внедрением") == Kind.RESOURCE


def test_r_tkt_3_clients_wish_relayed_by_the_partner_is_a_ticket() -> None:
    body = "Пересылаю пожелание заказчика: нужна доработка печатной формы акта обхода."
    assert kind(body, "Пожелание", role="support") == Kind.TICKET


@pytest.mark.parametrize(
    "body",
    [
        "Добрый вечер! Подскажите, что с заявкой TCM-000187? Клиент звонит каждый день.",
        "По TCM-000166: прошла неделя, ответа так и нет. Дайте ориентировочный срок.",
    ],
)
def test_r_thr_4_status_queries_in_other_words_name_their_case(body: str) -> None:
    report = parse_report(raw(body, "Вопрос по заявке"), "support")
    assert report["event"] == "status_query"
    assert report["fields"]["case_no"]["value"] in {"TCM-000187", "TCM-000166"}


def test_a_new_ticket_naming_an_earlier_case_reports_that_case() -> None:
    # The pipeline routes by it (R-THR-4 step 3); the report shows what it would use.
    body = "Неисправность, приоритет низкий. Как в TCM-000042, снова не печатается акт."
    assert parse_report(raw(body, "Печать акта"), "support")["fields"]["case_no"]["value"] == (
        "TCM-000042"
    )


def test_r_res_1_help_of_your_engineers_at_our_customer_is_a_resource_request() -> None:
    body = (
        "Здравствуйте. Нужна помощь ваших инженеров у нашего клиента АО «Север», "
        "задача - настроить систему. Прошу сообщить, кто из ваших специалистов сможет подключиться."
    )
    assert kind(body, "специалист к заказчику") == Kind.RESOURCE


def test_r_pin_28_a_withdrawal_in_the_pin_thread_that_names_the_list_it_will_not_send() -> None:
    body = "Просим снять закрепление: заказчик отказался. Перечень ПО направлять не будем."
    verdict = classify(parse_letter(raw(body, "Re: [TCM-000120] закрепление")), "general",
                       thread_kind="pin_request")  # fmt: skip
    assert verdict.event == "withdrawal"


@pytest.mark.parametrize(
    "body",
    [
        "Лицензионное соглашение № ЛС-7/26 подписали со своей стороны электронной подписью, "
        "файл подписи во вложении.",
        "Соглашение подписали, скан прикладываем. Бумажный оригинал нужен? Если да — отправим.",
    ],
)
def test_r_lic_6_signed_on_our_side_in_other_words(body: str) -> None:
    assert kind(body, "RE: Проект соглашения") == Kind.LICENSE_DOCUMENTS


def test_r_lic_1_needing_to_buy_licenses_in_the_infinitive_is_a_license_request() -> None:
    # «приобрести» is not «приобрет…»: the infinitive's stem is «приобрест…».
    body = "Нам нужно приобрести лицензии для ООО «Водоканал» (ИНН 7206145309), сублицензия."
    assert kind(body, "лицензии") == Kind.LICENSE_REQUEST

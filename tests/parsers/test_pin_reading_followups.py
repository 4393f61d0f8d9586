"""Pin follow-ups as partners write them (§3.3): software lists in every layout, extension
requests, yearly reports; and the detection of a software list without thread headers."""

from __future__ import annotations

from parsers import extract, parse_letter
from parsers.pin_followups import looks_like_extension, looks_like_withdrawal
from parsers.pin_software import looks_like_software_list
from parsers.types import FieldStatus, Kind


def letter(body: str, subject: str = "Re: [TCM-000120] закрепление"):
    raw = (
        f"From: manager@alfa-geo.ru\r\nSubject: {subject}\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    ).encode()
    return parse_letter(raw)


def fields_of(kind: Kind, body: str, subject: str = "Re: [TCM-000120] закрепление"):
    return extract(letter(body, subject), kind).fields


def _items(body: str) -> list[dict[str, object]]:
    return fields_of(Kind.PIN_CONFIRMATION, body)["software_list"].value


def test_r_pin_10_items_over_several_lines_with_purpose_label() -> None:
    items = _items(
        "Высылаем перечень ПО:\n\n"
        "1) ГеоАрхив Про\nНазначение — хранение планшетов и отчетов изысканий\n"
        "Свидетельство о государственной регистрации программы для ЭВМ № 2020614455\n\n"
        "2) ГеоАрхив Веб\nНазначение — выдача материалов по запросам\n"
        "Свидетельство о государственной регистрации программы для ЭВМ № 2021611122\n"
    )
    assert [i["software_name"] for i in items] == ["ГеоАрхив Про", "ГеоАрхив Веб"]
    assert items[1]["purpose"] == "выдача материалов по запросам"
    assert items[0]["registration_number"] == "2020614455"


def test_r_pin_10_table_columns_follow_the_header_row() -> None:
    items = _items(
        "Правообладатель\tРег. номер\tНазначение\tНазвание программы\n"
        "ООО «Дельта»\t2022617788\tучет объектов дорожной сети\tДорогиГИС\n"
    )
    assert items == [
        {
            "software_name": "ДорогиГИС",
            "purpose": "учет объектов дорожной сети",
            "registration_number": "2022617788",
            "status": "valid",
        }
    ]


def test_r_pin_11_one_line_items_and_an_item_without_purpose() -> None:
    check = fields_of(
        Kind.PIN_CONFIRMATION,
        "Перечень:\n* ТопоПлан — ведение топоосновы, рег. № 2019613344\n"
        "* ТопоПлан Сервер, рег. № 2019613345\n",
    )["software_list"]
    assert check.status == FieldStatus.INVALID
    assert check.value[0]["purpose"] == "ведение топоосновы"
    assert "строка 2: назначение ПО" in check.reason  # the reply shows no raw code


def test_r_pin_11_t_regnum_row_reported_under_the_item_code() -> None:
    # §3.3 names the item's code: a registry entry instead of a Rospatent number.
    fields = fields_of(
        Kind.PIN_CONFIRMATION,
        "Состав ПО:\n1. ГеоСкан Офис — обработка снимков — запись в реестре ПО № 7788\n"
        "2. ТехноЛес — учет лесосек — свидетельство № 2021618899\n",
    )
    item = fields["software_list[].registration_number"]
    assert item.status == FieldStatus.INVALID
    assert "строка 1" in item.reason and "registration_number" not in item.reason
    assert "software_list[].purpose" not in fields


def test_t_regnum_registry_entry_is_explained() -> None:
    check = fields_of(
        Kind.PIN_CONFIRMATION,
        "Перечень:\n"
        "1. Кадастр-Онлайн — прием заявлений — запись в реестре отечественного ПО № 4321\n",
    )["software_list"]
    assert check.value[0]["registration_number"] == "4321"
    assert "реестре" in check.reason


def test_looks_like_software_list_without_thread_headers() -> None:
    body = (
        "Направляем перечень ПО по клиенту.\n1. ТопоПлан — ведение топоосновы, рег. № 2019613344\n"
    )
    assert looks_like_software_list(letter(body, "перечень"))
    pin = "Просим закрепить клиента ООО «Бета».\n1. ИНН 5501123450\n2. Адрес: г. Омск\n"
    assert not looks_like_software_list(letter(pin, "закрепление"))


def test_r_pin_15_extension_in_weeks_and_reason_after_dash() -> None:
    fields = fields_of(
        Kind.PIN_EXTENSION,
        "Просим продлить закрепление на две недели — заказчик ждет решения комиссии.",
    )
    assert fields["extension_days"].value == 14
    assert fields["extension_reason"].value == "заказчик ждет решения комиссии."
    assert fields["pin_ref"].value == {"case": "TCM-000120"}


def test_r_pin_16_until_a_date_is_not_a_number_of_days() -> None:
    fields = fields_of(
        Kind.PIN_EXTENSION,
        "Просим продлить закрепление до 20.02.2027.\n\n"
        "Закупку перенесли на февраль, смета еще не утверждена.\n\n"
        "Знаем, что продление возможно не более чем на 30 дней.\n",
    )
    assert "extension_days" not in fields
    assert "смета" in fields["extension_reason"].value


def test_r_pin_21_combined_report_sections_year_and_cases() -> None:
    fields = fields_of(
        Kind.ANNUAL_REPORT,
        "Отчет за 2026 год по двум клиентам.\n\n"
        "ООО «Бета» (TCM-000120)\nПроведенные поставки: 2 лицензии ТопоПлан\n"
        "Планируемые поставки: серверная лицензия в 2027 г.\n\n"
        "АО «Гамма» (TCM-000131)\nПроведенные поставки: поставок не было, идет пилот\n"
        "Планируемые поставки:\n- 4 рабочих места ТопоПлан\n- обучение\n",
        subject="Ежегодный отчет",
    )
    assert fields["report_year"].value == 2026
    assert fields["pin_refs"].value == [{"case": "TCM-000120"}, {"case": "TCM-000131"}]
    assert "идет пилот" in fields["deliveries_done"].value
    assert "4 рабочих места" in fields["deliveries_planned"].value


def test_r_res_day_range_without_year_is_the_next_one_and_tasks_in_prose_heading() -> None:
    fields = fields_of(
        Kind.RESOURCE,
        "Нужна помощь инженеров ГО у клиента МУП «Теплоэнерго».\n\n"
        "Что необходимо сделать:\n"
        "— перенести слои сетей из старой ГИС с проверкой атрибутов;\n"
        "— настроить печатные формы паспортов объектов.\n\n"
        "Трудоемкость: 24 ч.\n"
        "Хотелось бы, желательно, провести работы с 3 по 7 февраля.\n",
        subject="ресурс",
    )
    assert fields["enterprise_name"].value == "МУП «Теплоэнерго»"
    assert len(fields["tasks"].value) == 2
    assert fields["estimated_hours"].value == 24
    period = fields["desired_time"].value
    assert period["from"].endswith("-02-03") and period["to"].endswith("-02-07")
    assert period["from"] >= "2026-01-01"


def test_sd_account_consent_with_words_between_and_employees_from_a_table() -> None:
    fields = fields_of(
        Kind.SD_ACCOUNT,
        "Просим создать учетные записи:\n"
        "ФИО | Должность | Почта\n"
        "Кравцова Нина Олеговна | инженер | n.kravtsova@alfa-geo.ru\n"
        "Все сотрудники дали согласие на обработку своих персональных данных.\n",
        subject="Service Desk",
    )
    assert fields["employees"].value[0]["email"] == "n.kravtsova@alfa-geo.ru"
    assert "согласие на обработку своих персональных данных" in fields["pd_consent"].raw


def test_r_pin_15_and_r_pin_28_extension_and_withdrawal_are_recognised() -> None:
    ask = letter("Коллеги, прошу продлить нам срок закрепления клиента ООО «Бета» на 20 дней.")
    drop = letter("Отзываем нашу заявку на закрепление ООО «Бета»: заказчик выбрал другое ПО.")
    report = letter("Отчет за 2026 год: проведенные поставки — 2 лицензии.")
    assert looks_like_extension(ask) and not looks_like_withdrawal(ask)
    assert looks_like_withdrawal(drop) and not looks_like_extension(drop)
    assert not looks_like_extension(report) and not looks_like_withdrawal(report)


def test_r_pin_15_extension_reason_after_a_colon() -> None:
    fields = fields_of(
        Kind.PIN_EXTENSION,
        "Прошу продлить закрепление по TCM-000120 на 15 дней: заказчик ждет решения комиссии.",
    )
    assert "комиссии" in str(fields["extension_reason"].value)
    assert fields["extension_days"].value == 15


def test_r_res_hours_per_task_and_their_total_the_range_with_its_year() -> None:
    fields = fields_of(
        Kind.RESOURCE,
        "Просим выделить время специалистов ГО для МУП «Водоканал».\n\n"
        "Задачи и оценка:\n1. Интеграция с биллингом абонентов – 10 ч\n"
        "2. Настройка ролей и доступа пользователей – 6 ч\nИтого: 16 часов\n\n"
        "Желаемые сроки: с 1 по 5 марта 2027 г.\n",
        subject="ресурс",
    )
    assert fields["estimated_hours"].value == 16
    assert fields["desired_time"].value == {"from": "2027-03-01", "to": "2027-03-05"}


def test_r_res_tasks_listed_after_a_blank_line_with_wrapped_items_and_when_convenient() -> None:
    fields = fields_of(
        Kind.RESOURCE,
        "Заказчик ООО «Теплосеть» переходит на вашу систему. От ГО нужно:\n\n"
        "- перенос слоёв сетей из MapInfo с проверкой топологии (конвертер\n"
        "у нас есть);\n"
        "- настройка обмена с 1С по абонентам;\n\n"
        "Оценка — около 60 часов. По срокам удобно март–апрель 2027.\n",
        subject="ресурс",
    )
    assert len(fields["tasks"].value) == 2
    assert "конвертер у нас есть" in fields["tasks"].value[0]
    assert "март" in str(fields["desired_time"].value)


def test_r_res_help_at_the_customer_asked_vaguely_is_a_resource_request() -> None:
    body = (
        "Нужна помощь ваших специалистов у нашего заказчика ООО «Связь-Сервис». "
        "Задача - настроить систему. Хотелось бы на следующей неделе.\n"
        "Сообщите, кто из ваших инженеров будет подключаться."
    )
    letter = parse_letter(
        f"From: a@partner.example\r\nSubject: специалист\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}".encode()
    )
    fields = extract(letter, Kind.RESOURCE).fields
    assert fields["desired_time"].value == "на следующей неделе"
    assert fields["estimated_hours"].status == FieldStatus.MISSING


def test_r_pin_11_a_name_with_reestr_inline_purposes_and_a_short_number_after_its_cue() -> None:
    items = _items(
        "Направляем перечень специализированного ПО:\n\n"
        "1. ГеоАдресный реестр — ведение адресного реестра — рег. № 2023660871;\n"
        "2. ГеоПлан; назначение: подготовка ГПЗУ; номер гос. регистрации 202161882\n"
        "3. СвойДок; назначение: документооборот; в реестре российского ПО запись № 14523\n"
    )
    assert [i["software_name"] for i in items] == ["ГеоАдресный реестр", "ГеоПлан", "СвойДок"]
    assert items[0]["registration_number"] == "2023660871" and items[0]["status"] == "valid"
    assert items[1]["purpose"] == "подготовка ГПЗУ"
    assert items[1]["registration_number"] == "202161882" and items[1]["status"] == "invalid"
    assert items[2]["status"] == "invalid"  # a registry entry is not a state registration


def test_r_pin_20_a_report_under_headings_in_the_partners_words() -> None:
    fields = fields_of(
        Kind.ANNUAL_REPORT,
        "Направляем актуализацию по клиенту ООО «Север» (ИНН 7204196795) за 2026 год.\n\n"
        "Что сделано в 2026 году:\n• по договору № Л-7 от 01.03.2026 — 4 лицензии ГеоКлиент;\n"
        "• обучение специалистов.\n\n"
        "Что планируется:\n• 2027 г. — модуль отчётности, 2 лицензии.\n",
        subject="Отчет",
    )
    assert "Л-7" in fields["deliveries_done"].value
    assert "модуль отчётности" in fields["deliveries_planned"].value

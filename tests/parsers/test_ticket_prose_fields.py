"""Ticket fields stated in running text (§3.4, issue 18 second round): the vendor's product by
its brand, the business task of a feature request, the documentation section of a
consultation, unquoted legal entities and the client rather than the partner."""

from __future__ import annotations

from datetime import date

from parsers.context import Context
from parsers.extract_inquiry import extract_inquiry
from parsers.ticket_diagnosis import self_diagnosis
from parsers.ticket_product import own_product, products
from parsers.ticket_text import doc_reference, unquoted_org
from parsers.types import FieldStatus
from tests.support.tickets import read_ticket, ticket_context

BRANDS = ("ТЕХНОКОМ", "TECHNOCOM", "Техно…")
RECEIVED = date(2026, 6, 1)


def _ctx(body: str, subject: str = "Обращение") -> Context:
    return ticket_context(body, subject, RECEIVED)


def _ticket(body: str, subject: str = "Обращение") -> Context:
    return read_ticket(body, subject, RECEIVED)


def test_software_name_product_after_a_cue_up_to_its_version() -> None:
    assert own_product("На объекте установлена ТехноГрад-Сервер 7.2, сервер новый.", BRANDS) == (
        "ТехноГрад-Сервер"
    )
    assert own_product("клиент перешел на TECHNOCOM Водные ресурсы в прошлом году", BRANDS) == (
        "TECHNOCOM Водные ресурсы"
    )


def test_software_name_brand_after_the_name_and_company_mentions_skipped() -> None:
    assert products("с утра недоступен Mobile-ГИС ТЕХНОКОМ, бригады без карт", BRANDS) == [
        ("Mobile-ГИС ТЕХНОКОМ", False)
    ]
    assert products("Письмо от ООО «ТЕХНОКОМ» получили, Технологии меняются.", BRANDS) == []
    assert products("> в программе ТЕХНОКОМ Старое 1.0 (цитата)", BRANDS) == []


def test_software_name_other_vendor_brand_is_configurable() -> None:
    assert own_product("используем ГеоПлюс Кадастр 3.1 на двух местах", ("ГеоПлюс",)) == (
        "ГеоПлюс Кадастр"
    )


def test_r_tkt_feature_business_task_from_the_need_stated_in_prose() -> None:
    ctx = _ticket(
        "Тип обращения: разработка.\n\n"
        "Диспетчеры заказчика работают по ночам без связи с офисом, поэтому им нужно "
        "сохранять наряды на планшете и отправлять их при появлении сети.\n"
    )
    task = ctx.fields["business_task"]
    assert task.status == FieldStatus.VALID and "планшете" in str(task.value)


def test_r_tkt_feature_business_task_heading_ending_with_a_period() -> None:
    ctx = _ticket(
        "Tracker: Доработка\n"
        "Бизнес-задача. Отделу нужен отчет по просроченным договорам аренды с разбивкой по "
        "кварталам и выгрузкой в Excel.\n"
    )
    assert "просроченным договорам" in str(ctx.fields["business_task"].value)


def test_doc_reference_section_of_the_manual_not_of_the_regulations() -> None:
    assert doc_reference("Согласно подразделу 6.4 руководства оператора импорт идет") == (
        "подразделу 6.4"
    )
    assert doc_reference("Оформлено по п. 4.2 Порядка работы партнеров.") is None
    assert doc_reference("см. https://help.example.org/manual/imports — там иначе") == (
        "https://help.example.org/manual/imports"
    )


def test_legal_entity_unquoted_name_ends_at_a_preposition() -> None:
    assert unquoted_org("Сегодня у МУП Салехардские городские сети в 9 утра упал сервер") == (
        "МУП Салехардские городские сети"
    )


def test_legal_entity_is_the_client_not_the_partner_in_the_signature() -> None:
    ctx = _ticket(
        "Добрый день! Я руководитель проектов ООО «Интегра-Плюс». Прошу доработку для нашего "
        "заказчика — ГКУ «Центр учета земель»: нужен экспорт участков в формате GeoJSON.\n\n"
        "С уважением,\nПетров П.\nООО «Интегра-Плюс»\n"
    )
    assert "Центр учета земель" in str(ctx.fields["legal_entity"].value)


def test_license_contract_inside_the_software_line() -> None:
    ctx = _ticket("Программа: ТехноПлан 2.0, лицензионный договор № ТП-5/2025 от 11.02.2025\n")
    contract = ctx.fields["license_contract"]
    assert contract.status == FieldStatus.VALID
    assert isinstance(contract.value, dict) and contract.value["number"] == "ТП-5/2025"


def test_r_val_8_contract_number_without_date_in_prose_is_unusable() -> None:
    ctx = _ticket("Не печатаются акты. Работаем по договору 118/2025, подробности ниже.\n")
    contract = ctx.fields["license_contract"]
    assert contract.status == FieldStatus.INVALID and "118/2025" in contract.raw


def test_self_diagnosis_the_rest_not_checked() -> None:
    value = self_diagnosis("СУБД смотрели — работает штатно; прочее пока не проверяли").value
    assert isinstance(value, dict)
    assert value["dbms_ok"]["status"] == "passed"
    assert value["network_ok"]["status"] == "not_checked"
    assert value["base_software_ok"]["status"] == "not_checked"


def test_tracker_line_does_not_swallow_the_next_lines() -> None:
    ctx = _ticket("Тип: ошибка, приоритет высокий.\nПинг до сервера стабильный, сеть в порядке.\n")
    assert ctx.fields["tracker"].value == "bug"
    diagnosis = ctx.fields["self_diagnosis"].value
    assert isinstance(diagnosis, dict) and diagnosis["network_ok"]["status"] == "passed"


def test_r_pin_28_withdrawal_names_its_case() -> None:
    ctx = _ctx("Отзываем заявку ТСМ-000733: клиент выбрал другое решение.")
    extract_inquiry(ctx)
    assert ctx.fields["pin_ref"].value == {"case": "TCM-000733"}


def test_r_pin_26_client_writing_directly_keeps_its_own_name() -> None:
    ctx = _ctx(
        "Здравствуйте! МБУ «Городской архив» (ИНН 7204196795) хочет купить ваши лицензии "
        "напрямую.\n\nС уважением,\nМБУ «Городской архив»"
    )
    extract_inquiry(ctx)
    assert ctx.fields["client_inn"].value == "7204196795"
    assert "Городской архив" in str(ctx.fields["client_name"].value)
    assert "pin_ref" not in ctx.fields  # an inquiry requires nothing


def test_base_software_dbms_with_its_version_in_a_sentence() -> None:
    ctx = _ticket("Проверили: сервер живой, СУБД у клиента Postgres Pro 15.6, ошибок нет.\n")
    assert ctx.fields["base_software"].value == {"name": "Postgres Pro", "version": "15.6"}

"""Ticket readings of further families the fresh letters (tests/corpus/fresh) exposed, each
written here in wordings of its own: a tracker stated as a request (R-TKT-3), the vendor's
brand inside a web or mail address and inside quotes, «лиц дог» without dots, step labels
that are verbs, steps as an unlabelled list of menu paths, a quoted name broken by a wrapped
line, the client named just before its INN, self-diagnosis answered in wrapped prose after
the software is named, and a short log attached as .txt."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.brands import OWN_BRANDS
from parsers.context import Context
from parsers.extract_ticket import extract_ticket
from parsers.labels import Source
from parsers.letter import parse_letter
from parsers.ticket_product import own_product
from parsers.ticket_prose import LICENSE_CONTRACT_IN_TEXT, stated_tracker
from parsers.ticket_text import org_before_inn
from parsers.types import FieldStatus
from tests.support.letters import letter

BRANDS = ("ТЕХНОКОМ", "TECHNOCOM", "Техно…")


def _ticket(body: str, subject: str = "Обращение") -> Context:
    parsed = parse_letter(letter(subject=subject, body=body, to="support@technocom.tech"))
    ctx = Context(
        parsed, [Source("body", parsed.new_text), Source("subject", subject)], date(2026, 6, 1)
    )
    extract_ticket(ctx)
    return ctx


@pytest.mark.parametrize(
    ("text", "tracker"),
    [
        ("Просим завести ошибку: не печатается акт.", "bug"),
        ("Прошу зарегистрировать неисправность в модуле отчетов.", "bug"),
        ("Сообщаем вам об ошибке при импорте.", "bug"),
        ("Направляю заявку на доработку отчета по аренде.", "feature"),
        ("Есть предложение на новый функционал для реестра.", "feature"),
        ("Нам требуется консультация по настройке ролей.", "support"),
        ("Регистрируем неисправность с высоким приоритетом: не печатается акт.", "bug"),
        ("Заведите, пожалуйста, как доработку: выгрузка в GeoJSON.", "feature"),
        ("Это консультация, не ошибка.", "support"),
        ("Баг, приоритет низкий.", "bug"),
        ("Ошибка, приоритет нормальный.", "bug"),
        ("[Ошибка] Отчет не формируется", "bug"),
        ("Это не запрос на доработку.", None),
        ("Выходит «Ошибка формирования файла» при выгрузке.", None),
        # R-TKT-3: the problem described is no classification.
        ("При открытии окна ошибки программа закрывается.", None),
    ],
)
def test_r_tkt_3_a_tracker_stated_as_a_request(text: str, tracker: str | None) -> None:
    stated = stated_tracker(text)
    assert (stated[0] if stated else None) == tracker


def test_software_name_brand_inside_a_web_or_mail_address_is_no_product() -> None:
    text = "Смотрели https://help.technocom.ru/gis/faq и писали на info@technocom.tech."
    assert own_product(text, BRANDS) is None
    # A product written with a dot after the brand is still one.
    assert own_product("работаем в ТЕХНОКОМ.Реестр 3.2", BRANDS) == "ТЕХНОКОМ.Реестр"


def test_license_contract_abbreviated_without_dots() -> None:
    match = LICENSE_CONTRACT_IN_TEXT.search("клиент Север (лиц дог 15-ГС/23 от 01.02.2023)")
    assert match is not None and "15-ГС/23" in match.group(0)


@pytest.mark.parametrize("label", ["Воспроизвести", "Как повторить", "Для воспроизведения"])
def test_steps_after_a_verb_label(label: str) -> None:
    ctx = _ticket(
        "Ошибка, приоритет низкий.\n"
        f"{label}: открыть карточку участка, нажать «Печать», выбрать шаблон акта.\n"
    )
    field = ctx.fields["steps_to_reproduce"]
    assert field.status == FieldStatus.VALID
    assert "выбрать шаблон" in str(field.value)


def test_software_name_brand_in_quotes_after_the_problem() -> None:
    assert own_product("Сбой в «ТехноГрад-Реестр» после обновления.", BRANDS) == (
        "ТехноГрад-Реестр"
    )
    assert own_product("Письмо от АО «ТЕХНОКОМ» пришло.", BRANDS) is None  # the company


def test_steps_as_an_unlabelled_list_of_menu_paths() -> None:
    ctx = _ticket(
        "Ошибка, приоритет высокий. Акт сверки выходит без подписи.\n"
        "1. Документы → Акты → «Сверка»\n"
        "2. Указать период 2026\n"
        "3. Нажать «Печать»\n"
    )
    assert "Указать период 2026" in str(ctx.fields["steps_to_reproduce"].value)
    # A numbered list of questions or figures is no steps.
    ctx = _ticket("Консультация.\n1) как выгрузить реестр?\n2) время > 5 минут, это норма?\n")
    assert ctx.fields["steps_to_reproduce"].status == FieldStatus.MISSING


def test_a_quoted_name_broken_by_a_wrapped_line() -> None:
    ctx = _ticket(
        "Неисправность, приоритет низкий. Не работает печать в программе\n"
        "«Учет объектов\nнедвижимости» у клиента, компонент «Печатные\nформы».\n"
    )
    assert ctx.fields["software_name"].value == "Учет объектов недвижимости"
    assert ctx.fields["component"].value == "Печатные формы"


def test_legal_entity_the_organisation_named_just_before_its_inn() -> None:
    text = "Сбой у клиента Управления имущества города Ишима (ИНН 7205011944) с утра."
    assert org_before_inn(text) == (
        text.index("Управления"),
        "Управления имущества города Ишима, ИНН 7205011944",
    )
    ctx = _ticket(text + "\n\nС уважением,\nОльга\nООО «Интегратор»\n")
    assert ctx.fields["legal_entity"].value == {
        "name": "Управления имущества города Ишима",
        "inn": "7205011944",
    }


def test_r_tkt_4_prose_answers_wrapped_by_the_mail_client() -> None:
    ctx = _ticket(
        "Ошибка, приоритет нормальный.\n\n"
        "Сервер у клиента Astra Linux 1.7 + PostgreSQL 15.4, по нашей проверке базовое ПО и\n"
        "СУБД работают штатно, сеть в порядке, права пользователей на сервере\n"
        "аутентификации никто не менял.\n"
    )
    checks = ctx.fields["self_diagnosis"].value
    assert {code: item["status"] for code, item in checks.items()} == {
        "base_software_ok": "passed",
        "dbms_ok": "passed",
        "network_ok": "passed",
        "auth_privileges_unchanged": "passed",
    }


def test_a_short_text_attachment_opening_with_a_timestamp_is_a_log() -> None:
    from parsers.attachments import classify_attachment
    from parsers.types import AttachmentClass

    log = "01.12.2026 09:14:55 Экспорт: пропущено 3 объекта\r\n"
    assert classify_attachment("export.txt", "text/plain", log) == AttachmentClass.LOG
    task = "Техническое задание\r\n1. Бизнес-задача: индексация аренды\r\n"
    assert classify_attachment("tz.txt", "text/plain", task) == AttachmentClass.DOCUMENT


def test_software_name_a_compound_name_before_the_brand_and_a_name_before_the_component() -> None:
    assert own_product("Работают в ГеоКадастре ТЕХНОКОМ 5.1, модуль «Земля».", BRANDS) == (
        "ГеоКадастре ТЕХНОКОМ"
    )
    ctx = _ticket("Неисправность, приоритет низкий.\nГК-Земля 3.4.1, компонент «Аренда».\n")
    assert ctx.fields["software_name"].value == "ГК-Земля"


def test_prose_wrapped_by_the_mail_client_is_read_as_one_sentence() -> None:
    ctx = _ticket(
        "Неисправность, приоритет высокий. Пишем по АО «Сургутские тепловые\n"
        "сети» (ИНН 8602000123), лицензионный договор –\nЛД № ТС-7/2025 от 01.03.2025.\n"
    )
    assert ctx.fields["legal_entity"].value["name"] == "АО «Сургутские тепловые сети»"
    assert "ТС-7/2025" in str(ctx.fields["license_contract"].value)


def test_a_wrapped_list_items_last_word_is_no_label_and_answers_under_a_label_count() -> None:
    ctx = _ticket(
        "Трекер: Неисправность\nПриоритет: низкий\n"
        "Базовое ПО: PostgreSQL 13.14, РЕД ОС 7.3.\n"
        "Базовое ПО и СУБД проверили – работают корректно.\n"
        "Воспроизведение:\n"
        "1. Арендаторы -> выбрать арендатора с задолженностью по 13 и более\n"
        "   договорам\n"
        "2. Печать -> Уведомление о задолженности -> PDF\n"
    )
    assert "Уведомление о задолженности" in str(ctx.fields["steps_to_reproduce"].value)
    assert ctx.fields["license_contract"].status == FieldStatus.MISSING
    checks = ctx.fields["self_diagnosis"].value
    assert checks["base_software_ok"]["status"] == checks["dbms_ok"]["status"] == "passed"


@pytest.mark.parametrize(
    "answers",
    [
        # A heading with the seed's paragraph, then a checklist naming other checks in passing.
        "Самодиагностика по п. 4.1:\n[x] базовое ПО – работает, службы запущены;\n"
        "[x] СУБД – ошибок нет;\n[x] сеть – ping до сервера приложений и сервера БД стабильный;\n"
        "[x] привилегии на сервере аутентификации не менялись.",
        # The seed's questions, one of them inverted, another with «нет ли».
        "Результаты самостоятельной диагностики:\n• Корректно ли работает базовое ПО? – Да.\n"
        "• Корректно ли функционирует СУБД, нет ли проблем с транзакциями? – Да, проблем нет.\n"
        "• Исправны ли сетевые настройки? – Да.\n"
        "• Привилегии пользователей на сервере аутентификации менялись? – Нет.",
        # Everything checked, in the words of someone writing from a phone.
        "По 4.1 все проверили: сервер живой, PostgreSQL 16.2 отвечает, сеть есть, права не "
        "трогали.",
        # The DBMS by its name, answered by what it is without.
        "Диагностику по регламенту выполнили: базовое ПО работает корректно, SQL Server без "
        "блокировок, сеть стабильна, права пользователей на сервере аутентификации не менялись.",
    ],
)
def test_r_tkt_4_self_diagnosis_answered_in_other_shapes(answers: str) -> None:
    ctx = _ticket(f"Неисправность, приоритет низкий.\n\n{answers}\n\nШаги: открыть реестр.\n")
    checks = ctx.fields["self_diagnosis"].value
    assert {item["status"] for item in checks.values()} == {"passed"}, checks


def test_reversed_abbreviation_a_wrapped_inn_and_screenshots_none_with_a_reason() -> None:
    ctx = _ticket(
        "Неисправность, приоритет низкий. Не входят специалисты Управления архитектуры\n"
        "Березовского городского округа (ИНН\n6604028472) после обновления.\n"
        "дог. лиц. № СГС-11/2025 от 17.06.2025\n"
        "Скриншотов нет - выгрузка идет ночью без интерфейса.\n"
    )
    assert ctx.fields["legal_entity"].value["inn"] == "6604028472"
    assert "СГС-11/2025" in str(ctx.fields["license_contract"].value)
    assert ctx.fields["screenshots"].status == FieldStatus.NOT_APPLICABLE


def test_prose_answers_after_a_preposition_a_denial_and_critical_as_priority() -> None:
    ctx = _ticket(
        "Выгрузка обрывается, поэтому критичность оцениваем как высокую.\n\n"
        "Воспроизводится так: Реестры → Объекты → Экспорт → XLSX.\n\n"
        "До обращения прошли самодиагностику. Базовое ПО отрабатывает штатно,\n"
        "Tomcat не перезапускался. С СУБД все в порядке: алерт-лог чистый. Сеть в\n"
        "норме. Права пользователей на сервере аутентификации никто не менял,\n"
        "последнее изменение было в сентябре.\n"
    )
    assert ctx.fields["priority"].value == "high"
    assert "XLSX" in str(ctx.fields["steps_to_reproduce"].value)
    checks = ctx.fields["self_diagnosis"].value
    assert {item["status"] for item in checks.values()} == {"passed"}, checks


@pytest.mark.parametrize(
    ("sentence", "number", "iso"),
    [
        (
            "Основание — лицензионное соглашение № 2026-ГП-3 от 14.05.2026.",
            "2026-ГП-3",
            "2026-05-14",
        ),
        ("У них лиц. соглашение 44/С от 01.02.2026, продлено.", "44/С", "2026-02-01"),
        ("Клиент работает по л/д 2025/ОК-9 от 30.12.2025.", "2025/ОК-9", "2025-12-30"),
        ("Лиц. договор Л/Д\n77-2026 от 11.03.2026.", "77-2026", "2026-03-11"),
        ("Лицензионный договор с заказчиком — 15-ЛС/25 от 05.06.2025.", "15-ЛС/25", "2025-06-05"),
    ],
)
def test_r_val_5_license_contract_in_running_text_in_more_wordings(
    sentence: str, number: str, iso: str
) -> None:
    contract = _ticket(f"Добрый день. {sentence}\nНе формируется отчет.").fields["license_contract"]
    assert contract.status == FieldStatus.VALID
    assert (contract.value["number"], contract.value["date"]) == (number, iso)


def test_r_val_5_license_contract_dated_by_its_conclusion_after_a_label() -> None:
    contract = _ticket("Лицензионный договор: ЛД-5/0100, дата заключения 2025-10-01\n").fields[
        "license_contract"
    ]
    assert (contract.value["number"], contract.value["date"]) == ("ЛД-5/0100", "2025-10-01")


@pytest.mark.parametrize(
    ("text", "tracker"),
    [
        ("Квалифицируем это как неисправность, влияет на всех.", "bug"),
        ("Проблему относим к ошибкам ПО.", "bug"),
        ("Обращение консультационного характера (сбоя нет).", "support"),
        ("Отнесите, пожалуйста, к консультациям.", "support"),
    ],
)
def test_r_tkt_3_the_applicants_own_classification_in_a_sentence(text: str, tracker: str) -> None:
    stated = stated_tracker(text)
    assert stated is not None and stated[0] == tracker


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("Приоритет ставим высокий: отчёты не уходят.", "high"),
        ("Приоритет у задачи — низкий.", "low"),
        ("Заявка: неисправность / срочный.", "urgent"),
        ("Тип / приоритет: Неисправность / Нормальный\nОписание: …", "normal"),
    ],
)
def test_r_tkt_3_the_priority_told_in_more_wordings(text: str, priority: str) -> None:
    ctx = _ticket(text + "\nНе открывается карта.")
    assert ctx.fields["priority"].value == priority


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("Ошибка в ТК-Склад 1.4: не проводится накладная.", "ТК-Склад"),
        ("у клиента ТК.Энергоучёт (вер. 3.0.2) падает импорт", "ТК.Энергоучёт"),
        ("Вопрос по ТК Водный кадастр 2.1, модуль отчётов", "ТК Водный кадастр"),
        ("работают в ТК-Учёт объектов 4.0, после обновления", "ТК-Учёт объектов"),
        ("Документы отправили через ТК СДЭК, трек в письме", None),
        ("статья 81 ТК РФ тут ни при чём", None),
    ],
)
def test_r_val_5_software_name_the_vendors_short_form_before_a_product(
    text: str, product: str | None
) -> None:
    assert own_product(text, OWN_BRANDS) == product


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("в ТЕХНОКОМ Реестр имущества 2.9 не сохраняется карточка", "ТЕХНОКОМ Реестр имущества"),
        ("ТЕХНОКОМ Реестр клиента не открывается", "ТЕХНОКОМ Реестр"),
        ("в ТЕХНОКОМ ГИС версии 3.2 ошибка", "ТЕХНОКОМ ГИС"),
    ],
)
def test_r_val_5_software_name_goes_on_with_a_genitive_noun_but_not_whose(
    text: str, product: str
) -> None:
    assert own_product(text, OWN_BRANDS) == product


@pytest.mark.parametrize("label", ["Что делают", "Делали так", "Как воспроизводим"])
def test_r_val_5_steps_after_labels_that_tell_what_users_do(label: str) -> None:
    ctx = _ticket(
        f"Тип: неисправность\n{label}: открывают реестр, жмут «Новый объект» — окно виснет.\n"
    )
    assert "Новый объект" in ctx.fields["steps_to_reproduce"].value


def test_r_val_5_steps_numbered_on_the_label_line_go_on_with_the_numbered_lines_below() -> None:
    ctx = _ticket(
        "Последовательность действий: 1. Открыть карту сетей.\n"
        "  2. Включить слой «Проект».\n  3. Развернуть «Легенду» — подписи обрезаны.\n"
        "Скриншот: во вложении\n"
    )
    assert ctx.fields["steps_to_reproduce"].value == [
        "Открыть карту сетей.",
        "Включить слой «Проект».",
        "Развернуть «Легенду» — подписи обрезаны.",
    ]


def test_r_val_5_description_passes_over_paragraphs_that_only_identify_the_case() -> None:
    ctx = _ticket(
        "Добрый день!\n\nОбращаемся по клиенту ООО «Север» (ИНН 7204196795), лицензионный "
        "договор № 5-Л от 01.02.2026.\n\nОтносим к неисправностям, приоритет нормальный.\n\n"
        "В отчёте «Ведомость» итог по каждой строке получается меньше на последнюю позицию.\n",
        subject="Неверный итог в ведомости",
    )
    description = ctx.fields["description"].value
    assert "меньше на последнюю позицию" in description
    assert description.startswith("Неверный итог в ведомости")


def test_r_val_5_description_under_a_heading_of_what_happens() -> None:
    ctx = _ticket(
        "Регистрируем неисправность по клиенту ООО «Север» (ИНН 7204196795).\n\n"
        "Продукт: ГеоКадастр 3.9, компонент экспорта.\n\n"
        "Что происходит: при экспорте плана выдаётся «Ошибка проверки по XSD» и файл не "
        "сохраняется.\n\nЛог приложения и скриншот приложены.\n",
        subject="Ошибка экспорта",
    )
    assert "Ошибка проверки по XSD" in ctx.fields["description"].value


def test_r_val_5_description_prefers_the_symptom_over_a_paragraph_about_the_attachments() -> None:
    ctx = _ticket(
        "Логи приложения и скриншот во вложении.\n\n"
        "С утра у заказчика недоступен веб-клиент: при входе страница с ошибкой 500.\n",
        subject="Не входит",
    )
    assert "недоступен веб-клиент" in ctx.fields["description"].value


def test_r_val_5_a_form_with_dot_leaders_and_the_contract_under_osnovanie() -> None:
    ctx = _ticket(
        "Заказчик .... ООО «Север», ИНН 7204196795\n"
        "Основание ... государственный контракт № 0151200002425000112-01 от 14.04.2025\n"
        "ПО .......... ГеоМонитор 2.3.0\n"
        "Тип ......... неисправность\n"
        "Приоритет ... низкий\n"
    )
    assert ctx.fields["tracker"].value == "bug"
    assert ctx.fields["priority"].value == "low"
    assert ctx.fields["software_name"].value == "ГеоМонитор 2.3.0"
    contract = ctx.fields["license_contract"].value
    assert (contract["number"], contract["date"]) == ("0151200002425000112-01", "2025-04-14")


def test_r_tkt_5_screenshots_that_will_not_come_with_the_reason() -> None:
    ctx = _ticket(
        "Тип: неисправность\nСкриншотов не будет: АРМ в закрытом контуре, вынос снимков "
        "экрана не разрешён.\n"
    )
    assert ctx.fields["screenshots"].status == FieldStatus.NOT_APPLICABLE

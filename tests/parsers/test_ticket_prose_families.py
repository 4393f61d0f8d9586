"""Ticket fields a partner states in running text, by family (§3.4, 000 §4.1–4.2): the client's
full legal form, steps after a cue inside a paragraph or as a chain of arrows, base software
named with its version, a component after a word for a part of a program, the software after
a dash or with its version, both parameters in two words, and self-diagnosis naming platforms.
Wordings are this file's own."""

from __future__ import annotations

from datetime import date

from parsers.context import Context
from parsers.form import read_form
from parsers.labels import Source
from parsers.platforms import base_software_in_text, platforms_in_text
from parsers.ticket_diagnosis import answers_in_prose, self_diagnosis
from parsers.ticket_form import match_label
from parsers.ticket_names import quoted_component, quoted_software
from parsers.ticket_steps import steps_in_text
from parsers.ticket_text import doc_reference
from parsers.types import FieldStatus
from tests.support.tickets import read_ticket

RECEIVED = date(2026, 11, 20)


def _ticket(body: str, subject: str = "Обращение") -> Context:
    return read_ticket(body, subject, RECEIVED)


def _steps(text: str) -> str | None:
    field = steps_in_text([Source("body", text)])
    return field.text if field else None


def test_r_tkt_2_legal_entity_full_legal_form_and_sole_proprietor_in_prose() -> None:
    ctx = _ticket(
        "Добрый день.\n\nУ клиента — общество с ограниченной ответственностью «Северный лес» "
        "(ИНН 7707083893) — перестал открываться журнал учёта.\n"
    )
    assert ctx.fields["legal_entity"].value == {
        "name": "общество с ограниченной ответственностью «Северный лес»",
        "inn": "7707083893",
    }
    ctx = _ticket("Пишем по ИП Лаптев Андрей Сергеевич, ИНН 500100732259: не печатается акт.\n")
    assert ctx.fields["legal_entity"].value["name"] == "ИП Лаптев Андрей Сергеевич"
    assert ctx.fields["legal_entity"].value["inn"] == "500100732259"


def test_steps_after_a_cue_inside_a_paragraph_end_with_their_sentence() -> None:
    text = (
        "Карта перестаёт грузиться. Как повторить: открыть карту, включить слой «Опоры»,\n"
        "приблизить до улиц и подвигать её минуту.\nДоговор № 12 от 01.02.2025.\n"
    )
    assert _steps(text) == (
        "открыть карту, включить слой «Опоры»,\nприблизить до улиц и подвигать её минуту."
    )


def test_steps_a_chain_of_arrows_from_its_sentence_start() -> None:
    text = "Окно висит. Делаем: Справочники → Контрагенты → Выгрузка в Excel, и всё.\n"
    assert _steps(text) == "Справочники → Контрагенты → Выгрузка в Excel, и всё."
    # one arrow and a path on disk are no steps
    assert _steps("База лежит в D:\\Data, версия 2 -> 3 обновлена.\n") is None
    assert _steps("Путь: D:\\Program Files\\Vendor\\Client\\bin\\client.exe\n") is None


def test_base_software_families_named_with_their_versions() -> None:
    value, text = base_software_in_text(
        "Стоит на Alt Linux 10 и Tomcat 9.0.80, база — Postgres Pro Standard 15.4 (сборка 15.4.1)."
    )
    assert value["name"] == "Postgres Pro Standard" and value["version"] == "15.4 (сборка 15.4.1)"
    assert text == "Alt Linux 10; Tomcat 9.0.80; Postgres Pro Standard 15.4 (сборка 15.4.1)"
    assert platforms_in_text("Windows 2 раза перезагружали, ОС без версии") == []
    assert base_software_in_text("Оракл мы не используем") is None


def test_base_software_in_a_ticket_without_the_label() -> None:
    ctx = _ticket("Сервер: Windows Server 2022, MS SQL Server 2019 (15.0.4355.3), всё обновлено.\n")
    base = ctx.fields["base_software"]
    assert base.value["name"] == "MS SQL Server"
    assert "Windows Server 2022" in base.raw


def test_component_after_a_word_for_a_part_of_the_program() -> None:
    assert quoted_component("В разделе «Учёт договоров аренды» не считается пеня.") == (
        "Учёт договоров аренды"
    )
    assert quoted_component("Версия 2.4, подсистема начисления платежей, падает.") == (
        "начисления платежей"
    )
    assert quoted_component("Модуль обмена с ФНС выгружает пустой файл.") == "обмена"
    # a section of the manual is no component
    assert quoted_component("В руководстве (раздел «Установка») этого нет.") is None


def test_software_after_a_dash_or_with_its_version() -> None:
    assert quoted_software("Продукт — «ЛесУчёт», серверная часть.") == "ЛесУчёт"
    assert quoted_software('Работают в "Кадастр-Эксперт", версия 5.2, с весны.') == (
        "Кадастр-Эксперт"
    )
    assert quoted_software("Окно «Печать» закрывается.") is None


def test_r_tkt_3_priority_and_tracker_stated_in_two_words() -> None:
    ctx = _ticket("Здравствуйте.\nСрочный сбой у заказчика: ничего не открывается с утра.\n")
    assert ctx.fields["tracker"].value == "bug"
    assert ctx.fields["priority"].value == "urgent"
    ctx = _ticket("Здравствуйте.\nОтчёт формируется долго, срочный ли это сбой — решайте.\n")
    assert "tracker" not in ctx.fields or ctx.fields["tracker"].status == FieldStatus.MISSING


def test_r_tkt_4_self_diagnosis_names_platforms_with_versions() -> None:
    text = "Проверили: РЕД ОС 7.3 и PostgreSQL 14.9 поднялись, зависших транзакций нет."
    answers = answers_in_prose([text])
    value = self_diagnosis(answers).value
    assert value["base_software_ok"]["status"] == "passed"
    assert value["dbms_ok"]["status"] == "passed"
    assert value["network_ok"]["status"] == "not_checked"


def test_form_value_ends_at_a_heading_of_the_partners_own() -> None:
    text = (
        "Самодиагностика: БПО и СУБД работают, сеть в норме, права не менялись.\n"
        "Порядок: открыть отчёт, нажать «Печать».\n"
    )
    entries = read_form(text, match_label)
    assert entries[0].code == "self_diagnosis"
    assert entries[0].value.endswith("права не менялись.")
    assert entries[1].code is None and entries[1].value.startswith("Порядок:")


def test_r_tkt_3_priority_beside_the_tracker_or_bracketed_in_the_subject() -> None:
    ctx = _ticket("Здравствуйте.\n\nВысокий. Неисправность.\nНе считается пеня по договорам.\n")
    assert (ctx.fields["tracker"].value, ctx.fields["priority"].value) == ("bug", "high")
    ctx = _ticket("Тип: ошибка.\nНе считается пеня.\n", subject="[Низкий] Пеня не считается")
    assert ctx.fields["priority"].value == "low"
    ctx = _ticket("Пустяк, но просим поправить. Сбой, приоритет низкий.\n")
    assert ctx.fields["tracker"].value == "bug"


def test_r_tkt_3_two_labels_and_two_values_in_one_row() -> None:
    ctx = _ticket(
        "Тип / приоритет: Консультация / Нормальный\nПродукт / модуль: ТехноПлан / Сметы\n"
    )
    assert (ctx.fields["tracker"].value, ctx.fields["priority"].value) == ("support", "normal")
    assert ctx.fields["software_name"].value == "ТехноПлан"
    assert ctx.fields["component"].value == "Сметы"


def test_r_tkt_6_contract_abbreviated_or_with_the_adjective_after() -> None:
    ctx = _ticket("Клиент ООО «Вектор», дог. № ВК-12/2025 от 03.02.2025.\n")
    assert ctx.fields["license_contract"].value["number"] == "ВК-12/2025"
    ctx = _ticket("Клиент ООО «Вектор», договор лицензионный № 7-Л от 03.02.2025.\n")
    assert ctx.fields["license_contract"].value["number"] == "7-Л"


def test_r_tkt_2_client_block_below_the_signature() -> None:
    ctx = _ticket(
        "Не печатается акт, тип: ошибка.\n\n-- \nПетров Иван, ООО «Партнёр»\n"
        "Заказчик: МКУ «Горсвет», ИНН 7707083893\nЛиц. договор ГС-1/2025 от 10.01.2025\n"
    )
    assert ctx.fields["legal_entity"].value == {"name": "МКУ «Горсвет»", "inn": "7707083893"}
    assert ctx.fields["license_contract"].value["number"] == "ГС-1/2025"
    # the partner's own organisation in the signature is no client
    ctx = _ticket("Не печатается акт.\n\n-- \nПетров Иван\nООО «Партнёр», ИНН 7707083893\n")
    assert ctx.fields["legal_entity"].status == FieldStatus.MISSING


def test_software_and_component_in_one_labelled_value() -> None:
    ctx = _ticket("ПО и компонент: ТехноПлан, «Сметы → Импорт»\n")
    assert ctx.fields["software_name"].value == "ТехноПлан"
    assert "Сметы" in ctx.fields["component"].value
    ctx = _ticket("ПО / компонент: ТехноПлан, версия 2.1; компонент «Сметы»\n")
    assert ctx.fields["component"].value == "Сметы"


def test_r_tkt_3_a_value_alone_under_a_row_name_of_the_partners_own() -> None:
    ctx = _ticket(
        "Что у нас\n\nНеисправность\n\nНасколько срочно\nвысокий приоритет — отчёт стоит\n"
    )
    assert (ctx.fields["tracker"].value, ctx.fields["priority"].value) == ("bug", "high")
    ctx = _ticket("Классификация\nКонсультация\n\nОшибка в расчёте. Важность - низкая.\n")
    assert (ctx.fields["tracker"].value, ctx.fields["priority"].value) == ("support", "low")


def test_doc_reference_abbreviated_or_in_the_attached_request() -> None:
    assert doc_reference("В руководстве администратора, разд. 6.2 «Резервное копирование»") == (
        "разд. 6.2 «Резервное копирование»"
    )


def test_r_tkt_5_english_screenshot_row_and_auth_check() -> None:
    ctx = _ticket(
        "Self-check:\n- base software: ok\n- DBMS: ok\n- network: ok, 0% loss\n"
        "- auth/privileges: не менялись\n\n"
        "Screenshots: N/A - падает фоновая задача, в интерфейсе ничего не видно.\n"
    )
    checks = ctx.fields["self_diagnosis"].value
    assert checks["auth_privileges_unchanged"]["status"] == "passed"
    assert ctx.fields["screenshots"].status == FieldStatus.NOT_APPLICABLE


def test_r_val_6_answers_written_between_the_quoted_clarification() -> None:
    from parsers.quotes import inline_answers

    reply = (
        "Ответы ниже.\n\n18.11.2026 09:45, Service Desk пишет:\n"
        "> 1. Приоритет (Priority): не указан. Укажите: Срочный / Высокий / Нормальный.\n\n"
        "Высокий, стоит печать.\n\n>\n> 2. Базовое ПО: не указана версия.\n\n"
        "PostgreSQL 14.10 на РЕД ОС 7.3\n\n> Ответьте в этой переписке.\n\n-- \nИванов\n"
    )
    pairs = inline_answers(reply)
    assert [answer for _, answer in pairs] == [
        "Высокий, стоит печать.",
        "PostgreSQL 14.10 на РЕД ОС 7.3",
    ]
    ctx = _ticket(reply, subject="Re: [TCM-000412] Требуются уточнения")
    assert ctx.fields["priority"].value == "high"
    assert ctx.fields["base_software"].value["version"] == "14.10"
    # a reply above the quoted letter answers nothing inline
    assert inline_answers("Высокий.\n\nИван пишет:\n> Приоритет: не указан.\n") == []


def test_helpdesk_card_of_the_partners_own() -> None:
    ctx = _ticket(
        "Карточка из нашей системы:\nВлияние / срочность по регламенту ТЕХНОКОМ: Высокий\n"
        "Контрагент: МУП «Водоканал»\nИНН контрагента: 7707083893\n"
        "Продукт вендора: ТехноПлан 4.2\nПроверки 1-й линии:\n- платформа в норме\n"
        "- СУБД без ошибок\n- сеть стабильна\n- права не менялись\n"
    )
    assert ctx.fields["priority"].value == "high"
    assert ctx.fields["legal_entity"].value["inn"] == "7707083893"
    assert ctx.fields["software_name"].value.startswith("ТехноПлан")
    assert {c["status"] for c in ctx.fields["self_diagnosis"].value.values()} == {"passed"}


def test_r_tkt_5_a_text_file_of_fields_is_a_description_not_a_log() -> None:
    from parsers.attachments import classify_attachment
    from parsers.types import AttachmentClass

    form = "Организация: МКУ «Горсвет»\nДоговор: № 1 от 01.02.2025\nПродукт: ТехноПлан\n"
    assert classify_attachment("Описание_ошибки.txt", "text/plain", form) == (
        AttachmentClass.DOCUMENT
    )
    log = "2026-11-12 10:15:01 ERROR x\n2026-11-12 10:15:02 ERROR y\n2026-11-12 10:15:03 z\n"
    assert classify_attachment("ошибки.txt", "text/plain", log) == AttachmentClass.LOG


def test_form_a_label_without_value_keeps_its_lines_of_own_headings() -> None:
    text = "Самодиагностика:\nБазовое ПО: работает.\nСУБД: без ошибок.\n"
    entries = read_form(text, match_label, frozenset({"self_diagnosis"}))
    assert entries[0].code == "self_diagnosis"
    assert "СУБД: без ошибок." in entries[0].value


def test_r_val_4_the_clients_inn_a_digit_short_is_invalid_not_absent() -> None:
    ctx = _ticket("Тип: ошибка. Заказчик — МУП «Горсвет», ИНН 770708389. Не считается пеня.\n")
    assert ctx.fields["legal_entity"].status == FieldStatus.INVALID


def test_r_tkt_2_client_by_abbreviation_with_its_inn_under_the_full_name() -> None:
    ctx = _ticket(
        "Наш заказчик ГБУ «ЦИПД» публикует слои по WMS, вопрос по настройке.\n\n"
        "Данные заказчика: учреждение «Центр информационно-пространственных данных», "
        "ИНН 7707083893.\n"
    )
    assert ctx.fields["legal_entity"].value["inn"] == "7707083893"


def test_r_tkt_4_a_heading_alone_over_its_rows_and_a_check_passed_successfully() -> None:
    ctx = _ticket(
        "Диагностика 1 линии\n\tБазовое ПО: службы переустановлены, тестовый запуск успешный\n"
        "\tСУБД: блокировок нет — ОК\n\tСеть: ping стабильный — ОК\n"
        "\tПрава: не менялись — ОК\n"
    )
    assert {c["status"] for c in ctx.fields["self_diagnosis"].value.values()} == {"passed"}

"""Letters in the partners' own words rather than the regulation's, by family: the kinds of
§2.3–§2.4 asked for loosely, a one-record table laid out across, the extension's time, the
hours and the yearly report's headings said loosely, the partner's own row names of a
ticket's table, and a company card that is not the Appendix 1 form. Wordings are this file's."""

from __future__ import annotations

from parsers import extract
from parsers.classify import classify
from parsers.form import read_form
from parsers.header_rows import header_rows_as_labels
from parsers.letter import parse_letter
from parsers.ticket_form import match_label
from parsers.types import FieldValue, Kind
from tests.support.letters import letter


def fields_of(kind: Kind, body: str) -> dict[str, FieldValue]:
    parsed = parse_letter(letter(subject="Письмо", body=body, to="mail@technocom.tech"))
    return extract(parsed, kind).fields


def _kind(body: str, subject: str = "Письмо", to: str = "mail@technocom.tech") -> Kind:
    parsed = parse_letter(letter(subject=subject, body=body, to=to))
    return classify(parsed, "support" if to.startswith("support") else "general").kind


def test_r_pin_1_pin_request_asked_loosely() -> None:
    assert _kind("Закрепите, пожалуйста, за нами ГБУ «Лесхоз», ИНН 7707083893.") == (
        Kind.PIN_REQUEST
    )
    assert _kind("Хотим зафиксировать за собой работу с АО «Вектор», ИНН 7707083893.") == (
        Kind.PIN_REQUEST
    )


def test_r_pin_15_extension_asked_loosely_and_its_days() -> None:
    assert _kind("Продлите, пожалуйста, закрепление по «Вектору», не успеваем.") == (
        Kind.PIN_EXTENSION
    )
    assert _kind("По заявке TCM-000123: нам бы ещё недели две к сроку, если можно.") == (
        Kind.PIN_EXTENSION
    )
    days = fields_of(Kind.PIN_EXTENSION, "TCM-000123. Нам бы ещё дней 15, заказчик в отпуске.")
    assert days["extension_days"].value == 15
    month = fields_of(Kind.PIN_EXTENSION, "TCM-000123. Продлите, месяца нам хватит точно.")
    assert month["extension_days"].value == 30


def test_r_pin_20_yearly_report_in_own_words_with_its_year_and_headings() -> None:
    body = (
        "Отчитываемся за год по клиенту (TCM-000321).\n\n"
        "Что поставили в 2026:\n- 8 лицензий модуля учёта\n\n"
        "Что дальше:\n- в 2027 докупка 3 рабочих мест\n"
    )
    assert _kind(body) == Kind.ANNUAL_REPORT
    report = fields_of(Kind.ANNUAL_REPORT, body)
    assert report["report_year"].value == 2026
    assert "8 лицензий" in report["deliveries_done"].value
    assert "3 рабочих мест" in report["deliveries_planned"].value


def test_r_pin_20_an_obligation_to_report_is_no_report() -> None:
    body = "Тип обращения: доработка. Заказчик обязан отчитываться о потерях ежеквартально."
    assert _kind(body, to="support@technocom.tech") == Kind.TICKET


def test_sd_account_asked_as_access_to_the_support_portal() -> None:
    body = "Прошу дать доступ к вашему порталу поддержки двум инженерам: Иванов И.И., Петров П.П."
    assert _kind(body) == Kind.SD_ACCOUNT


def test_r_res_hours_said_loosely_number_after() -> None:
    body = "Нужна помощь ваших инженеров у заказчика: настроить обмен. По прикидке это часов 25."
    assert fields_of(Kind.RESOURCE, body)["estimated_hours"].value == 25


def test_one_record_table_laid_out_across_reads_as_labels() -> None:
    text = "Наименование организации\tИНН\nМКУ «Горсвет»\t7707083893\nДалее текст."
    assert header_rows_as_labels(text) == (
        "Наименование организации: МКУ «Горсвет»\nИНН: 7707083893\nДалее текст."
    )
    # several records stay a table; a header of numbers is no header
    rows = "Название\tНомер\nА\t2022610001\nБ\t2022610002\n"
    assert header_rows_as_labels(rows) == rows
    assert header_rows_as_labels("2025\t2026\n10\t12\n") == "2025\t2026\n10\t12\n"


def test_r_pin_2_client_from_a_one_record_table() -> None:
    body = (
        "Просим предварительно закрепить организацию:\n\n"
        "Полное наименование\tИНН\nМКУ «Горсвет»\t7707083893\n"
    )
    found = fields_of(Kind.PIN_REQUEST, body)
    assert found["client_inn"].value == "7707083893"
    assert "Горсвет" in found["client_name"].value


def test_r_tkt_3_partners_own_row_names_and_qualified_labels() -> None:
    assert match_label("Характер обращения", None) == ("tracker", 18)
    assert match_label("Критичность по нашей оценке: высокая", None)[0] == "priority"
    assert match_label("Затронутый модуль: Экспорт", None) == ("component", 19)
    assert match_label("Пострадавшая организация", None)[0] == "legal_entity"
    # a qualifier before an ordinary word is no label
    assert match_label("Красивый закат над городом", None) is None


def test_r_tkt_4_wiki_heading_and_a_verdict_over_its_items() -> None:
    text = "== Что проверили ==\n- СУБД работает\n- сеть в порядке\n"
    entries = read_form(text, match_label, frozenset({"self_diagnosis"}))
    assert entries[0].code == "self_diagnosis"
    assert "сеть в порядке" in entries[0].value
    text = "Самодиагностика - всё ок\n- БПО работает\n- права не менялись\n"
    entries = read_form(text, match_label, frozenset({"self_diagnosis"}))
    assert "права не менялись" in entries[0].value


def test_r_mbx_9_a_company_card_attached_to_a_ticket_is_no_license_form() -> None:
    body = (
        "Тип обращения: неисправность. Не формируется отчёт, ошибка 500.\n\n"
        "Карточка предприятия:\nОГРН 1027700132195\nР/с 40702810900000012345\n"
        "К/с 30101810400000000225\nБИК 044525225\n"
    )
    assert _kind(body, to="support@technocom.tech") == Kind.TICKET


def test_r_tkt_2_legal_entity_inn_given_with_the_name_elsewhere() -> None:
    from parsers.ticket_text import inn_named_with

    texts = [
        "Пострадавшая организация: АО «Вектор-Энерго»",
        "Карточка предприятия\nАкционерное общество «Вектор-Энерго»\n628400, г. Сургут\n"
        "ИНН/КПП 7707083893/770701001",
    ]
    assert inn_named_with("АО «Вектор-Энерго»", texts) == "7707083893"
    assert inn_named_with("АО «Другое»", texts) is None


def test_form_a_list_numbered_anew_inside_a_section_goes_on() -> None:
    text = (
        "1. Что случилось\nНе строится трасса.\n\n"
        "2. Что проверили сами\n1. БПО работает.\n2. СУБД без ошибок.\n3. Сеть в порядке.\n"
        "4. Права не менялись.\n\n3. Как воспроизвести\nОткрыть карту.\n"
    )
    entries = read_form(text, match_label, frozenset({"self_diagnosis"}))
    checks = next(e for e in entries if e.code == "self_diagnosis")
    assert "Права не менялись" in checks.value
    assert any(e.value.startswith("Открыть карту") for e in entries if e is not checks)


def test_r_tkt_4_a_failure_denied_and_the_first_verdict_answers() -> None:
    from parsers.ticket_diagnosis import answer

    assert answer("СУБД: ошибок нет, транзакции не зависают") == "passed"
    assert answer("Права не менялись; под администратором ошибка та же") == "passed"
    assert answer("Сеть: пакеты теряются, при этом настройки не менялись") == "failed"


def _license(body: str, attachments: list[tuple[str, bytes, str]] | None = None) -> dict:
    raw = letter(subject="Лицензии", body=body, to="mail@technocom.tech", attachments=attachments)
    return extract(parse_letter(raw), Kind.LICENSE_REQUEST).fields


def test_r_lic_2_short_labels_of_the_applicant_and_its_mail() -> None:
    fields = _license("Участник: ООО «Сигма-Гео»\nПочта: office@sigma-geo.ru\n")
    assert fields["applicant_name"].value == "ООО «Сигма-Гео»"
    assert fields["email"].value == "office@sigma-geo.ru"


def test_r_lic_2_phone_and_fax_parted_by_a_slash() -> None:
    fields = _license("Телефон / факс: 8 (3452) 11-22-33 / 8 (3452) 11-22-34\n")
    assert fields["phone"].value == "+73452112233"
    assert fields["fax"].value == "+73452112234"


def test_r_lic_2_project_lines_under_typographic_dashes() -> None:
    fields = _license(
        "Описание проекта:\n— программное обеспечение: ТехноПлан 3.1 — пять мест;\n"
        "— конечный заказчик: МКУ «Горсвет», ИНН 7707083893.\n"
    )
    assert fields["software_name"].value[0].startswith("ТехноПлан 3.1")
    assert "Горсвет" in str(fields["end_customer"].value)


def test_r_lic_3_a_photo_named_as_a_scan_is_the_signed_form() -> None:
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    fields = _license("Реквизиты ниже.\n", [("118_skan.png", png, "image/png")])
    assert fields["signed_form"].value == ["118_skan.png"]


def test_r_mbx_9_documents_for_an_earlier_request_are_no_new_request() -> None:
    body = (
        "По нашей заявке на лицензии (исх. № 12 от 01.12.2026) направляем сканы подписанного "
        "с нашей стороны соглашения и платежное поручение № 77.\n\n"
        "ИНН/КПП 7707083893/770701001, ОГРН 1027700132195\nР/с 40702810900000012345\n"
        "К/с 30101810400000000225, БИК 044525225\n"
    )
    assert _kind(body) == Kind.LICENSE_DOCUMENTS


def test_r_pin_15_extension_of_a_pre_pin_written_as_one_word() -> None:
    assert _kind("TCM-000587: можно нам продлить предзакрепление по «Вектору» на месяц?") == (
        Kind.PIN_EXTENSION
    )


def test_r_pin_28_withdrawal_in_the_third_person_names_its_pin_by_inn() -> None:
    body = (
        "Сообщаем, что ООО «Партнёр» отказывается от предварительного закрепления клиента "
        "АО «Вектор» (ИНН 7707083893): закупку перенесли. Просим снять закрепление."
    )
    parsed = parse_letter(letter(subject="Об отказе", body=body, to="mail@technocom.tech"))
    verdict = classify(parsed, "general")
    assert (verdict.kind, verdict.event) == (Kind.INQUIRY, "withdrawal")
    assert extract(parsed, Kind.INQUIRY).fields["pin_ref"].value == {"inn": "7707083893"}


def test_r_pin_2_contract_dated_before_it_or_abbreviated() -> None:
    body = (
        "Просим закрепить ООО «Вектор», ИНН 7707083893. С клиентом 12 ноября 2026 г. "
        "подписан договор № 118-ГИС/26 на внедрение системы.\n"
    )
    contract = fields_of(Kind.PIN_REQUEST, body)["contract_ref"].value
    assert (contract["number"], contract["date"]) == ("118-ГИС/26", "2026-11-12")
    body = (
        "Хотим работать с ООО «Вектор» (ИНН 7707083893).\n\n3 ноября 2026 г. мы подписали "
        "с ними договор № 7/26 на сопровождение.\n"
    )
    contract = fields_of(Kind.PIN_REQUEST, body)["contract_ref"].value
    assert (contract["number"], contract["date"]) == ("7/26", "2026-11-03")
    body = "Прошу закрепить ООО «Вектор», ИНН 7707083893\nдог. N 26/ТС от 26.11.2026\n"
    contract = fields_of(Kind.PIN_REQUEST, body)["contract_ref"].value
    assert (contract["number"], contract["date"]) == ("26/ТС", "2026-11-26")


def test_r_tkt_4_a_row_per_check_is_read_together() -> None:
    body = (
        "Самодиагностика: базовое ПО\tВ норме\nСамодиагностика: СУБД\tошибок нет\n"
        "Самодиагностика: сеть\tping стабильный\nСамодиагностика: права\tне менялись\n"
    )
    parsed = parse_letter(letter(subject="Ошибка", body=body, to="support@technocom.tech"))
    value = extract(parsed, Kind.TICKET).fields["self_diagnosis"].value
    assert {check["status"] for check in value.values()} == {"passed"}


_OFFICIAL_LETTER = (
    "Исх. № 77 от 01.12.2026\n\nО приобретении лицензий\n\n"
    "ООО «Сигма-Гео» (ИНН 7707083893, КПП 770701001, ОГРН 1027700132195) в лице генерального\n"
    "директора Зорина Павла Андреевича просит предоставить лицензии на программное обеспечение\n"
    "«ТехноПлан: Сметы» в количестве трёх рабочих мест сроком на 1 год для конечного заказчика —\n"
    "Комитета по управлению имуществом Администрации г. Сургута (ИНН\n8602103840).\n\n"
    "Наши реквизиты: юридический адрес — 620014, г. Екатеринбург, ул.\nРадищева, д. 28;"
    " почтовый адрес — 620026, г. Екатеринбург, а/я 97; телефон\n(343) 287-51-09; "
    "расчетный счет 40702810900000012345 в ПАО Сбербанк, корреспондентский\nсчет "
    "30101810400000000225, БИК 044525225.\n"
)


def test_r_lic_2_an_official_letter_in_prose_carries_the_form() -> None:
    fields = _license(_OFFICIAL_LETTER)
    assert fields["software_name"].value == ["ТехноПлан: Сметы"]
    assert "Сургута" in fields["end_customer"].value[0]
    assert fields["end_customer_inn"].value == ["8602103840"]
    assert fields["inn"].value == "7707083893"
    assert "Радищева" in str(fields["legal_address"].value)
    assert fields["bank_account"].value == "40702810900000012345"
    assert fields["corr_account"].value == "30101810400000000225"
    signatory = fields["signatory"].value
    assert "генерального директора" in signatory["position"]
    assert "Зорина" in signatory["name"]


def test_r_lic_2_requisites_one_a_line_are_left_as_they_are() -> None:
    from parsers.license_requisites import requisites_as_lines

    form = "Юр. адрес: Москва, ул. Мира, 1\nИНН 7707083893, КПП 770701001\nБИК 044525225, к/с 1\n"
    assert requisites_as_lines(form) == form


def test_r_lic_2_products_on_software_or_with_their_quantities_after_the_customer() -> None:
    fields = _license(
        'Просим подготовить счет на ПО "Гео-Навигатор" (5 мест) для конечного заказчика '
        'МКУ "Горсвет" (ИНН 7707083893).\n'
    )
    assert fields["software_name"].value == ["Гео-Навигатор"]
    fields = _license(
        "Нам нужно приобрести лицензии для ООО «Вектор» (ИНН 7707083893): ТехноПлан Клиент на "
        "4 рабочих места и ТехноПлан Сервер на 1 сервер.\n"
    )
    assert fields["software_name"].value == ["ТехноПлан Клиент", "ТехноПлан Сервер"]
    assert fields["end_customer_inn"].value == ["7707083893", "7707083893"]


def test_r_lic_2_requisites_told_in_sentences_after_the_applicant() -> None:
    fields = _license(
        "Лицензии нужны для ООО «Вектор» (ИНН 7707083893): ТехноПлан на 2 рабочих места.\n\n"
        "Наши данные: ООО «Сигма», ИНН 7736207543, КПП 773601001,\nОГРН 1027700132195. "
        "Юридический и почтовый адрес один: 620014, г. Екатеринбург,\nул. Радищева, д. 28. "
        "Телефон (343) 287-51-09.\n"
    )
    assert fields["inn"].value == "7736207543"
    assert "Радищева" in str(fields["legal_address"].value)

"""The Appendix 1 form in the partners' own layouts (§3.5, R-LIC-1): their own row names,
dot leaders and lettered lists of a typed form, a label cell spanning rows, a spreadsheet
whose header names the columns mid-row, abbreviations with a dot before the colon, and
labels written the other way round. Wordings are this file's."""

from __future__ import annotations

from parsers.labels import dot_leaders_as_colons
from parsers.types import FieldValue
from tests.support.licenses import license_fields

_REQUISITES = (
    "ИНН/КПП: 7736207543/773601001\nОГРН: 1027700132195\n"
    "р/с: 40702810900000012345\nбанк: ПАО Сбербанк\nк/с: 30101810400000000225\n"
    "БИК: 044525225\n"
)


def _license(body: str) -> dict[str, FieldValue]:
    return license_fields(body)


def test_r_lic_1_the_partners_own_row_names() -> None:
    fields = _license(
        "Данные по форме:\n\n"
        "Продукт: Гео-Навигатор, 12 рабочих мест\n"
        "Заказчик: Администрация Нижнего района\n"
        "ИНН заказчика: 7707083893\n"
        "Для чего: передаём заказчику по сублицензии, 2 места на демостенд\n\n"
        "Организация: ООО «Сигма»\n"
        "Юрадрес: 450077, г. Уфа, ул. Ленина, д. 5\n"
        "Адрес для писем: тот же\n"
        "Тел.: +7 (347) 200-11-22\nПочта: sigma@sigma.ru\n" + _REQUISITES
    )
    # the quantity stays with the name: HQ's invoice needs it
    assert fields["software_name"].value == ["Гео-Навигатор, 12 рабочих мест"]
    assert fields["end_customer"].value == ["Администрация Нижнего района"]
    assert fields["end_customer_inn"].value == ["7707083893"]
    assert set(fields["purpose"].value) == {"sublicensing", "demo"}
    assert fields["applicant_name"].value == "ООО «Сигма»"
    assert "Ленина" in fields["legal_address"].value
    assert fields["postal_address"].value == fields["legal_address"].value


def test_r_lic_1_a_typed_form_with_dot_leaders_and_letters() -> None:
    assert dot_leaders_as_colons("ПО ........ Гео-Сервер\nИтого…… 5") == (
        "ПО: Гео-Сервер\nИтого: 5"
    )
    fields = _license(
        "а) ПО ............. Гео-Сервер (2 шт.)\n"
        "б) Заказчик ....... АО «Водоканал», ИНН 7736207543\n"
        "в) Цель: сублицензия\n"
        "г) Наши данные:\n"
        "   ООО «Сигма»\n"
        "   юр. адрес: 450077, г. Уфа, ул. Ленина, д. 5\n"
        "   Р/сч.: 40702810900000012345 в ПАО Сбербанк\n"
        "   Кор/сч.: 30101810400000000225\n"
        "   БИК: 044525225\n"
        "д) Директор – Козлов Пётр Ильич\n"
    )
    assert fields["software_name"].value == ["Гео-Сервер (2 шт.)"]
    assert fields["end_customer_inn"].value == ["7736207543"]
    assert fields["bank_account"].value == "40702810900000012345"
    assert fields["corr_account"].value == "30101810400000000225"
    assert fields["signatory"].value == {"position": "Директор", "name": "Козлов Пётр Ильич"}


def test_r_lic_1_a_label_cell_spanning_rows_gives_a_product_a_row() -> None:
    fields = _license(
        "Проект\n"
        "Программное обеспечение | Гео-Сервер — 1 шт.\n"
        " | Гео-Клиент — 6 р.м.\n"
        "Конечный заказчик | АО «Водоканал» (ИНН 7736207543)\n"
        "Цель приобретения | сублицензия\n"
    )
    assert fields["software_name"].value == ["Гео-Сервер — 1 шт.", "Гео-Клиент — 6 р.м."]
    assert fields["end_customer"].value == ["АО «Водоканал»", "АО «Водоканал»"]


def test_r_lic_1_a_sheet_whose_header_names_the_columns_mid_row() -> None:
    fields = _license(
        "ООО «Сигма»\n"
        "№ п/п | Программный продукт | Кол-во | Конечный заказчик | ИНН заказчика | Примечание\n"
        "1 | Гео-Сервер | 1 | Администрация Нижнего района | 7707083893 | сублицензия\n"
        "2 | Гео-Клиент | 5 | АО «Водоканал» | 7736207543 | сублицензия\n"
        "Цель приобретения ПО\nПредоставление простых неисключительных лицензий | да\n"
        "Реквизиты\n"
        "Адрес юридический | 450077, г. Уфа, ул. Ленина, д. 5\n"
        "Адрес почтовый | 450077, г. Уфа, а/я 12\n"
        "Подпись (должность, ФИО) | Директор Козлов П.И.\n"
    )
    assert fields["software_name"].value == ["Гео-Сервер", "Гео-Клиент"]
    assert fields["end_customer_inn"].value == ["7707083893", "7736207543"]
    assert "Ленина" in fields["legal_address"].value
    assert "а/я 12" in fields["postal_address"].value
    assert fields["signatory"].value["name"] == "Козлов П.И."


def test_r_lic_1_a_state_institutions_treasury_requisites() -> None:
    fields = _license(
        "Продукт: Гео-Сервер\nЗаказчик: мы сами\n"
        "Казначейский счёт: 03224643710000006709\n"
        "Единый казначейский счёт (ЕКС): 40102810545370000101\n"
        "БИК ТОФК: 017102101\n"
        "Лицевой счёт: 20676Ц04130\n"
    )
    assert fields["bank_account"].value == "03224643710000006709"
    assert fields["corr_account"].value == "40102810545370000101"
    assert fields["bik"].value == "017102101"


def test_r_lic_1_requisites_purposes_and_head_told_in_sentences() -> None:
    fields = _license(
        "Просим 2 лицензии Гео-Сервер для ООО «Вектор» (ИНН 7707083893). Лицензии передаём "
        "по сублицензии, и нам нужно право вносить изменения в компоненты для сопровождения; "
        "разработка доп. компонентов тоже планируется.\n\n"
        "О нас: ООО «Сигма», ИНН 7736207543, КПП 773601001, ОГРН 1027700132195. Почта для "
        "документов docs@sigma.ru. Счёт 40702810900000012345 в ПАО Сбербанк, к/с "
        "30101810400000000225, БИК 044525225.\n\n"
        "Подписывает директор Козлов Пётр Ильич.\n"
    )
    assert set(fields["purpose"].value) == {
        "sublicensing",
        "support_modification",
        "extension_development",
    }
    assert fields["email"].value == "docs@sigma.ru"
    assert fields["bank_account"].value == "40702810900000012345"
    assert fields["signatory"].value == {"position": "директор", "name": "Козлов Пётр Ильич"}


_CLIENT_LETTER = (
    "\n\n-------- Пересылаемое сообщение --------\n"
    "От кого: Архив <arhiv@{domain}>\nТема: лицензии\n\n"
    "Просим поставить лицензии.\n\nМБУ «Архив»\nИНН 7707083893 КПП 770701001\n"
    "ОГРН 1027700132195\nр/с 40702810900000012345\nБИК 044525225\n"
)


def _forwarded(domain: str) -> dict[str, FieldValue]:
    body = "Пересылаю письмо, прошу принять как заявку." + _CLIENT_LETTER.format(domain=domain)
    return license_fields(body, subject="Fwd: лицензии", sender="ivan@partner.ru")


def test_r_mbx_11_a_clients_forwarded_letter_lends_the_applicant_no_requisites() -> None:
    client = _forwarded("arhiv.ru")
    assert client["inn"].status.value == "missing"
    assert client["bank_account"].status.value == "missing"
    colleague = _forwarded("partner.ru")  # a colleague's form forwarded is the applicant's
    assert colleague["inn"].value == "7707083893"


def test_r_lic_1_bulleted_items_each_naming_product_quantity_and_customer() -> None:
    fields = _license(
        "Что нужно:\n\n"
        "   - Гео-Сервер — 1 шт. — Департамент архитектуры города Нижнего (ИНН 7707083893)\n"
        "   - Гео-Клиент — 6 раб. мест — тот же заказчик\n"
        "   - Модуль ИСОГД — 1 шт. — Администрация Верхнего района (ИНН 7736207543)\n\n"
        "Цели приобретения ПО:\nПредоставление сублицензий — да\n"
    )
    assert fields["end_customer_inn"].value == ["7707083893", "7707083893", "7736207543"]
    assert "Администрация Верхнего района" in fields["end_customer"].value[2]


def test_r_lic_1_a_bordered_table_row_the_mail_client_wrapped() -> None:
    fields = _license(
        "2. Описание проекта:\n\n"
        "| Наименование программного обеспечения | Конечный заказчик |\n"
        "| Гео-Web, 1 лицензия | Департамент земельных отношений города \n"
        "Нижнего, ИНН \n7707083893 |\n\nЦель приобретения ПО:\n* сублицензии\n"
    )
    assert fields["end_customer_inn"].value == ["7707083893"]
    assert fields["software_name"].value == ["Гео-Web, 1 лицензия"]

"""A license request written as prose (§3.5), in wordings of its own for families the fresh
letters exposed: the software and the customer as labelled parts of a sentence, the
customer's INN corrected later, the customer's own requisites named before the applicant's
(they are not the applicant's), requisites sharing a line after «;» («тел. +7 …; e-mail …»),
the postal address told after the legal one («…, почтовый тот же»), a short form sent from
a phone, the applicant's requisites only in the e-mail signature, a phone's photo of the
signed form, and labelled values a mail client wrapped."""

from __future__ import annotations

from datetime import UTC, datetime

from parsers import extract, parse_letter
from parsers.types import FieldStatus, Kind
from tests.support.letters import letter

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _fields(body: str) -> dict:
    raw = letter(subject="Лицензия для заказчика", body=body, to="mail@technocom.tech")
    return extract(parse_letter(raw), Kind.LICENSE_REQUEST, received_at=NOW).fields


REQUISITES = (
    "Наши данные:\nюр. адрес 625000, г. Тюмень, ул. Республики, д. 10, почтовый тот же;\n"
    "тел. +7 3452 50-60-70; e-mail office@geoplan72.ru;\n"
    "ИНН 5406741150, КПП 540601001, ОГРН 1135437453282.\n"
)


def test_r_lic_1_software_and_customer_as_labelled_parts_of_a_sentence() -> None:
    fields = _fields(
        "Добрый день!\n\nПрограмма: ГеоСервер Плюс, 3 места; конечный заказчик — АО «Тепловые "
        "сети», ИНН 8602204172.\n\n" + REQUISITES
    )
    # «Программа:» labels the product as a form's row does: with its quantity, as tables do
    assert fields["software_name"].value == ["ГеоСервер Плюс, 3 места"]
    assert fields["end_customer"].value == ["АО «Тепловые сети»"]
    assert fields["end_customer_inn"].value == ["8602204172"]
    # The applicant's INN is its own, not the customer's named first.
    assert fields["inn"].value == "5406741150"


def test_r_lic_1_the_customers_inn_corrected_later_in_the_letter() -> None:
    fields = _fields(
        "ПО — ГеоКлиент; заказчик — ООО «Водоканал», ИНН 5405238875.\n\n"
        "Уточнение: ИНН заказчика 5406117707, прошлый был ошибочный.\n\n" + REQUISITES
    )
    assert fields["end_customer_inn"].value == ["5406117707"]
    assert fields["inn"].value == "5406741150"


def test_r_lic_1_customer_requisites_in_brackets_are_not_the_applicants() -> None:
    fields = _fields(
        "Просим счет на лицензию ГеоКлиент (1 шт.) для заказчика — ИП Латыпов А. М. "
        "(ИНН 890501234538, ОГРНИП 318890100003421).\n\n"
        "Данные участника:\nИНН/КПП: 5406741150/540601001\nОГРН: 1135437453282\n"
    )
    assert fields["ogrn"].value == "1135437453282"
    assert fields["inn"].value == "5406741150"


def test_r_lic_1_requisites_sharing_a_line_and_the_postal_address_after_the_legal() -> None:
    fields = _fields("ПО — ГеоКлиент; заказчик — ООО «Водоканал», ИНН 5406117707.\n\n" + REQUISITES)
    assert fields["phone"].status == FieldStatus.VALID and "50-60-70" in str(fields["phone"].raw)
    assert fields["email"].value == "office@geoplan72.ru"
    assert fields["legal_address"].value == "625000, г. Тюмень, ул. Республики, д. 10"
    assert fields["postal_address"].value == fields["legal_address"].value


def test_r_lic_1_a_short_form_from_a_phone() -> None:
    fields = _fields(
        "Исх. 12 от 18.11.26\n"
        "ПО: ГеоСервер Плюс — 1 серверная лицензия\n"
        "Конечный заказчик: АО «Тепловые сети», ИНН 8602204172\n"
        "Цель: сублицензия заказчику\n"
        "Тел. +7 (3452) 50-60-70, office@geoplan72.ru\n"
        "ИНН 5406741150 КПП 540601001 ОГРН 1135437453282\n"
        "р/с 40702810810000638215 АО «ТБанк» БИК 044525974 к/с 30101810145250000974\n"
        "Директор Гусев А.В.\n"
    )
    assert fields["inn"].value == "5406741150"
    assert fields["kpp"].value == "540601001"
    assert fields["email"].value == "office@geoplan72.ru"
    assert fields["bank_account"].value == "40702810810000638215"
    assert fields["bank_name"].value == "АО «ТБанк»"
    assert fields["end_customer_inn"].value == ["8602204172"]


def test_r_lic_1_the_applicants_requisites_only_in_the_e_mail_signature() -> None:
    fields = _fields(
        "Добрый день! Просим выдать 2 лицензии на программный продукт «ГеоСервер Плюс» "
        "(сетевые места) для последующей передачи конечному заказчику — ООО «Водоканал» "
        "(ИНН 5406117707, КПП 540601001, 630000, г. Новосибирск) — по сублицензии.\n\n"
        "Реквизиты нашей организации — в подписи ниже.\n\n"
        "--\nС уважением,\nИванов Петр\n\nООО «ГеоПлан»\nИНН/КПП 5406741150/540601001\n"
        "ОГРН 1135437453282\nЮр. и почтовый адрес: 625000, г. Тюмень, ул. Республики, д. 10\n"
        "тел. +7 (3452) 50-60-70, office@geoplan72.ru\n"
    )
    assert fields["software_name"].value == ["ГеоСервер Плюс"]
    assert fields["end_customer"].value == ["ООО «Водоканал»"]
    assert fields["inn"].value == "5406741150"
    assert fields["kpp"].value == "540601001"  # not the customer's, named first
    assert fields["legal_address"].value == "625000, г. Тюмень, ул. Республики, д. 10"
    assert fields["postal_address"].value == fields["legal_address"].value
    assert fields["email"].value == "office@geoplan72.ru"
    # The sender signs without a title: nobody is named as the head who signs.
    assert fields["signatory"].status == FieldStatus.MISSING


_SIGNED_BY = (
    "Просим 1 лицензию «ГеоКлиент» для ООО «Водоканал» (ИНН 5406117707), сублицензия.\n"
    "Реквизиты — в подписи.\n\n--\nС уважением,\n{name}\n{title} ООО «ГеоПлан»\n"
    "ИНН/КПП 5406741150/540601001, ОГРН 1135437453282\n"
)


def test_r_lic_1_the_head_signing_the_e_mail_signs_the_prose_request() -> None:
    head = _fields(_SIGNED_BY.format(name="Кузнецова Ирина Олеговна", title="Генеральный директор"))
    assert head["signatory"].value == {
        "position": "Генеральный директор ООО «ГеоПлан»",
        "name": "Кузнецова Ирина Олеговна",
    }
    # A deputy or a director of a function is not the head (§3.5 «руководитель»).
    for title in ("Заместитель директора", "Директор по развитию", "Менеджер"):
        other = _fields(_SIGNED_BY.format(name="Кузнецова Ирина Олеговна", title=title))
        assert other["signatory"].status != FieldStatus.VALID, title


def test_r_lic_3_a_phones_photo_of_the_signed_form_is_the_signed_form() -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"] = "ivan@partner.ru", "mail@technocom.tech"
    message["Subject"] = "Лицензия"
    message.set_content("Фото подписанной заявки во вложении.\nПО: ГеоКлиент\n")
    # An iPhone sends a photo inline, with a Content-ID, in multipart/mixed.
    message.add_attachment(
        b"\xff\xd8\xff\xe0" + bytes(64),
        maintype="image",
        subtype="jpeg",
        filename="IMG_4127.jpeg",
        disposition="inline",
        cid="<4127@iphone>",
    )
    request = extract(parse_letter(message.as_bytes()), Kind.LICENSE_REQUEST, received_at=NOW)
    assert request.fields["signed_form"].value == ["IMG_4127.jpeg"]


def test_r_lic_1_labelled_values_wrapped_by_the_mail_client() -> None:
    fields = _fields(
        "Данные участника: АО «ГеоПлан»\n"
        "Юридический адрес: 625000, Тюменская обл., г. Тюмень, ул. Республики,\n"
        "д. 10, оф. 5\n"
        "Почтовый адрес: совпадает с юридическим\n"
        "ИНН 5406741150 / КПП 540601001, ОГРН 1135437453282\n"
        "Банковские реквизиты: р/с 40702810810000638215 в АО «ТБанк» г.\n"
        "Москва, БИК 044525974, к/с 30101810145250000974\n"
    )
    assert fields["legal_address"].value.endswith("ул. Республики, д. 10, оф. 5")
    assert fields["bank_account"].value == "40702810810000638215"
    assert "ТБанк" in fields["bank_name"].value
    assert fields["bik"].value == "044525974"


def test_r_lic_1_a_project_table_with_a_quantity_column() -> None:
    fields = _fields(
        "Наименование программного обеспечения\tКол-во\tКонечный заказчик\n"
        "ГеоСервер Плюс\t5 рабочих мест\tАдминистрация Ялуторовского района (ИНН 7207015422)\n"
        "\n" + REQUISITES
    )
    assert fields["software_name"].value == ["ГеоСервер Плюс"]
    assert fields["end_customer"].value == ["Администрация Ялуторовского района"]
    assert fields["end_customer_inn"].value == ["7207015422"]


def test_r_lic_1_the_product_in_the_sentence_and_the_customer_on_a_wrapped_labelled_line() -> None:
    fields = _fields(
        "Просим выдать лицензию на ГеоСервер Плюс (1 рабочее место) для передачи\n"
        "её конечному пользователю по сублицензионному договору.\n\n"
        "Конечный заказчик: ИП Ахметов Тимур Ринатович (кадастровый инженер), ИНН\n"
        "890501426328, г. Ноябрьск.\n\n" + REQUISITES
    )
    assert fields["software_name"].value == ["ГеоСервер Плюс"]
    assert fields["end_customer_inn"].value == ["890501426328"]


def test_r_lic_1_a_paragraph_after_a_numbered_table_is_no_row_and_purposes_in_prose() -> None:
    fields = _fields(
        "№\tНаименование ПО\tКонечный заказчик\tИНН конечного заказчика\n"
        "1\tГеоСервер Плюс (5 лицензий)\tАдминистрация Искитимского района\t5446040923\n"
        "\n"
        "Лицензии приобретаются для сублицензий, а также для разработки и тестирования "
        "модуля, расширяющего функционал системы.\n\n" + REQUISITES
    )
    assert fields["end_customer"].value == ["Администрация Искитимского района"]
    assert fields["purpose"].value == ["sublicensing", "extension_development"]


def test_r_lic_6_a_couriers_waybill_number_is_the_tracking_number() -> None:
    body = (
        "Оригиналы лицензионного соглашения № ЛС-588/26 отправили сегодня курьерской службой.\n"
        "Номер накладной СДЭК: 1487 3321 905\n"
    )
    raw = letter(subject="Оригиналы отправлены", body=body, to="mail@technocom.tech")
    request = extract(parse_letter(raw), Kind.LICENSE_DOCUMENTS, received_at=NOW)
    assert request.fields["tracking_number"].value == "14873321905"


def test_r_lic_1_a_short_form_headed_what_and_for_whom_with_our_requisites() -> None:
    fields = _fields(
        "Прошу оформить лицензии, скан формы во вложении.\n\n"
        "Что: ГеоКлиент Плюс — 2 рабочих места\n"
        "Кому (конечный заказчик): МКУ «Центр ГИС», ИНН 5406117707\n"
        "Зачем: сублицензирование\n\n"
        "Наши реквизиты:\nООО «ГеоПлан»\nИНН 5406741150, КПП 540601001\nОГРН 1135437453282\n"
    )
    assert fields["software_name"].value == ["ГеоКлиент Плюс — 2 рабочих места"]
    assert fields["end_customer"].value == ["МКУ «Центр ГИС»"]
    assert fields["end_customer_inn"].value == ["5406117707"]
    assert fields["inn"].value == "5406741150"


def test_r_lic_1_numbered_rows_told_with_dashes_and_the_same_customer_again() -> None:
    fields = _fields(
        "Проект: внедрение системы у заказчика.\n\nПО и заказчик:\n"
        "1) ГеоСервер, серверная лицензия — 1 шт. — ГБУ «Центр пространственных\n"
        "данных», ИНН 5406117707\n"
        "2) ГеоКлиент — 5 шт. — он же\n\n" + REQUISITES
    )
    assert fields["software_name"].value == ["ГеоСервер, серверная лицензия", "ГеоКлиент"]
    assert fields["end_customer"].value == ["ГБУ «Центр пространственных данных»"] * 2
    assert fields["end_customer_inn"].value == ["5406117707", "5406117707"]


def test_r_lic_1_a_sole_proprietors_short_form_with_a_list_of_products() -> None:
    fields = _fields(
        "Прошу выставить лицензии для демонстрации. Скан заявки во вложении.\n\n"
        "Что нужно:\n - ГеоКлиент, 2 лицензии\n - ГеоСервер Публикатор, 1 лицензия\n"
        'Для кого: МКУ "Центр ГИС"\n(ИНН 5406117707) - показ на их данных.\n'
        "Цель: демонстрация функциональных возможностей\n\n"
        "Мои данные:\nИП Лаптев Сергей Николаевич\n"
        "Адрес (юридический и почтовый): 625048, г. Тюмень, ул. Мельникайте, д. 101\n"
        "Для писем: 625000, г. Тюмень, а/я 512\nИНН 720305187757\nОГРНИП 321722500106532\n"
    )
    assert fields["software_name"].value == [
        "ГеоКлиент, 2 лицензии",
        "ГеоСервер Публикатор, 1 лицензия",
    ]
    assert fields["end_customer"].value == ['МКУ "Центр ГИС"'] * 2
    assert fields["end_customer_inn"].value == ["5406117707", "5406117707"]
    assert fields["applicant_name"].value == "ИП Лаптев Сергей Николаевич"
    assert fields["legal_address"].value.startswith("625048")
    assert fields["postal_address"].value == "625000, г. Тюмень, а/я 512"
    assert fields["ogrn"].status == FieldStatus.VALID


def test_r_lic_1_the_program_labelled_programma_and_one_address_for_both() -> None:
    fields = _fields(
        "Программа — ГеоСети (модуль «Электро»), 1 лицензия\n"
        "Конечный заказчик — МУП «Горсети», ИНН 5406117707\n"
        "Цель — модификация функциональных компонентов\n\n"
        "Адрес юридический/почтовый: 628403, г. Сургут, ул. 30 лет Победы, д. 44\n"
        "ИНН 5406741150, КПП 540601001, ОГРН 1135437453282\n"
    )
    assert fields["software_name"].value == ["ГеоСети (модуль «Электро»), 1 лицензия"]
    assert fields["postal_address"].status == FieldStatus.VALID


def test_r_lic_1_a_sentence_naming_the_director_is_not_the_heads_line() -> None:
    fields = _fields(
        "По поручению директора направляю заявку на лицензии для собственного использования.\n\n"
        "Наименование ПО: ГеоКлиент\nКонечный заказчик: ООО «ГеоПлан»\n\n"
        "Реквизиты ООО «ГеоПлан»:\nИНН 5406741150   КПП 540601001\nОГРН 1135437453282\n"
        "Р/сч 40702810123140000863\nКор/сч 30101810600000000774\nБИК 045004774\n\n"
        "Директор П.А. Зуев\n"
    )
    assert fields["signatory"].value == {"position": "Директор", "name": "П.А. Зуев"}
    assert fields["corr_account"].value == "30101810600000000774"


def test_r_lic_1_the_signature_names_the_head_above_a_title_with_the_company_in_quotes() -> None:
    fields = _fields(
        _SIGNED_BY.replace("{title} ООО «ГеоПлан»", "директор ООО «Сибирские Сети»").format(
            name="Литвинов Евгений Павлович", title=""
        )
    )
    assert fields["signatory"].value["name"] == "Литвинов Евгений Павлович"


def test_r_lic_1_the_postal_address_as_the_same_on_its_own_line() -> None:
    fields = _fields(
        "Наши реквизиты:\nООО «ГеоПлан»\nюр. адрес 625026, г. Тюмень, ул. Республики, д. 143а\n"
        "почтовый — тот же\nИНН 5406741150, КПП 540601001\n"
    )
    assert fields["postal_address"].value == "625026, г. Тюмень, ул. Республики, д. 143а"


def test_r_lic_1_the_company_in_quotes_below_the_heads_title_is_no_person() -> None:
    fields = _fields(
        "Просим 1 лицензию «ГеоКлиент» для ООО «Водоканал» (ИНН 5406117707), сублицензия.\n"
        "Реквизиты — в подписи.\n\n--\nС уважением,\nЛитвинов Евгений Павлович\n"
        "Генеральный директор\nООО «Сибирские Сети»\n"
        "ИНН 5406741150  КПП 540601001  ОГРН 1135437453282\n"
    )
    assert fields["signatory"].value == {
        "position": "Генеральный директор",
        "name": "Литвинов Евгений Павлович",
    }

# ruff: noqa: E501 — letter texts are data, kept one line per line of the letter.
"""Pin requests and their follow-ups (software list, extension, annual report)."""

from __future__ import annotations

from mime_builders import File, Mail, docx, xlsx

V = "valid"
W = "valid_with_warning"
I = "invalid"  # noqa: E741
M = "missing"

PIN_REQUIRED = (
    "client_name",
    "client_inn",
    "client_address",
    "contract_ref",
    "interest_reason",
    "contacts",
)


def ok_fields(*codes: str) -> dict[str, dict[str, object]]:
    return {code: {"status": V} for code in codes}


SIGN_GEO = "\n\nС уважением,\nИван Петров\nменеджер ООО «ГеоПартнер»\n+7 (912) 000-11-22\npetrov@geopartner.ru"

P01 = Mail(
    subject="Предварительное закрепление клиента",
    body=(
        "Добрый день!\n\nПросим предварительно закрепить за нами клиента.\n\n"
        "Наименование клиента: ООО «Северный кадастр»\n"
        "ИНН/КПП: 7204196795/720301001\n"
        "Адрес клиента: 625000, г. Тюмень, ул. Республики, д. 10\n"
        "Номер и дата договора: Договор № 12/34-ЛД от 01.02.2026\n"
        "Причина интереса: клиент планирует развитие муниципальной ГИС в 2026 году\n"
        "Контактные лица:\n"
        "1. Смирнов Алексей Петрович, главный инженер, +7 (3452) 12-34-56\n"
        "2. Кузнецова Мария Игоревна, начальник отдела ИТ, kuznetsova@sevkad.ru" + SIGN_GEO
    ),
)
P01_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        **ok_fields(*PIN_REQUIRED),
        "client_inn": {"status": V, "value": "7204196795"},
        "client_kpp": {"status": V, "value": "720301001"},
        "contract_ref": {
            "status": V,
            "value": {
                "kind": "contract",
                "number": "12/34-ЛД",
                "date": "2026-02-01",
                "key": "12/34-LD|2026-02-01",
            },
        },
        "contacts": {
            "status": V,
            "value": [
                {
                    "name": "Смирнов Алексей Петрович",
                    "position": "главный инженер",
                    "phone": "+73452123456",
                },
                {
                    "name": "Кузнецова Мария Игоревна",
                    "position": "начальник отдела ИТ",
                    "email": "kuznetsova@sevkad.ru",
                },
            ],
        },
    },
    "missing": [],
    "invalid": [],
}

P02 = Mail(
    client="outlook",
    charset="windows-1251",
    cte="quoted-printable",
    subject="Запрос на предварительное закрепление: АО «Тюменьгазстрой»",
    sender="Ольга Сидорова <o.sidorova@ural-gis.ru>",
    body=(
        "Уважаемые коллеги!\n\n"
        "Прошу предварительно закрепить за ООО «Урал-ГИС» заказчика:\n\n"
        "Наименование организации: АО «Тюменьгазстрой»\n"
        "ИНН клиента: 7203000012\n"
        "КПП: 720301001\n"
        "ОГРН: 1137232059744\n"
        "Юридический адрес: 625026, Тюменская обл., г. Тюмень, ул. 50 лет ВЛКСМ, д. 51\n"
        "Государственный контракт: № 0167200003426000012 от 14.01.2026\n"
        "Причина интереса: внедрение системы учета земельных участков по контракту\n"
        "Контактные лица клиента:\n"
        "- Волков Сергей Николаевич, заместитель директора, тел. 8 (3452) 55-66-77\n"
        "- Орлова Е.В., ведущий специалист, orlova@tgs.ru, +7 904 123-45-67\n\n"
        "С уважением,\nСидорова Ольга\nООО «Урал-ГИС»"
    ),
    html="<html><body><p>Уважаемые коллеги!</p><p>(HTML-версия письма)</p></body></html>",
)
P02_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        **ok_fields(*PIN_REQUIRED),
        "client_name": {"status": V, "value": "АО «Тюменьгазстрой»"},
        "client_inn": {"status": I},
        "client_ogrn": {"status": V, "value": "1137232059744"},
        "contract_ref": {
            "status": V,
            "value": {
                "kind": "state_contract",
                "number": "0167200003426000012",
                "date": "2026-01-14",
                "key": "0167200003426000012|2026-01-14",
            },
        },
    },
    "missing": [],
    "invalid": ["client_inn"],
}
# 7203000012 has a wrong check digit; the partner must correct it.

P03 = Mail(
    client="gmail",
    cte="base64",
    subject="Закрепление клиента",
    sender="Андрей Козлов <a.kozlov@sibsoft.pro>",
    body=(
        "Здравствуйте!\n\n"
        "Просим закрепить за нашей компанией клиента ООО «Агрохолдинг Заречный» (ИНН 7204196795), "
        "расположенного по адресу: 627010, Тюменская обл., г. Ялуторовск, ул. Ленина, д. 5.\n"
        "Работы планируются в рамках договора № 45-П от 20.01.2026.\n"
        "Интерес связан с тем, что клиент переводит учет полей на цифровую карту.\n\n"
        "Контакты со стороны клиента:\n"
        "Морозов Павел Ильич, агроном, +7 (34535) 2-11-33\n"
        "Белова Наталья Сергеевна, бухгалтер, belova@zarechny-agro.ru\n\n"
        "--\nАндрей Козлов, ООО «СибСофт»"
    ),
    html=None,
)
P03_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        **ok_fields(*PIN_REQUIRED),
        "client_name": {"status": V, "value": "ООО «Агрохолдинг Заречный»"},
        "client_inn": {"status": V, "value": "7204196795"},
        "client_address": {
            "status": V,
            "value": "627010, Тюменская обл., г. Ялуторовск, ул. Ленина, д. 5.",
        },
        "contract_ref": {
            "status": V,
            "value": {
                "kind": "contract",
                "number": "45-П",
                "date": "2026-01-20",
                "key": "45-P|2026-01-20",
            },
        },
    },
    "missing": [],
    "invalid": [],
}

P04 = Mail(
    subject="Предварительное закрепление",
    body=(
        "Добрый день.\n\nПросим закрепить клиента.\n"
        "Клиент: МУП «Водоканал Ишим»\n"
        "ИНН: 7204196795\n"
        "Адрес: 627750, г. Ишим, ул. Карла Маркса, 1\n"
        "Причина интереса: модернизация учета сетей водоснабжения\n"
        "Контактные лица: Гусев Олег Викторович, +7 (34551) 5-12-12" + SIGN_GEO
    ),
)
P04_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        **ok_fields("client_name", "client_inn", "client_address", "interest_reason"),
        "contract_ref": {"status": M},
        "contacts": {"status": I},
    },
    "missing": ["contract_ref"],
    "invalid": ["contacts"],
}

P05 = Mail(
    subject="Прошу закрепить клиента",
    body=(
        "Коллеги, добрый день!\n\n"
        "Наименование клиента: ООО «Стройресурс»\n"
        "ИНН: 7204196796\n"
        "Адрес клиента: 625048, г. Тюмень, ул. Мельникайте, 2\n"
        "Договор: № 7 от 15.12.2025\n"
        "Причина интереса: расширение лицензий на новый филиал\n"
        "Контактные лица:\n"
        "Лебедев Игорь Сергеевич, lebedev@stroyres.ru\n"
        "Никитина Анна Павловна, +7 912 777-88-99" + SIGN_GEO
    ),
)
P05_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        **ok_fields("client_name", "client_address", "contract_ref", "interest_reason", "contacts"),
        "client_inn": {"status": I, "value": "7204196796"},
    },
    "missing": [],
    "invalid": ["client_inn"],
}

P06 = Mail(
    subject="Предварительное закрепление клиента ООО «Меридиан»",
    body=(
        "Добрый день!\n"
        "Наименование клиента: ООО «Меридиан»\n"
        "ИНН: 72041967\n"
        "Адрес клиента: 625000, г. Тюмень, ул. Осипенко, 7\n"
        "Номер и дата договора: № 2026/01 от 10.01.2026\n"
        "Причина интереса: клиент выбирает платформу для реестра объектов\n"
        "Контактные лица:\n"
        "Фомин Артем Игоревич, +7 912 100-20-30\n"
        "Егорова Светлана Олеговна, egorova@meridian72.ru" + SIGN_GEO
    ),
)
P06_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        **ok_fields("client_name", "client_address", "contract_ref", "interest_reason", "contacts"),
        "client_inn": {"status": I, "value": "72041967"},
    },
    "missing": [],
    "invalid": ["client_inn"],
}

P07 = Mail(
    subject="Предварительное закрепление клиента",
    body=(
        "Добрый день!\n"
        "Наименование клиента: ГБУ «Центр кадастровой оценки»\n"
        "ИНН: 7204196795\n"
        "Адрес клиента: 625003, г. Тюмень, ул. Володарского, 45\n"
        "Номер и дата договора: Договор № 88 от 15.04.2026\n"
        "Причина интереса: переоценка объектов недвижимости региона\n"
        "Контактные лица:\n"
        "Зайцев Роман Андреевич, +7 (3452) 40-40-40\n"
        "Полякова Ирина Викторовна, polyakova@cko72.ru" + SIGN_GEO
    ),
)
P07_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        **ok_fields("client_name", "client_inn", "client_address", "interest_reason", "contacts"),
        "contract_ref": {
            "status": I,
            "value": {
                "kind": "contract",
                "number": "88",
                "date": "2026-04-15",
                "key": "88|2026-04-15",
            },
        },
    },
    "missing": [],
    "invalid": ["contract_ref"],
}
# R-VAL-8: the contract is dated after the letter (received 02.03.2026).

P08_HTML = """<html><head><meta charset="utf-8"></head><body>
<div>Добрый день!</div><div>Направляем запрос на предварительное закрепление клиента.</div>
<table border="1">
<tr><td>Наименование клиента</td><td>ООО «Тобольская нефтесервисная компания»</td></tr>
<tr><td>ИНН клиента</td><td>7204196795</td></tr>
<tr><td>Адрес клиента</td><td>626150, Тюменская обл., г. Тобольск, 7-й мкр, д. 12</td></tr>
<tr><td>Номер и дата договора</td><td>Договор № ТНК-15 от 05.02.2026</td></tr>
<tr><td>Причина интереса</td><td>цифровизация учета скважин и трубопроводов</td></tr>
</table>
<p>Контактные лица:</p>
<ol><li>Титов Максим Андреевич, начальник ИТ, +7 (3456) 22-33-44</li>
<li>Крылова Дарья Сергеевна, инженер, krylova@tnsk.ru</li></ol>
<p>С уважением,<br>Петров Иван</p></body></html>"""
P08 = Mail(
    client="webmail_html",
    cte="quoted-printable",
    subject="Предварительное закрепление",
    html=P08_HTML,
    html_only=True,
)
P08_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        **ok_fields(*PIN_REQUIRED),
        "client_name": {"status": V, "value": "ООО «Тобольская нефтесервисная компания»"},
        "client_inn": {"status": V, "value": "7204196795"},
        "contract_ref": {
            "status": V,
            "value": {
                "kind": "contract",
                "number": "ТНК-15",
                "date": "2026-02-05",
                "key": "THK-15|2026-02-05",
            },
        },
    },
    "missing": [],
    "invalid": [],
}

P09 = Mail(
    client="thebat",
    charset="koi8-r",
    subject="Закрепление клиента ООО «Ромашка-Агро»",
    sender="Сергей Павлов <pavlov@tyumsoft.ru>",
    body=(
        "Здравствуйте.\n\n"
        'Прошу закрепить клиента ООО "Ромашка-Агро".\n'
        "ИНН 500100000015\n"
        "Адрес: 625000, г. Тюмень, ул. Герцена, д. 64\n"
        'Договор: договор поставки N 19 от "5" февраля 2026 г.\n'
        "Причина интереса: клиент просит демонстрацию и расчет внедрения\n"
        "Контактные лица:\n"
        "Ершов Виктор Павлович, директор, +7 (3452) 68-00-01\n"
        "Соколова Ирина Андреевна, ersh-sokolova@romashka-agro.ru\n\n"
        "--\nС.Павлов"
    ),
)
P09_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        **ok_fields(*PIN_REQUIRED),
        "client_inn": {"status": V, "value": "500100000015"},
        "contract_ref": {
            "status": V,
            "value": {
                "kind": "contract",
                "number": "19",
                "date": "2026-02-05",
                "key": "19|2026-02-05",
            },
        },
    },
    "missing": [],
    "invalid": [],
}

P10 = Mail(
    to="support@technocom.tech",
    subject="Предварительное закрепление клиента",
    body=P01.body.replace("ООО «Северный кадастр»", "ООО «Южный кадастр»"),
)
P10_EXPECTED = {
    "mailbox": "support",
    "kind": "pin_request",
    "wrong_mailbox": "general",
    "fields": ok_fields(*PIN_REQUIRED),
    "missing": [],
    "invalid": [],
}

P11_DOCX = docx(
    [
        "Запрос на предварительное закрепление клиента",
        [
            ["Наименование клиента", "АО «Западно-Сибирская энергетика»"],
            ["ИНН клиента", "7204196795"],
            ["Адрес клиента", "625000, г. Тюмень, ул. Ленина, д. 1"],
            ["Номер и дата договора", "Договор № ЗСЭ-3 от 12.02.2026"],
            ["Причина интереса", "планируется внедрение в трех филиалах"],
        ],
        "Контактные лица:",
        "1. Кравцов Денис Олегович, руководитель проекта, +7 (3452) 11-22-33",
        "2. Лапина Ольга Юрьевна, экономист, lapina@zse.ru",
    ]
)
P11 = Mail(
    client="outlook",
    charset="windows-1251",
    cte="base64",
    subject="Закрепление клиента",
    body="Добрый день!\n\nЗапрос на предварительное закрепление во вложении.\n\nС уважением,\nПетров И.",
    files=[
        File(
            "Запрос на закрепление.docx",
            P11_DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            name_style="rfc2047",
        )
    ],
)
P11_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        **ok_fields(*PIN_REQUIRED),
        "client_name": {"status": V, "value": "АО «Западно-Сибирская энергетика»"},
    },
    "evidence_sources": {"client_inn": "attachment:Запрос на закрепление.docx"},
    "missing": [],
    "invalid": [],
    "attachments": [["Запрос на закрепление.docx", "document"]],
}

P12 = Mail(
    subject="Закрепление двух клиентов",
    body=(
        "Добрый день!\nПросим закрепить за нами клиентов:\n"
        "1) ООО «Альфа» ИНН 7204196795, договор № 1 от 01.02.2026\n"
        "2) ООО «Бета» ИНН 500100000015, договор № 2 от 02.02.2026\n"
        "Причина интереса: оба клиента готовят закупку\n" + SIGN_GEO
    ),
)
P12_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "flags": ["multiple_subjects"],
    "fields": {"client_inn": {"status": V, "value": "7204196795"}},
    "missing": ["client_address", "contacts"],
    "invalid": [],
}

P13 = Mail(
    subject="Re: [TCM-000131] Предварительное закрепление",
    in_reply_to="<tcm-000131-1@technocom.tech>",
    body=(
        "Добрый день!\nДополняем запрос, контактные лица клиента:\n"
        "Гришин Павел Андреевич, +7 (3452) 30-30-31\n"
        "Маслова Вера Игоревна, maslova@client72.ru\n\n"
        "02.03.2026 9:00, partnerdesk пишет:\n"
        "> В запросе не хватает сведений: Контактные лица (не менее двух).\n"
        "> ИНН: 7700000009\n"
    ),
)
P13_EXPECTED = {
    "mailbox": "general",
    "thread_kind": "pin_request",
    "kind": "followup",
    "extract_as": "pin_request",
    "fields": {"contacts": {"status": V}, "client_inn": {"status": M}},
    "missing": ["client_name", "client_inn", "client_address", "contract_ref", "interest_reason"],
    "invalid": [],
    "new_text_excludes": ["7700000009"],
}

C01 = Mail(
    subject="Re: [TCM-000140] Предварительное закрепление ООО «Северный кадастр»",
    in_reply_to="<tcm-000140-2@technocom.tech>",
    body=(
        "Добрый день!\n\nНаправляем перечень специализированного ПО для перевода клиента в статус закрепленного:\n\n"
        "1. ГеоКадастр — ведение кадастра недвижимости — 2019612345\n"
        "2. ТехноКарта Сервер — публикация карт — 2022665123\n" + SIGN_GEO
    ),
)
C01_EXPECTED = {
    "mailbox": "general",
    "thread_kind": "pin_request",
    "kind": "pin_confirmation",
    "fields": {
        "software_list": {
            "status": V,
            "value": [
                {
                    "software_name": "ГеоКадастр",
                    "purpose": "ведение кадастра недвижимости",
                    "registration_number": "2019612345",
                    "status": "valid",
                },
                {
                    "software_name": "ТехноКарта Сервер",
                    "purpose": "публикация карт",
                    "registration_number": "2022665123",
                    "status": "valid",
                },
            ],
        },
        "pin_ref": {"status": V, "value": {"case": "TCM-000140"}},
    },
    "missing": [],
    "invalid": [],
}

C02 = Mail(
    client="outlook",
    charset="windows-1251",
    cte="quoted-printable",
    subject="RE: [TCM-000141] Перечень ПО",
    in_reply_to="<tcm-000141-2@technocom.tech>",
    body="Добрый день!\nПеречень ПО во вложении.\n\nС уважением,\nИ. Петров",
    files=[
        File(
            "Перечень ПО.xlsx",
            xlsx(
                [
                    ["№", "Наименование ПО", "Назначение", "Номер гос. регистрации"],
                    ["1", "ГеоКадастр", "ведение кадастра", "2019612345"],
                    ["2", "АИС Земля", "учет земельных участков", "2021660777"],
                    ["3", "ТехноКарта Мобайл", "полевой сбор данных", "2023611111"],
                ]
            ),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    ],
)
C02_EXPECTED = {
    "mailbox": "general",
    "thread_kind": "pin_request",
    "kind": "pin_confirmation",
    "fields": {"software_list": {"status": V}},
    "software_count": 3,
    "evidence_sources": {"software_list": "attachment:Перечень ПО.xlsx"},
    "missing": [],
    "invalid": [],
    "attachments": [["Перечень ПО.xlsx", "document"]],
}

C03 = Mail(
    client="gmail",
    subject="Перечень специализированного ПО, ИНН 7204196795",
    body="",
    html_only=True,
    html=(
        "<div dir='ltr'>Добрый день!<br>Перечень специализированного ПО по клиенту ИНН 7204196795:"
        "<table><tr><th>Наименование</th><th>Назначение</th><th>Номер регистрации</th></tr>"
        "<tr><td>ГеоКадастр</td><td>ведение кадастра</td><td>2019612345</td></tr>"
        "<tr><td>Офис-Плюс</td><td>документооборот</td><td>запись в реестре № 1234</td></tr>"
        "</table></div>"
    ),
)
C03_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_confirmation",
    "fields": {
        "software_list": {"status": I},
        "pin_ref": {"status": V, "value": {"inn": "7204196795"}},
    },
    "software_count": 2,
    "missing": [],
    "invalid": ["software_list"],
}

C04 = Mail(
    subject="Перечень ПО для перевода в статус закрепленного",
    body=(
        "Добрый день!\nКлиент ООО «Северный кадастр», ИНН 7204196795.\n"
        "Перечень специализированного ПО:\n"
        "ГеоКадастр | ведение кадастра недвижимости | 2019612345\n" + SIGN_GEO
    ),
)
C04_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_confirmation",
    "fields": {
        "software_list": {"status": V},
        "pin_ref": {"status": V, "value": {"inn": "7204196795"}},
    },
    "software_count": 1,
    "missing": [],
    "invalid": [],
}

C05 = Mail(
    subject="Re: [TCM-000150] Перечень ПО",
    in_reply_to="<tcm-000150-1@technocom.tech>",
    body="Перечень ПО:\n1. ГеоКадастр — ведение кадастра — 2019512345\n" + SIGN_GEO,
)
C05_EXPECTED = {
    "mailbox": "general",
    "thread_kind": "pin_request",
    "kind": "pin_confirmation",
    "fields": {"software_list": {"status": I}},
    "missing": [],
    "invalid": ["software_list"],
}

E01 = Mail(
    subject="Re: [TCM-000160] Предварительное закрепление",
    in_reply_to="<tcm-000160-3@technocom.tech>",
    body=(
        "Добрый день!\nПросим продлить предварительное закрепление клиента на 30 дней "
        "в связи с переносом конкурсной процедуры заказчиком на апрель." + SIGN_GEO
    ),
)
E01_EXPECTED = {
    "mailbox": "general",
    "thread_kind": "pin_request",
    "kind": "pin_extension",
    "fields": {
        "extension_days": {"status": V, "value": 30},
        "extension_reason": {"status": V},
        "pin_ref": {"status": V, "value": {"case": "TCM-000160"}},
    },
    "missing": [],
    "invalid": [],
}

E02 = Mail(
    subject="Продление закрепления [ТСМ-000161]",
    body="Коллеги, просим продлить срок предварительного закрепления на 45 дней, так как тендер отложен."
    + SIGN_GEO,
)
E02_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_extension",
    "fields": {
        "extension_days": {"status": W, "value": 30},
        "pin_ref": {"status": V, "value": {"case": "TCM-000161"}},
    },
    "missing": [],
    "invalid": [],
}

E03 = Mail(
    client="iphone",
    cte="base64",
    subject="Продление",
    in_reply_to="<tcm-000162-1@technocom.tech>",
    body="Просим продлить закрепление по клиенту ИНН 7204196795 на месяц.\n\nОтправлено с iPhone",
)
E03_EXPECTED = {
    "mailbox": "general",
    "thread_kind": "pin_request",
    "kind": "pin_extension",
    "fields": {
        "extension_days": {"status": V, "value": 30},
        "pin_ref": {"status": V, "value": {"inn": "7204196795"}},
    },
    "missing": [],
    "invalid": [],
}

A01 = Mail(
    subject="Отчет об использовании специализированного ПО за 2025 год",
    body=(
        "Добрый день!\nНаправляем ежегодный отчет по клиенту ООО «Северный кадастр» (ИНН 7204196795).\n\n"
        "Проведенные поставки: 5 лицензий ГеоКадастр, договор № 12/34-ЛД, поставка в ноябре 2025 г.\n"
        "Планируемые поставки в текущем и следующем периоде: 10 рабочих мест ТехноКарта Мобайл во 2 квартале 2026 г.\n"
        + SIGN_GEO
    ),
)
A01_EXPECTED = {
    "mailbox": "general",
    "kind": "annual_report",
    "fields": {
        "deliveries_done": {"status": V},
        "deliveries_planned": {"status": V},
        "pin_ref": {"status": V, "value": {"inn": "7204196795"}},
    },
    "missing": [],
    "invalid": [],
}

A02 = Mail(
    client="outlook",
    charset="windows-1251",
    cte="quoted-printable",
    subject="RE: [TCM-000170] Ежегодный отчет",
    in_reply_to="<tcm-000170-1@technocom.tech>",
    body=(
        "Добрый день!\n\nАктуализация информации по клиенту: в 2025 году поставлено 3 лицензии "
        "на серверную часть, в 2026 году планируется расширение еще на 2 лицензии.\n\n"
        "С уважением,\nСидорова О.\n\n"
        "От: partnerdesk <mail@technocom.tech>\n"
        "Отправлено: 15 января 2026 г. 9:00\n"
        "Кому: Сидорова Ольга\n"
        "Тема: [TCM-000170] Ежегодный отчет\n\n"
        "Напоминаем о сроке ежегодного отчета. Проведенные поставки: ____\n"
    ),
)
A02_EXPECTED = {
    "mailbox": "general",
    "thread_kind": "pin_request",
    "kind": "annual_report",
    "fields": {"deliveries_done": {"status": V}, "deliveries_planned": {"status": V}},
    "missing": [],
    "invalid": [],
    "new_text_excludes": ["Напоминаем"],
}

A03 = Mail(
    subject="Отчет по клиенту ИНН 7204196795",
    body="Добрый день!\nОтчет по клиенту.\nПроведенные поставки: ____\nПланируемые поставки: ____\n"
    + SIGN_GEO,
)
A03_EXPECTED = {
    "mailbox": "general",
    "kind": "annual_report",
    "fields": {"deliveries_done": {"status": M}, "deliveries_planned": {"status": M}},
    "missing": ["deliveries_done", "deliveries_planned"],
    "invalid": [],
}

P14_HTML = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
    '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head><body lang=RU>'
    "<div class=WordSection1><p class=MsoNormal>Добрый день!<o:p></o:p></p>"
    "<p class=MsoNormal>Просим предварительно закрепить клиента:<o:p></o:p></p>"
    "<table class=MsoTableGrid border=1>"
    "<tr><td><p class=MsoNormal>Наименование клиента</p></td><td><p class=MsoNormal>ООО «Ишимские сети»</p></td></tr>"
    "<tr><td><p class=MsoNormal>ИНН/КПП</p></td><td><p class=MsoNormal>7204196795/720501001</p></td></tr>"
    "<tr><td><p class=MsoNormal>Адрес клиента</p></td><td><p class=MsoNormal>627750, Тюменская обл., г. Ишим, ул. Ленина, 40</p></td></tr>"
    "<tr><td><p class=MsoNormal>Номер и дата договора</p></td><td><p class=MsoNormal>Договор № ИС-07 от 18.02.2026</p></td></tr>"
    "<tr><td><p class=MsoNormal>Причина интереса</p></td><td><p class=MsoNormal>развитие геоинформационной системы сетей</p></td></tr>"
    "<tr><td><p class=MsoNormal>Контактные лица</p></td><td><p class=MsoNormal>Андреев Олег Петрович, +7 (34551) 2-22-33</p>"
    "<p class=MsoNormal>Громова Юлия Сергеевна, gromova@ishim-seti.ru</p></td></tr></table>"
    "<p class=MsoNormal>С уважением,<br>Ольга Сидорова</p>"
    '<div id="divRplyFwdMsg"><p><b>От:</b> partnerdesk &lt;mail@technocom.tech&gt;<br>'
    "<b>Отправлено:</b> 27 февраля 2026 г. 10:00<br><b>Тема:</b> Порядок закрепления</p></div>"
    "<p>Для закрепления укажите ИНН 7700000009 и договор № 1 от 01.01.2020</p></div></body></html>"
)
P14 = Mail(
    client="outlook",
    charset="windows-1251",
    cte="base64",
    subject="RE: Порядок закрепления",
    sender="Ольга Сидорова <o.sidorova@ural-gis.ru>",
    html=P14_HTML,
    html_only=True,
)
P14_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        "client_name": {"status": V, "value": "ООО «Ишимские сети»"},
        "client_inn": {"status": V, "value": "7204196795"},
        "client_kpp": {"status": V, "value": "720501001"},
        "contract_ref": {
            "status": V,
            "value": {
                "kind": "contract",
                "number": "ИС-07",
                "date": "2026-02-18",
                "key": "IC-07|2026-02-18",
            },
        },
        "client_address": {"status": V},
        "interest_reason": {"status": V},
        "contacts": {"status": V},
    },
    "missing": [],
    "invalid": [],
    "new_text_excludes": ["7700000009"],
}

PIN_LETTERS = [
    ("pin_complete_thunderbird", P01, P01_EXPECTED),
    ("pin_outlook_cp1251_bad_inn", P02, P02_EXPECTED),
    ("pin_prose_gmail_base64", P03, P03_EXPECTED),
    ("pin_one_contact_no_contract", P04, P04_EXPECTED),
    ("pin_inn_checksum", P05, P05_EXPECTED),
    ("pin_inn_length", P06, P06_EXPECTED),
    ("pin_contract_in_future", P07, P07_EXPECTED),
    ("pin_html_only_table", P08, P08_EXPECTED),
    ("pin_koi8r_thebat", P09, P09_EXPECTED),
    ("pin_sent_to_support", P10, P10_EXPECTED),
    ("pin_docx_attachment", P11, P11_EXPECTED),
    ("pin_two_clients", P12, P12_EXPECTED),
    ("pin_clarification_answer", P13, P13_EXPECTED),
    ("pin_outlook_html_word_table_reply", P14, P14_EXPECTED),
    ("software_list_lines", C01, C01_EXPECTED),
    ("software_list_xlsx_outlook", C02, C02_EXPECTED),
    ("software_list_html_registry_entry", C03, C03_EXPECTED),
    ("software_list_no_thread", C04, C04_EXPECTED),
    ("software_list_bad_regnum", C05, C05_EXPECTED),
    ("extension_in_thread", E01, E01_EXPECTED),
    ("extension_45_days_cyrillic_tag", E02, E02_EXPECTED),
    ("extension_iphone", E03, E03_EXPECTED),
    ("annual_report_labelled", A01, A01_EXPECTED),
    ("annual_report_prose_outlook_reply", A02, A02_EXPECTED),
    ("annual_report_placeholders", A03, A03_EXPECTED),
]

# ruff: noqa: E501 — letter texts are data, kept one line per line of the letter.
"""License requests (Appendix 1 form in the body, DOCX, PDF) and license documents."""

from __future__ import annotations

from mime_builders import File, Mail, docx, jpeg_stub, pdf

V = "valid"
W = "valid_with_warning"
I = "invalid"  # noqa: E741
M = "missing"

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LICENSE_REQUIRED = (
    "software_name",
    "end_customer",
    "purpose",
    "legal_address",
    "postal_address",
    "phone",
    "email",
    "inn",
    "kpp",
    "ogrn",
    "bank_account",
    "bank_name",
    "corr_account",
    "bik",
    "signatory",
    "signed_form",
)


def ok_fields(*codes: str) -> dict[str, dict[str, object]]:
    return {code: {"status": V} for code in codes}


def form_lines(
    *,
    rows: tuple[tuple[str, str], ...] = (
        ("ГеоКадастр Сервер, 5 лицензий", "ООО «Северный кадастр»"),
    ),
    marks: tuple[str, str, str, str, str] = ("☑", "☐", "☑", "☐", "☐"),
    inn_line: str = "ИНН: 7204196795 /КПП: 720301001",
    ogrn_line: str = "ОГРН: 1137232059744",
    account: str = "40702810200000000001",
    corr: str = "30101810400000000225",
    bik: str = "044525225",
    signatory: tuple[str, str] = ("Генеральный директор", "Петров И.С."),
    outgoing: str = "Исх. № 45 от 25.02.2026",
) -> list[str]:
    """The Appendix 1 form as partners fill it in, line by line."""
    purposes = (
        "Воспроизведение для собственного использования;",
        "Демонстрационное представление функциональных возможностей;",
        "Предоставление простых неисключительных лицензий (сублицензий);",
        "Разработка/тестирование дополнительных функциональных компонентов (библиотек) в целях расширения функционала;",
        "Модификации функциональных компонентов (библиотек) в целях оказания технической поддержки.",
    )
    lines = [
        outgoing,
        "Руководителю ООО «ТЕХНОКОМ»",
        "ЗАЯВКА НА УЧАСТИЕ В ПАРТНЕРСКОЙ ПРОГРАММЕ",
        "1. Изучив требования, представленные в Партнерской программе ООО «ТЕХНОКОМ», выражаем намерения "
        "участия ООО «ГеоПартнер» в Партнерской программе и просим рассмотреть возможность заключения "
        "дистрибьюторского соглашения.",
        "2. Описание проекта:",
        "Наименование программного обеспечения | Конечный заказчик",
        *(f"{soft} | {customer}" for soft, customer in rows),
        "Цель приобретения ПО:",
        *(f"{mark} {text}" for mark, text in zip(marks, purposes, strict=True)),
        "3. Мы согласны со всеми требованиями и условиями.",
        "4. Настоящим подтверждаем достоверность представленных нами в заявке сведений.",
        "5. Данные участника",
        "Юридический адрес: 625000, г. Тюмень, ул. Республики, д. 14, оф. 5",
        "Почтовый адрес: совпадает с юридическим",
        "Телефон: +7 (3452) 39-31-33 Факс: +7 (3452) 39-31-34",
        "Электронный адрес: office@geopartner.ru",
        inn_line,
        ogrn_line,
        f"Р/счет: {account} в ПАО «Сбербанк»",
        f"К/счет: {corr}",
        f"БИК: {bik}",
        signatory[0],
        "(личная подпись)",
        "М.П.",
        signatory[1],
    ]
    return lines


def form_text(**kwargs: object) -> str:
    return "\n".join(form_lines(**kwargs))  # type: ignore[arg-type]


SCAN = File("Скан заявки.jpg", jpeg_stub(4000), "image/jpeg")
SIGN = "\n\nС уважением,\nИван Петров\nООО «ГеоПартнер»"

L01 = Mail(
    subject="Запрос лицензий",
    body="Добрый день!\nНаправляем заявку по форме Приложения 1.\n\n" + form_text() + SIGN,
    files=[SCAN],
)
L01_EXPECTED = {
    "mailbox": "general",
    "kind": "license_request",
    "fields": {
        **ok_fields(*LICENSE_REQUIRED),
        "software_name": {"status": V, "value": ["ГеоКадастр Сервер, 5 лицензий"]},
        "end_customer": {"status": V, "value": ["ООО «Северный кадастр»"]},
        "purpose": {"status": V, "value": ["own_use", "sublicensing"]},
        "postal_address": {"status": V, "value": "625000, г. Тюмень, ул. Республики, д. 14, оф. 5"},
        "phone": {"status": V, "value": "+73452393133"},
        "fax": {"status": V, "value": "+73452393134"},
        "email": {"status": V, "value": "office@geopartner.ru"},
        "inn": {"status": V, "value": "7204196795"},
        "kpp": {"status": V, "value": "720301001"},
        "bank_account": {"status": V, "value": "40702810200000000001"},
        "bank_name": {"status": V, "value": "ПАО «Сбербанк»"},
        "signatory": {
            "status": V,
            "value": {"position": "Генеральный директор", "name": "Петров И.С."},
        },
        "signed_form": {"status": V, "value": ["Скан заявки.jpg"]},
        "outgoing_ref": {"status": V, "value": {"number": "45", "date": "2026-02-25"}},
    },
    "missing": [],
    "invalid": [],
    "attachments": [["Скан заявки.jpg", "scan"]],
}

L02_DOCX = docx(
    [
        "Исх. № 112 от 26.02.2026",
        "Руководителю ООО «ТЕХНОКОМ»",
        "ЗАЯВКА НА УЧАСТИЕ В ПАРТНЕРСКОЙ ПРОГРАММЕ",
        "2. Описание проекта:",
        [
            ["Наименование программного обеспечения", "Конечный заказчик"],
            ["ТехноКарта Сервер", "АО «Тюменьгазстрой»"],
            ["ТехноКарта Мобайл, 10 мест", "АО «Тюменьгазстрой»"],
        ],
        "Цель приобретения ПО:",
        "[x] Воспроизведение для собственного использования;",
        "[ ] Демонстрационное представление функциональных возможностей;",
        "[ ] Предоставление простых неисключительных лицензий (сублицензий);",
        "[ ] Разработка/тестирование дополнительных функциональных компонентов (библиотек) в целях расширения функционала;",
        "[x] Модификации функциональных компонентов (библиотек) в целях оказания технической поддержки.",
        "5. Данные участника",
        "Юридический адрес: 620014, г. Екатеринбург, ул. Малышева, д. 51, оф. 1204",
        "Почтовый адрес: 620014, г. Екатеринбург, а/я 77",
        "Телефон: 8 (343) 222-33-44",
        "Электронный адрес: info@ural-gis.ru",
        "ИНН: 7204196795 /КПП: 667101001",
        "ОГРН: 1137232059744",
        "Р/счет: 40702810200000000001 в ПАО «Сбербанк»",
        "К/счет: 30101810400000000225",
        "БИК: 044525225",
        "Директор",
        "(личная подпись) М.П.",
        "Сидорова О.А.",
    ]
)
L02 = Mail(
    client="outlook",
    charset="windows-1251",
    cte="quoted-printable",
    sender="Ольга Сидорова <o.sidorova@ural-gis.ru>",
    subject="Заявка на приобретение лицензий",
    body="Добрый день!\n\nЗаявку по форме Приложения 1 направляем во вложении (Word и скан с подписью).\n\nС уважением,\nСидорова О.А.",
    files=[
        File("Заявка_Приложение1.docx", L02_DOCX, DOCX_TYPE, name_style="rfc2047"),
        File("Заявка_подписанная.pdf", pdf([]), "application/pdf", name_style="rfc2047"),
    ],
)
L02_EXPECTED = {
    "mailbox": "general",
    "kind": "license_request",
    "fields": {
        **ok_fields(*LICENSE_REQUIRED),
        "software_name": {
            "status": V,
            "value": ["ТехноКарта Сервер", "ТехноКарта Мобайл, 10 мест"],
        },
        "end_customer": {"status": V, "value": ["АО «Тюменьгазстрой»", "АО «Тюменьгазстрой»"]},
        "purpose": {"status": V, "value": ["own_use", "support_modification"]},
        "phone": {"status": V, "value": "+73432223344"},
        "signatory": {"status": V, "value": {"position": "Директор", "name": "Сидорова О.А."}},
        "signed_form": {"status": V, "value": ["Заявка_подписанная.pdf"]},
    },
    "evidence_sources": {"inn": "attachment:Заявка_Приложение1.docx"},
    "missing": [],
    "invalid": [],
    "attachments": [["Заявка_Приложение1.docx", "document"], ["Заявка_подписанная.pdf", "scan"]],
}

L03_PDF = pdf(form_lines(marks=("✓", "", "", "", ""), outgoing="Исх. № 7 от 27.02.2026"))
L03 = Mail(
    subject="Запрос лицензий ГеоКадастр",
    body="Здравствуйте! Форма запроса во вложении (PDF), подписана ЭП.\n" + SIGN,
    files=[
        File("zayavka.pdf", L03_PDF, "application/pdf"),
        File(
            "zayavka.pdf.sig",
            b"0\x82\x05\x00fake-pkcs7-signature" * 20,
            "application/pkcs7-signature",
        ),
    ],
)
L03_EXPECTED = {
    "mailbox": "general",
    "kind": "license_request",
    "fields": {
        **ok_fields(*LICENSE_REQUIRED),
        "purpose": {"status": V, "value": ["own_use"]},
        "signed_form": {"status": V, "value": ["zayavka.pdf.sig"]},
    },
    "evidence_sources": {"bik": "attachment:zayavka.pdf"},
    "missing": [],
    "invalid": [],
    "attachments": [["zayavka.pdf", "document"], ["zayavka.pdf.sig", "signature"]],
}

L04 = Mail(
    subject="Запрос лицензий",
    body=form_text(account="40702810100000000001") + SIGN,
    files=[SCAN],
)
L04_EXPECTED = {
    "mailbox": "general",
    "kind": "license_request",
    "fields": {**ok_fields("inn", "bik", "corr_account"), "bank_account": {"status": I}},
    "missing": [],
    "invalid": ["bank_account"],
}

L05 = Mail(
    subject="Заявка на участие в партнерской программе",
    body=form_text(marks=("✓", "✓", "✓", "✓", "✓")) + SIGN,
    files=[SCAN],
)
L05_EXPECTED = {
    "mailbox": "general",
    "kind": "license_request",
    "flags": ["all_purposes_marked"],
    "fields": {
        "purpose": {
            "status": W,
            "value": [
                "own_use",
                "demo",
                "sublicensing",
                "extension_development",
                "support_modification",
            ],
        }
    },
    "missing": [],
    "invalid": [],
}

L06 = Mail(
    subject="Запрос лицензий",
    body=form_text(inn_line="ИНН: 7204196795 /КПП: _____", ogrn_line="ОГРН: _____") + SIGN,
)
L06_EXPECTED = {
    "mailbox": "general",
    "kind": "license_request",
    "fields": {"kpp": {"status": M}, "ogrn": {"status": M}, "signed_form": {"status": M}},
    "missing": ["kpp", "ogrn", "signed_form"],
    "invalid": [],
}

L07 = Mail(
    subject="Запрос лицензий (ИП)",
    body=form_text(
        inn_line="ИНН: 500100000015",
        ogrn_line="ОГРНИП: 304500100000017",
        signatory=("Индивидуальный предприниматель", "Кузьмин А.А."),
    )
    + SIGN,
    files=[SCAN],
)
L07_EXPECTED = {
    "mailbox": "general",
    "kind": "license_request",
    "fields": {
        "inn": {"status": V, "value": "500100000015"},
        "ogrn": {"status": V, "value": "304500100000017"},
        "signatory": {
            "status": V,
            "value": {"position": "Индивидуальный предприниматель", "name": "Кузьмин А.А."},
        },
    },
    "missing": [],
    "invalid": [],
}

L08 = Mail(
    to="support@technocom.tech",
    subject="Запрос лицензий",
    body=form_text() + SIGN,
    files=[SCAN],
)
L08_EXPECTED = {
    "mailbox": "support",
    "kind": "license_request",
    "wrong_mailbox": "general",
    "fields": ok_fields(*LICENSE_REQUIRED),
    "missing": [],
    "invalid": [],
}

L09_HTML = (
    "<html><body><p>Добрый день! Направляем заявку.</p>"
    "<p>Исх. № 9 от 20.02.2026</p><p><b>ЗАЯВКА НА УЧАСТИЕ В ПАРТНЕРСКОЙ ПРОГРАММЕ</b></p>"
    "<table border=1><tr><td>Наименование программного обеспечения</td><td>Конечный заказчик</td><td>ИНН конечного заказчика</td></tr>"
    "<tr><td>ГеоКадастр</td><td>МУП «Водоканал Ишим»</td><td>7204196795</td></tr>"
    "<tr><td>ТехноКарта Сервер</td><td>ООО «Ромашка-Агро»</td><td>500100000015</td></tr></table>"
    "<p>Цель приобретения ПО:</p><p>+ Предоставление простых неисключительных лицензий (сублицензий);</p>"
    "<table><tr><td>Юридический адрес:</td><td>625000, г. Тюмень, ул. Республики, д. 14</td></tr>"
    "<tr><td>Почтовый адрес:</td><td>625000, г. Тюмень, а/я 15</td></tr>"
    "<tr><td>Телефон:</td><td>(3452) 39-31-33</td></tr>"
    "<tr><td>Электронный адрес:</td><td>Office@GeoPartner.ru</td></tr>"
    "<tr><td>ИНН/КПП:</td><td>7204196795/720301001</td></tr>"
    "<tr><td>ОГРН:</td><td>1137232059744</td></tr>"
    "<tr><td>Р/счет:</td><td>40702810200000000001 в ПАО «Сбербанк»</td></tr>"
    "<tr><td>К/счет:</td><td>30101810400000000225</td></tr>"
    "<tr><td>БИК:</td><td>044525225</td></tr></table>"
    "<p>Генеральный директор ______ Петров И.С.</p></body></html>"
)
L09 = Mail(
    client="webmail_html",
    cte="base64",
    subject="Запрос лицензий",
    html=L09_HTML,
    html_only=True,
    files=[SCAN],
)
L09_EXPECTED = {
    "mailbox": "general",
    "kind": "license_request",
    "fields": {
        **ok_fields(*LICENSE_REQUIRED),
        "software_name": {"status": V, "value": ["ГеоКадастр", "ТехноКарта Сервер"]},
        "end_customer": {"status": V, "value": ["МУП «Водоканал Ишим»", "ООО «Ромашка-Агро»"]},
        "end_customer_inn": {"status": V, "value": ["7204196795", "500100000015"]},
        "purpose": {"status": V, "value": ["sublicensing"]},
        "email": {"status": V, "value": "office@geopartner.ru"},
        "kpp": {"status": V, "value": "720301001"},
        "signatory": {
            "status": V,
            "value": {"position": "Генеральный директор", "name": "Петров И.С."},
        },
    },
    "missing": [],
    "invalid": [],
}

L10 = Mail(
    subject="Запрос лицензий",
    body=form_text(corr="30101810400000000224") + SIGN,
    files=[SCAN],
)
L10_EXPECTED = {
    "mailbox": "general",
    "kind": "license_request",
    "fields": {"corr_account": {"status": I}, "bank_account": {"status": V}},
    "missing": [],
    "invalid": ["corr_account"],
}

D01 = Mail(
    subject="Re: [TCM-000201] Запрос лицензий",
    in_reply_to="<tcm-000201-2@technocom.tech>",
    body="Добрый день!\nНаправляем сканы подписанного с нашей стороны лицензионного соглашения.\n"
    + SIGN,
    files=[File("Лицензионное соглашение (подписано).pdf", pdf([]), "application/pdf")],
)
D01_EXPECTED = {
    "mailbox": "general",
    "thread_kind": "license_request",
    "kind": "license_documents",
    "flags": ["event:signed_scans"],
    "fields": {
        "signed_documents": {"status": V, "value": ["Лицензионное соглашение (подписано).pdf"]}
    },
    "missing": [],
    "invalid": [],
    "attachments": [["Лицензионное соглашение (подписано).pdf", "scan"]],
}

D02 = Mail(
    client="outlook",
    charset="windows-1251",
    cte="quoted-printable",
    subject="RE: [TCM-000202] Счет на оплату",
    in_reply_to="<tcm-000202-3@technocom.tech>",
    body="Добрый день!\nОплата произведена, платежное поручение № 318 от 10.02.2026 во вложении.\n\nС уважением,\nБухгалтерия",
    files=[
        File("pp_318.pdf", pdf(["Платежное поручение № 318", "Сумма 150000-00"]), "application/pdf")
    ],
)
D02_EXPECTED = {
    "mailbox": "general",
    "thread_kind": "license_request",
    "kind": "license_documents",
    "flags": ["event:payment_order"],
    "fields": {
        "signed_documents": {"status": V, "value": ["pp_318.pdf"]},
        "payment_date": {"status": V, "value": "2026-02-10"},
    },
    "missing": [],
    "invalid": [],
}

D03 = Mail(
    subject="Re: [TCM-000203] Акт на передачу прав",
    in_reply_to="<tcm-000203-4@technocom.tech>",
    body="Добрый день! Подписанный акт отправили Почтой России, трек RA123456789RU.\n" + SIGN,
)
D03_EXPECTED = {
    "mailbox": "general",
    "thread_kind": "license_request",
    "kind": "license_documents",
    "flags": ["event:originals_returned"],
    "fields": {"signed_documents": {"status": M}},
    "missing": [],
    "invalid": [],
}

D04 = Mail(
    subject="Re: [TCM-000204] Запрос лицензий",
    in_reply_to="<tcm-000204-1@technocom.tech>",
    body="Добрый день! Подскажите, пожалуйста, когда ожидать проект соглашения и счет?\n" + SIGN,
)
D04_EXPECTED = {
    "mailbox": "general",
    "thread_kind": "license_request",
    "kind": "followup",
    "event": "status_query",
    "fields": {},
    "missing": [],
    "invalid": [],
}

LICENSE_LETTERS = [
    ("license_form_in_body_scan", L01, L01_EXPECTED),
    ("license_docx_outlook", L02, L02_EXPECTED),
    ("license_pdf_text_layer_sig", L03, L03_EXPECTED),
    ("license_bad_account_key", L04, L04_EXPECTED),
    ("license_all_purposes_template", L05, L05_EXPECTED),
    ("license_missing_kpp_ogrn_scan", L06, L06_EXPECTED),
    ("license_sole_trader", L07, L07_EXPECTED),
    ("license_sent_to_support", L08, L08_EXPECTED),
    ("license_html_two_rows", L09, L09_EXPECTED),
    ("license_bad_corr_account", L10, L10_EXPECTED),
    ("license_signed_scans", D01, D01_EXPECTED),
    ("license_payment_order_outlook", D02, D02_EXPECTED),
    ("license_originals_sent", D03, D03_EXPECTED),
    ("license_status_question", D04, D04_EXPECTED),
]

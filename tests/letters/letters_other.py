# ruff: noqa: E501 — letter texts are data, kept one line per line of the letter.
"""Resource and Service Desk account requests, inquiries, forwards and automatic letters."""

from __future__ import annotations

from mime_builders import File, Mail, build

V = "valid"
W = "valid_with_warning"
I = "invalid"  # noqa: E741
M = "missing"

SIGN = "\n\nС уважением,\nИван Петров\nООО «ГеоПартнер»"

R01 = Mail(
    subject="Запрос ресурса сотрудников ГО на настройку",
    body=(
        "Добрый день!\n\nПросим выделить ресурс сотрудников головного офиса для настройки системы.\n"
        "Наименование предприятия: ООО «Северный кадастр»\n"
        "ИНН клиента: 7204196795\n"
        "Список задач:\n"
        "1. Настройка репликации базы данных между филиалами\n"
        "2. Конфигурирование сервера публикации карт\n"
        "Оценка мероприятия в часах: 24 часа\n"
        "Желаемое время проведения настроек: 16.03.2026 - 20.03.2026\n" + SIGN
    ),
)
R01_EXPECTED = {
    "mailbox": "general",
    "kind": "resource",
    "fields": {
        "enterprise_name": {"status": V, "value": "ООО «Северный кадастр»"},
        "client_inn": {"status": V, "value": "7204196795"},
        "tasks": {
            "status": V,
            "value": [
                "Настройка репликации базы данных между филиалами",
                "Конфигурирование сервера публикации карт",
            ],
        },
        "estimated_hours": {"status": V, "value": 24},
        "desired_time": {"status": V, "value": {"from": "2026-03-16", "to": "2026-03-20"}},
    },
    "missing": [],
    "invalid": [],
}

R02 = Mail(
    client="outlook",
    charset="windows-1251",
    cte="quoted-printable",
    subject="Настройка у заказчика",
    body=(
        "Добрый день!\nПросим ресурс специалистов головного офиса на подключение к предприятиям заказчика.\n"
        "Предприятие: АО «Тюменьгазстрой»\n"
        "Задачи:\n- Подключение трех филиалов к центральному серверу\n"
        "Желаемое время: в течение апреля 2026\n\nС уважением,\nСидорова О."
    ),
)
R02_EXPECTED = {
    "mailbox": "general",
    "kind": "resource",
    "fields": {
        "enterprise_name": {"status": V},
        "tasks": {"status": V},
        "estimated_hours": {"status": M},
        "desired_time": {"status": V},
    },
    "missing": ["estimated_hours"],
    "invalid": [],
}

R03 = Mail(
    subject="Ресурс сотрудников ГО",
    body=(
        "Добрый день!\nПросим ресурс сотрудников головного офиса.\n"
        "Наименование предприятия: ООО «Агрохолдинг Заречный»\n"
        "Список задач:\n1. Миграция данных из старой системы учета полей\n"
        "Оценка в часах: 200\n"
        "Желаемое время проведения: 01.04.2026\n" + SIGN
    ),
)
R03_EXPECTED = {
    "mailbox": "general",
    "kind": "resource",
    "fields": {"estimated_hours": {"status": I}},
    "missing": [],
    "invalid": ["estimated_hours"],
}
# 200 h is above the single-request limit of 160 h (cfg:resource.max_single_request_hours).

S01 = Mail(
    subject="Учетная запись Service Desk",
    body=(
        "Добрый день!\nПросим создать учетные записи в Service Desk для сотрудников:\n"
        "Орлов Дмитрий Сергеевич — d.orlov@geopartner.ru\n"
        "Васильева Анна Петровна — a.vasilieva@geopartner.ru\n"
        "Сотрудники дали согласие на обработку персональных данных.\n" + SIGN
    ),
)
S01_EXPECTED = {
    "mailbox": "general",
    "kind": "sd_account",
    "fields": {
        "employees": {
            "status": V,
            "value": [
                {"full_name": "Орлов Дмитрий Сергеевич", "email": "d.orlov@geopartner.ru"},
                {"full_name": "Васильева Анна Петровна", "email": "a.vasilieva@geopartner.ru"},
            ],
        },
        "pd_consent": {"status": V, "value": True},
    },
    "missing": [],
    "invalid": [],
}

S02 = Mail(
    subject="Доступ к Service Desk",
    body="Коллеги, прошу доступ к Service Desk для нового инженера: Мельников Кирилл Андреевич, k.melnikov@geopartner.ru"
    + SIGN,
)
S02_EXPECTED = {
    "mailbox": "general",
    "kind": "sd_account",
    "fields": {"employees": {"status": V}, "pd_consent": {"status": M}},
    "missing": ["pd_consent"],
    "invalid": [],
}

S03 = Mail(
    to="support@technocom.tech",
    subject="Учетная запись",
    body=(
        "Здравствуйте! Нужна учетная запись в Service Desk для Тарасов Егор Ильич, e.tarasov@geopartner.ru. "
        "Согласие сотрудника на обработку персональных данных прилагаем." + SIGN
    ),
    files=[File("Согласие Тарасов.pdf", b"%PDF-1.4\n%scan without text\n", "application/pdf")],
)
S03_EXPECTED = {
    "mailbox": "support",
    "kind": "sd_account",
    "wrong_mailbox": "general",
    "fields": {"employees": {"status": V}, "pd_consent": {"status": V, "value": True}},
    "missing": [],
    "invalid": [],
}

I01 = Mail(
    subject="Обучение специалистов",
    body="Добрый день! Подскажите, когда планируется ближайший курс обучения для инженеров партнеров?"
    + SIGN,
)
I01_EXPECTED = {"mailbox": "general", "kind": "inquiry", "fields": {}, "missing": [], "invalid": []}

I02 = Mail(
    subject="Два вопроса",
    body=(
        "Добрый день!\nПо клиенту ООО «Альфа» хотим уточнить, что писать в графе «причина интереса» "
        "для реестра клиентов, а также в форме запроса — в графе про конечного заказчика?" + SIGN
    ),
)
I02_EXPECTED = {
    "mailbox": "general",
    "kind": "inquiry",
    "ambiguous": True,
    "candidates": ["pin_request", "license_request"],
    "fields": {},
    "missing": [],
    "invalid": [],
}

I03_INNER = build(
    Mail(
        subject="Предварительное закрепление клиента",
        date="Mon, 23 Feb 2026 11:00:00 +0500",
        body=(
            "Добрый день!\nНаименование клиента: ООО «Таежный лес»\nИНН: 7204196795\n"
            "Адрес клиента: 626440, г. Нижневартовск, ул. Ленина, 3\n"
            "Номер и дата договора: Договор № ТЛ-1 от 10.02.2026\n"
            "Причина интереса: учет лесных участков\n"
            "Контактные лица:\nЛосев Петр Ильич, +7 (3466) 10-20-30\nРыжова Анна Олеговна, ryzhova@taiga-les.ru"
        ),
    ),
    900,
)
I03 = Mail(
    client="thunderbird",
    subject="Fwd: Предварительное закрепление клиента",
    body="Добрый день! Пересылаем наш запрос от 23.02, ответа пока не было." + SIGN,
    forwarded=I03_INNER,
)
I03_EXPECTED = {
    "mailbox": "general",
    "kind": "pin_request",
    "fields": {
        "client_name": {"status": V, "value": "ООО «Таежный лес»"},
        "client_inn": {"status": V, "value": "7204196795"},
        "contacts": {"status": V},
    },
    "evidence_sources": {"client_inn": "forwarded"},
    "forwarded_subjects": ["Предварительное закрепление клиента"],
    "missing": [],
    "invalid": [],
}

X01 = Mail(
    subject="Автоматический ответ: Запрос лицензий",
    sender="Ольга Сидорова <o.sidorova@ural-gis.ru>",
    headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
    body="Я в отпуске до 10.03.2026. По срочным вопросам обращайтесь к Ивану Петрову.",
)
X01_EXPECTED = {
    "mailbox": "general",
    "kind": "license_request",
    "automatic": "Auto-Submitted: auto-replied",
    "fields": {},
    "skip_fields": True,
    "missing": None,
    "invalid": None,
}
# The subject marker makes it look like a license request; the service ignores it because
# is_automatic() says so (R-MBX-3). Fields are not checked for automatic letters.

X02 = (
    b"From: MAILER-DAEMON@mx.geopartner.ru (Mail Delivery System)\r\n"
    b"To: mail@technocom.tech\r\n"
    b"Subject: Undelivered Mail Returned to Sender\r\n"
    b"Date: Mon, 02 Mar 2026 10:20:00 +0500\r\n"
    b"Message-ID: <dsn-0001@mx.geopartner.ru>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-b"\r\n\r\n'
    b"--dsn-b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    + "Письмо не доставлено: ящик ivanov@geopartner.ru не существует.\r\n".encode()
    + b"\r\n--dsn-b\r\nContent-Type: message/delivery-status\r\n\r\n"
    b"Reporting-MTA: dns; mx.geopartner.ru\r\n\r\nFinal-Recipient: rfc822; ivanov@geopartner.ru\r\n"
    b"Action: failed\r\nStatus: 5.1.1\r\n\r\n--dsn-b--\r\n"
)
X02_EXPECTED = {
    "mailbox": "general",
    "kind": "inquiry",
    "automatic": "multipart/report: delivery status notification",
    "fields": {},
    "missing": [],
    "invalid": [],
    "new_text_contains": ["не доставлено"],
}

OTHER_LETTERS = [
    ("resource_complete", R01, R01_EXPECTED),
    ("resource_no_hours_outlook", R02, R02_EXPECTED),
    ("resource_too_many_hours", R03, R03_EXPECTED),
    ("sd_account_complete", S01, S01_EXPECTED),
    ("sd_account_no_consent", S02, S02_EXPECTED),
    ("sd_account_sent_to_support", S03, S03_EXPECTED),
    ("inquiry_training", I01, I01_EXPECTED),
    ("inquiry_ambiguous_pin_or_license", I02, I02_EXPECTED),
    ("forwarded_pin_request_rfc822", I03, I03_EXPECTED),
    ("auto_reply_out_of_office", X01, X01_EXPECTED),
    ("bounce_dsn", X02, X02_EXPECTED),
]

# ruff: noqa: E501 — letter texts are data, kept one line per line of the letter.
"""Service Desk tickets: bugs, features, consultations, replies in ticket threads."""

from __future__ import annotations

from mime_builders import File, Mail, log_text, png, zip_of

V = "valid"
W = "valid_with_warning"
I = "invalid"  # noqa: E741
M = "missing"
NA = "not_applicable"

BUG_REQUIRED = (
    "tracker",
    "priority",
    "description",
    "self_diagnosis",
    "legal_entity",
    "license_contract",
    "software_name",
    "component",
    "base_software",
    "base_software_logs",
    "screenshots",
    "steps_to_reproduce",
    "app_logs",
)
ALL_PASSED = {
    "base_software_ok": "passed",
    "dbms_ok": "passed",
    "network_ok": "passed",
    "auth_privileges_unchanged": "passed",
}
SIGN = "\n\nС уважением,\nДмитрий Орлов\nинженер ООО «ГеоПартнер»\n+7 (912) 333-22-11"
LOGS = File(
    "logs_2026-03-01.zip",
    zip_of({"server.log": log_text(), "postgresql.log": log_text(20, "PostgreSQL")}),
    "application/zip",
)
SHOT = File("screenshot.png", png(), "image/png")


def ok_fields(*codes: str) -> dict[str, dict[str, object]]:
    return {code: {"status": V} for code in codes}


def bug_body(
    *,
    tracker: str = "Tracker: Неисправность",
    priority: str = "Priority: Высокий",
    diagnosis: str = (
        "Результаты самостоятельной диагностики:\n"
        "1. Базовое ПО работает корректно: да\n"
        "2. СУБД функционирует корректно, проблем с транзакциями нет\n"
        "3. Сетевые настройки исправны, ping -t стабильный\n"
        "4. Привилегии пользователей на сервере аутентификации не менялись\n"
    ),
    legal: str = "Юридическое лицо: ООО «Северный кадастр», ИНН 7204196795",
    extra: str = "",
) -> str:
    return (
        "Добрый день!\n\n"
        f"{tracker}\n{priority}\n"
        "Описание: при сохранении участка в реестре появляется ошибка «Deadlock detected», данные не сохраняются\n"
        f"{legal}\n"
        "Лицензионный договор: № ЛД-2025/17 от 15.09.2025\n"
        "ПО: ГеоКадастр 4.2\n"
        "Компонент: модуль редактирования реестра участков\n"
        "Базовое ПО: PostgreSQL 14.5\n\n"
        f"{diagnosis}\n"
        "Последовательность действий:\n"
        "1. Открыть реестр земельных участков\n"
        "2. Изменить площадь участка и нажать «Сохранить»\n"
        "3. Через 30 секунд появляется сообщение об ошибке\n"
        f"{extra}" + SIGN
    )


T01 = Mail(
    client="outlook",
    charset="windows-1251",
    cte="quoted-printable",
    to="support@technocom.tech",
    sender="Дмитрий Орлов <d.orlov@geopartner.ru>",
    subject="Ошибка сохранения участков в ГеоКадастр",
    body=bug_body(),
    html="<html><body><p>Добрый день!</p><p>(см. текстовую версию)</p></body></html>",
    files=[LOGS, SHOT],
)
T01_EXPECTED = {
    "mailbox": "support",
    "kind": "ticket",
    "fields": {
        **ok_fields(*BUG_REQUIRED),
        "tracker": {"status": V, "value": "bug"},
        "priority": {"status": V, "value": "high"},
        "self_diagnosis_statuses": ALL_PASSED,
        "legal_entity": {
            "status": V,
            "value": {"name": "ООО «Северный кадастр»", "inn": "7204196795"},
        },
        "license_contract": {
            "status": V,
            "value": {
                "kind": "contract",
                "number": "ЛД-2025/17",
                "date": "2025-09-15",
                "key": "LD-2025/17|2025-09-15",
            },
        },
        "base_software": {"status": V, "value": {"name": "PostgreSQL", "version": "14.5"}},
        "steps_to_reproduce": {
            "status": V,
            "value": [
                "Открыть реестр земельных участков",
                "Изменить площадь участка и нажать «Сохранить»",
                "Через 30 секунд появляется сообщение об ошибке",
            ],
        },
        "screenshots": {"status": V, "value": ["screenshot.png"]},
        "app_logs": {"status": V, "value": ["logs_2026-03-01.zip"]},
        "base_software_logs": {"status": V, "value": ["logs_2026-03-01.zip"]},
        "project_status": {"status": W, "value": "active"},
    },
    "missing": [],
    "invalid": [],
    "attachments": [["logs_2026-03-01.zip", "log"], ["screenshot.png", "image"]],
    "archive_entries": {"logs_2026-03-01.zip": ["server.log", "postgresql.log"]},
}

T02 = Mail(
    to="support@technocom.tech",
    subject="Сбой при печати карты",
    body=bug_body(diagnosis=""),
    files=[LOGS],
)
T02_EXPECTED = {
    "mailbox": "support",
    "kind": "ticket",
    "fields": {
        "self_diagnosis": {"status": M},
        "screenshots": {"status": M},
        "app_logs": {"status": V},
    },
    "missing": ["self_diagnosis", "screenshots"],
    "invalid": [],
}

T03 = Mail(
    to="support@technocom.tech",
    subject="Ошибка в модуле реестра",
    body=bug_body(
        diagnosis=(
            "Результаты самостоятельной диагностики:\n"
            "- Базовое ПО: работает корректно\n"
            "- СУБД: есть ошибки транзакций в журнале\n"
            "- Сеть: не проверяли\n"
            "- Привилегии пользователей: не менялись\n"
        )
    ),
    files=[LOGS, SHOT],
)
T03_EXPECTED = {
    "mailbox": "support",
    "kind": "ticket",
    "fields": {
        "self_diagnosis": {"status": V},
        "self_diagnosis_statuses": {
            "base_software_ok": "passed",
            "dbms_ok": "failed",
            "network_ok": "not_checked",
            "auth_privileges_unchanged": "passed",
        },
    },
    "missing": [],
    "invalid": ["self_diagnosis"],
}

T04 = Mail(
    client="thunderbird",
    to="support@technocom.tech",
    subject="Доработка: выгрузка реестра в XML",
    body=(
        "Добрый день!\n\n"
        "Tracker: Разработка\n"
        "Описание: нужна выгрузка реестра участков в XML по схеме Росреестра\n"
        "Юридическое лицо: АО «Тюменьгазстрой»\n"
        "Лицензионный договор: № 2025-118 от 01.10.2025\n"
        "Наименование ПО: ГеоКадастр\n"
        "Компонент: модуль обмена данными\n"
        "Бизнес-задача: заказчик ежеквартально передает сведения о земельных участках в Росреестр, "
        "сейчас это делается вручную и занимает две недели\n" + SIGN
    ),
)
T04_EXPECTED = {
    "mailbox": "support",
    "kind": "ticket",
    "fields": {
        **ok_fields(
            "tracker",
            "description",
            "legal_entity",
            "license_contract",
            "software_name",
            "component",
            "business_task",
        ),
        "tracker": {"status": V, "value": "feature"},
        "legal_entity": {"status": V, "value": {"name": "АО «Тюменьгазстрой»"}},
    },
    "missing": [],
    "invalid": [],
}

T05 = Mail(
    client="gmail",
    to="support@technocom.tech",
    subject="Консультация по настройке слоев",
    body=(
        "Здравствуйте!\n"
        "Tracker: Консультация\n"
        "Описание: как настроить отображение подписей участков только на крупных масштабах?\n"
        "Юридическое лицо: ООО «Северный кадастр»\n"
        "Лицензионный договор: № ЛД-2025/17 от 15.09.2025\n"
        "ПО: ТехноКарта Сервер\n" + SIGN
    ),
    html="<div dir=ltr>Здравствуйте!<br>Tracker: Консультация</div>",
)
T05_EXPECTED = {
    "mailbox": "support",
    "kind": "ticket",
    "fields": {
        **ok_fields("tracker", "description", "legal_entity", "license_contract", "software_name"),
        "tracker": {"status": V, "value": "support"},
    },
    "missing": [],
    "invalid": [],
}

T06 = Mail(
    to="support@technocom.tech",
    subject="Не работает импорт shape-файлов",
    body=(
        "Добрый день!\n"
        "При импорте shape-файлов в ГеоКадастр появляется ошибка кодировки, атрибуты не читаются.\n"
        "Юридическое лицо: ООО «Северный кадастр»\n"
        "Лицензионный договор: № ЛД-2025/17 от 15.09.2025\n"
        "ПО: ГеоКадастр 4.2\n" + SIGN
    ),
    files=[SHOT],
)
T06_EXPECTED = {
    "mailbox": "support",
    "kind": "ticket",
    "fields": {
        "tracker": {"status": M},
        "description": {"status": V},
        "software_name": {"status": V},
    },
    "missing": ["tracker"],
    "invalid": [],
}

T07 = Mail(
    to="mail@technocom.tech",
    subject="Сбой сервера публикации",
    body=(
        "Добрый день!\nTracker: Ошибка\nPriority: Срочный\n"
        "Описание: сервер публикации карт не отвечает после обновления, все пользователи без карт\n"
        "Юридическое лицо: ООО «Северный кадастр»\nЛицензионный договор: № ЛД-2025/17 от 15.09.2025\n"
        "ПО: ТехноКарта Сервер 3.1\nКомпонент: служба публикации\nБазовое ПО: Windows Server 2019\n"
        "Результаты самостоятельной диагностики: базовое ПО работает корректно; СУБД без ошибок; "
        "сеть исправна; привилегии не менялись\n"
        "Последовательность действий: установили обновление 3.1.2, перезапустили службу, "
        "служба падает при старте с кодом 1067\n" + SIGN
    ),
    files=[LOGS, SHOT],
)
T07_EXPECTED = {
    "mailbox": "general",
    "kind": "ticket",
    "wrong_mailbox": "support",
    "fields": {
        **ok_fields(*BUG_REQUIRED),
        "priority": {"status": V, "value": "urgent"},
        "base_software": {"status": V, "value": {"name": "Windows Server", "version": "2019"}},
        "self_diagnosis_statuses": ALL_PASSED,
    },
    "missing": [],
    "invalid": [],
}

T08 = Mail(
    client="iphone",
    cte="base64",
    to="support@technocom.tech",
    subject="Не работает вход",
    body="Срочно! У заказчика не работает вход в ГеоКадастр, пишет ошибку авторизации.\n\nОтправлено с iPhone",
)
T08_EXPECTED = {
    "mailbox": "support",
    "kind": "ticket",
    "flags": ["urgent_requested"],
    "fields": {"tracker": {"status": M}, "description": {"status": V}},
    "missing": ["tracker", "legal_entity", "license_contract", "software_name"],
    "invalid": [],
}

T09 = Mail(
    to="support@technocom.tech",
    subject="Вопрос по демо-версии",
    body=(
        "Добрый день!\nTracker: Консультация\n"
        "Описание: в демо-версии не отображается панель слоев после перезапуска\n"
        "Юридическое лицо: ООО «Пилот-Гео»\n"
        "Статус проекта: демо\n"
        "Лицензионный договор: нет, демо-проект\n"
        "ПО: ГеоКадастр 4.2 (демо)\n" + SIGN
    ),
)
T09_EXPECTED = {
    "mailbox": "support",
    "kind": "ticket",
    "fields": {
        "project_status": {"status": V, "value": "demo"},
        "license_contract": {"status": NA},
        "tracker": {"status": V, "value": "support"},
    },
    "missing": [],
    "invalid": [],
}

T10_HTML = (
    "<div dir='ltr'><p>Добрый день!</p><p>Tracker: Неисправность<br>Priority: Нормальный<br>"
    "Описание: при экспорте карты в PDF пропадают подписи объектов на всех листах<br>"
    "Юридическое лицо: ООО «Северный кадастр», ИНН 7204196795<br>"
    "Лицензионный договор: № ЛД-2025/17 от 15.09.2025<br>ПО: ТехноКарта Сервер 3.1<br>"
    "Компонент: экспорт в PDF<br>Базовое ПО: GeoServer 2.23.1</p>"
    "<p>Результаты самостоятельной диагностики:<br>базовое ПО: да<br>СУБД: да<br>сеть: да<br>"
    "привилегии: не менялись</p><p>Последовательность действий:<br>1. Открыть карту района<br>"
    "2. Экспорт - PDF - А3<br>3. В файле нет подписей</p>"
    "<p>Скриншот ниже:<br><img src='cid:shot1@gmail'></p>"
    "<p>Логи: нет, сервер заказчика закрыт для выгрузки журналов</p></div>"
)
T10 = Mail(
    client="gmail",
    to="support@technocom.tech",
    subject="Ошибка экспорта в PDF",
    html=T10_HTML,
    html_only=True,
    files=[File("image001.png", png(seed=3), "image/png", inline_cid="shot1@gmail")],
)
T10_EXPECTED = {
    "mailbox": "support",
    "kind": "ticket",
    "flags": ["description_incomplete"],
    "fields": {
        **ok_fields(
            "tracker",
            "priority",
            "description",
            "self_diagnosis",
            "legal_entity",
            "license_contract",
            "software_name",
            "component",
            "base_software",
            "steps_to_reproduce",
        ),
        "priority": {"status": V, "value": "normal"},
        "screenshots": {"status": V, "value": ["image001.png"]},
        "app_logs": {"status": NA},
        "base_software_logs": {"status": NA},
    },
    "missing": [],
    "invalid": [],
    "attachments": [["image001.png", "image"]],
}

T11 = Mail(
    to="support@technocom.tech",
    subject="Ошибка расчета площади",
    body=bug_body(legal="Юридическое лицо: ООО «Северный кадастр», ИНН 7204196796"),
    files=[LOGS, SHOT],
)
T11_EXPECTED = {
    "mailbox": "support",
    "kind": "ticket",
    "fields": {"legal_entity": {"status": I}},
    "missing": [],
    "invalid": ["legal_entity"],
}

T12 = Mail(
    to="support@technocom.tech",
    subject="Re: [TCM-000301] Ошибка сохранения участков",
    in_reply_to="<tcm-000301-2@technocom.tech>",
    body="Ошибка повторяется после установки исправления, лог прикладываю.\n" + SIGN,
    files=[File("server.log", log_text(10).encode(), "text/plain")],
)
T12_EXPECTED = {
    "mailbox": "support",
    "thread_kind": "ticket",
    "kind": "followup",
    "event": "problem_persists",
    "fields": {},
    "missing": [],
    "invalid": [],
    "attachments": [["server.log", "log"]],
}

T13 = Mail(
    client="gmail",
    to="support@technocom.tech",
    subject="Re: [TCM-000302] Export error",
    in_reply_to="<tcm-000302-2@technocom.tech>",
    body=(
        "Thank you, the issue is solved, you can close the ticket.\n\n"
        "On Mon, Mar 2, 2026 at 9:00 AM partnerdesk <support@technocom.tech> wrote:\n"
        "> Tracker: Неисправность\n> Priority: Срочный\n> Описание: старое описание ошибки\n"
    ),
)
T13_EXPECTED = {
    "mailbox": "support",
    "thread_kind": "ticket",
    "kind": "followup",
    "event": "resolution_confirmed",
    "fields": {},
    "missing": [],
    "invalid": [],
    "new_text_excludes": ["Срочный", "Tracker"],
    "new_text_contains": ["issue is solved"],
}

T14 = Mail(
    client="android",
    cte="quoted-printable",
    to="support@technocom.tech",
    subject="Re: [TCM-000303] Ошибка авторизации",
    in_reply_to="<tcm-000303-1@technocom.tech>",
    body=(
        "Скриншот прилагаю, ошибка появляется у всех пользователей.\n\n"
        "-------- Исходное сообщение --------\n"
        "От: partnerdesk <support@technocom.tech>\n"
        "Дата: 02.03.2026 09:00\n"
        "Тема: [TCM-000303] Ошибка авторизации\n"
        "Просим приложить скриншот экрана сбоя.\n"
    ),
    files=[File("IMG_20260302_101500.jpg", png(seed=5), "image/jpeg")],
)
T14_EXPECTED = {
    "mailbox": "support",
    "thread_kind": "ticket",
    "kind": "followup",
    "extract_as": "ticket",
    "fields": {"screenshots": {"status": V, "value": ["IMG_20260302_101500.jpg"]}},
    "missing": ["tracker", "legal_entity", "license_contract", "software_name"],
    "invalid": [],
    "new_text_excludes": ["Просим приложить"],
}

T15 = Mail(
    to="support@technocom.tech",
    subject="Re: [TCM-000304] Ошибка печати",
    in_reply_to="<tcm-000304-1@technocom.tech>",
    body=(
        "Добрый день!\nОтдельный вопрос, не по этой заявке: просим предварительно закрепить клиента.\n"
        "Наименование клиента: ООО «Новый клиент»\nИНН: 7204196795\n"
        "Адрес клиента: 625000, г. Тюмень, ул. Советская, 1\n"
        "Номер и дата договора: Договор № 5 от 01.02.2026\n"
        "Причина интереса: клиент готовит закупку лицензий\n"
        "Контактные лица:\nЖуков Илья Петрович, +7 912 555-44-33\nКотова Анна Ивановна, kotova@newclient.ru\n"
        + SIGN
    ),
)
T15_EXPECTED = {
    "mailbox": "support",
    "thread_kind": "ticket",
    "kind": "pin_request",
    "wrong_mailbox": "general",
    "fields": {"client_inn": {"status": V, "value": "7204196795"}, "contacts": {"status": V}},
    "missing": [],
    "invalid": [],
}

T16 = Mail(
    client="gmail",
    to="support@technocom.tech",
    subject="Re: [TCM-000305] Ошибка экспорта",
    in_reply_to="<tcm-000305-2@technocom.tech>",
    html_only=True,
    html=(
        '<div dir="ltr">Какой срок исправления? Заказчик ждет выгрузку к пятнице.</div><br>'
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">пн, 2 мар. 2026 г. в 09:00, '
        "partnerdesk &lt;support@technocom.tech&gt;:<br></div>"
        '<blockquote class="gmail_quote">Tracker: Неисправность<br>Priority: Срочный<br>'
        "ИНН 7700000009</blockquote></div>"
    ),
)
T16_EXPECTED = {
    "mailbox": "support",
    "thread_kind": "ticket",
    "kind": "followup",
    "event": "status_query",
    "fields": {},
    "missing": [],
    "invalid": [],
    "new_text_contains": ["Какой срок исправления?"],
    "new_text_excludes": ["Срочный", "7700000009"],
}

TICKET_LETTERS = [
    ("ticket_bug_complete_outlook", T01, T01_EXPECTED),
    ("ticket_bug_no_diagnosis_no_screenshot", T02, T02_EXPECTED),
    ("ticket_bug_diagnosis_not_answered", T03, T03_EXPECTED),
    ("ticket_feature_thunderbird", T04, T04_EXPECTED),
    ("ticket_consultation_gmail", T05, T05_EXPECTED),
    ("ticket_without_tracker", T06, T06_EXPECTED),
    ("ticket_sent_to_general", T07, T07_EXPECTED),
    ("ticket_iphone_urgent", T08, T08_EXPECTED),
    ("ticket_demo_project", T09, T09_EXPECTED),
    ("ticket_html_inline_screenshot_no_logs", T10, T10_EXPECTED),
    ("ticket_legal_entity_bad_inn", T11, T11_EXPECTED),
    ("ticket_reply_with_log", T12, T12_EXPECTED),
    ("ticket_reply_english_quote", T13, T13_EXPECTED),
    ("ticket_reply_android_quote", T14, T14_EXPECTED),
    ("ticket_thread_new_pin_request", T15, T15_EXPECTED),
    ("ticket_reply_gmail_html_quote", T16, T16_EXPECTED),
]

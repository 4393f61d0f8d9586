"""Wordings for the mixed benchmark corpus (bench/mixed_corpus.py): partners, ticket texts
(bug, feature, consultation; complete and not), follow-ups, signatures, automatic letters.

Everything is drawn from a `random.Random` the caller seeds, so a seed gives one corpus.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


def inn10(prefix: str) -> str:
    """A 10-digit INN with a valid check digit (a legal entity), from 9 digits."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(int(d) * w for d, w in zip(prefix, weights, strict=True)) % 11 % 10
    return prefix + str(check)


@dataclass(frozen=True)
class Person:
    name: str
    address: str


@dataclass(frozen=True)
class PartnerFirm:
    name: str
    inn: str
    role: str
    domain: str
    people: tuple[Person, ...]
    city: str


_FIRMS = (
    ("ООО «ГеоПартнер»", "geopartner.ru", "Тюмень", "720419679"),
    ("ООО «Кадастр-Сервис»", "kadastr-service.ru", "Екатеринбург", "667101234"),
    ("АО «СибГИС»", "sibgis.ru", "Новосибирск", "540612345"),
    ("ООО «Уралгеоинформ»", "uralgeo.ru", "Челябинск", "745301122"),
    ("ООО «ТерраСофт»", "terrasoft-gis.ru", "Пермь", "590412233"),
    ("ООО «Северная карта»", "sevkarta.ru", "Сургут", "860233344"),
    ("ООО «Меридиан»", "meridian-it.ru", "Уфа", "027415566"),
    ("ООО «ИнфоЗемля»", "infozemlya.ru", "Курган", "450107788"),
)
_PEOPLE = (
    ("Дмитрий Орлов", "d.orlov"),
    ("Анна Смирнова", "a.smirnova"),
    ("Сергей Кузнецов", "kuznetsov"),
    ("Елена Васильева", "e.vasileva"),
    ("Павел Морозов", "morozov.p"),
    ("Ольга Новикова", "support"),
    ("Игорь Лебедев", "lebedev"),
    ("Мария Козлова", "m.kozlova"),
    ("Алексей Соколов", "sokolov.a"),
)


def partner_firms() -> tuple[PartnerFirm, ...]:
    """Eight partners, three people each (their addresses are registered, R-ID-2)."""
    firms = []
    for number, (name, domain, city, prefix) in enumerate(_FIRMS):
        people = tuple(
            Person(name, f"{login}@{domain}")
            for name, login in (_PEOPLE[(number + k * 3) % len(_PEOPLE)] for k in range(3))
        )
        role = "gold" if number % 3 == 0 else "authorized"
        firms.append(PartnerFirm(name, inn10(prefix), role, domain, people, city))
    return tuple(firms)


# End customers (legal entity, INN, contract) the partners file tickets for.
CLIENTS = (
    ("ООО «Северный кадастр»", "7204196795", "ЛД-2025/17", "15.09.2025"),
    ("АО «Тюменьгазстрой»", inn10("720300111"), "2025-118", "01.10.2025"),
    ("МКУ «Земельный комитет»", inn10("662300456"), "ЛД-24/311", "12.12.2024"),
    ("ООО «УралЭнергоСбыт»", inn10("744800789"), "17/25-Л", "03.02.2025"),
    ("ГБУ «Центр кадастровой оценки»", inn10("860100222"), "ЛД-2025/88", "28.04.2025"),
    ("ООО «Агрохолдинг Восток»", inn10("450200333"), "112-ЛЦ", "19.06.2025"),
)
SOFTWARE = (
    ("ГеоКадастр 4.2", "модуль редактирования реестра участков"),
    ("ТехноКарта Сервер 3.1", "сервис публикации карт"),
    ("ТехноКад 2025", "модуль печати планов"),
    ("ГеоКадастр 4.1", "импорт XML выписок ЕГРН"),
    ("ТехноКарта Desktop 5", "редактор тематических слоев"),
)
BASES = (
    "PostgreSQL 14.5",
    "PostgreSQL 15.2",
    "Astra Linux 1.7",
    "MS SQL Server 2019",
    "RED OS 7.3",
)
BUGS = (
    "при сохранении участка в реестре появляется ошибка «Deadlock detected», данные не сохраняются",
    "после обновления сервер публикации не отдает тайлы, в журнале ошибка 500",
    "при печати плана на А3 обрезаются подписи и легенда",
    "импорт выписки ЕГРН зависает на 87 % и завершается ошибкой памяти",
    "слой «Охранные зоны» не отображается у пользователей без прав администратора",
    "при экспорте карты в PDF пропадают подписи объектов на всех листах",
)
FEATURES = (
    (
        "выгрузка реестра участков в XML по схеме Росреестра",
        "заказчик ежеквартально передает сведения в Росреестр, сейчас вручную две недели",
    ),
    (
        "пакетная печать планов по списку кадастровых номеров",
        "отдел печатает по 300 планов в месяц, каждый открывают вручную",
    ),
    (
        "уведомления по почте об изменении статуса участка",
        "юристы узнают о смене статуса с опозданием и пропускают сроки обжалования",
    ),
)
QUESTIONS = (
    "как настроить отображение подписей участков только на крупных масштабах?",
    "можно ли перенести лицензию на новый сервер без переактивации?",
    "какие права нужны пользователю для редактирования слоя «Зоны ЗОУИТ»?",
    "как подключить внешний WMS-сервис Росреестра в качестве подложки?",
    "поддерживается ли работа клиента на Astra Linux 1.7 в режиме замкнутой среды?",
)
PRIORITIES = ("Срочный", "Высокий", "Нормальный", "Низкий")
GREETINGS = ("Добрый день!", "Здравствуйте!", "Добрый день, коллеги!", "Коллеги, привет.")
DIAGNOSIS = (
    "Результаты самостоятельной диагностики:\n"
    "1. Базовое ПО работает корректно: да\n"
    "2. СУБД функционирует корректно, проблем с транзакциями нет\n"
    "3. Сетевые настройки исправны, ping -t стабильный\n"
    "4. Привилегии пользователей на сервере аутентификации не менялись\n"
)
STEPS = (
    "Последовательность действий:\n1. Открыть реестр земельных участков\n"
    "2. Изменить площадь участка и нажать «Сохранить»\n3. Через 30 секунд появляется ошибка\n"
)


def signature(rng: random.Random, person: Person, firm: PartnerFirm) -> str:
    phone = f"+7 ({rng.randint(300, 399)}) {rng.randint(200, 999)}-{rng.randint(10, 99)}-00"
    style = rng.randrange(3)
    if style == 0:
        return f"\n-- \nС уважением,\n{person.name}\n{firm.name}, {firm.city}\nтел. {phone}\n"
    if style == 1:
        return f"\nСпасибо!\n{person.name.split()[0]}\n"
    return (
        f"\n__________\n{person.name}\nинженер технической поддержки\n{firm.name}\n{phone}\n"
        "Это сообщение и вложения к нему конфиденциальны.\n"
    )


def ticket(rng: random.Random, tracker: str, complete: bool) -> tuple[str, str]:
    """(subject, body without greeting and signature) of a new ticket."""
    client, client_inn, contract, signed = rng.choice(CLIENTS)
    software, component = rng.choice(SOFTWARE)
    legal = f"Юридическое лицо: {client}, ИНН {client_inn}"
    licence = f"Лицензионный договор: № {contract} от {signed}"
    if tracker == "bug":
        problem = rng.choice(BUGS)
        lines = [
            "Tracker: Неисправность",
            f"Priority: {rng.choice(PRIORITIES)}",
            f"Описание: {problem}",
            legal,
            licence,
            f"ПО: {software}",
            f"Компонент: {component}",
            f"Базовое ПО: {rng.choice(BASES)}",
            "",
            DIAGNOSIS,
            STEPS,
        ]
        subject = rng.choice(("Ошибка: ", "Неисправность — ", "", "СРОЧНО: ")) + problem[:50]
        if not complete:  # what partners most often leave out
            drop = rng.choice(((1,), (4,), (9,), (3, 4), (6, 7)))
            lines = [line for k, line in enumerate(lines) if k not in drop]
        if not complete and rng.random() < 0.3:
            return subject, f"У {client} {problem}. Помогите разобраться.\n"
        return subject, "\n".join(lines)
    if tracker == "feature":
        task, why = rng.choice(FEATURES)
        lines = [
            "Tracker: Разработка",
            f"Описание: нужна {task}",
            legal,
            licence,
            f"Наименование ПО: {software}",
            f"Компонент: {component}",
            f"Бизнес-задача: {why}",
        ]
        if not complete:
            lines = [line for line in lines if not line.startswith(("Бизнес", "Лиценз"))]
        return f"Доработка: {task}", "\n".join(lines) + "\n"
    question = rng.choice(QUESTIONS)
    lines = ["Tracker: Консультация", f"Описание: {question}", legal, licence, f"ПО: {software}"]
    if not complete:
        if rng.random() < 0.5:
            return "Вопрос по " + software, f"Подскажите, {question}\n"
        lines = lines[:2] + lines[4:]
    return rng.choice(("Консультация: ", "Вопрос: ", "")) + question[:60], "\n".join(lines) + "\n"


def followup(rng: random.Random, still_incomplete: bool) -> str:
    """A partner's answer in a thread: the missing data, or not yet all of it."""
    client, client_inn, contract, signed = rng.choice(CLIENTS)
    if still_incomplete:
        return rng.choice(
            (
                "Договор уточняю у заказчика, пришлю позже. Пока прикладываю журнал.\n",
                f"Юридическое лицо: {client}, ИНН {client_inn}\nОстальное пришлю завтра.\n",
                "Проблема сохраняется, скриншот во вложении. Номер договора найду позже.\n",
            )
        )
    return rng.choice(
        (
            f"Дополняем данные по заявке:\nЛицензионный договор: № {contract} от {signed}\n"
            f"Юридическое лицо: {client}, ИНН {client_inn}\n",
            "Проблема сохраняется и после перезапуска службы, журнал во вложении.\n",
            f"Priority: Высокий\n{DIAGNOSIS}\n{STEPS}",
            "Спасибо за ответ, ждем решения.\n",
        )
    )


def quoted(rng: random.Random, subject: str, body: str, outlook: bool) -> str:
    """The quoted history a mail client puts under a reply."""
    if outlook:
        head = (
            "\n-----Original Message-----\nFrom: support@technocom.tech\n"
            f"Sent: {rng.randint(1, 28)}.11.2026 {rng.randint(9, 17)}:{rng.randint(10, 59)}\n"
            f"Subject: {subject}\n\n"
        )
        return head + body
    who = "Служба поддержки ТЕХНОКОМ <support@technocom.tech>"
    return f"\n{rng.randint(1, 28)}.11.2026 {who} пишет:\n" + "".join(
        f"> {line}\n" for line in body.splitlines()
    )


def log_text(rng: random.Random, size: int) -> bytes:
    """An application log of about `size` bytes."""
    lines = []
    total = 0
    level = ("INFO", "INFO", "INFO", "WARN", "ERROR")
    while total < size:
        line = (
            f"2026-11-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:"
            f"{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d} {rng.choice(level)} "
            f"[{rng.choice(('pool-3-thread-1', 'main', 'tile-worker-7'))}] "
            f"{rng.choice(('Запрос выполнен', 'Deadlock detected', 'Timeout 30000 ms'))} "
            f"id={rng.getrandbits(40):x}\n"
        )
        lines.append(line)
        total += len(line.encode())
    return "".join(lines).encode()

# ruff: noqa: E501 — one signal per row reads better than patterns wrapped over lines.
"""The word signals of REGULATIONS.md §2.3–§2.4, with weights, for classify.py."""

from __future__ import annotations

import re

from parsers.signals_inquiry import INQUIRY_SIGNALS
from parsers.types import Kind

_F = re.I | re.S
# §2.3 sub-kind pin_status_query: is this client free? (no intent to pin)
STATUS_QUERY_PATTERN = r"провер\w+\s+статус\w*\s+клиента|свобод\w+\s+ли\s+(?:клиент|заказчик|организаци)|закреплен\w*\s+ли\s+(?:клиент|заказчик|организаци|за\s+кем)"
STATUS_QUERY = re.compile(STATUS_QUERY_PATTERN, re.I)
PIN_INTENT = re.compile(r"закрепить|закреплени|прошу\s+закреп|просим\s+закреп", re.I)
# (kind, weight, pattern). Word stems keep Russian forms together: «закреп» matches
# закрепить / закрепление / закреплении; «лицензи» matches лицензия / лицензий.
SIGNALS: tuple[tuple[Kind, int, re.Pattern[str]], ...] = tuple(
    (kind, weight, re.compile(pattern, _F))
    for kind, weight, pattern in (
        (Kind.PIN_REQUEST, 4, r"предварительн\w*\s+закреп"),
        (Kind.PIN_REQUEST, 3, r"(?:прошу|просим)\s+(?:\w+\s+){0,2}закрепить|закреплени\w+\s+(?:клиента|заказчика|организации)"),
        (Kind.PIN_REQUEST, 2, r"реестр\w*\s+клиент"),
        # §2.3 in partners' words: «Закрепите за нами МАУ …», «хотим зафиксировать за собой
        # работу с …», «поставить за нами в реестр двух заказчиков», «просим закрепление».
        (Kind.PIN_REQUEST, 4, r"(?:закрепи(?:те|м|ть)|зафиксир\w+|постав\w+|внес\w+|включ\w+)\s+(?:[\w«»\"-]+\s+){0,4}?за\s+(?:нами|собой|нашей\s+(?:компанией|организацией))|(?:просим|прошу)\s+(?:предварительн\w+\s+)?(?:пред)?закреплени"),
        (Kind.PIN_REQUEST, 3, STATUS_QUERY_PATTERN),
        (Kind.PIN_REQUEST, 2, r"причин\w+\s+интереса"),
        (Kind.PIN_REQUEST, 1, r"контактн\w+\s+лиц"),
        (Kind.LICENSE_REQUEST, 4, r"запрос\w*\s+(?:на\s+)?лицензи|заявк\w+\s+на\s+приобретение\s+лицензи"),
        (Kind.LICENSE_REQUEST, 4, r"заявк\w+\s+на\s+участие\s+в\s+партнерской\s+программе"),
        (Kind.LICENSE_REQUEST, 2, r"дистрибьюторск\w+\s+соглашени|приложени\w+\s*(?:№\s*)?1\b|форм\w+\s+запроса"),
        (Kind.LICENSE_REQUEST, 2, r"конечн\w+\s+заказчик"),
        (Kind.LICENSE_REQUEST, 2, r"цел\w+\s+приобретения"),
        (Kind.LICENSE_REQUEST, 1, r"\bр/сч|\bк/сч|\bбик\b"),
        # §2.3 in partners' words: asking for the agreement, the invoice or the licenses
        # themselves («просим подготовить лиц. договор и счет на 2 лицензии», «выставить ЛД»).
        (Kind.LICENSE_REQUEST, 4, r"(?:просим|прошу|просьба|необходимо|нужн\w*|хотим|хотели\s+бы)\s+(?:[\w.,«»\"-]+\s+){0,4}?(?:(?:лиц\.|лицензионн\w+)\s+(?:договор|соглашени)|ЛД\b|сч[её]т\w*\s+на\s+(?:[\w.]+\s+){0,2}лицензи|(?:приобре[тс]|закуп|купить|оформ|выстав|подготов)\w*\s+(?:[\w.]+\s+){0,2}лицензи)"),
        (Kind.LICENSE_REQUEST, 2, r"сублиценз"),
        (Kind.TICKET, 2, r"(?<!по\s)ошибк|сбо[йяею]|не\s+работает|зависа|потер\w+\s+данных|недоступ|падает|вылета"),
        # A symptom in other words (§4.1), said as happening now (an old one is quoted in the
        # past when it is solved): what the software fails to do or loses — «пропадают
        # подписи», «не открывается проект», «слои не отображаются», «работает некорректно».
        (Kind.TICKET, 2, r"(?:пропада|исчеза)(?:ет|ют)|некорректн\w*|тормоз\w*|(?<!\w)не\s+(?:(?:открыва|сохраня|отобража|загружа|запуска|печата|выгружа|подключа|устанавлива|обновля|срабатыва|реагиру)(?:ет|ют)(?:ся)?|(?:экспортир|импортир|формиру|синхронизир)у(?:ет|ют)(?:ся)?|груз(?:ит|ят)(?:ся)?|видн[оы]?|виден)\b|помогите\s+(?:разобраться|решить|исправить|понять)"),
        (Kind.TICKET, 2, r"tracker|priority|самостоятельной\s+диагностики|базовое\s+по|последовательност\w+\s+действий"),
        (Kind.TICKET, 1, r"\bлог(?:и|ов|а)?\b|скриншот|доработк|новый\s+функционал|техническое\s+задание"),
        (Kind.TICKET, 1, r"консультаци|как\s+настроить|документаци|service\s+desk"),
        # §4.3 «Консультация» asked as a question about the software, not named as such.
        (Kind.TICKET, 2, r"(?:поддерживает\w*|работает|возможн\w*|можно)\s+ли\b[^?\n]{0,120}\?|подскажите,?\s+(?:пожалуйста,?\s+)?(?:как|где|почему|можно|есть|поддерж|в\s+как)"),
        # «Как перенести стили слоев …?» opening a sentence: a how-to question (§4.3 «Консультация»).
        (Kind.TICKET, 2, r"(?:^|\n|[.!?:—–]\s*)как\s+(?:\w+\s+)?\w+(?:ть|ти|ться)\b[^?\n]{0,120}\?"),
        # §2.3: the §4.2 labels «Юридическое лицо», «Лицензионный договор», «Компонент».
        (Kind.TICKET, 1, r"юридическ\w+\s+лиц\w*,?\s+по\s+котор|\bюрлиц|лицензионн\w+\s+договор|функциональн\w+\s+компонент"),
        (Kind.RESOURCE, 4, r"ресурс\w*\s+(?:сотрудник|разработчик|специалист)\w*\s+(?:головного\s+офиса|ГО)"),
        (Kind.RESOURCE, 3, r"оценк\w+\s+(?:мероприятия\s+)?в\s+часах|желаемое\s+время"),
        (Kind.RESOURCE, 1, r"настройк|конфигурирован|подключени\w+\s+к\s+предприяти"),
        # 000 §6.1–§6.2 in partners' words: «время сотрудников ГО», «ресурс ГО», «40 часов работы».
        (Kind.RESOURCE, 4, r"(?:врем\w+|ресурс\w*)\s+(?:\w+\s+){0,2}(?:сотрудник|специалист|разработчик|инженер)\w*\s+(?:головного\s+офиса|го)\b|ресурс\w*\s+(?:го|головного\s+офиса)\b"),
        (Kind.RESOURCE, 3, r"помощ\w+\s+(?:ваш\w+\s+)?(?:специалист|сотрудник|инженер|разработчик)\w*\s+(?:\w+\s+){0,2}(?:настройк|конфигурир|подключени|внедрени|развертыва|разверты)"),
        (Kind.RESOURCE, 2, r"\d+\s*(?:час\w*|ч\.?)\s+работ\w*\s+(?:ваш|специалист|сотрудник|инженер)|п\.\s*6\.2\b"),
        # «нужна помощь ваших специалистов у нашего заказчика», «кто из ваших инженеров будет подключаться»
        (Kind.RESOURCE, 4, r"(?:помощ|участи|выезд|работ)\w*\s+(?:ваш\w+\s+)?(?:специалист|инженер|сотрудник)\w*\s+(?:у|на\s+(?:объекте|площадке))\s+(?:наш\w+\s+)?(?:заказчик|клиент|предприяти)\w*|кто\s+из\s+ваших\s+(?:инженер|специалист|сотрудник)\w*\s+(?:будет|будут|сможет)"),
        # «понадобится помощь ваших инженеров по МУП …», «нужны ваши спецы на объект»
        (Kind.RESOURCE, 4, r"(?:помощ|участи|выезд|подключени)\w*\s+ваш\w+\s+(?:специалист|инженер|сотрудник|спец)\w*|нужн\w+\s+ваш\w+\s+(?:специалист|инженер|спец)\w*"),
        (Kind.SD_ACCOUNT, 4, r"уч[её]тн\w+\s+запис\w*|доступ\w*\s+(?:в|к)\s+(?:service\s*desk|сервис[-\s]*деск)"),
        # «заведите учетку в Сервис Деске», «логин в SD для нового инженера»
        (Kind.SD_ACCOUNT, 4, r"уч[её]тк\w*|(?:логин|аккаунт|доступ)\w*\s+(?:в|к|для)\s+(?:service\s*desk|сервис[-\s]*деск\w*|SD\b)|(?:завед|созда|зарегистрир|добав|подключ)\w*\s+(?:[\w,]+\s+){0,4}?(?:в|к)\s+(?:service\s*desk|сервис[-\s]*деск\w*|SD\b)"),
        # 000 §6.1 in other words: «выделить инженера / ресурс для предприятия».
        (Kind.RESOURCE, 4, r"выдел\w+\s+(?:\w+\s+){0,2}(?:ресурс|инженер|специалист|сотрудник)\w*\s+(?:\w+\s+){0,2}(?:для|на|HQ|ГО|головного)"),
        # A client's wish for a feature relayed by the partner (R-TKT-3 «Разработка»).
        (Kind.TICKET, 2, r"пожелани\w+\s+(?:\w+\s+)?(?:клиент|заказчик)|(?:хот\w+|нуж\w+|просим)\s+(?:\w+\s+)?(?:разработк|доработк)"),
        # «дать доступ к вашему порталу поддержки», «доступ в систему заявок»
        (Kind.SD_ACCOUNT, 4, r"доступ\w*\s+(?:\w+\s+){0,2}?(?:к|в)\s+(?:ваш\w+\s+)?(?:портал\w*\s+(?:поддержки|техподдержки)|систем\w+\s+(?:заявок|поддержки|обращений))"),
        (Kind.SD_ACCOUNT, 2, r"согласи\w*\s+(?:\w+\s+){0,4}на\s+обработку\s+персональных"),
        (Kind.PIN_CONFIRMATION, 4, r"перечень\s+(?:специализированного\s+)?(?:по\b|программного)"),
        (Kind.PIN_CONFIRMATION, 3, r"государственной\s+регистрации|статус\s+закрепленного"),
        # §3.3 in partners' words: «какие программы будут у заказчика», «что будем ставить».
        (Kind.PIN_CONFIRMATION, 2, r"(?:каки\w+|как\w+)\s+(?:\w+\s+)?(?:программ\w*|по\b|продукт\w*)\s+(?:будут|будем|планиру)"),
        (Kind.PIN_CONFIRMATION, 2, r"\b(?:199[4-9]|20[0-4]\d)6\d{5}\b"),
        (Kind.PIN_EXTENSION, 5, r"(?:(?:просим|прошу)\s+)?продл\w+\s+(?:\w+\s+){0,3}(?:пред)?закреплени\w*(?:\s+(?:клиента|заказчика|организации))?|просим\s+продлить|продлени\w+\s+(?:срока\s+)?предварительного"),
        (Kind.PIN_EXTENSION, 2, r"продл\w+\s+(?:[\w«»\"-]+\s+){0,8}(?:на\s+(?:\d+\s+(?:календарн\w+\s+)?дн|(?:один\s+|1\s+)?месяц)|до\s+\d{1,2}\.\d{1,2}\.\d{2,4})"),
        (Kind.ANNUAL_REPORT, 4, r"ежегодн\w+\s+отчет|отчет\w*\s+об\s+использовании|актуализаци\w+\s+(?:информации|статуса)"),
        (Kind.ANNUAL_REPORT, 3, r"проведенн\w+\s+поставк|планируем\w+\s+поставк"),
        # R-PIN-22 in partners' words: «Отчитываемся за год», «Итоги года по …», «что сделали в 2026».
        (Kind.ANNUAL_REPORT, 4, r"(?:отчитыва(?:емся|юсь)|отчитаемся)\s+(?:за|по)\b|итог\w*\s+(?:\d{4}\s+)?года|что\s+(?:сделали|поставили|сделано)\s+(?:в|за)\s+(?:20\d\d|этом\s+году|год)"),
        # R-PIN-15 in partners' words: «Нам бы ещё дней 20 к текущему сроку», «ещё месяц».
        (Kind.PIN_EXTENSION, 3, r"(?:ещ[её]|дополнительно)\s+(?:\w+\s+){0,2}?(?:\d+\s+)?(?:дн(?:я|ей)|недел[юиь]|месяц\w*)\b"),
        (Kind.LICENSE_DOCUMENTS, 3, r"платежн\w+\s+поручени|п/п\s*№|оплатили|оплата\s+произведена"),
        (Kind.LICENSE_DOCUMENTS, 3, r"подписанн\w+\s+(?:\w+\s+){0,3}(?:лицензионн|соглашени|договор|акт|документ)"),
        (Kind.LICENSE_DOCUMENTS, 2, r"\bскан\w*|со\s+своей\s+стороны|с\s+нашей\s+стороны"),
        # «Лицензионное соглашение № … подписали со своей стороны (УКЭП)»
        (Kind.LICENSE_DOCUMENTS, 3, r"(?:соглашени|договор|акт)\w*\s+(?:[\w№/.-]+\s+){0,3}?подписал\w*|подписал\w*\s+(?:[\w№/.-]+\s+){0,4}?(?:со\s+своей|с\s+нашей)\s+стороны"),
        (Kind.LICENSE_DOCUMENTS, 3, r"оригинал\w*\s+(?:[^\s.!]+\s+){0,10}?(?:получ|отправ|направ|выслал|вернем|вернём)|(?:получил|отправил|направил|выслал)\w*\s+(?:\w+\s+){0,2}оригинал"),
        (Kind.LICENSE_DOCUMENTS, 2, r"акт\w*\s+(?:на\s+)?передач"),
        *INQUIRY_SIGNALS,
    )
)  # fmt: skip
# R-MBX-9 step 2: an explicit kind marker in the subject outweighs content words.
SUBJECT_MARKERS: tuple[tuple[Kind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        (Kind.PIN_REQUEST, r"предварительн\w*\s+закреп|закреплени\w+\s+клиент"),
        (Kind.LICENSE_REQUEST, r"запрос\w*\s+лицензи|заявк\w+\s+на\s+(?:участие|приобретение)"),
        (Kind.ANNUAL_REPORT, r"^(?:(?:re|fwd?|отв|ответ|на)\s*:\s*)*отч[её]т"),
        (Kind.PIN_EXTENSION, r"продлени\w*\s+(?:предварительного\s+)?(?:пред)?закреплени"),
        (Kind.PIN_CONFIRMATION, r"перечень\s+(?:специализированного\s+)?по"),
        (Kind.SD_ACCOUNT, r"уч[её]тн\w+\s+запис|уч[её]тк\w*"),
        (Kind.RESOURCE, r"ресурс\w*\s+сотрудник"),
    )
)
# Appendix 1 form markers (§2.3): three or more make a letter a license request.
# The form's own words come first: bank details, a registration number and a letterhead
# alone are a company card («карточка предприятия»), which partners attach to any letter.
FORM_MARKERS = tuple(
    re.compile(p, re.I)
    for p in (
        r"ЗАЯВКА НА УЧАСТИЕ В ПАРТНЕРСКОЙ ПРОГРАММЕ",
        r"Наименование программного обеспечения",
        r"Цель приобретения ПО",
        r"расшифровк\w*\s+подписи",
        r"Р/с(?:ч[её]т)?\b|расч[её]тн\w+\s+сч[её]т",
        r"К/с(?:ч[её]т)?\b|корр?\w*\.?\s*сч[её]т",
        r"\bБИК\b",
        r"\bОГРН",
        r"Исх\.\s*№",
        r"М\.П\.",
    )
)
FORM_OWN_MARKERS = 4  # the first four of FORM_MARKERS

# Follow-up events of §2.2 inside a case thread; the first match wins.
EVENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (event, re.compile(pattern, re.I))
    for event, pattern in (
        (
            "withdrawal",
            r"отказываемся|отказыва\w+\s+от\s+(?:\w+\s+){0,2}(?:пред)?закреплени|снять\s+(?:пред)?закреплени|сним\w+\s+(?:\w+\s+){0,2}(?:запрос|заявк)|отзыва\w+\s+(?:\w+\s+)?(?:заявк|запрос)|отменяем\s+(?:заявк|запрос)|больше\s+не\s+претендуем",
        ),
        (
            "problem_persists",
            r"проблема\s+не\s+решена|ошибка\s+повторяется|не\s+помогло|снова\s+возникает|still\s+(?:fails|broken)",
        ),
        (
            "resolution_confirmed",
            r"вопрос\s+решен|проблема\s+решена|можно\s+закрывать|заявку\s+можно\s+закрыть|issue\s+is\s+(?:solved|resolved)|can\s+close",
        ),
        (
            "status_query",
            r"какой\s+срок|когда\s+(?:будет|ожидать|планируется)|статус\s+(?:заявки|обращения|запроса)|есть\s+новости"
            # «что с заявкой TCM-…?», «Статус ТСМ-000166», «ответа нет», «ориентировочный срок»
            r"|что\s+(?:с|по)\s+(?:\w+\s+)?(?:заявк|обращени|запрос)\w*|статус\w*\s+\[?[a-zа-яё]{2,5}-\d"
            r"|(?:ответа|решения)\s+(?:так\s+и\s+|до\s+сих\s+пор\s+|все\s+еще\s+)?нет|ориентировочн\w+\s+срок",
        ),
    )
)


def _folded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same pattern for a lowercased text, without re.I.

    Case-insensitive matching folds every character of the text for every pattern; a
    lowercased text is searched about 3 times faster. Only lowercase escapes (\\w, \\s, \\b,
    \\d) survive lowercasing unchanged, so a pattern with another one is refused here.
    """
    if re.search(r"\\[A-Z]", pattern.pattern):
        raise ValueError(f"pattern {pattern.pattern!r} has an uppercase escape")
    return re.compile(pattern.pattern.lower(), pattern.flags & ~re.I)


# What classify.score searches in `text.lower()`; tests check they find what the originals do.
SIGNALS_FOLDED = tuple((kind, weight, _folded(pattern)) for kind, weight, pattern in SIGNALS)
FORM_MARKERS_FOLDED = tuple(_folded(pattern) for pattern in FORM_MARKERS)

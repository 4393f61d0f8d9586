"""Ticket fields stated in running text rather than in the §4.2 form.

R-TKT-3: the tracker is the applicant's classification, so it is read only where the applicant
states it — after a label («тип обращения — неисправность», «(Tracker: Разработка)») or as one
of §4.3's own parameter values standing alone («Неисправность, приоритет высокий», «(Разработка)»,
«Неисправность | Срочный | …» in the subject) — never guessed from the problem described.
"""

from __future__ import annotations

import re

from parsers.dates import DATE_PATTERN
from parsers.morph import lemmas

# §3.4 synonyms, for a value after a tracker label.
TRACKERS = (
    ("bug", r"bug|неисправност\w*|ошибк\w*|сбо[йия]\w*"),
    (
        "feature",
        r"feature|разработк\w*|нов\w+\s+функционал\w*|доработк\w*|тз\b|техническ\w+\s+задани",
    ),
    ("support", r"support|консультаци\w*|поддержк\w*|вопрос\w*"),
)
PRIORITIES = (
    ("urgent", r"urgent|срочн\w*"),
    ("high", r"high|высок\w*"),
    ("normal", r"normal|нормальн\w*|обычн\w*|средн\w*"),
    ("low", r"low|низк\w*"),
)
# The §4.3 parameter values themselves, read when they stand alone as a classification.
_PARAMETER = {
    # R-TKT-3's three values in partners' words: «Ошибка в …», «Доработка для клиента …».
    "bug": r"(?:неисправност[ьи]|баг|ошибк[аи](?=\s+(?:в|при)\s|\s*[,.;|/)\]])"
    r"|сбой(?=\s*[,.;|/)\]]))",
    "feature": r"(?:разработк[аи]|доработк[аи])",
    "support": r"консультаци[яи]",
}
_ALONE_BEFORE = r"(?:^|(?<=[\n(\[«\"|/:;,])|(?<=[.!]\s)|(?<=\s[—–-]\s))\s*"
# … or the value alone on its line, under a row name of the partner's own («Что за обращение»).
_ALONE_AFTER = r"(?=\s*(?:[,.;:|/)\]»\"!]|\s[—–-]\s|\(|$)|[ \t]*\n|\s+(?:для|по|в|при)\s)"
_TRACKER_LABEL = re.compile(
    r"(?:tracker|тип\s+(?:обращения|заявки)|тип)\s*(?:\(tracker\)\s*)?(?:[:—–-]|\s-)\s*[«\"]?"
    r"(?P<value>[^\n,.;»\")]{2,40})",
    re.I,
)
_PRIORITY_WORD = r"(?P<value>срочн\w*|высок\w*|нормальн\w*|низк\w*|urgent|high|normal|low)"
_PRIORITY_NEAR = (
    # «приоритет: высокий», «Приоритет ставим Высокий», «приоритет у задачи — высокий»
    re.compile(
        rf"(?:приоритет\w*|priority)\s*(?:[:—–-]\s*|(?:[^\W\d]+\s+){{0,3}}?(?:[—–-]\s*)?)"
        rf"[«\"]?{_PRIORITY_WORD}",
        re.I,
    ),
    re.compile(rf"{_PRIORITY_WORD}\s+приоритет", re.I),
    # a row whose name speaks of urgency: «Влияние / срочность по регламенту: Срочный»
    re.compile(
        rf"(?:приоритет|критичност|срочност|важност)\w*[^:\n]{{0,40}}:[ \t]*{_PRIORITY_WORD}",
        re.I,
    ),
    # «критичность оцениваем как высокую», «критичность: средняя», «Важность - высокая»
    re.compile(
        rf"(?:критичност|важност|срочност)\w*\s*(?:[:—–-]\s*|(?:\w+\s+){{0,2}}?(?:как\s+)?)"
        rf"[«\"]?{_PRIORITY_WORD}",
        re.I,
    ),
)
# «Неисправность (Высокий)», «Неисправность | Срочный», «Неисправность / Низкий».
_TRACKER_WORD = r"(?:неисправност|ошибк|сбо[йя]|консультаци|доработк|разработк)\w*"
_BESIDE_TRACKER = tuple(
    re.compile(pattern, re.I | re.M)
    for pattern in (
        rf"{_TRACKER_WORD}\s*(?:\(|\||/|,|\.)\s*{_PRIORITY_WORD}(?=\s*(?:\)|\||/|,|:|\.|;|$))",
        # «Срочный. Неисправность.», «Высокий / ошибка» at a line's start
        rf"^[ \t]*{_PRIORITY_WORD}\s*(?:[.,;|/]|\s[—–-])\s*{_TRACKER_WORD}(?=\s*(?:[.,;:|)]|$))",
        # «[Высокий] Не импортируется …» in the subject
        rf"^[^\n\[]{{0,40}}\[\s*{_PRIORITY_WORD}\s*\]",
    )
)
# A license contract mentioned in a sentence: the license words are required, so that
# «договор аренды № 17» in a problem statement is not taken for it.
LICENSE_CONTRACT_IN_TEXT = re.compile(
    r"(?:(?:суб)?лицензионн\w+\s+(?:договор|соглашени)\w*|\bлиц\.?\s*(?:дог|согл)\w*\.?"
    r"|\bдог\.?\s*лиц\w*\.?|\bЛД\b|\bл/д\b)"
    # «… с клиентом — 0307-ЛС/24», «Лиц. договор Л/Д 118-2025»: words or letters before the number
    r"(?:\s+(?:с|со)\s+\w+)?\s*[—–:]?\s*(?:№|N\b)?\s*(?:[А-ЯЁA-Z]{1,4}/[А-ЯЁA-Z]{1,4}\s+)?"
    rf"[^\s,;()]*\d[^\s,;()]*(?:\s*,?\s*от\s+{DATE_PATTERN})?",
    re.I,
)

# Any contract with a number in a ticket's own text («Договор 31/2024.», «по договору № 7 от
# 05.03.2024»): a ticket's contract is the license contract (§3.4); «договор аренды» has no number,
# and «по 13 и более договорам» / «2. Печать» names many contracts, not one.
CONTRACT_IN_TICKET = re.compile(
    r"(?<![\w-])(?:договор(?:а|у|ом|е)?(?!\w)|дог\.)(?:\s+(?:суб)?лицензионн\w+)?"
    r"\s*(?:№|N\b)?\s*(?=[^\s,;()]*\d)[^\s,;()]+"
    rf"(?:\s*,?\s*от\s+{DATE_PATTERN})?",
    re.I,
)


def enum_value(raw: str, table: tuple[tuple[str, str], ...]) -> str | None:
    for code, pattern in table:
        if re.search(rf"(?<!\w)(?:{pattern})", raw, re.I):
            return code
    return None


# Both parameters in two words at a sentence's start: «Срочный сбой у …», «Низкоприоритетный
# вопрос: …», «Высокая неисправность».
_PRIORITY_AND_TRACKER = re.compile(
    rf"(?:^|(?<=[.!?]\s)|(?<=\n))\s*{_PRIORITY_WORD}\s+"
    r"(?P<tracker>сбо[йя]|неисправност\w*|ошибк[аи]|инцидент|вопрос|консультаци[яи]|доработк[аи])"
    r"(?!\w)",
    re.I,
)


def stated_tracker(text: str) -> tuple[str, str] | None:
    """(tracker, evidence) where the applicant states it in running text (R-TKT-3)."""
    if match := _TRACKER_LABEL.search(text):
        code = enum_value(match.group("value"), TRACKERS)
        if code:
            return code, match.group(0)
    pair = _PRIORITY_AND_TRACKER.search(text)
    if pair and (code := enum_value(pair.group("tracker"), TRACKERS)):
        return code, pair.group(0).strip()
    # A request naming its kind: «прошу зарегистрировать ошибку», «запрос на доработку».
    for code, request in _REQUESTED.items():
        if match := request.search(text):
            return code, match.group(0).strip()
    # A value heading its question («…, консультация: где …») first: it names the most.
    for code, heading in _HEADING_WORD.items():
        if match := heading.search(text):
            return code, match.group(0).strip()
    for code, word in _PARAMETER.items():
        if match := re.search(_ALONE_BEFORE + rf"[«\"]?{word}[»\"]?" + _ALONE_AFTER, text, re.I):
            return code, match.group(0).strip()
    return None


# The applicant asking for a ticket of a kind (R-TKT-3: its own classification, not a guess
# from the problem): to register a bug, a request for a change or for a consultation.
_REQUESTED = {
    "bug": re.compile(
        r"(?:(?:за)?регистр\w+|завести|завед\w+|завод\w+|оформ\w+)\s+(?:\w+\s+){0,2}?"
        r"(?:ошибк[уи]|неисправност[ьи]|инцидент\w*)(?!\w)"
        # the applicant's own classification: «Классифицируем как неисправность», «Ошибку
        # относим к неисправностям»
        r"|(?:классифицир|квалифицир|относ|отнес)\w*[\s,]+(?:\w+[\s,]+){0,2}?(?:как|к)\s+"
        r"(?:неисправност|ошибк|инцидент)\w*"
        r"|(?:сообща\w+|информиру\w+)(?:\s+вам)?\s+об?\s+(?:ошибк[еи]|неисправност[ьи]|сбо[ея])",
        re.I,
    ),
    "feature": re.compile(
        r"(?:завести|заведите|оформ\w+|зарегистр\w+|принять)(?:[\s,]+\w+){0,2}?[\s,]+как\s+"
        r"доработк\w*|feature\s+request"
        r"|(?<!не\s)(?:запрос\w*|заявк\w+|просьб\w+|предложени\w+)\s+на\s+"
        r"(?:доработк[уи]|разработк[уи]|(?:нов\w+\s+)?функционал\w*)",
        re.I,
    ),
    "support": re.compile(
        r"\bэто\s+(?:просто\s+)?(?:консультаци[яю]|вопрос)\b"
        r"|консультационн\w+\s+(?:вопрос|запрос|обращени|характер)\w*"
        r"|(?:классифицир|квалифицир|относ|отнес)\w*[\s,]+(?:\w+[\s,]+){0,2}?(?:как|к)\s+консультаци\w*"
        r"|(?<!не\s)(?:запрос\w*|заявк\w+|просьб\w+)\s+(?:на\s+)?консультаци[юи]"
        # «Вопрос-консультация по …», «консультация-вопрос»
        r"|вопрос\s*[-–—]\s*консультаци\w*|консультаци\w*\s*[-–—]\s*вопрос"
        r"|(?:прош\w+|нужна|требуется)\s+(?:\w+\s+)?консультаци[яюи]",
        re.I,
    ),
}


# A parameter value heading the question it classifies: «…, консультация: можно ли …»,
# «Консультация по ГИС Сети: как перенести …».
_HEADING_WORD = {
    code: re.compile(
        rf"(?:{_ALONE_BEFORE}|(?<=,\s))[«\"]?{word}[»\"]?(?:\s+по\s+[^.:;?!\n]{{2,60}})?\s*:(?!\S)",
        re.I,
    )
    for code, word in _PARAMETER.items()
}


def stated_priority(text: str) -> tuple[str, str] | None:
    """(priority, evidence): «приоритет высокий», «высокий приоритет», «Неисправность (Низкий)»."""
    for pattern in (*_PRIORITY_NEAR, *_BESIDE_TRACKER, _PRIORITY_AND_TRACKER):
        if match := pattern.search(text):
            code = enum_value(match.group("value"), PRIORITIES)
            if code:
                return code, match.group(0)
    return None


# Sentences that only say a request is being sent («Оформляю обращение в Service Desk в
# соответствии с п. 4.2», «Просим принять обращение») are not the problem statement.
_SENDING = frozenset(
    {"оформлять", "оформить", "направлять", "направить", "просить", "зарегистрировать",
     "регистрировать", "принять", "пересылать", "переслать", "подключать", "передавать",
     "копия", "заявка", "обращение", "service", "desk", "регламент", "форма", "данные", "п"}
)  # fmt: skip
_GREETING = re.compile(
    r"^\s*(?:добрый\s+\w+|здравствуйте|доброе\s+утро|коллеги|уважаем\w+)[^.!\n]{0,40}[.!,]*\s*",
    re.I,
)


def is_boilerplate(sentence: str) -> bool:
    """True for a greeting or a sentence that only announces the request."""
    words = lemmas(_GREETING.sub("", sentence))
    if not words:
        return True
    sending = sum(1 for w in words if w in _SENDING)
    return (sending >= 2 and sending * 3 >= len(words)) or len(words) <= 2


def problem_statement(text: str) -> str | None:
    """The first sentences of the body that state the problem (not greetings or boilerplate).

    Of the substantive paragraphs, the one that tells the most of a symptom, a need or a
    question wins over those that only identify the case (client and INN, contract, tracker
    and priority) or speak of the attachments; without one, the first substantive paragraph."""
    statements = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = " ".join(paragraph.split())
        if headed := _PROBLEM_HEADING.match(flat):  # «Что происходит: …», «Суть: …»
            statement = flat[headed.end() :].strip()
            if len(statement) >= 20:
                return statement[:1000]
        if _LABEL_OPENING.match(flat) or len(flat) < 20:
            continue
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", flat) if not is_boilerplate(s)]
        statement = " ".join(sentences).strip()
        if len(statement) >= 20:
            statements.append(statement[:1000])
        if len(statements) >= _PARAGRAPHS_WEIGHED:
            break
    if not statements:
        return None
    scores = [_telling(s) for s in statements]
    best = max(range(len(statements)), key=lambda i: (scores[i], -i))
    return statements[best] if scores[best] > 0 else statements[0]


def _telling(statement: str) -> int:
    return (
        2 * len(_TELLS.findall(statement))
        - 2 * len(_IDENTIFIES.findall(statement))
        - (3 if _ATTACHED.search(statement) else 0)
    )


# Paragraphs weighed for the problem: it is told near the top (and a hostile letter costs
# no more than this many, issue 19).
_PARAGRAPHS_WEIGHED = 12
# What a case-identifying paragraph names, what a problem's paragraph tells, and a paragraph
# about the attachments.
_IDENTIFIES = re.compile(
    r"\bИНН\b|(?:договор|соглашени|контракт)\w*\s+(?:№|N\b)|приоритет|tracker"
    r"|консультац\w+\s+вопрос|запрос\w*\s+на\s+доработк|относим\s+к|классифицир\w*"
    # the self-diagnosis answers, asked and answered («В: … ? О: …»)
    r"|самодиагност\w*|(?-i:(?:^|\s)В:\s)",
    re.I,
)
_TELLS = re.compile(
    r"(?<!\w)не\s+(?:\w+(?:ся|ет|ют|ит|ят)|работа\w*|может|удается|удаётся)\b|сбо[йи]"
    r"|зависа|висн|пада|обреза|неверн|некорректн|пропада|недоступ|меньше|пуст\w+"
    r"|\bнужн|\bхоч|хотят|необходимо|требуется|\?",
    re.I,
)
# A form's label opens the paragraph («Тип обращения (Tracker): …»): a few words, a colon.
_LABEL_OPENING = re.compile(r"^(?=[А-ЯЁA-Za-zа-яё ()./-]{2,40}:)(?:\S+\s+){0,4}\S+:")
_PROBLEM_HEADING = re.compile(
    r"^(?:что\s+(?:происходит|случилось)|суть(?:\s+проблемы)?|проблема|симптом\w*|ситуация)"
    r"\s*[:.—–-]\s*",
    re.I,
)
_ATTACHED = re.compile(r"скриншот|\bскрин|\bлог(?:и|ов|а)?\b|во\s+вложени|приклад|приложен", re.I)


def clean_subject(subject: str) -> str:
    """The subject without reply/forward prefixes and bracketed tags."""
    prefixes = r"^(?:\s*(?:re|fwd?|fw|ответ|пересл)\s*(?:\[\d+\])?\s*:\s*)+"
    text = re.sub(prefixes, "", subject, flags=re.I)
    return re.sub(r"^\s*\[[^\]]{1,30}\]\s*", "", text).strip()

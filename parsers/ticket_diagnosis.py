"""Self-diagnosis of 000 §4.1 read as answers to its four questions (§3.4 `self_diagnosis`).

Partners answer the questions in the seed's words, in checklists («[+] СУБД - да»), with «да/нет»
after the question, tersely («БПО ок / сеть ок») or in prose. Negations are read as the
question intends: «проблем с транзакциями нет» and «привилегии не менялись» are passes, an
inverted question answered «нет» («Привилегии менялись? — нет») is a pass, «не проверяли»
leaves the check not_checked, and a real failure («падает при нагрузке») is failed.
"""

from __future__ import annotations

import re

from parsers.diagnosis_checks import CHECK_RES, CHECKS, mentions
from parsers.diagnosis_lists import (
    answered_by_mark,
    by_mark,
    list_items,
    minus_means_unchecked,
    question_and_answer,
    ticked_option,
)
from parsers.unwrap import unwrapped
from parsers.validate import MISSING, Check, ok

_NOT_CHECKED = re.compile(
    r"не\s+(?:проверял\w*|проверен\w*|проверили|смотрел\w*|знаю|провод\w*|успел\w*)"
    r"|нет\s+(?:данных|доступа)|не\s+удалось\s+проверить|\?\s*$",
    re.I,
)
# Problems denied: «проблем с транзакциями нет», «без ошибок», «потерь нет», «не менялись».
_DENIED = re.compile(
    r"(?:проблем|ошиб[оа]к|сбо[ея]в|замечани|потер[ьи]|блокиров[оа]к|изменени|долгих\s+запросов"
    r"|транзакци)"
    r"\w*(?:\s+[^\s;.]+){0,4}?\s+(?:не\s+(?:выявлен|обнаружен|видно|наблюда|было)\w*|нет)\b"
    r"|\bнет\s+(?:ни\s+)?(?:каких\s+)?(?:проблем|ошибок|сбоев|замечаний|потерь|блокировок)\w*"
    r"|\bбез\s+(?:\w+\s+)?(?:проблем|ошиб|замечани|потер|сбо|блокиров|зависани|изменени)\w*"
    r"|\b0\s*%\s*потер\w*|потер\w*\s+0\s*%|не\s+(?:менял\w*|изменял\w*|трогал\w*|мен[яе]\w*)|те\s+же|без\s+изменени\w*"
    # a failure denied: «транзакции не зависают», «служба не падает»
    r"|не\s+(?:зависа|висн|висит|пада|тормоз|отвалива|теря)\w*",
    re.I,
)
_FAILED = re.compile(
    r"не\s+работа\w*|падает|зависа\w*|\bвисн\w*|\bупал\w*|недоступ\w*|нестабил\w*|некорректн\w*|отвалива\w*"
    r"|\bошибк\w*|\bпроблем\w*|\bсбо[йи]\w*|\bfail\w*|\bпотер\w*|\bтеря\w*|\bменял(?:ись|и)\b"
    r"|изменил\w*|не\s+пройден\w*|не\s+прош(?:ла|ли|ло|ел|ёл)\b",
    re.I,
)
_PASSED = re.compile(
    r"\bда\b|\bok\b|\bок\b|\bокей\b|\[\s*[+xх✓v]\s*\]|корректн\w*|работа\w*|штатн\w*|в\s+порядке"
    r"|\bжив\w*|отвеча\w*|подня\w*|поднят\w*|открыва\w*|стартова\w*|успешн\w*"
    r"|норм\w*|исправн\w*|доступн\w*|стабил\w*|запущен\w*|проход\w*|пройден\w*|чист\w*|\bесть\b"
    r"|\bpass\w*|\byes\b",
    re.I,
)
_THE_REST = re.compile(
    r"[,;.—–-]\s*(?:а\s+|но\s+)?(?:всё|все\s+)?(?:остальн|проч|друг)\w*\s+(?:\w+\s+)?не\s+\w+[^.;]*",
    re.I,
)
# One answer for all four checks, in §4.1's own words («все этапы самостоятельной диагностики
# пройдены») or the partners' («все 4 пункта проверены, замечаний нет», «по всем пунктам ок»).
_ALL_PASSED = re.compile(
    r"\bвс[её]\s+проверил\w*(?!\s*,?\s*кроме)|\bвсе\s+(?:\d\s+|четыре\s+)?(?:пункт|этап|провер|вопрос|шаг)\w*"
    r"(?:\s+[^\s.;]+){0,4}?\s+(?:пройден\w*|прош(?:ли|л|ло)\b|проверен\w*|выполнен\w*"
    r"|в\s+порядке|ок\b)"
    r"|\bпо\s+всем\s+(?:\d\s+|четыр\w+\s+)?(?:пункт|провер|этап|вопрос)\w*"
    r"\s*(?:\([^)]{0,160}\))?[^.;]{0,40}?"
    r"(?:замечани\w*\s+нет|без\s+замечаний|в\s+порядке|ок\b|пройден\w*|норм\w*)",
    re.I,
)
_YES_NO = re.compile(r"^\W*(да|нет|yes|no)\b(?:\s*/\s*(да|нет)\b)?", re.I)
# A question whose «нет» is the good answer: «Нет ли проблем…?», «Привилегии менялись?».
_INVERTED = re.compile(
    r"нет\s+ли|не\s+\w+\s+ли\b|(?<!не\s)(?:менял|изменял)\w*(?:\s*\?|\s+ли\b)",
    re.I,
)
# …and one about problems («Проблемы с СУБД? — нет»), unless it denies them itself
# («… проблем нет: да»).
_PROBLEM_QUESTION = re.compile(r"(?<!без\s)\b(?:проблем|ошиб|сбо[ейи]|зависа|блокиров)\w*", re.I)
# A question without its «?», answered after a dash: «Привилегии … менялись — нет».
_DASH_ANSWER = re.compile(r"^(.*?\S)\s*(?:[—–:]|\s-)\s*((?:да|нет|yes|no)\b.*)$", re.I | re.S)


def _status_cell(text: str) -> str | None:
    """A table row's status column («Привилегии … не менялись | НЕ пройдено | …»): the first
    short cell after the one naming the check that gives a verdict."""
    cells = [cell.strip() for cell in re.split(r"\s*[|\t]\s*", text) if cell.strip()]
    named = next((i for i, cell in enumerate(cells) if mentions(cell)), None)
    if named is None or len(cells) < 2:
        return None
    for cell in cells[named + 1 :]:
        if len(cell.split()) <= 3 and reads_as_answer(cell):
            verdict = answer(cell)
            if verdict != "not_checked" or _NOT_CHECKED.search(cell):
                return verdict
    return None


def answer(text: str) -> str:
    """`passed`, `failed` or `not_checked` for the answer to one check."""
    if ("|" in text or "\t" in text) and (verdict := _status_cell(text)):
        return verdict
    text = ticked_option(text)
    question, mark, reply = text.rpartition("?")
    if not mark:
        dashed = _DASH_ANSWER.match(text.strip())
        question, reply = (dashed.group(1) + "?", dashed.group(2)) if dashed else ("", text)
    reply = reply.strip(" \t—–-:;.,")
    yes_no = _YES_NO.match(reply)
    if question and yes_no and _DENIED.search(reply[yes_no.end() :]):
        return "passed"  # «…, нет ли проблем с транзакциями? – Да, проблем нет.»
    if question and yes_no:
        questions = [q for q in re.split(r"\?", question) if q.strip()]
        word = yes_no.group(1).lower()
        # Each question was followed by its «?» (split off above): «Привилегии менялись?».
        first = f"{questions[0]}?" if questions else ""
        first_inverted = bool(
            _INVERTED.search(first)
            or (_PROBLEM_QUESTION.search(first) and not _DENIED.search(first))
        )
        if yes_no.group(2) and len(questions) >= 2:  # «да / нет» answers two questions in turn
            return "passed" if word in ("да", "yes") and yes_no.group(2) == "нет" else "failed"
        good = word in ("нет", "no") if first_inverted else word in ("да", "yes")
        if re.search(r"не\s+менял|без\s+изменени", reply, re.I):
            good = True
        return "passed" if good else "failed"
    if _NOT_CHECKED.search(reply):
        return "not_checked"
    denial = _DENIED.search(reply)
    rest = _DENIED.sub(lambda m: " " * len(m.group(0)), reply)  # offsets kept
    failure = _FAILED.search(rest)
    # The first verdict answers the check: «права не менялись; под админом ошибка та же» —
    # the error after it is the ticket's problem, not this check failing.
    if failure and (denial is None or failure.start() < denial.start()):
        return "failed"
    denied = denial is not None
    if denied or _PASSED.search(rest):
        return "passed"
    return "not_checked"


_BOUNDARIES = (";", ". ", ", ", " / ", " - ", " – ", "[", "•")


def _pieces(text: str) -> list[tuple[str, str]]:
    """(check, text) pieces: each starts at the clause where its check is first named."""
    starts: list[tuple[int, str]] = []
    lower = 0
    for position, code in mentions(text):
        if any(code == c for _, c in starts):
            continue
        window = text[lower:position]
        cut = max(
            (window.rfind(sep) + len(sep) for sep in _BOUNDARIES if sep in window), default=-1
        )
        start = lower + cut if cut >= 0 else (position if starts else 0)
        starts.append((start, code))
        lower = position + 1
    return [
        (code, text[start : starts[i + 1][0] if i + 1 < len(starts) else len(text)])
        for i, (start, code) in enumerate(starts)
    ]


def self_diagnosis(text: str) -> Check:
    """§3.4 `self_diagnosis` from the text answering §4.1; unanswered checks are `not_checked`.

    The text is cut where another check is named, so that one line may answer several checks
    («базовое ПО работает; СУБД без ошибок; …»), and each piece is read on its own; a piece
    without an answer of its own shares the next one's («базовое ПО и СУБД работают»).
    """
    items = [(code, _THE_REST.sub("", " ".join(piece.split()))) for code, piece in list_items(text)]
    # «Сеть проверили — в порядке, остальное не проверяли»: the rest stays not_checked.
    text = _THE_REST.sub("", " ".join(text.split()))
    pieces = items or _pieces(text)
    everything = bool(_ALL_PASSED.search(text))
    if not pieces and not everything:
        return MISSING
    unchecked_minus = minus_means_unchecked(text)
    statuses = [by_mark(piece, answer(piece), unchecked_minus) for _, piece in pieces]
    if everything and "failed" not in statuses:
        statuses = ["passed"] * len(statuses)
    for i in range(len(pieces) - 2, -1, -1):
        piece = pieces[i][1]
        named = CHECK_RES[[c for c, _ in CHECKS].index(pieces[i][0])][1]
        bare = named.sub("", piece)
        unanswered = (
            statuses[i] == "not_checked"
            and not _NOT_CHECKED.search(piece)
            and not answered_by_mark(piece, unchecked_minus)  # an empty box, a legend's «-»
        )
        # «… по нашей диагностике базовое ПО и СУБД работают»: joined to the next check.
        mention = named.search(piece)
        joined = mention is not None and not _JOINER.sub("", piece[mention.end() :]).strip()
        if unanswered and (joined or len(re.findall(r"\w+", bare)) <= 2):
            statuses[i] = statuses[i + 1]
    result = {
        code: {"status": status, "comment": piece.strip(" ;,/")[:200]}
        for (code, piece), status in zip(pieces, statuses, strict=True)
    }
    for code, _ in CHECKS:
        default = "passed" if everything and "failed" not in statuses else "not_checked"
        result.setdefault(code, {"status": default, "comment": text[:200] if everything else ""})
    return ok({code: result[code] for code, _ in CHECKS})


def reads_as_answer(text: str) -> bool:
    """True when `text` answers a check («работает корректно», «ок») rather than naming
    software («PostgreSQL 15.4»): «Базовое ПО — работает» inside a self-diagnosis block."""
    return bool(
        _PASSED.search(text)
        or _FAILED.search(text)
        or _NOT_CHECKED.search(text)
        or _DENIED.search(text)  # «… никто не менял»
    )


MAX_PARAGRAPHS = 200
_LEAD = re.compile(r"с|со|по|у|на|в|для|(?:мы\s+)?(?:проверили|проверено|смотрели)\s*:?", re.I)
# What may stand between two checks answered together: a conjunction, or the first one's
# version («Astra Linux 1.7 и Postgres 13.12 поднялись»).
_JOINER = re.compile(r"\b(?:и|а\s+также|или)\b|[,/&+]|(?<!\w)v?\d+(?:\.\d+)*\b", re.I)


def _only_checks(text: str) -> bool:
    """True for a list of checks and nothing else («Базовое ПО, СУБД», «Коротко: базовое
    ПО»: a lead-in before a colon does not count)."""
    text = text.rpartition(":")[2]
    if not mentions(text):
        return False
    for _, rx in CHECK_RES:
        text = rx.sub(" ", text)
    return not re.findall(r"\w+", _JOINER.sub(" ", text))


def _from_first_answer(sentence: str) -> str:
    """The sentence from its first clause that answers: «Базовое ПО у них Windows Server 2019,
    по нашей диагностике базовое ПО и СУБД работают» names the software before answering."""
    if _ALL_PASSED.search(sentence):
        return sentence  # «по всем четырем пунктам (базовое ПО, СУБД, …) — все в норме»
    clauses = sentence.split(", ")
    for index, clause in enumerate(clauses):
        if reads_as_answer(clause):
            named_only = _only_checks(", ".join(clauses[:index]))
            if named_only:  # «Базовое ПО, СУБД, сеть и права … проверили — всё в норме»
                return sentence
            rest = ", ".join(clauses[index:])
            # the check must still be named: «- базовое ПО: Tomcat перезапускали, работает»
            return rest if mentions(rest) else sentence
    return sentence


def answers_in_prose(paragraphs: list[str]) -> str:
    """Sentences of the letter that answer §4.1 without a heading: one naming two or more
    checks with answers («Базовое ПО работает: да; СУБД без ошибок: да»), or one that opens
    with a check and answers it («Сеть есть, пинг стабильный»). The first paragraph with any,
    with the paragraphs right after it that answer too."""
    # The answers stand near the top; a hostile letter of thousands of paragraphs costs no
    # more than this many (issue 19).
    found: list[str] = []
    for paragraph in paragraphs[:MAX_PARAGRAPHS]:
        # One check a paragraph («1. Базовое ПО — работает.» / «2. СУБД — …»): the answers
        # of paragraphs that follow one another are read together.
        answers = _answers_in_paragraph(paragraph)
        if answers:
            found.append(answers)
        elif found:
            break
    return "\n".join(found)


def _answers_in_paragraph(paragraph: str) -> str:
    """The answering sentences of one paragraph (see `answers_in_prose`)."""
    if pairs := question_and_answer(paragraph):
        return pairs
    # A line a mail client wrapped goes on with a small letter: one sentence, not two.
    chosen = []
    for sentence in re.split(r"(?<=[.!])\s+|\n", unwrapped(paragraph)):
        named = mentions(sentence)
        distinct = {code for _, code in named}
        # «С СУБД все в порядке: …»: a preposition before the check still opens with it.
        lead = sentence[: named[0][0]].strip(" -•*0123456789.)[]+") if named else ""
        opens = bool(named) and (not lead or bool(_LEAD.fullmatch(lead)))
        if reads_as_answer(sentence) and (len(distinct) >= 2 or opens):
            chosen.append(_from_first_answer(sentence.strip()))
        elif _ALL_PASSED.search(sentence):  # «(все четыре пункта пройдены)»
            chosen.append(sentence.strip())
    return "\n".join(chosen)

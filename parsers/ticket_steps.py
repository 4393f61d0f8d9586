"""§4.2 item 6 «последовательность действий» (`steps_to_reproduce`) wherever a ticket gives it.

After a label it is read by the form (parsers.ticket_form). Without one, partners give the
steps as
- a numbered list introduced at the end of a sentence («Порядок действий:\\n1. …»);
- a numbered list of menu paths with no label («1. Отчеты -> Налоги -> …»);
- a cue and a colon inside a paragraph («…висит. Воспроизводится так: открываем портал, …»,
  «Как повторить: …», «Порядок: …», «Путь: …»), the steps running to the paragraph's end;
- a chain of arrows through the program («Реестр → фильтр «2026» → Печать → …»): two arrows
  between words are a way through the menus, which is what steps are;
- a story of what the user does («Как было. Пользователь открывает портал, вводит логин и
  нажимает «Войти» — и страница висит»): a paragraph naming two or more of a user's actions.
"""

from __future__ import annotations

import re

from parsers.labels import Source
from parsers.ticket_form import Field

_STEPS_INTRO = re.compile(
    r"(?:действи\w*|шаг\w*|воспроизв\w*)\s*:\s*\n"
    r"((?:[ \t]*\d{1,2}[.)].*\n?(?:[ \t]+\S.*\n?)*)+)",
    re.I,
)
_MENU_LIST = re.compile(r"(?:^[ \t]*\d{1,2}[.)][ \t]+\S.*\n?){2,}", re.M)
_ARROW = r"(?:->|→|=>|>|⇒|»\s*>)"
_MENU_ARROW = re.compile(rf"[^\W\d_][»\"]?\s*{_ARROW}\s*[«\"]?[^\W\d_]")
# A cue that says the steps follow, then a colon: the words partners use for it.
_CUE = (
    r"(?:(?:ошибка|проблема|сбой)\s+)?воспроизв\w+(?:\s+(?:так|следующим\s+образом|всегда))?"
    r"|как\s+(?:повторить|воспроизвести|повторяем|воспроизводим)(?:\s+\w+)?"
    r"|(?:порядок|сценарий|последовательность)(?:\s+(?:действий|воспроизведения))?"
    r"|шаги(?:\s+(?:для\s+)?воспроизведения)?|делаем\s+так"
    r"|действия\s+пользователя"
)
_CUE_IN_TEXT = re.compile(
    rf"(?:^|(?<=[.!?]\s)|(?<=\n))[ \t]*(?:{_CUE})\s*:[ \t]*"
    r"(?P<steps>\S[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*)",
    re.I,
)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|:\s+)(?=\S)")
# What a user does in the program, in any person and tense: «открывает», «заходим», «нажал»,
# «жмёт», «выбирает», «вводим», «отмечает», «выделяет», «фильтрует», «переходит» — not the
# verbs a business process shares («формирует план», «загружает данные»).
_USER_ACTION = re.compile(
    r"(?<![^\W\d_])(?:открыва|открыл|откро|заход|зашл|зашел|зашёл|захож|нажима|нажал|нажм"
    r"|жм[её]|выбира|выбрал|выбер|ввод|ввел|ввёл|введ|клика|кликну|щелка|щелкну|щёлк"
    r"|запуска|запусти|входи|вошл|вошел|вошёл|отмеча|отметил|отмет|выделя|выдели"
    r"|фильтру|отфильтр|переход|перешл|перешел|перешёл)\w*",
    re.I,
)
# A paragraph's own short heading before the story («Как получилось:», «Как было.»).
_STORY_HEADING = re.compile(r"^[ \t]*[^\W\d_][^.:!?\n]{0,40}[.:][ \t]*", re.I)
_MIN_ACTIONS = 2
_MIN_STEPS = 30


def _field(source: Source, start: int, text: str, excerpt: str) -> Field:
    line = source.text.count("\n", 0, start) + 1
    return Field("steps_to_reproduce", text, source.name, line, excerpt[:200])


def _one_statement(text: str) -> str:
    """The steps up to the line that ends a sentence: the lines below it that start anew
    («Договор … .», «Логи пришлю …») are other statements, not more steps."""
    kept: list[str] = []
    for line in text.splitlines():
        if kept and kept[-1].rstrip()[-1:] in ".!?" and not _LIST_ITEM.match(line):
            break
        kept.append(line)
    return "\n".join(kept).strip()


_LIST_ITEM = re.compile(r"^[ \t]*(?:\d{1,2}[.)]|[-•*–—])\s")


def steps_in_text(sources: list[Source]) -> Field | None:
    """The steps a ticket gives without the §4.2 label (see the module's docstring); an
    attached or forwarded client letter may hold the only steps (R-MBX-10)."""
    for source in sources:
        if match := _STEPS_INTRO.search(source.text):
            return _field(source, match.start(), match.group(1), match.group(0))
    for source in sources:
        for match in _MENU_LIST.finditer(source.text):
            if _MENU_ARROW.search(match.group(0)):
                return _field(source, match.start(), match.group(0), match.group(0))
    for source in sources:
        for match in _CUE_IN_TEXT.finditer(source.text):
            steps = _one_statement(match.group("steps"))
            if len(steps) >= _MIN_STEPS or _MENU_ARROW.search(steps):
                return _field(source, match.start("steps"), steps, match.group(0).strip())
    for source in sources:
        offset = 0
        for line in source.text.splitlines(keepends=True):
            arrows = list(_MENU_ARROW.finditer(line))
            if len(arrows) >= 2:  # «Путь: Реестр → фильтр → Печать»: from its sentence's start
                starts = [m.end() for m in _SENTENCE_START.finditer(line, 0, arrows[0].start())]
                chain = line[starts[-1] if starts else 0 :].strip()
                return _field(source, offset, chain, chain)
            offset += len(line)
    return _story(sources)


def _story(sources: list[Source]) -> Field | None:
    """The steps told as a story of what the user does («Специалист заходит в «Начисления»,
    выбирает период и нажимает «Рассчитать». Через две минуты …»): the first paragraph of
    the body naming at least two of a user's actions, without its own short heading."""
    for source in sources:
        if source.name not in ("body", "forwarded"):
            continue
        offset = 0
        for paragraph in re.split(r"(\n[ \t]*\n)", source.text):
            actions = {m.group(0).lower()[:5] for m in _USER_ACTION.finditer(paragraph)}
            if len(actions) >= _MIN_ACTIONS:
                heading = _STORY_HEADING.match(paragraph)
                if heading and _USER_ACTION.search(heading.group(0)):
                    heading = None  # «Оператор заходит в реестр.»: the story's first sentence
                story = paragraph[heading.end() :] if heading else paragraph
                if len(story.strip()) >= _MIN_STEPS:
                    return _field(source, offset, story.strip(), story.strip())
            offset += len(paragraph)
    return None

"""The software and its component (§3.4 `software_name`, `component`, 000 §4.2 items 3–4) named in
running text rather than after a label.

- The component: a name in quotes after a word for a part of a program («модуль «Расчет
  арендной платы»», «раздел «Реестр разрешений на строительство»», «подсистема "Обмен"»);
  after «компонент —»; or, unquoted, the words after «компонент», «модуль», «подсистема»
  that name it («модуль формирования XML технического плана здания», «подсистема авторизации
  пользователей»): nouns and adjectives in the genitive, Latin words and acronyms, up to a
  verb, a preposition or punctuation. A documentation section («раздел «…» руководства») is
  no component.
- The software: a name in quotes after a word for a program or a system («ПО «Инженерные
  сети»», «Продукт — «ГИС-Пространство»», «ИСОГД «ГрадПлан»»), a quoted name with its version
  right after it («"Межевик-Профи", версия 4.1»), or a name with its version right before
  the component («ТК-Реестр имущества 2.9.4, компонент «Начисления»»).
"""

from __future__ import annotations

import re

from parsers.morph import genitive_word

# Inside quotes: one line break allowed, where a mail client wrapped a long line.
_WRAPPED = r"(?:[^»\"”\n]|\n(?![ \t]*\n))"
_PART_WORD = (
    r"(?:функциональн\w+\s+)?(?:компонент\w*|модул[ьяеи]\w*|подсистем\w*|подмодул\w*"
    r"|раздел\w*|вкладк\w*|справочник\w*|сервис\w*|служб\w*|блок\w*|режим\w*|АРМ)"
)
_PART_QUOTED = re.compile(rf"{_PART_WORD}\s+[«\"“](?P<value>{_WRAPPED}{{3,80}})", re.I)
# «…ГИС Сети, компонент — печатные формы», «Система: Обходчик, компонент синхронизации».
_COMPONENT_STATED = re.compile(
    r"(?:(?:функциональн\w+\s+)?компонент\w*(?:\s+системы)?\s*[—–:]\s*"
    r"|(?<=,\s)(?:функциональн\w+\s+)?компонент\w*\s+(?!не\b|был|ест|работ))"
    r"(?P<value>[^.,;\n«»\"]{3,60})",
    re.I,
)
_PART_UNQUOTED = re.compile(
    r"(?<![\w-])(?:функциональн\w+\s+)?(?:компонент|модул[ьяеи]|подсистем[аеуы]|подмодул[ьяеи])"
    r"(?:ом|ой|ем|ю)?[ \t]+(?=[^\W\d_])",
    re.I,
)
_DOC_NEAR = re.compile(r"документац|руководств|инструкц|справк|мануал|manual|guide", re.I)
_WORD = re.compile(r"[^\W_][\w-]*")
_MAX_WORDS = 6


def _of_a_name(word: str) -> bool:
    """A word that goes on a part's name: Latin, an acronym, or a noun or adjective in the
    genitive («формирования», «технического», «пользователей»)."""
    if re.match(r"[A-Za-z]", word) or (len(word) > 1 and word.isupper()):
        return True
    return genitive_word(word)


def _unquoted_part(text: str, start: int) -> str | None:
    end, count = start, 0
    for word in _WORD.finditer(text, start):
        if text[end : word.start()].strip() or count == _MAX_WORDS:
            break  # punctuation or a line's end closes the name
        if not _of_a_name(word.group(0)):
            break
        end, count = word.end(), count + 1
    return text[start:end] if count else None


def quoted_component(text: str) -> str | None:
    """The component the text names first (see the module's docstring)."""
    found: list[tuple[int, str]] = []
    for match in _PART_QUOTED.finditer(text):
        if _DOC_NEAR.search(text[max(0, match.start() - 40) : match.end() + 40]):
            continue
        found.append((match.start(), match.group("value")))
        break
    if stated := _COMPONENT_STATED.search(text):
        found.append((stated.start(), stated.group("value")))
    for match in _PART_UNQUOTED.finditer(text):
        if name := _unquoted_part(text, match.end()):
            found.append((match.start(), name))
            break
    if not found:
        return None
    return " ".join(min(found)[1].split()).strip(' «»"“”')


_PROGRAM_WORD = (
    r"(?<!базовое\s)(?<!базового\s)(?<![\w-])(?:ПО|программ\w*|продукт\w*|комплекс\w*"
    r"|платформ\w*|приложени\w*|(?-i:ИСОГД|АИС|ГИС|ИС|СЭД|МИС|ЕИС))"
)
_SOFTWARE_QUOTED = re.compile(
    rf"{_PROGRAM_WORD}\s*(?:[—–:-]\s*)?[«\"“](?P<value>{_WRAPPED}{{3,60}})[»\"”]", re.I
)
# «"Межевик-Профи" (ТЕХНОКОМ), версия 4.1», ««Реестр» v2.9.4»: a quoted name and its version.
_QUOTED_WITH_VERSION = re.compile(
    rf"[«\"“](?P<value>[^\W\d_]{_WRAPPED}{{2,60}})[»\"”]\s*(?:\([^)\n]{{1,30}}\)\s*)?,?\s*"
    r"(?:верси[яи]\s*|вер\.\s*|v\.?\s*|редакци\w+\s+)?\d+\.\d+",
    re.I,
)
# §4.2 items 3–4 in one breath: «ТК-Реестр имущества 2.9.4, компонент «Начисления»», «В
# «Реестре» v2.9.4, компонент …»: the name with its version right before the component.
_SOFTWARE_BEFORE_COMPONENT = re.compile(
    r"(?:^|(?<=[\s«\"(]))(?P<value>[A-ZА-ЯЁ][^\n,;:«»\"()]{1,50}?)[»\"]?\s+"
    r"(?:v\.?\s*|вер(?:\.|сии|сия)\s*)?\d+(?:\.\d+)+\w*,?\s+(?:функциональн\w+\s+)?компонент",
    re.I,
)


def quoted_software(text: str) -> str | None:
    """The software the text names (see the module's docstring)."""
    match = (
        _SOFTWARE_QUOTED.search(text)
        or _QUOTED_WITH_VERSION.search(text)
        or _SOFTWARE_BEFORE_COMPONENT.search(text)
    )
    return " ".join(match.group("value").split()) if match else None


_COMPONENT_WORD = re.compile(
    r"\s*[;,]?\s*(?:функциональн\w+\s+)?(?:компонент|модул[ьи])\w*\s*[:—–-]?\s*", re.I
)


def software_and_component(text: str) -> tuple[str, str]:
    """«ПО / компонент: A / B», «A, версия 5.1; компонент «B»», «ПО и компонент: A, «B»»."""
    if "/" in text:
        software, _, component = text.partition("/")
        return software, component
    if named := _COMPONENT_WORD.search(text):
        return text[: named.start()], text[named.end() :]
    if quoted := re.search(r",\s*(?=[«\"“])", text):  # a name in quotes after the software
        return text[: quoted.start()], text[quoted.end() :]
    return text, ""

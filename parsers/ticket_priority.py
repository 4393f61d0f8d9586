"""A bug's priority given as its §4.3 criterion rather than the level's name: «Приоритет:
основные функции недоступны», «Влияние: незначительная потеря работоспособности, есть
обходной путь», «приоритет П1 — система висит на неопределенное время».

The criterion counts only where the partner classifies — under a priority row or right
after the word «приоритет» (or «критичность», «срочность», «влияние»): an outage told in
the description is not a classification, and the bot must not set one (R-TKT-3).
"""

from __future__ import annotations

import re

_ANY = r"(?:\s+\S+){0,4}?\s+"
# The four levels' criteria of seed 000 §4.3 in their usual wordings.
_CRITERIA = (
    (
        "urgent",
        rf"(?:основн|главн)\w+\s+(?:\w+\s+)?функци\w*{_ANY}(?:стал[аи]?\s+)?недоступн"
        r"|(?:завис\w*|висит|виснет)(?:\s+\S+){0,3}?\s+(?:на\s+неопредел\w+|намертво|полностью)"
        r"|систем\w*\s+(?:полностью\s+)?(?:недоступн|не\s+работает)\w*",
    ),
    (
        "high",
        rf"(?:критическ|критичн)\w*\s+(?:\w+\s+)?функци\w*{_ANY}недоступн"
        r"|работоспособн\w*\s+в\s+ограниченн\w*\s+объ[её]м"
        r"|остальн\w*\s+(?:\w+\s+)?работа\w*",
    ),
    (
        "normal",
        r"незначительн\w*\s+потер\w*\s+работоспособн"
        r"|(?:обходн|альтернативн)\w*\s+(?:пут|способ|решени|вариант)",
    ),
    (
        "low",
        r"не\s+влеч\w*\s+(?:\w+\s+)?потер|без\s+потери\s+работоспособн"
        r"|незначительн\w*\s+(?:ошибк|неудобств|недочет|недочёт)|косметическ",
    ),
)
_CRITERION = [(code, re.compile(pattern, re.I)) for code, pattern in _CRITERIA]
# The word after which a partner classifies, and the rest of its line.
_CLASSIFYING = re.compile(
    r"(?:приоритет|критичност|срочност|влияни)\w*(?:\s+\S+){0,2}?\s*[:—–-]?[ \t]*"
    r"(?P<value>[^\n]{3,160})",
    re.I,
)


def priority_by_criterion(text: str) -> str | None:
    """The level whose §4.3 criterion `text` states first, or None."""
    found = [(m.start(), code) for code, pattern in _CRITERION if (m := pattern.search(text))]
    return min(found)[1] if found else None


def classified_by_criterion(text: str) -> tuple[str, str] | None:
    """(level, evidence) where the partner classifies a bug by its criterion in prose."""
    for match in _CLASSIFYING.finditer(text):
        if code := priority_by_criterion(match.group("value")):
            return code, match.group(0).strip()
    return None

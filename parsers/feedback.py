"""What a reply in a ticket thread says (spec §2.2): solved, not solved, thanks, status."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lowercase patterns, searched in the lowercased text: re.I folds every character for
# every pattern, about three times slower on Cyrillic.
_NOT_SOLVED = re.compile(
    r"не\s+(?:решен|решён|помогло|устранен|устранён|исправлен)|проблема\s+(?:остал|сохран)"
    r"|ошибка\s+(?:повторя|сохраня|осталась|снова|опять)|повторяется|снова\s+(?:появ|возник)"
    r"|по-прежнему\s+не|всё\s+ещё\s+не|все\s+еще\s+не",
)
_SOLVED = re.compile(
    r"вопрос\s+(?:решен|решён|закрыт|снят)|проблема\s+(?:решена|устранена|ушла)"
    r"|можно\s+закрыва|можете\s+закрыва|заявку\s+можно\s+закрыть|(?:всё|все)\s+заработало"
    r"|(?:всё|все)\s+работает|помогло|(?:решение|рекомендация)\s+помогл",
)
_THANKS = re.compile(r"^\W*(?:спасибо|благодар\w*|thank)")
_STATUS = re.compile(
    r"какой\s+срок|когда\s+(?:будет|ожидать|планируется|решат|исправ)"
    r"|статус\w*\s+(?:заявк|обращен|задач)|на\s+каком\s+этапе|есть\s+ли\s+новости"
    r"|что\s+(?:с|по)\s+(?:\w+\s+)?(?:заявк|обращени|запрос)\w*|статус\w*\s+\[?[a-zа-яё]{2,5}-\d"
    r"|(?:ответа|решения)\s+(?:так\s+и\s+|до\s+сих\s+пор\s+|все\s+еще\s+)?нет|ориентировочн\w+\s+срок",
)
_URGENT = re.compile(r"\bсрочн\w*|как\s+можно\s+скорее|критичн\w*\s+для")


@dataclass(frozen=True, slots=True)
class Feedback:
    solved: bool
    not_solved: bool
    thanks_only: bool
    status_query: bool
    asks_urgent: bool


def read_feedback(new_text: str, has_attachments: bool = False) -> Feedback:
    """Signals in the new text of a reply (quoted history already removed, R-MBX-11)."""
    text = " ".join(new_text.split()).lower()
    not_solved = bool(_NOT_SOLVED.search(text))
    # "Thanks" alone: short, starts with thanks, carries no data and no complaint.
    thanks_only = (
        bool(_THANKS.match(text)) and len(text) <= 120 and not not_solved and not has_attachments
    )
    return Feedback(
        solved=bool(_SOLVED.search(text)) and not not_solved,
        not_solved=not_solved,
        thanks_only=thanks_only,
        status_query=bool(_STATUS.search(text)) and len(text) <= 400 and not has_attachments,
        asks_urgent=bool(_URGENT.search(text)),
    )

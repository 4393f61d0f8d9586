"""Letter kind from the mailbox, the thread and key words (R-MBX-9)."""

from __future__ import annotations

import re

from parsers.types import Classification, Kind, ParsedLetter

# Word stems, matched case-insensitively against subject + new text. Stems keep Russian
# word forms together: «закреп» covers закрепить / закрепление / закреплении.
_SIGNALS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (Kind.PIN_REQUEST, re.compile(r"закреп|реестр\w* клиент", re.I)),
    (
        Kind.LICENSE_REQUEST,
        re.compile(r"лицензи|приложени\w* 1|партнерск\w* программ|форм\w* запрос", re.I),
    ),
    (
        Kind.TICKET,
        re.compile(r"ошибк|сбо[йея]|не работает|зависа|лог[иов]?\b|скриншот|service desk", re.I),
    ),
    (Kind.RESOURCE, re.compile(r"настройк|конфигурир|ресурс\w* (?:сотрудник|разработчик)", re.I)),
    (Kind.SD_ACCOUNT, re.compile(r"учетн\w* запис|доступ к service desk", re.I)),
)


def classify(letter: ParsedLetter, mailbox_role: str | None) -> Classification:
    """Score the letter against each kind's signals; the mailbox is a prior only."""
    haystack = f"{letter.subject}\n{letter.new_text}"
    scores: dict[Kind, int] = {}
    reasons: list[str] = []
    for kind, pattern in _SIGNALS:
        hits = pattern.findall(haystack)
        if hits:
            scores[kind] = len(hits)
            reasons.append(f"{kind.value}: {', '.join(sorted(set(h.lower() for h in hits)))}")
    if mailbox_role == "support":
        scores[Kind.TICKET] = scores.get(Kind.TICKET, 0) + 1
        reasons.append("mailbox support@ favours ticket")
    if not scores:
        return Classification(Kind.INQUIRY, 0.3, ("no kind signals",))
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    best, best_score = ranked[0]
    if len(ranked) > 1 and ranked[1][1] == best_score:
        return Classification(Kind.INQUIRY, 0.4, (*reasons, "tie between kinds"))
    total = sum(scores.values())
    return Classification(best, round(best_score / total, 2), tuple(reasons))

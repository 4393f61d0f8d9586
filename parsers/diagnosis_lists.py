"""Self-diagnosis answers laid out as lists (R-TKT-4): one check an item («1) Базовое ПО —
…», «- проблемы с СУБД? — нет»), or questions and answers on lines of their own («В: …?» /
«О: …»)."""

from __future__ import annotations

import re

from parsers.diagnosis_checks import mentions

_ITEM_HEAD = re.compile(
    r"^\s*(?:[-•*–—]|\d{1,2}[.)]|\[[^\]]{0,3}\])?\s*(?:(?:по|с|со|в|у|на)\s+)?", re.I
)


_ITEM_LEAD = re.compile(r"(?:[\w/]+\s+){0,3}")
_ITEM_ANSWER = re.compile(r"[^;.]{0,60}?(?:\s[—–-]\s|:|\?)")


def list_items(text: str) -> list[tuple[str, str]]:
    """(check, text) for a list whose lines each open with a check («1) Базовое ПО — …»,
    «- проблемы с СУБД? — нет»): a line belongs to the check it opens with, whatever else it
    names («службы postgrespro запущены» under base software is not the DBMS answer); a
    line opening with none goes on the one above. Empty unless two checks open lines."""
    pieces: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        head = _ITEM_HEAD.match(line)
        named = mentions(line)
        lead = line[head.end() if head else 0 : named[0][0]] if named else ""
        # the check may follow a few words: «проблемы с СУБД?», «нет ли сбоев в сети?»;
        # an item is a heading and its answer («СУБД — …», «…?») or a question
        opens = bool(named) and bool(_ITEM_LEAD.fullmatch(lead))
        # a wrapped line going on about the same check («…СУБД? Проблемы / с транзакциями»)
        wrapped = (
            opens and bool(pieces) and pieces[-1][0] == named[0][1] and not head.group(0).strip()
        )
        if opens and not wrapped:
            if not _ITEM_ANSWER.match(line, named[0][0]):
                return []  # not a list of items: read as running text
            pieces.append([named[0][1], line.strip()])
        elif pieces:
            pieces[-1][1] += " " + line.strip()
    seen: dict[str, str] = {}
    for code, piece in pieces:
        seen.setdefault(code, piece)
    return list(seen.items()) if len(seen) >= 2 else []


_Q = re.compile(r"^\s*(?:В|Вопрос|ВОПРОС)\s*[:.)—–-]\s*")
_A = re.compile(r"^\s*(?:О|Ответ|ОТВЕТ)\s*[:.)—–-]\s*")


def question_and_answer(paragraph: str) -> str:
    """«В: Корректно ли работает базовое ПО? / О: Да, …»: each question with its answer on
    one line (the question's words name the check), when two or more name a check."""
    pairs: list[list[str]] = []
    for line in paragraph.splitlines():
        if question := _Q.match(line):
            pairs.append([line[question.end() :].strip(), ""])
        elif pairs and (reply := _A.match(line)):
            pairs[-1][1] = line[reply.end() :].strip()
        elif pairs and line.strip():
            pairs[-1][1 if pairs[-1][1] else 0] += " " + line.strip()
    joined = [f"{q} {a}" for q, a in pairs if a and mentions(q)]
    return "\n".join(joined) if len(joined) >= 2 else ""

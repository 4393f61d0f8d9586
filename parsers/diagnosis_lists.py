"""Self-diagnosis answers laid out as lists (R-TKT-4): one check an item («1) Базовое ПО —
…», «- проблемы с СУБД? — нет», a table row «4 | Привилегии … | НЕ пройдено»), questions and
answers on lines of their own («В: …?» / «О: …»), and the marks that answer an item: check
boxes, «+» and a legend's «-», an option ticked among boxes («☐ да ☑ нет»)."""

from __future__ import annotations

import re

from parsers.diagnosis_checks import mentions

_ITEM_HEAD = re.compile(
    # a list mark, or a table row's number cell («4 | Привилегии … | НЕ пройдено»)
    r"^\s*(?:[-•*–—+]|\d{1,2}[.)]|\d{1,3}\s*[|\t]|\|"
    r"|\[[^\]]{0,3}\]|[☑☐☒□✓✔✅])?\s*(?:(?:по|с|со|в|у|на)\s+)?",
    re.I,
)
# A check box or a «+» before the check: the mark is the answer («[x] базовое ПО»).
_BOX = re.compile(r"^\s*(?:\[[^\]]{0,3}\]|[☑☐☒□✓✔✅+])")


_ITEM_LEAD = re.compile(r"(?:[\w/]+\s+){0,3}")
_ITEM_ANSWER = re.compile(r"[^;.]{0,60}?(?:\s[—–-]\s|:|\?)")


def list_items(text: str) -> list[tuple[str, str]]:
    """(check, text) for a list whose lines each open with a check («1) Базовое ПО — …»,
    «- проблемы с СУБД? — нет»): a line belongs to the check it opens with, whatever else it
    names («службы postgrespro запущены» under base software is not the DBMS answer); a
    line opening with none goes on the one above. Empty unless two checks open lines."""
    pieces: list[list[str]] = []
    boxed = unanswered = 0
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
            if _BOX.match(line) or "|" in line[named[0][0] :] or "\t" in line:
                boxed += 1
            elif not _ITEM_ANSWER.match(line, named[0][0]):
                unanswered += 1  # «- сеть (…)»: an item only among boxed ones
            pieces.append([named[0][1], line.strip()])
        elif pieces:
            pieces[-1][1] += " " + line.strip()
    if unanswered and boxed < 2:
        return []  # not a list of items: read as running text
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


_EMPTY_BOX = re.compile(r"^\s*(?:\[\s*\]|[☐□])")
_TICKED = re.compile(r"^\s*(?:\[\s*[xхXХ+✓✔v*]\s*\]|[☑☒✓✔✅]|\+\s)")
# «(+ проверено / - не проверяли)»: a legend that makes a leading «-» «not checked».
_MINUS_LEGEND = re.compile(r"[-–]\s*(?:[—–:=]\s*)?не\s+(?:проверя|проверен|смотрел)", re.I)


def by_mark(piece: str, status: str, unchecked_minus: bool) -> str:
    """The answer of a list item by its mark: an empty box is not checked unless its words
    tell a failure («[ ] СУБД — нет, есть проблема»), a ticked box or a «+» is a pass unless
    its words say otherwise, a «-» under a legend saying so is not checked."""
    if answered_by_mark(piece, unchecked_minus):
        return "failed" if status == "failed" else "not_checked"
    if _TICKED.match(piece) and status == "not_checked":
        return "passed"
    return status


def minus_means_unchecked(text: str) -> bool:
    """A legend («(+ проверено / - не проверяли)») makes a leading «-» «not checked»."""
    return bool(_MINUS_LEGEND.search(text))


def answered_by_mark(piece: str, unchecked_minus: bool) -> bool:
    """An item whose mark leaves it unchecked: an empty box, or a legend's «-»."""
    return bool(_EMPTY_BOX.match(piece) or (unchecked_minus and re.match(r"\s*[-–]\s", piece)))


# «Права … меняли:  ☐ да  ☑ нет»: the option ticked among boxes is the answer.
_TICKED_OPTION = re.compile(r"(?:[☑☒✅✔]|\[\s*[xхXХ✓v]\s*\])\s*(да|нет|yes|no)\b", re.I)
_FIRST_OPTION = re.compile(r"(?:[☐□☑☒✅✔]|\[[^\]]{0,3}\])\s*(?:да|нет|yes|no)\b", re.I)


def ticked_option(text: str) -> str:
    """«Права … меняли: ☐ да ☑ нет» as «Права … меняли — нет»; other text as it is."""
    if (ticked := _TICKED_OPTION.search(text)) and (first := _FIRST_OPTION.search(text)):
        return f"{text[: first.start()].rstrip(' :—–-')} — {ticked.group(1)}"
    return text

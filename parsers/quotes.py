"""Separate the new text of a reply from the quoted history (R-MBX-11).

Old data in a reply must never count as new data, so everything after the first history
marker is quoted, and so is every `>` line before it (inline replies keep their new lines).
"""

from __future__ import annotations

import re

_SEPARATOR = re.compile(
    r"^\s*[-_=*]{2,}\s*(?:Original Message|Исходное сообщение|Пересылаемое сообщение"
    r"|Forwarded message|Forwarded Message|Original message|Перенаправленное сообщение"
    r"|Начало переадресованного сообщения|Begin forwarded message)\s*:?\s*[-_=*]*\s*$",
    re.I,
)
_BARE_SEPARATOR = re.compile(
    r"^\s*(?:Начало переадресованного сообщения|Begin forwarded message)\s*:\s*$", re.I
)
# «12.03.2026, 10:15, "Иван" <i@x.ru> пишет:», «On Mon, 3 Mar 2026 at 10:00, Ann wrote:».
_ATTRIBUTION = re.compile(r"^.{0,300}\b(?:пишет|написал\(?а?\)?|wrote|writes)\s*:\s*$", re.I)
_ATTRIBUTION_START = re.compile(r"^\s*(?:On\s.+|\d{1,2}[./]\d{1,2}[./]\d{2,4}.*|.*\d{4}\s*г\..*)$")
# Outlook header block: «From:/От:» followed closely by «Sent:/Отправлено:/Date:/Subject:».
_HEADER_FROM = re.compile(r"^\s*\*?(?:From|От|Von)\s*:\*?\s+\S", re.I)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(?:Sent|Date|Subject|To|Отправлено|Дата|Тема|Кому|Gesendet)\s*:", re.I
)


def _history_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line) or _BARE_SEPARATOR.match(line) or _ATTRIBUTION.match(line):
            return index
        # Gmail wraps a long attribution over two lines: «On …, Name <» / «a@b.c> wrote:».
        if (
            index + 1 < len(lines)
            and _ATTRIBUTION_START.match(line)
            and _ATTRIBUTION.match(line + " " + lines[index + 1])
            and len(line) < 200
        ):
            return index
        if _HEADER_FROM.match(line) and any(
            _HEADER_NEXT.match(follow) for follow in lines[index + 1 : index + 5]
        ):
            return index
    return None


def split_quoted(text: str) -> tuple[str, str]:
    """Return (new_text, quoted_history); both stripped of surrounding blank lines."""
    lines = text.splitlines()
    cut = _history_start(lines)
    head, tail = (lines, []) if cut is None else (lines[:cut], lines[cut:])
    fresh = [line for line in head if not line.lstrip().startswith(">")]
    quoted = [line for line in head if line.lstrip().startswith(">")] + tail
    return "\n".join(fresh).strip(), "\n".join(quoted).strip()


def inline_answers(text: str) -> list[tuple[str, str]]:
    """(question, answer) of a reply written between the quoted lines of the letter it
    answers («> 1. Приоритет: не указан…» / «Высокий.» / «> 2. Базовое ПО: …» / «…»).

    The answers are the partner's new text; the quoted paragraph above each says which item
    it answers. Lines after the partner's signature marker are not answers."""
    lines = text.splitlines()
    cut = _history_start(lines)
    tail = lines[cut + 1 :] if cut is not None else lines
    pairs: list[tuple[str, str]] = []
    question: list[str] = []
    answer: list[str] = []
    for line in tail:
        if line.lstrip().startswith(">"):
            if answer:
                pairs.append((" ".join(question), "\n".join(answer).strip()))
                question, answer = [], []
            quoted = line.lstrip()[1:].strip()
            # a blank quoted line: the question is the paragraph after it
            question = [*question, quoted] if quoted else []
        elif line.strip() == "--" or line.startswith("-- "):
            break
        elif question and (line.strip() or answer):
            answer.append(line)
    if question and answer:
        pairs.append((" ".join(question), "\n".join(answer).strip()))
    return [(q, a) for q, a in pairs if a]

"""The command syntax of a staff member's reply (R-HQ-5, R-MBX-7). Pure: text in, commands out.

One command per line of the reply's new text (the quoted history is already cut by the
parser; a signature is cut here). A line is a Russian or English command word, then its value:

    продлить 30                  approve_extension 30          (pin: + days, ≤ 30)
    отказать в продлении: текст  decline_extension: reason
    решено: текст                resolve: text                 (ticket solved, text to partner)
    вопрос: текст                request_info: text            (question to the partner)
    приоритет высокий            set_priority high             (срочный/высокий/нормальный/низкий)
    трекер ошибка                set_tracker bug               (ошибка/доработка/консультация)
    отклонить: причина           reject: reason
    закрыть: причина             close: reason
    открепить: причина           unpin: reason
    согласовать                  approve_pin
    отклонить закрепление: текст reject_pin: reason
    оплачено 2026-03-10          mark_paid 2026-03-10
    переоткрыть                  reopen
    комментарий: текст           comment: text                 (note for HQ, nothing sent)
    передать service_desk        reassign service_desk         (owner role, R-HQ-12)
    передать партнеру            redirect_to_partner           (a partner's client, R-PIN-26)
    ответ: текст                 reply: text                   (free text to the partner)
    объединить TCM-000123        merge TCM-000123              (into that case, R-THR-13)
    выделить 12 14               split 12,14                   (letters 12 and 14 into a new case)

Any other action code works in English as `action: text` or `action key=value …`. A reply that
holds no command word at all is free text for the partner (the `reply` action). A line that
starts like a command but does not parse, or commands mixed with other text, is ambiguous:
nothing is done and the staff member is asked (`SyntaxProblem`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Actions whose free-text value is a reason rather than a text to the partner.
REASON_ACTIONS = frozenset(
    {
        "close",
        "reject",
        "reject_pin",
        "decline_extension",
        "decline_feature",
        "unpin",
        "hold_unpin",
        "decline",
        "cancel",
        "extend_deadline",
    }
)
# Actions whose value after a space is one word, named by its parameter.
VALUE_PARAMS = {
    "approve_extension": "days",
    "set_priority": "priority",
    "set_tracker": "tracker",
    "mark_paid": "payment_date",
    "approve_partner": "role",
    "merge": "into",
    "reclassify": "kind",
    "log_hours": "hours",
    "set_payment_term": "days",
    "reassign": "role",
    "split": "letter",  # R-THR-13: the letter's number, as `partnerdesk show` lists it
}
# Russian words (lower case, ё as е) → action codes; longer phrases first when matching.
RUSSIAN = {
    "отказать в продлении": "decline_extension",
    "отклонить закрепление": "reject_pin",
    "отклонить продление": "decline_extension",
    "продлить": "approve_extension",
    "решено": "resolve",
    "решение": "resolve",
    "вопрос": "request_info",
    "запросить": "request_info",
    "приоритет": "set_priority",
    "трекер": "set_tracker",
    "отклонить": "reject",
    "отказать": "reject",
    "закрыть": "close",
    "открепить": "unpin",
    "согласовать": "approve_pin",
    "закрепить": "approve_pin",
    "оплачено": "mark_paid",
    "переоткрыть": "reopen",
    "комментарий": "comment",
    "заметка": "comment",
    "ответ": "reply",
    "ответить": "reply",
    "передать партнеру": "redirect_to_partner",
    "перенаправить партнеру": "redirect_to_partner",
    "передать": "reassign",
    "объединить": "merge",
    "выделить": "split",
    "разделить": "split",
}
RUSSIAN_VALUES = {
    "set_priority": {
        "срочный": "urgent",
        "срочно": "urgent",
        "высокий": "high",
        "нормальный": "normal",
        "обычный": "normal",
        "средний": "normal",
        "низкий": "low",
    },
    "set_tracker": {"ошибка": "bug", "доработка": "feature", "консультация": "support"},
}
ALLOWED_VALUES = {
    "set_priority": ("urgent", "high", "normal", "low"),
    "set_tracker": ("bug", "feature", "support"),
}
# Where a signature starts: the RFC 3676 delimiter or a usual sign-off line.
_SIGNATURE = re.compile(
    r"^\s*(?:--\s*|_{3,}|с уважением\b.*|best regards\b.*|regards\b.*|спасибо[.!]?|"
    r"thanks[.!]?|отправлено с .*|sent from my .*)$",
    re.I,
)
_CODE = re.compile(r"^([a-z]+(?:_[a-z]+)*)\b\s*(.*)$", re.S)
_PARAM = re.compile(r"^([a-z_]+)=(\S+)$")
MIN_FREE_TEXT_WORDS = 3
# Words around a letter's number in `split` («выделить письмо № 12»).
_LETTER_WORDS = frozenset({"письмо", "письма", "писем", "letter", "letters", "№", "#", "и", "and"})


@dataclass(frozen=True, slots=True)
class Command:
    action: str
    params: dict[str, Any] = field(default_factory=dict)
    line: str = ""


class SyntaxProblem(Exception):
    """The reply cannot be read as commands; the message says which line and the right form."""


def command_lines(new_text: str) -> list[str]:
    """The non-empty lines of the new text up to the signature."""
    lines: list[str] = []
    for raw in new_text.splitlines():
        if _SIGNATURE.match(raw):
            break
        if raw.strip():
            lines.append(raw.strip())
    return lines


def parse_commands(new_text: str, known_actions: frozenset[str]) -> list[Command]:
    """The commands of a reply; free text becomes one `reply`. Raises SyntaxProblem."""
    lines = command_lines(new_text)
    if not lines:
        return []
    read = [_command(line, known_actions) for line in lines]
    if all(item is None for item in read):
        text = "\n".join(lines)
        if len(text.split()) < MIN_FREE_TEXT_WORDS:
            raise SyntaxProblem(
                f"«{text[:80]}» is neither a command nor a message long enough to send to the "
                "partner; to send it anyway write «ответ: текст» (reply: text)"
            )
        return [Command("reply", {"text": text}, lines[0])]
    for line, item in zip(lines, read, strict=True):
        if item is None:
            raise SyntaxProblem(
                f"the line «{line[:80]}» is not a command, and commands are in this reply too; "
                "write one command per line, and text for the partner as «ответ: текст»"
            )
    return [item for item in read if item is not None]


def _command(line: str, known: frozenset[str]) -> Command | None:
    """The command on one line, None when the line starts with no command word."""
    lowered = line.lower().replace("ё", "е")
    for phrase in sorted(RUSSIAN, key=len, reverse=True):
        if re.match(rf"{re.escape(phrase)}(?:\b|$)", lowered):
            return _with_value(RUSSIAN[phrase], line[len(phrase) :], line)
    match = _CODE.match(line.strip())
    if match is None:
        return None
    code = match.group(1).lower()
    if code in known:
        return _with_value(code, match.group(2), line)
    if "_" in code:
        raise SyntaxProblem(
            f"unknown action «{code}» in «{line[:80]}»; actions: {', '.join(sorted(known))}"
        )
    return None


def _with_value(action: str, rest: str, line: str) -> Command:
    rest = rest.strip()
    if rest.startswith(":"):
        text = rest[1:].strip()
        if not text:
            raise SyntaxProblem(f"«{line[:80]}»: write the text after the colon")
        if action in VALUE_PARAMS:
            return _value_command(action, text, line)
        return Command(action, {"reason" if action in REASON_ACTIONS else "text": text}, line)
    if not rest:
        if action in REASON_ACTIONS or action in {"reply", "comment", "request_info", "resolve"}:
            what = "причина" if action in REASON_ACTIONS else "текст"
            raise SyntaxProblem(f"«{line[:80]}»: write it as «{line.strip()}: {what}»")
        if action in ALLOWED_VALUES:
            raise SyntaxProblem(f"«{line[:80]}»: name the value, one of {_values(action)}")
        return Command(action, {}, line)
    tokens = rest.split()
    pairs = [_PARAM.match(token) for token in tokens]
    if all(pairs):
        return Command(action, {m.group(1): m.group(2) for m in pairs if m}, line)
    if action in VALUE_PARAMS:
        return _value_command(action, rest, line)
    raise SyntaxProblem(
        f"«{line[:80]}»: put a colon before the text («{line.split()[0]}: …») or give "
        "parameters as key=value"
    )


def _value_command(action: str, value: str, line: str) -> Command:
    words = value.split()
    if action == "split":  # «выделить письма № 12 и 14»: the numbers are the value
        numbers = [w for w in re.split(r"[\s,;]+", value) if w]
        numbers = [
            w.strip(".!").lstrip("#№")
            for w in numbers
            if w.lower().strip(".:") not in _LETTER_WORDS
        ]
        if not numbers or not all(n.isdigit() for n in numbers):
            raise SyntaxProblem(
                f"«{line[:80]}»: the letters' numbers in digits, as «partnerdesk show» lists "
                f"the case's letters, e.g. {_example(action)}"
            )
        return Command(action, {"letter": ",".join(dict.fromkeys(numbers))}, line)
    if len(words) != 1:
        raise SyntaxProblem(f"«{line[:80]}»: one value expected, e.g. {_example(action)}")
    word = words[0].strip(".,;!").lower().replace("ё", "е")
    word = RUSSIAN_VALUES.get(action, {}).get(word, word)
    if VALUE_PARAMS[action] == "days" and not word.isdigit():
        raise SyntaxProblem(f"«{line[:80]}»: the number of days in digits, e.g. {_example(action)}")
    allowed = ALLOWED_VALUES.get(action)
    if allowed is not None and word not in allowed:
        raise SyntaxProblem(f"«{line[:80]}»: the value must be one of {_values(action)}")
    return Command(action, {VALUE_PARAMS[action]: word}, line)


def _values(action: str) -> str:
    russian = RUSSIAN_VALUES.get(action, {})
    return ", ".join(f"{ru} ({en})" for ru, en in russian.items()) or ", ".join(
        ALLOWED_VALUES.get(action, ())
    )


def _example(action: str) -> str:
    return {
        "approve_extension": "«продлить 30»",
        "set_priority": "«приоритет высокий»",
        "set_tracker": "«трекер ошибка»",
        "mark_paid": "«оплачено 2026-03-10»",
        "split": "«выделить 12»",
        "merge": "«объединить TCM-000123»",
    }.get(action, f"«{action} значение»")

"""Phrases that agree with the words they follow (issue 24): a field's label decides whether
it is «не указан», «не указана», «не указано» or «не указаны» («не приложен…» for an
attachment), a reason is joined to «Нужно» with the conjunction its first word calls for, and
a list of problems names each problem once, in the partner's words, never by a field code.
The grammar comes from pymorphy3."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from parsers.morph import analyser
from replies.fields import field_help
from replies.labels import term

_HEAD_POS = frozenset({"NOUN", "ADJF", "PRTF"})
_ENDING = {"masc": "", "femn": "а", "neut": "о"}
# A label of a file to attach says so: «Скриншоты экрана сбоя (вложением)».
_ATTACHED = "(вложением)"
# «не указано» as the rules write it for any field: re-agreed with the field's label.
_NOT_GIVEN = re.compile(r"^не (?:указан|приложен)[аоы]?$")
# A problem of one row of a list: «строка 2: назначение: не указано».
_ROW = re.compile(r"^строка (\d+): ([^:]+): (.+)$")
_END = (".", "!", "?", "…")


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for n: 1 день, 3 дня, 5 дней, 21 день, 11 дней."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def days(n: int) -> str:
    """A count of calendar days with its noun: «1 день», «3 дня», «14 дней» (never «дн.»)."""
    return f"{n} {plural(n, 'день', 'дня', 'дней')}"


def calendar_days(n: int) -> str:
    """«1 календарный день», «3 календарных дня», «30 календарных дней»."""
    return f"{n} {plural(n, 'календарный день', 'календарных дня', 'календарных дней')}"


@lru_cache(maxsize=1024)  # labels are a small fixed set; parsing them cost 1 ms a reply
def _form(label: str) -> str:
    """The ending of «указан» that agrees with the label's head word."""
    head = re.split(r"[(:]", label, maxsplit=1)[0]
    if any(_nominative(word) for word in re.findall(r"\sи\s+([^\W\d_]+)", head)):
        return "ы"  # «Номер и дата договора», «Должность и ФИО»: two things named
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", head)
    if not words:
        return "о"
    first = words[0]
    if first.isupper() and len(first) > 1:  # ИНН, ОГРН, БИК: «номер», «код»
        return ""
    for parse in analyser().parse(first.lower()):
        tag = parse.tag
        if tag.POS in _HEAD_POS and tag.case == "nomn":
            if tag.number == "plur":
                return "ы"
            return _ENDING.get(str(tag.gender), "о")
    return "о"


def _nominative(word: str) -> bool:
    """True for a word that can head a noun phrase: «дата», «ФИО»; not «печатью»."""
    if word.isupper() and len(word) > 1:
        return True
    return any(
        p.tag.POS in _HEAD_POS and p.tag.case == "nomn" for p in analyser().parse(word.lower())
    )


def not_given(label: str) -> str:
    """«не указан» in the form that agrees with `label` («Оценка …» → «не указана»); for a
    file to attach «не приложен…» («Скриншоты … (вложением)» → «не приложены»)."""
    verb = "приложен" if _ATTACHED in label else "указан"
    return f"не {verb}{_form(label)}"


def need(why: str) -> str:
    """«Нужно» joined to its reason: «Нужно, чтобы …», «Нужно для …», «Нужно, так как …»."""
    first = why.split(maxsplit=1)[0].lower() if why.strip() else ""
    if first == "чтобы":
        return f"Нужно, {why}"
    if first in {"для", "ради"}:
        return f"Нужно {why}"
    return f"Нужно, так как {why}"


def agreed(label: str, participle: str) -> str:
    """A short participle that agrees with `label`: («Заявка …», «отклонен») → «отклонена»."""
    return participle + _form(label)


def sentence(text: Any) -> str:
    """`text` (HQ's own words) as a finished sentence: a full stop added only where none is."""
    words = " ".join(str(text or "").split())
    if not words or words.endswith(_END):
        return words
    return words + "."


def and_list(items: Iterable[str]) -> str:
    """«A», «A и B», «A, B и C»."""
    words = [str(item) for item in items]
    return " и ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def term_of(code: str, group: str) -> str:
    """A term by its code, for a list of codes: `codes | map("term_of", "document")`."""
    return term(group, code)


def quoted(names: Iterable[str]) -> str:
    """File names as the partner reads them: «scan.pdf», «log.zip»."""
    return ", ".join(f"«{name}»" for name in names)


def _example(code: str) -> str:
    help_ = field_help(code)
    if not help_.example:
        return ""
    hint = f" ({help_.hint})" if help_.hint else ""
    return f" Пример: {sentence(help_.example + hint)}"


def missing_line(code: str) -> str:
    """One line of a clarification (R-VAL-7): label, «не указан…», example, why it is needed."""
    help_ = field_help(code)
    return f"{help_.label} — {not_given(help_.label)}.{_example(code)} {need(help_.why)}."


def invalid_line(item: Mapping[str, Any]) -> str:
    """One line for a value that is wrong: the problem, what the letter said, an example."""
    lines = problem_lines([item]) or [field_help(str(item["field"])).label + " — неверный формат"]
    line = "; ".join(lines)
    raw = str(item.get("raw") or "")
    if raw:
        said = f"в письме: «{raw}»"
        line = f"{line[:-1]}; {said})" if line.endswith(")") else f"{line} ({said})"
    return f"{line}.{_example(str(item['field']))}"


def problem_lines(items: Iterable[Mapping[str, Any]]) -> list[str]:
    """«<label> — <problem>» per problem, each said once: a problem of a list row is named
    by its row, a problem already named under another field is left out, «не указано» agrees
    with the label, and a problem that starts with the label does not repeat it."""
    lines: list[str] = []
    seen: set[str] = set()
    for item in items:
        label = field_help(str(item["field"])).label
        reason = " ".join(str(item.get("reason") or "").split())
        parts = reason.split("; ")
        rows = [m for m in map(_ROW.match, parts) if m]
        if len(rows) == len(parts):
            found = [(f"Строка {m[1]}, {m[2]}", m[3], m[0]) for m in rows]
        else:
            found = [(label, reason, f"{label}: {reason}")]
        for name, problem, key in found:
            if key in seen:
                continue
            seen.add(key)
            lines.append(_labelled(name, problem))
    return lines


def _labelled(label: str, problem: str) -> str:
    if not problem or _NOT_GIVEN.match(problem):
        return f"{label} — {not_given(label)}"
    head = re.split(r"\s*[(:]", label, maxsplit=1)[0]
    if problem.lower().startswith(head.lower() + " "):
        return head + problem[len(head) :]  # «Расчетный счет не соответствует БИК»
    return f"{label} — {problem}"


def unlabelled(raw: str, code: str) -> str:
    """A value as the letter gave it, without its own label in front («Желаемое время
    проведения настроек: 16.03.2026» → «16.03.2026»)."""
    label = field_help(code).label
    head, colon, value = str(raw).partition(":")
    if colon and head.strip().lower() == label.lower():
        return value.strip()
    return str(raw)


# Registered in every letter's environment (replies/render.py).
FILTERS = {
    "not_given": not_given,
    "need": need,
    "agreed": agreed,  # issue 24: «Заявка … отклонена»
    "sentence": sentence,
    "days": days,
    "calendar_days": calendar_days,
    "quoted": quoted,
    "and_list": and_list,
    "term_of": term_of,
    "missing_line": missing_line,
    "invalid_line": invalid_line,
    "problem_lines": problem_lines,
    "unlabelled": unlabelled,
}

"""Phrases that agree with the words they follow (issue 24): a field's label decides whether
it is «не указан», «не указана», «не указано» or «не указаны», and a reason is joined to
«Нужно» with the conjunction its first word calls for. The grammar comes from pymorphy3."""

from __future__ import annotations

import re

from parsers.morph import analyser

_HEAD_POS = frozenset({"NOUN", "ADJF", "PRTF"})
_ENDING = {"masc": "", "femn": "а", "neut": "о"}


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
    """«не указан» in the form that agrees with `label` («Оценка …» → «не указана»)."""
    return "не указан" + _form(label)


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

"""The subject of every letter about a case (R-NTF-2): `[TCM-NNNNNN] <kind title>: <topic>`,
the partner's own topic, the same through the whole thread. The state of the case goes in
the first line of the text, so a partner's mail client keeps the thread together and the
letter never asks to «keep the subject unchanged» while changing it itself."""

from __future__ import annotations

import re

from replies.labels import kind_title

# Reply and forward prefixes of R-THR-5, repeated in any order.
_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|fw|ответ|отв|на|пересл)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
# Case tags, ours or quoted with Cyrillic look-alikes (R-THR-5).
_TAG = re.compile(r"\[?\s*[TТ][CС][MМ]\s*-?\s*№?\s*\d+\s*\]?", re.I)
# The most of the partner's topic a subject carries.
MAX_TOPIC = 80


def thread_topic(subject: str | None) -> str:
    """The partner's topic: their first subject without prefixes, case tags and folding."""
    text = " ".join((subject or "").split())
    while True:
        cleaned = _PREFIX.sub("", _TAG.sub(" ", text)).strip(" -:—")
        cleaned = " ".join(cleaned.split())
        if cleaned == text:
            break
        text = cleaned
    if not text:
        return "без темы"
    return text if len(text) <= MAX_TOPIC else text[: MAX_TOPIC - 1].rstrip() + "…"


def thread_subject(case_number: str | None, kind: str, subject: str | None) -> str:
    """`[TCM-NNNNNN] <kind title>: <topic>` (R-NTF-2)."""
    return f"[{case_number}] {kind_title(kind)}: {thread_topic(subject)}"

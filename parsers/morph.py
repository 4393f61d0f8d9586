"""Russian word forms through pymorphy3: labels and cue words are matched by lemma.

One analyser is loaded once per process (about 15 MB, shared by every letter); lemmas are
cached, a bounded number, because letters repeat the same few hundred words. Latin words
and numbers pass through lowercased, so «СУБД», «PostgreSQL» and «1С» compare as written.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pymorphy3

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]", re.I)


@cache
def analyser() -> pymorphy3.MorphAnalyzer:
    """The one analyser of this process (its dictionary is loaded on first use)."""
    return pymorphy3.MorphAnalyzer()


# Bounded for a service that runs for months: every distinct word form stays, about 370
# bytes each, so 65536 of them held 22 MB; 16384 hold 6 MB, and a miss costs 46 µs.
@lru_cache(maxsize=16384)
def lemma(word: str) -> str:
    """The dictionary form of one word (`договора` → `договор`), lowercased, ё → е."""
    low = word.lower().replace("ё", "е")
    if not _CYRILLIC.search(low):
        return low
    return analyser().parse(low)[0].normal_form.replace("ё", "е")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def lemmas(text: str) -> list[str]:
    """The lemmas of every word of `text`, in order."""
    return [lemma(w) for w in _WORD.findall(text)]


def lemma_text(text: str) -> str:
    """`text` as a space-joined string of lemmas, for phrase search by lemma."""
    return " ".join(lemmas(text))


def has_phrase(text: str, phrase: str) -> bool:
    """True when the lemmas of `phrase` occur in `text` as consecutive words."""
    needle = lemmas(phrase)
    if not needle:
        return False
    hay = lemmas(text)
    n = len(needle)
    return any(hay[i : i + n] == needle for i in range(len(hay) - n + 1))


@lru_cache(maxsize=16384)
def reading(word: str) -> tuple[str, str]:
    """(part of speech, case) of the likeliest reading of `word`, "" where it has none."""
    tag = analyser().parse(word.lower())[0].tag
    return str(tag.POS or ""), str(tag.case or "")


def genitive_word(word: str) -> bool:
    """A noun or adjective whose likeliest reading is genitive («формирования», «вендора»):
    a word that goes on the name before it."""
    part, case = reading(word)
    return part in ("NOUN", "ADJF") and case == "gent"


def inflect(word: str, *grammemes: str) -> str:
    """`word` in the given grammatical form (e.g. «указан», "femn"), or unchanged."""
    parsed = analyser().parse(word)[0]
    form = parsed.inflect(set(grammemes))
    return form.word if form is not None else word

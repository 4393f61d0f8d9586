"""Possible offensive language, flagged for HQ (R-TKT-17, seed 004 §3.7 «ненормативная лексика»).

The bot only flags; HQ decides whether to refuse with `offensive_language`. Obscene roots are
matched as roots (the analyser knows few of their forms); insults aimed at people and rude
verbs are matched by lemma, so every case and tense of them counts.
"""

from __future__ import annotations

import re

from parsers import morph

# Russian obscene roots, anchored at the start of a word (with the usual verbal prefixes)
# so that «употреблять», «себестоимость» or «хуже» never match.
_OBSCENE = re.compile(
    r"(?<![а-яё])(?:"
    r"(?:на|по|от|вы|раз|до|за|у|при|о)?ху[йеёяию](?!же)[а-яё]*|"
    r"(?:на|по|от|вы|раз|до|за|у|при|с)?пизд[а-яё]*|"
    r"(?:на|по|от|вы|раз|до|за|у|при|в|под|пере)?(?:ёб|еб)(?:а|ан|ал|ут|ну|л|ись|ище)[а-яё]*|"
    r"бля(?:дь|ть|ди|дск[а-яё]*|х)?(?![а-яё])|"
    r"муда[кч][а-яё]*|мудил[а-яё]*|"
    r"сук(?:а|и|у|е|ой)(?![а-яё])|"
    r"гов[её]?н[а-яё]*|дерьм[а-яё]*"
    r")",
    re.I,
)
# Insults and rude words by lemma: what a letter calls the people it writes to.
OFFENSIVE_LEMMAS = frozenset(
    {
        "идиот",
        "дебил",
        "кретин",
        "придурок",
        "дурак",
        "урод",
        "бездарь",
        "бездарный",
        "тупица",
        "тупой",
        "криворукий",
        "скотина",
        "сволочь",
        "ублюдок",
        "дармоед",
        "халтурщик",
        "накосячить",
        "задолбать",
        "задолбаться",
        "заколебать",
        "охренеть",
        "офигеть",
        "обнаглеть",
    }
)
_MIN_LEMMA_HITS = 2  # one rude word may be a quote or a joke; two make the tone
# Words that insult on their own.
_STRONG = frozenset({"дебил", "идиот", "ублюдок", "кретин", "скотина", "сволочь"})


def offensive(text: str) -> str | None:
    """What makes the text possibly offensive, or None."""
    if match := _OBSCENE.search(text):
        return f"obscene word «{match.group(0)}»"
    hits = sorted({w for w in morph.lemmas(text) if w in OFFENSIVE_LEMMAS})
    if len(hits) >= _MIN_LEMMA_HITS or _STRONG & set(hits):
        return "abusive words «" + "», «".join(hits) + "»"
    return None

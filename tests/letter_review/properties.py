"""What every letter to a partner must be, checked on the text (issue 24, R-NTF-2, R-NTF-4,
R-NTF-5): each function returns the faults it finds, empty when there are none."""

from __future__ import annotations

import re

from tests.letter_review.desk import Reply

# Latin words a letter may use: the Service Desk's own parameter names (000 §4.3), the time
# zone, and product or format names. Anything else in Latin letters is a code or a state.
LATIN_ALLOWED = frozenset(
    {"Service", "Desk", "Tracker", "Priority", "GMT", "XML", "PostgreSQL", "ping", "t", "e", "mail"}
)
THREAD_RULE = "по новому вопросу — новое письмо (одно письмо — один вопрос)"
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+")
_CASE = re.compile(r"\[?TCM-\d{6}\]?")
_FILE = re.compile(r"[\w.-]+\.(?:pdf|png|jpg|log|zip|docx|xlsx|sig|txt)\b", re.I)
_LATIN = re.compile(r"[A-Za-z]+")
_MOMENT = re.compile(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}(?! \(GMT[+-]\d+\))")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n")
_LEADS = ("Что дальше", "Пожалуйста", "С уважением")
# A negated short participle: «не гарантировано», «не получен», «не закреплен».
_DENIAL = re.compile(r"\bне\s+([а-яё]{4,}?)(?:ан|ен|ян)[аоы]?\b")


def latin_words(letter: Reply) -> list[str]:
    """Latin words outside addresses, case numbers and file names that are not allowed."""
    plain = _FILE.sub(" ", _CASE.sub(" ", _ADDRESS.sub(" ", f"{letter.subject}\n{letter.text}")))
    return sorted({w for w in _LATIN.findall(plain) if w not in LATIN_ALLOWED})


def empty_lists(letter: Reply) -> list[str]:
    """Lines that announce a list («…:») with nothing after them."""
    lines = letter.text.splitlines()
    faults = []
    for i, line in enumerate(lines):
        if not line.endswith(":"):
            continue
        following = next((ln for ln in lines[i + 1 :] if ln.strip()), "")
        if not following or following.startswith(_LEADS):
            faults.append(line)
    return faults


def repeated_sentences(letter: Reply) -> list[str]:
    """Sentences said twice in one letter."""
    seen: set[str] = set()
    twice = []
    for sentence in _SENTENCE.split(letter.text):
        words = " ".join(sentence.lower().split()).strip(" •.;")
        if len(words) < 20:
            continue
        if words in seen:
            twice.append(sentence)
        seen.add(words)
    return twice


def repeated_denials(letter: Reply) -> list[str]:
    """The same thing denied in two sentences of the body, outside a list («Срок выполнения
    не гарантирован. Выполнение доработки не гарантировано…», issue 24); the first line, the
    state of the case, is a heading the body may repeat."""
    first: dict[str, str] = {}
    twice = []
    for sentence in _SENTENCE.split(letter.text.partition("\n")[2]):
        if sentence.lstrip().startswith("•"):
            continue
        for stem in set(_DENIAL.findall(sentence.lower())):
            if stem in first:
                twice.append(f"«{first[stem]}» / «{sentence}»")
            first.setdefault(stem, sentence)
    return twice


def bare_moments(letter: Reply) -> list[str]:
    """Date-times without their time zone (R-NTF-4)."""
    return _MOMENT.findall(f"{letter.subject}\n{letter.text}")


def layout_faults(letter: Reply) -> list[str]:
    """R-NTF-5 and R-NTF-2: what to do next, then the thread rule; the case number in the
    subject; no placeholder left by a missing value."""
    faults = []
    text = letter.text
    if "Что дальше:" not in text:
        faults.append("no «Что дальше»")
    if THREAD_RULE not in text:
        faults.append("no thread rule")
    elif "Что дальше:" in text and text.index("Что дальше:") > text.index(THREAD_RULE):
        faults.append("the thread rule before «Что дальше»")
    if letter.template not in ("outage", "outage_end"):  # not about one case (R-TKT-21)
        if not re.match(r"\[TCM-\d{6}\] \S", letter.subject):
            faults.append(f"subject without its case number: {letter.subject}")
        if not re.match(r"Номер (?:обращения|письма): TCM-\d{6}\. \S", text):
            faults.append("the first line does not give the case number and the state")
    for stray in ("None", "()", "  ", " .", " ,", "..", ",.", "—, ", "\n\n\n"):
        if stray in text.replace("...", ""):
            faults.append(f"stray {stray!r}")
    return faults


def faults_of(letter: Reply) -> dict[str, list[str]]:
    """Every fault of a letter by kind; empty lists where there is none."""
    return {
        "Latin words (codes, states)": latin_words(letter),
        "empty lists": empty_lists(letter),
        "sentences said twice": repeated_sentences(letter),
        "the same denial twice": repeated_denials(letter),
        "moments without a time zone": bare_moments(letter),
        "layout": layout_faults(letter),
    }

"""Lines a mail client wrapped, joined again (The Bat!, Thunderbird and mutt send plain text
wrapped at about 72 columns, so a sentence, a quoted name or a contract number goes on on
the next line). Prose readers join them; label readers keep the lines as they are.
"""

from __future__ import annotations

import re

_LINE_END = re.compile(r"(\S+)[ \t]*\n[ \t]*(?=(\S))")
# Words no sentence ends with: the line after them goes on with it, capitalised or not.
_GOES_ON = re.compile(r"и|или|а|но|в|во|на|по|с|со|к|у|о|об|от|для|при|не", re.I)


def unwrapped(paragraph: str) -> str:
    """A paragraph with the lines a mail client wrapped joined: a line goes on when the next
    starts with a small letter or a bracket, or when it ends with a conjunction, a
    preposition, «№» or a dash."""

    def join(match: re.Match[str]) -> str:
        word, after = match.group(1), match.group(2)
        goes_on = (
            after.islower()
            or after == "("
            or word in ("№", "—", "–", "-", "ИНН", "(ИНН")  # «ЛД №» / «ТК-2025/041» next
            or bool(_GOES_ON.fullmatch(word))
        )
        if goes_on and word[-1] not in ".!?:;" and not word[-1].isdigit():
            return word + " "
        return match.group(0)

    return _LINE_END.sub(join, paragraph)

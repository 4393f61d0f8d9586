"""A letter forwarded inline: «Fwd:» and a forward separator before the passed-on text.

The forwarded letter is what the sender passes on, not a history of this conversation
(R-MBX-7 reads a forward as its original), so it counts like an attached letter (R-MBX-10)
for the kind and the fields. A forward of a case letter (a case tag in the subject) stays
history (R-MBX-11).
"""

from __future__ import annotations

import re

from parsers.types import ParsedLetter

_FORWARD_PREFIX = re.compile(r"^\s*(?:fwd?|fw|пересл|переслано|перес)\s*:", re.I)
_FORWARD_SEPARATOR = re.compile(
    r"^\W*(?:-{2,}\s*)?(?:пересылаемое\s+сообщение|переадресованное\s+сообщение|"
    r"начало\s+переадресованного\s+сообщения|forwarded\s+message|begin\s+forwarded\s+message)",
    re.I,
)
# R-THR-5: a case tag, Cyrillic look-alikes of T, C, M tolerated.
_CASE_TAG = re.compile(r"(?<!\w)[TТ]\s*[CС]\s*[MМ]\s*[-–—_]?\s*№?\s*\d{1,9}(?!\d)", re.I)
MAX_CHARS = 20000


def inline_forward_text(letter: ParsedLetter) -> str:
    """The text of the letter forwarded inline, or "" when the quoted text is history."""
    subject = letter.subject
    if not _FORWARD_PREFIX.match(subject) or _CASE_TAG.search(subject[:1000]):
        return ""
    quoted = letter.quoted_text
    return quoted[:MAX_CHARS] if _FORWARD_SEPARATOR.match(quoted) else ""

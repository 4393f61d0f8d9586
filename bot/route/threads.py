"""Thread matching (R-THR-4, R-THR-5): references first, then the case tag in the subject."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from parsers.types import ParsedLetter

# Latin letters of a case prefix and the Cyrillic look-alikes partners' keyboards produce.
_LOOKALIKES = {
    "A": "AА",
    "B": "BВ",
    "C": "CС",
    "E": "EЕ",
    "H": "HН",
    "K": "KК",
    "M": "MМ",
    "O": "OО",
    "P": "PР",
    "T": "TТ",
    "X": "XХ",
    "Y": "YУ",
}


def tag_pattern(prefix: str) -> re.Pattern[str]:
    """A case tag such as TCM-000123, tolerant of Cyrillic look-alikes, spaces, «№», case."""
    letters = prefix.rstrip("-_ ")
    parts = []
    for char in letters:
        upper = char.upper()
        variants = _LOOKALIKES.get(upper, upper) + _LOOKALIKES.get(upper, upper).lower()
        parts.append(f"[{re.escape(variants)}]")
    body = "".join(parts)
    return re.compile(rf"(?<![\w]){body}\s*[-–—_]?\s*(?:№\s*)?(\d{{1,9}})(?!\d)")


# The most tags of one subject that are looked up (issue 19: 60 000 made-up numbers).
MAX_TAGS = 20


def find_case_numbers(
    text: str, prefix: str, number_format: str, limit: int = MAX_TAGS
) -> list[str]:
    """Canonical case numbers tagged in `text`, in order of appearance, without repeats;
    at most `limit` of them, each of which costs the caller a look-up."""
    found: dict[str, None] = {}
    for match in tag_pattern(prefix).finditer(text):
        found[number_format.format(seq=int(match.group(1)))] = None
        if len(found) >= limit:
            break
    return list(found)


@dataclass(frozen=True, slots=True)
class ThreadMatch:
    case_id: int | None
    via: str  # "references", "subject-tag", "body" or "none"
    unknown_tags: tuple[str, ...] = ()
    # R-THR-10: further existing cases tagged in the subject after the one that won.
    other_tags: tuple[str, ...] = ()


# A bounce returns the headers of the letter it could not deliver (RFC 3462/6522): Postfix
# and most servers send no In-Reply-To, so the returned Message-ID is what ties it to a case.
_RETURNED_HEADERS = frozenset({"text/rfc822-headers", "message/rfc822-headers"})
_MESSAGE_ID_LINE = re.compile(rb"^message-id:[ \t]*(<[^>\r\n]{1,250}>)", re.I | re.M)


def returned_ids(letter: ParsedLetter) -> list[str]:
    """Message-IDs of the returned headers a delivery report carries (issue 19)."""
    found = []
    for part in letter.attachments:
        if part.content_type in _RETURNED_HEADERS:
            found += [m.decode("ascii", "replace") for m in _MESSAGE_ID_LINE.findall(part.payload)]
    return found[:5]


def match_thread(
    letter: ParsedLetter,
    case_by_message_ids: Callable[[Iterable[str]], int | None],
    case_by_number: Callable[[str], int | None],
    prefix: str,
    number_format: str,
) -> ThreadMatch:
    """In-Reply-To/References against every Message-ID a case has seen, then the subject tag.

    A changed subject with intact References stays in its thread; a letter with neither
    is a new case, even from the same sender.
    """
    referenced = [*letter.in_reply_to, *reversed(letter.references), *returned_ids(letter)]
    if referenced:
        case_id = case_by_message_ids(referenced)
        if case_id is not None:
            return ThreadMatch(case_id, "references")
    unknown: list[str] = []
    first: int | None = None
    others: list[str] = []
    for number in find_case_numbers(letter.subject, prefix, number_format):
        case_id = case_by_number(number)
        if case_id is None:
            unknown.append(number)  # R-THR-6: a tag of a number that does not exist is ignored
        elif first is None:
            first = case_id  # R-THR-10: the first tag in the subject wins
        elif case_id != first:
            others.append(number)
    if first is not None:
        return ThreadMatch(first, "subject-tag", tuple(unknown), tuple(others))
    return ThreadMatch(None, "none", tuple(unknown))


def body_case_number(text: str, prefix: str, number_format: str) -> str | None:
    """R-THR-4 step 3: the one case number the new text names («по заявке TCM-000123»).

    Two or more named numbers are not guessed between: the kind-specific follow-up
    matching (a report on several pinned clients, R-PIN-21) decides those.
    """
    numbers = find_case_numbers(text, prefix, number_format, limit=2)
    return numbers[0] if len(numbers) == 1 else None

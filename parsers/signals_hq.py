"""Letters from HQ itself: never a partner request (R-MBX-7), a command when it says one (R-HQ-5).

A letter counts as HQ's when its sender is a configured staff address or writes from the
vendor's own domain (or a subdomain), unless the mail server says the sender failed
authentication (R-ID-5: a forged From of our domain is nobody's).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from parsers import morph
from parsers.auto_content import auth_failed
from parsers.types import ParsedLetter

# R-THR-5: a case tag, Cyrillic look-alikes of T, C, M tolerated.
CASE_TAG = re.compile(r"(?<!\w)[TТ]\s*[CС]\s*[MМ]\s*[-–—_]?\s*№?\s*(\d{1,9})(?!\d)", re.I)
# R-HQ-5: the action codes of spec §4–§5 as HQ staff type them («assign(…)», «approve»).
_ACTION_CODES = re.compile(
    r"\b(?:assign|reassign|approve(?:_\w+)?|reject(?:_\w+)?|decline(?:_\w+)?|request_info|defer|"
    r"unpin|hold_unpin|extend_deadline|mark_\w+|log_hours|complete|resolve|reclassify|split|"
    r"set_(?:priority|tracker|payment_term)|send_license_docs|redirect_to_partner|close)\b",
    re.I,
)
# The same decisions in Russian, by lemma: «согласовано», «назначаю», «отклонить» …
_COMMAND_LEMMAS = frozenset(
    {
        "согласовать",
        "согласовывать",
        "назначить",
        "назначать",
        "переназначить",
        "одобрить",
        "одобрять",
        "утвердить",
        "отклонить",
        "отклонять",
        "продлить",
        "открепить",
        "отказать",
        "отложить",
        "перенаправить",
    }
)


def is_hq_sender(
    letter: ParsedLetter, own_domains: Collection[str], hq_staff: Collection[str]
) -> bool:
    """The sender is HQ staff: a configured address or the vendor's own domain (R-MBX-7)."""
    sender = (letter.from_addr or "").lower()
    if not sender or auth_failed(letter):
        return False
    if sender in {address.lower() for address in hq_staff}:
        return True
    domain = sender.rpartition("@")[2]
    return any(domain == own or domain.endswith("." + own) for own in map(str.lower, own_domains))


def case_numbers(text: str, limit: int = 20) -> list[str]:
    """The first `limit` case numbers named in `text`, as TCM-NNNNNN (R-THR-5), no repeats.

    Bounded: a subject may carry thousands of tags (R-NTF-3).
    """
    found: dict[str, None] = {}
    for match in CASE_TAG.finditer(text):
        found[f"TCM-{int(match.group(1)):06d}"] = None
        if len(found) >= limit:
            break
    return list(found)


def hq_command(letter: ParsedLetter) -> str | None:
    """Why an HQ staff letter is a command on a case (R-HQ-5), or None for other HQ mail."""
    text = letter.new_text[:4000]
    numbers = case_numbers(f"{letter.subject[:1000]}\n{text}", limit=1)
    if numbers:
        return f"HQ letter about {numbers[0]}"
    if match := _ACTION_CODES.search(text):
        return f"HQ action code «{match.group(0)}»"
    words = set(morph.lemmas(text))
    if found := sorted(words & _COMMAND_LEMMAS):
        return f"HQ decision «{found[0]}»"
    return None

"""Threading steps beyond headers and subject: a case number in the body (R-THR-4 step 3)
and the flag for a subject that tags several cases (R-THR-10). Reads only."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.route.threads import body_case_number
from bot.store.models import Case
from parsers.types import ParsedLetter

# R-THR-10: the code of the flag for a subject that tags several cases.
MULTIPLE_TAGS = "multiple_tags"


def case_named_in_body(
    session: Session, letter: ParsedLetter, prefix: str, number_format: str
) -> Case | None:
    """The case the letter's own text names (quoted history excluded, R-MBX-11), following
    merge aliases (R-THR-13). The caller still checks that the sender owns it (R-THR-7)."""
    number = body_case_number(letter.new_text, prefix, number_format)
    if number is None:
        return None
    case = session.scalar(select(Case).where(Case.number == number))
    seen: set[int] = set()
    while case is not None and (case.attrs or {}).get("merged_into") and case.id not in seen:
        seen.add(case.id)
        case = session.scalar(select(Case).where(Case.number == case.attrs["merged_into"]))
    return case


def multiple_tags_flag(other_tags: Iterable[str]) -> str | None:
    """R-THR-10: «multiple_tags:TCM-000003,…» when the subject tags further cases."""
    others = list(other_tags)
    return f"{MULTIPLE_TAGS}:{','.join(others)}" if others else None

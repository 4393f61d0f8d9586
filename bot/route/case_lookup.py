"""Which case a raw letter belongs to, from its headers alone.

Used when the letter could not be parsed (quarantine): its case is still marked, so HQ sees
the problem where it happened.
"""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.ingest import MESSAGE_ID
from bot.route.threads import find_case_numbers
from bot.store.models import Case, ThreadKey


def case_from_headers(session: Session, raw: bytes, prefix: str, number_format: str) -> Case | None:
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024])
    ids = MESSAGE_ID.findall(f"{headers.get('In-Reply-To', '')} {headers.get('References', '')}")
    if ids:
        case_id = session.scalar(select(ThreadKey.case_id).where(ThreadKey.message_id.in_(ids)))
        if case_id is not None:
            return session.get(Case, case_id)
    for number in find_case_numbers(str(headers.get("Subject", "")), prefix, number_format):
        found = session.scalar(select(Case).where(Case.number == number))
        if found is not None:
            return found
    return None

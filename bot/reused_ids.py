"""A known Message-ID on another letter (R-MBX-1, issue 19).

Dedupe by Message-ID alone let anyone who knew one (a partner's letter quoted to another)
make a new letter vanish as a "duplicate". The same letter delivered twice differs only in
trace fields; a letter that says something else is stored as a letter of its own and
quarantined, so HQ decides whether it is genuine.
"""

from __future__ import annotations

import hashlib
import re

from bot.store.models import Letter

# Fields a relay or mailbox adds on the way: one letter delivered twice (SMTP and IMAP, an MTA
# retry) differs only in these, so they are not part of what the letter says.
_TRACE = re.compile(
    rb"(received|return-path|delivered-to|x-[^:]*|arc-[^:]*|authentication-results|status"
    rb"|content-length|lines)[ \t]*:",
    re.IGNORECASE,
)
REUSED_MESSAGE_ID = "reused Message-ID"


def content_digest(raw: bytes) -> str:
    """sha256 of what the letter says: every header but the trace fields, and the body, line
    endings normalised. Chosen over From+Date+Subject+body: a letter that changes To,
    References or an attachment header under a known Message-ID is another letter too."""
    data = raw.replace(b"\r\n", b"\n")
    head, _, body = data.partition(b"\n\n")
    fields = re.split(rb"\n(?![ \t])", head)
    digest = hashlib.sha256()
    for field in fields:
        if not _TRACE.match(field):
            digest.update(field + b"\n")
    digest.update(b"\n" + body.rstrip(b"\n"))
    return digest.hexdigest()


def reused(row: Letter, raw: bytes, sha: str) -> bool:
    """R-MBX-1: `raw` (sha256 `sha`) has the Message-ID of `row` and says something else."""
    if row.message_id is None or row.sha256 == sha:
        return False
    return content_digest(row.raw) != content_digest(raw)


def reused_note(row: Letter) -> str:
    return (
        f"{REUSED_MESSAGE_ID}: letter {row.id} came with the same Message-ID "
        f"{row.message_id} and other content (another sender or a forgery): compare them with "
        f"'partnerdesk show-letter {row.id}' and 'partnerdesk show-letter ID'; process a "
        "genuine letter with 'partnerdesk reprocess ID'"
    )


def awaits_quarantine(row: Letter) -> bool:
    """A reused Message-ID not yet quarantined; once HQ re-runs it, it is processed."""
    return row.processed_at is None and (row.reason or "").startswith(REUSED_MESSAGE_ID)

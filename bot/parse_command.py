"""`partnerdesk parse`: a letter read as the service would read it, with the settings' own
domain and HQ staff (R-MBX-7), and the mailbox taken from the recipients when not given."""

from __future__ import annotations

from datetime import datetime

from bot.ingest import Arrival, address_headers, mailbox_roles
from bot.settings import Settings
from parsers.report import parse_report


def not_a_letter(raw: bytes) -> str | None:
    """Why `raw` cannot be read as an e-mail letter at all (issue 25), or None. Only what is
    certain: an empty file, or a binary one (NUL bytes have no place in mail text, RFC 5322);
    header-less or broken text is still read, as the service would read it."""
    if not raw.strip():
        return "the file is empty"
    if b"\x00" in raw[:4096]:
        return "the file is binary, not an e-mail letter"
    return None


def read_letter(
    raw: bytes, role: str | None, received_at: datetime, settings: Settings
) -> dict[str, object]:
    """The `parse --json` report of one letter (kind, fields with evidence, findings)."""
    boxes = settings.mailboxes
    if role is None:
        own = {boxes.general_address: "general", boxes.support_address: "support"}
        roles = mailbox_roles(Arrival(raw=raw, received_at=received_at), address_headers(raw), own)
        role = roles[0] if roles else None
    # R-MBX-7: the vendor's own domain and HQ staff are never read as partner requests.
    staff = {*settings.hq.staff, *(a for group in settings.hq.roles.values() for a in group)}
    return parse_report(
        raw,
        role,
        received_at=received_at,
        own_domains=(boxes.domain,),
        hq_staff=tuple(sorted(staff)),
    )

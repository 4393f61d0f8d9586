"""Raw bytes → ParsedLetter, with mail-parser and the standard library where it falls short."""

from __future__ import annotations

import hashlib
import re
from email.utils import getaddresses, parseaddr

import mailparser

from parsers.errors import UnreadableLetter
from parsers.quotes import split_quoted
from parsers.types import Attachment, AttachmentClass, ParsedLetter

_MSGID = re.compile(r"<[^<>\s]+>")


def _ids(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(_MSGID.findall(value))


def _addresses(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(addr.lower() for _, addr in getaddresses([value]) if "@" in addr)


def _classify_attachment(filename: str, content_type: str) -> AttachmentClass:
    name = filename.lower()
    if content_type.startswith("image/"):
        return AttachmentClass.IMAGE
    if name.endswith((".log", ".trc", ".evtx")) or ("log" in name and name.endswith(".txt")):
        return AttachmentClass.LOG
    if name.endswith((".zip", ".7z", ".rar", ".gz", ".tgz")):
        return AttachmentClass.LOG if ("log" in name or "лог" in name) else AttachmentClass.ARCHIVE
    if name.endswith((".sig", ".p7s")):
        return AttachmentClass.SIGNATURE
    if name.endswith((".docx", ".doc", ".odt", ".pdf", ".xlsx", ".xls", ".rtf", ".csv", ".txt")):
        return AttachmentClass.DOCUMENT
    return AttachmentClass.OTHER


def _attachment(item: dict) -> Attachment:
    import base64

    payload_text = item.get("payload") or ""
    if item.get("binary"):
        payload = base64.b64decode(payload_text, validate=False)
    else:
        payload = payload_text.encode("utf-8", "replace")
    filename = item.get("filename") or "attachment"
    content_type = (item.get("mail_content_type") or "application/octet-stream").lower()
    return Attachment(
        filename=filename,
        content_type=content_type,
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
        cls=_classify_attachment(filename, content_type),
        inline=bool(item.get("content-id")),
        payload=payload,
    )


def _header_pairs(message) -> tuple[tuple[str, str], ...]:
    pairs = []
    for key, value in message.items():
        pairs.append((key.lower(), str(value)))
    return tuple(pairs)


def parse_letter(raw: bytes) -> ParsedLetter:
    """Decode a letter; raise UnreadableLetter when there is nothing we can read."""
    if not raw or not raw.strip():
        raise UnreadableLetter("the letter is empty")
    try:
        mail = mailparser.parse_from_bytes(raw)
    except Exception as exc:  # mail-parser raises bare exceptions on broken MIME
        raise UnreadableLetter(f"cannot read the MIME structure: {exc}") from exc
    message = mail.message
    from_name, from_addr = parseaddr(str(message.get("From", "")))
    text = "\n".join(mail.text_plain) if mail.text_plain else ""
    html = "\n".join(mail.text_html) if mail.text_html else ""
    if not text and html:
        text = re.sub(r"<[^>]+>", " ", html)
    return ParsedLetter(
        message_id=(_ids(message.get("Message-ID")) or (None,))[0],
        in_reply_to=_ids(message.get("In-Reply-To")),
        references=_ids(message.get("References")),
        subject=mail.subject or "",
        from_addr=from_addr.lower(),
        from_name=from_name,
        to=_addresses(message.get("To")),
        cc=_addresses(message.get("Cc")),
        date=mail.date if getattr(mail, "date", None) else None,
        headers=_header_pairs(message),
        content_type=message.get_content_type(),
        text=text,
        new_text=split_quoted(text)[0],
        html=html,
        attachments=tuple(_attachment(a) for a in mail.attachments),
        defects=tuple(str(d) for d in getattr(mail, "defects_categories", ()) or ()),
    )

"""Outlook's TNEF wrapper (winmail.dat): its body text and the files inside it."""

from __future__ import annotations

from parsers.attachments import build_attachment
from parsers.charsets import decode_bytes
from parsers.html import html_to_text
from parsers.limits import ParseLimits
from parsers.types import Attachment


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        return decode_bytes(value.rstrip(b"\x00"), None)
    return str(value or "")


def unpack_tnef(data: bytes, limits: ParseLimits) -> tuple[str, list[Attachment]]:
    """(body text, attachments); a broken TNEF blob is kept as one opaque attachment."""
    try:
        from tnefparse import TNEF  # lazily: only Outlook in rich-text mode sends TNEF

        tnef = TNEF(data)
        body = _as_text(getattr(tnef, "body", None))
        if not body.strip() and getattr(tnef, "htmlbody", None):
            body = html_to_text(_as_text(tnef.htmlbody))
        files = []
        for item in tnef.attachments[: limits.max_parts]:
            payload = item.data if isinstance(item.data, bytes) else b""
            if len(payload) > limits.max_attachment_bytes:
                continue
            name = item.long_filename() if hasattr(item, "long_filename") else item.name
            files.append(
                build_attachment(
                    payload,
                    filename=_as_text(name),
                    content_type="application/octet-stream",
                    charset=None,
                    limits=limits,
                    origin="winmail.dat",
                )
            )
        return body, files
    except Exception:  # tnefparse raises on truncated or unknown TNEF streams
        blob = build_attachment(
            data,
            filename="winmail.dat",
            content_type="application/ms-tnef",
            charset=None,
            limits=limits,
        )
        return "", [blob]

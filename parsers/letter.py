"""Raw bytes → ParsedLetter.

The MIME tree is walked with the standard library's compat32 parser, which accepts any
byte sequence, keeps raw 8-bit headers and lets us bound depth, part count and payload
size ourselves. mail-parser was the planned decoder, but it re-encodes every attachment in
memory (591 MiB peak and 5 s for a 67 MB letter with a 50 MB attachment, against 4 MiB and
0.3 s here) and hides the charset fallbacks Russian mail needs (R-MBX-5).
"""

from __future__ import annotations

import hashlib
import quopri
from dataclasses import dataclass, field
from email._encoded_words import decode_b  # what get_payload(decode=True) decodes with
from email.message import Message

from parsers.attachments import build_attachment, oversize_attachment, streamed_digest
from parsers.blobs import (
    TOKEN,
    blob_of,
    cut_blobs,
    decode_base64,
    decode_blob,
    restore_blobs,
    restore_text,
)
from parsers.charsets import decode_bytes, decode_header_value, unknown_charset
from parsers.errors import UnreadableLetter
from parsers.html import html_to_text
from parsers.letter_headers import (
    addresses,
    header_charset_hint,
    header_date,
    message_ids,
    part_charset,
    part_filename,
    raw_header,
    raw_headers,
    sender_of,
)
from parsers.limits import DEFAULT_LIMITS, ParseLimits
from parsers.mime import message_from_bytes
from parsers.quotes import split_quoted
from parsers.tnef import unpack_tnef
from parsers.types import Attachment, ParsedLetter

_TEXT_TYPES = ("text/plain", "text/html")


@dataclass
class _Walk:
    """Mutable state of one walk over the MIME tree."""

    limits: ParseLimits
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    forwarded: list[str] = field(default_factory=list)
    forwarded_raw: list[bytes] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    parts: int = 0
    kept_bytes: int = 0
    # Long base64 runs cut out of the raw letter before parsing (parsers/blobs.py).
    blobs: list[memoryview] = field(default_factory=list)


def _is_attachment(part: Message, ctype: str, filename: str | None) -> bool:
    disposition = (raw_header(part, "Content-Disposition") or "").split(";", 1)[0].strip().lower()
    if disposition == "attachment":
        return True
    if ctype in _TEXT_TYPES:
        return filename is not None and disposition != "inline"
    return True


def _payload_as_parsed(part: Message) -> object:
    """The payload as parsed. get_payload() would decode 8-bit text with the declared charset
    (whatever Python codec that names, e.g. quadratic `punycode`) only to be thrown away."""
    return part._payload


def _decoded_payload(part: Message, walk: _Walk) -> bytes:
    blob = blob_of(_payload_as_parsed(part), walk.blobs)
    if blob is not None:  # only base64 bodies keep their token (_restore_runs)
        payload, defects = decode_base64(blob)
        for defect in defects:  # as get_payload(decode=True) records them
            part.policy.handle_defect(part, defect)
        return payload
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _text_payload(part: Message, walk: _Walk) -> bytes:
    """A text body's bytes, at most what max_text_chars can use: a huge body is cut before
    it is decoded, so a 50 MB one-line text is never copied whole (issue 19)."""
    limit = walk.limits.max_text_chars * 4  # up to 4 bytes per character
    encoded = 2 * limit  # base64 with its line breaks stays under twice its decoded size
    payload = _payload_as_parsed(part)
    blob = blob_of(payload, walk.blobs)
    if blob is not None and len(blob) > encoded:
        data = decode_base64(blob[: encoded - encoded % 4])[0]
    elif blob is None and isinstance(payload, str) and len(payload) > encoded:
        data = payload[:encoded].encode("ascii", "surrogateescape")
        cte = _cte(part)
        if cte == "base64":
            data = decode_b(b"".join(data.splitlines()))[0]
        elif cte == "quoted-printable":
            data = quopri.decodestring(data)
    else:
        return _decoded_payload(part, walk)[:limit]
    walk.defects.append("text part over the size limit: only its beginning was read")
    return data[:limit]


def _cte(part: Message) -> str:
    return (raw_header(part, "Content-Transfer-Encoding") or "").strip().lower()


def _add_attachment(
    part: Message, ctype: str, filename: str | None, walk: _Walk, origin: str, related: bool
) -> None:
    limits = walk.limits
    raw_payload = _payload_as_parsed(part)
    encoding = _cte(part)
    blob = blob_of(raw_payload, walk.blobs)
    # Estimate before decoding so that a huge part is hashed while streaming, not held.
    estimate = (
        len(blob) if blob is not None else len(raw_payload) if isinstance(raw_payload, str) else 0
    )
    if encoding == "base64":
        estimate = estimate * 3 // 4
    over = estimate > limits.max_attachment_bytes
    over = over or walk.kept_bytes + estimate > limits.max_total_bytes
    if over:
        if blob is not None and encoding == "base64":
            size, digest = decode_blob(blob)
        elif encoding == "base64" and isinstance(raw_payload, str):
            size, digest = streamed_digest(raw_payload)
        else:  # rare: a huge 8-bit or quoted-printable part; hashed, then dropped
            data = _decoded_payload(part, walk)
            size, digest = len(data), hashlib.sha256(data).hexdigest()
        walk.attachments.append(
            oversize_attachment(
                filename=filename, content_type=ctype, size=size, sha256=digest, origin=origin
            )
        )
        walk.defects.append(f"attachment over the size limit: {filename or ctype}")
        return
    payload = _decoded_payload(part, walk)
    if ctype == "application/ms-tnef" or (filename or "").lower() == "winmail.dat":
        body, inner = unpack_tnef(payload, limits)
        if body:
            walk.plain.append(body)
        walk.attachments.extend(inner)
        walk.kept_bytes += sum(a.size for a in inner)
        return
    # Part of the HTML (a logo, a pasted picture): referenced by its Content-ID from within
    # multipart/related. A phone's photo carries a Content-ID too, but in multipart/mixed.
    inline = (
        related
        and bool(raw_header(part, "Content-ID"))
        and "attachment" not in (raw_header(part, "Content-Disposition") or "").lower()
    )
    walk.kept_bytes += len(payload)
    walk.attachments.append(
        build_attachment(
            payload,
            filename=filename,
            content_type=ctype,
            charset=part_charset(part),
            limits=limits,
            inline=inline,
            origin=origin,
        )
    )


def _add_forwarded(part: Message, walk: _Walk, depth: int, origin: str) -> None:
    """A message/rfc822 part: its text counts as forwarded text, its files as attachments."""
    inner = part.get_payload()
    inner_msg = inner[0] if isinstance(inner, list) and inner else None
    if not isinstance(inner_msg, Message):
        return
    sub = _Walk(walk.limits, parts=walk.parts, kept_bytes=walk.kept_bytes, blobs=walk.blobs)
    _walk(inner_msg, sub, depth + 1, origin="forwarded")
    walk.parts, walk.kept_bytes = sub.parts, sub.kept_bytes
    hint = header_charset_hint(inner_msg)
    subject = decode_header_value(raw_header(inner_msg, "Subject"), hint)
    sender = decode_header_value(raw_header(inner_msg, "From"), hint)
    text = _body_text(sub)
    walk.forwarded.append(f"From: {sender}\nSubject: {subject}\n\n{text}".strip())
    walk.forwarded.extend(sub.forwarded)
    try:
        walk.forwarded_raw.append(restore_blobs(inner_msg.as_bytes(), walk.blobs))
    except Exception:  # a broken inner letter cannot always be serialised again
        walk.defects.append("forwarded letter could not be kept as bytes")
    walk.attachments.extend(sub.attachments)
    walk.defects.extend(sub.defects)


def _walk(part: Message, walk: _Walk, depth: int, origin: str = "", related: bool = False) -> None:
    walk.parts += 1
    if walk.parts > walk.limits.max_parts or depth > walk.limits.max_depth:
        walk.defects.append("MIME tree too large or too deep: the rest was skipped")
        return
    ctype = part.get_content_type()
    if ctype == "message/rfc822":
        _add_forwarded(part, walk, depth, origin)
        return
    if part.is_multipart():
        children = part.get_payload()
        if ctype == "multipart/alternative" and isinstance(children, list):
            # Prefer the plain alternative; HTML only when the plain one is empty (R-MBX-5).
            plain = [c for c in children if c.get_content_type() == "text/plain"]
            if plain and _text_payload(plain[0], walk).strip():
                children = [c for c in children if c.get_content_type() != "text/html"]
        related = related or ctype == "multipart/related"
        for child in children if isinstance(children, list) else []:
            if isinstance(child, Message):
                _walk(child, walk, depth + 1, origin, related)
        return
    filename = part_filename(part)
    if ctype in _TEXT_TYPES and not _is_attachment(part, ctype, filename):
        charset = part_charset(part)
        if (unknown := unknown_charset(charset)) is not None:
            walk.defects.append(f"unknown charset {unknown!r}: the text was read as a guess")
        text = decode_bytes(_text_payload(part, walk), charset)
        text = text[: walk.limits.max_text_chars]
        (walk.plain if ctype == "text/plain" else walk.html).append(text)
        return
    if ctype.startswith("multipart/") or ctype == "message/delivery-status":
        return  # a multipart without parts, or a DSN status block: nothing to keep
    _add_attachment(part, ctype, filename, walk, origin, related)


def _body_text(walk: _Walk) -> str:
    parts = walk.plain or [html_to_text(h) for h in walk.html]
    text = "\n".join(parts)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")


def _restore_runs(message: Message, blobs: list[memoryview]) -> None:
    """Put the cut-out runs back into every parsed string but the base64 bodies.

    A part whose payload is exactly one token and which get_payload(decode=True) would
    decode as base64 keeps the token: it is decoded or hashed from the raw bytes. Any other
    string holding a token (text with a long hex dump, quoted-printable, a preamble) gets
    its run back here, so nothing after parsing ever sees a token but those two readers.
    """
    for part in message.walk():
        for name in ("preamble", "epilogue"):
            value = getattr(part, name)
            if isinstance(value, str) and TOKEN in value:
                setattr(part, name, restore_text(value, blobs))
        payload = part._payload  # as parsed: get_payload() would decode 8-bit text
        if not isinstance(payload, str) or TOKEN not in payload:
            continue
        # The very test get_payload(decode=True) makes: no strip, first header only.
        is_base64 = str(part.get("content-transfer-encoding", "")).lower() == "base64"
        if not (is_base64 and blob_of(payload, blobs) is not None):
            part.set_payload(restore_text(payload, blobs))


def _read(raw: bytes, limits: ParseLimits) -> ParsedLetter:
    raw, blobs = cut_blobs(raw)
    message = message_from_bytes(raw)
    del raw  # the parsed message holds what is needed; the blobs are views of the caller's bytes
    if blobs:
        _restore_runs(message, blobs)
    walk = _Walk(limits, blobs=blobs)
    _walk(message, walk, 0)
    text = _body_text(walk)
    if not message.keys() and not text.strip() and not walk.attachments:
        raise UnreadableLetter("no headers and no readable text: this is not an e-mail letter")
    new_text, quoted = split_quoted(text)
    hint = header_charset_hint(message)
    from_name, from_addr = sender_of(raw_header(message, "From"), hint)
    headers = tuple((k.lower(), decode_header_value(v, hint)) for k, v in message.raw_items())
    defects = [type(d).__name__ for p in message.walk() for d in getattr(p, "defects", [])]
    return ParsedLetter(
        message_id=(message_ids(raw_header(message, "Message-ID")) or (None,))[0],
        in_reply_to=message_ids(raw_header(message, "In-Reply-To")),
        references=message_ids(raw_header(message, "References")),
        subject=decode_header_value(raw_header(message, "Subject"), hint),
        from_addr=from_addr.lower(),
        from_name=from_name,
        to=addresses(raw_headers(message, "To"), hint),
        cc=addresses(raw_headers(message, "Cc"), hint),
        date=header_date(raw_header(message, "Date")),
        headers=headers,
        content_type=message.get_content_type(),
        text=text,
        new_text=new_text,
        html="\n".join(walk.html),
        attachments=tuple(walk.attachments),
        defects=tuple(dict.fromkeys(defects + walk.defects)),
        quoted_text=quoted,
        forwarded_text="\n\n".join(walk.forwarded),
        forwarded=tuple(walk.forwarded_raw),
    )


def parse_letter(raw: bytes, *, limits: ParseLimits = DEFAULT_LIMITS) -> ParsedLetter:
    """Decode a letter; raise UnreadableLetter (only) when there is nothing we can read."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise UnreadableLetter("the letter is not a byte string")
    if not bytes(raw[:65536]).strip():
        raise UnreadableLetter("the letter is empty")
    try:
        return _read(bytes(raw), limits)
    except UnreadableLetter:
        raise
    except RecursionError as exc:
        raise UnreadableLetter("the MIME structure is nested too deeply") from exc
    except Exception as exc:  # the stdlib raises assorted errors on hostile MIME
        raise UnreadableLetter(f"cannot read the MIME structure ({type(exc).__name__})") from exc

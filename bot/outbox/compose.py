"""Reply MIME, written directly: text and HTML alternatives, RFC 2047 words, folded headers."""

from __future__ import annotations

import logging
import re
import secrets
from binascii import b2a_base64, b2a_qp
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime

from bot.clock import as_utc
from bot.outbox.header_words import addresses, mailbox, message_ids, structured, unstructured
from replies.render import RenderedReply

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OutgoingLetter:
    reply_kind: str  # acceptance | clarification | rejection | reminder | warning | notice
    template: str
    sender: str
    sender_name: str
    to: str
    rendered: RenderedReply
    dedupe_key: str
    cc: tuple[str, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    # RFC 3834 §5: auto-replied for answers to a letter, auto-generated for scheduled mail.
    auto_submitted: str = "auto-replied"
    extra_headers: dict[str, str] = field(default_factory=dict)
    # A letter sent along (R-PIN-26: the client's letter to its partner), as message/rfc822.
    attached: bytes | None = None


# MIME is written by hand: EmailMessage(policy=SMTP) took ≈2 ms a reply, more than parsing the
# letter it answers. The output keeps what that produced: the same headers in the same order,
# RFC 2047 B encoded-words in UTF-8, and the transfer encoding email.contentmanager picks.

_BODY_WIDTH = 78  # email.policy.SMTP.max_line_length, which chose the transfer encoding
_HEADER_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 §2.2: printable ASCII except the colon
# Headers compose writes itself; an extra header of the same name would contradict them.
_OWN_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "reply-to",
        "subject",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "auto-submitted",
        "x-auto-response-suppress",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)


def compose(letter: OutgoingLetter, message_id: str, at: datetime) -> bytes:
    """MIME bytes: text and HTML alternatives, RFC 2047 for Cyrillic subjects and names.

    No value can start a header of its own: CR and LF in free text (subject, names, extra
    header values) become spaces like any other run of whitespace; in addresses, message IDs
    and header names they raise ValueError.
    """
    headers = [
        structured("From", mailbox(letter.sender_name, letter.sender)),
        structured("To", addresses((letter.to,))),
    ]
    if letter.cc:
        headers.append(structured("Cc", addresses(letter.cc)))
    headers += [
        structured("Reply-To", addresses((letter.sender,))),
        unstructured("Subject", letter.rendered.subject),
        f"Date: {format_datetime(as_utc(at))}\r\n",
    ]
    own_id = message_ids((message_id,))
    if len(own_id) != 1:
        raise ValueError(f"not a message ID: {message_id!r}")
    headers.append(structured("Message-ID", own_id))
    in_reply_to = message_ids((letter.in_reply_to,) if letter.in_reply_to else ())
    if in_reply_to:
        headers.append(structured("In-Reply-To", in_reply_to))
    references = message_ids(letter.references)
    if references:
        headers.append(structured("References", references))
    headers += [
        unstructured("Auto-Submitted", letter.auto_submitted),
        # Outlook/Exchange honour this instead of RFC 3834: no out-of-office back to us.
        "X-Auto-Response-Suppress: All\r\n",
    ]
    for name, value in letter.extra_headers.items():
        if not _HEADER_NAME.fullmatch(name) or name.lower() in _OWN_HEADERS:
            raise ValueError(f"not a header name compose can add: {name!r}")
        headers.append(unstructured(name, value))
    parts = (_text_part("plain", letter.rendered.text), _text_part("html", letter.rendered.html))
    body = _multipart("alternative", parts)
    if letter.attached is not None:
        # RFC 2046 §5.2.1: an attached letter is sent as it came, in 8bit at most.
        forwarded = (
            b"Content-Type: message/rfc822\r\n"
            b'Content-Disposition: attachment; filename="letter.eml"\r\n'
            b"Content-Transfer-Encoding: 8bit\r\n\r\n" + _crlf(letter.attached)
        )
        body = _multipart("mixed", (body, forwarded))
    headers.append("MIME-Version: 1.0\r\n")
    return "".join(headers).encode("utf-8") + body


def _multipart(subtype: str, parts: tuple[bytes, ...]) -> bytes:
    """A multipart entity, its Content-Type header first: `parts` are whole MIME parts."""
    boundary = _boundary(parts)
    head = structured("Content-Type", [f"multipart/{subtype};", f'boundary="{boundary}"'])
    delimiter = b"--" + boundary.encode("ascii")
    out = [head.encode("utf-8"), b"\r\n"]
    for part in parts:
        out += [delimiter, b"\r\n", part, b"\r\n"]
    out += [delimiter, b"--\r\n"]
    return b"".join(out)


def _crlf(raw: bytes) -> bytes:
    """The letter's lines ending in CRLF, as MIME wants them, and one at its end."""
    return b"\r\n".join(raw.splitlines()) + b"\r\n"


def _text_part(subtype: str, text: str) -> bytes:
    """A text part in UTF-8 with the transfer encoding email.contentmanager chose for it:
    7bit or 8bit when every line fits 78 octets, else the shorter of base64 and
    quoted-printable, judged on the first ten lines. Lines end in CRLF, as MIME text must."""
    lines = text.encode("utf-8").splitlines()
    body = b"\r\n".join(lines) + b"\r\n"
    if max(map(len, lines), default=0) <= _BODY_WIDTH:
        encoding = "7bit" if body.isascii() else "8bit"
    else:
        sniff = lines[:10]
        if len(b2a_qp(b"\n".join(sniff) + b"\n")) > len(b2a_base64(b"\r\n".join(sniff) + b"\r\n")):
            encoding = "base64"
            encoded = b2a_base64(body, newline=False)
            body = b"\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76)) + b"\r\n"
        else:
            encoding = "quoted-printable"
            body = b2a_qp(body)
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    )
    return head.encode("ascii") + body


def _boundary(parts: tuple[bytes, ...]) -> str:
    # "=_" cannot occur in base64 or quoted-printable; 7bit and 8bit text is checked.
    while True:
        boundary = f"=_{secrets.token_hex(16)}"
        if not any(boundary.encode("ascii") in part for part in parts):
            return boundary

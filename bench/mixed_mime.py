"""Raw letters as four mail clients write them, for the mixed benchmark corpus.

* Outlook: multipart/alternative text + HTML, UTF-8 base64 or windows-1251 quoted-printable;
* Thunderbird: text/plain UTF-8, format=flowed, 8-bit;
* The Bat!: text/plain windows-1251 (or KOI8-R), raw 8-bit;
* Mutt: text/plain KOI8-R, 8-bit or quoted-printable.

The bytes are written directly (CRLF, fixed boundaries from the letter's seed) so the
transfer encodings are exactly the ones named, 8-bit included.
"""

from __future__ import annotations

import base64
import html
import quopri
import random
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr

from mixed_texts import log_text

MAILERS = {
    "outlook": "X-Mailer: Microsoft Outlook 16.0",
    "thunderbird": "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) "
    "Gecko/20100101 Thunderbird/115.8.0",
    "thebat": "X-Mailer: The Bat! (v10.4.5) Professional",
    "mutt": "User-Agent: Mutt/2.2.12 (2023-09-09)",
}


@dataclass
class Attachment:
    name: str
    data: bytes
    ctype: str


@dataclass
class Draft:
    """A letter before it is written out as bytes."""

    client: str  # outlook, thunderbird, thebat, mutt
    charset: str  # utf-8, windows-1251, koi8-r
    cte: str  # base64, quoted-printable, 8bit
    sender_name: str
    sender: str
    subject: str
    body: str
    date: datetime
    message_id: str
    to: str = "support@technocom.tech"
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    extra_headers: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


# KOI8-R has no «», — or №: a KOI8-R client writes what the keyboard layout gives instead.
_KOI8_FALLBACK = str.maketrans({"«": '"', "»": '"', "—": "-", "№": "N", "…": "..."})


def _fit(text: str, charset: str) -> str:
    return text.translate(_KOI8_FALLBACK) if charset == "koi8-r" else text


def _header(value: str, charset: str) -> str:
    value = _fit(value, charset)
    if value.isascii():
        return value
    return Header(value, charset, maxlinelen=76).encode(linesep="\r\n")


def _encode(text: str, charset: str, cte: str) -> bytes:
    data = (
        _fit(text, charset).replace("\r\n", "\n").replace("\n", "\r\n").encode(charset, "replace")
    )
    if cte == "base64":
        return base64.encodebytes(data).replace(b"\n", b"\r\n")
    if cte == "quoted-printable":
        return quopri.encodestring(data).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return data + (b"" if data.endswith(b"\r\n") else b"\r\n")


def _flowed(text: str) -> str:
    """format=flowed (RFC 3676): long lines broken with a trailing space."""
    out = []
    for line in text.split("\n"):
        while len(line) > 72 and not line.startswith(">"):
            cut = line.rfind(" ", 0, 72)
            if cut <= 0:
                break
            out.append(line[: cut + 1])
            line = line[cut + 1 :]
        out.append(line)
    return "\n".join(out)


def _part(ctype: str, charset: str, cte: str, text: str, extra: str = "") -> bytes:
    head = f'Content-Type: {ctype}; charset="{charset}"{extra}\r\n'
    head += f"Content-Transfer-Encoding: {cte}\r\n\r\n"
    return head.encode() + _encode(text, charset, cte)


def _html(text: str) -> str:
    paragraphs = "".join(
        f"<p class=MsoNormal>{html.escape(line) or '&nbsp;'}<o:p></o:p></p>\r\n"
        for line in text.split("\n")
    )
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta '
        'http-equiv=Content-Type content="text/html; charset=' + "utf-8" + '"></head>'
        f"<body lang=RU><div class=WordSection1>\r\n{paragraphs}</div></body></html>"
    )


def _attachment(item: Attachment, client: str, charset: str) -> bytes:
    if client == "outlook" or item.name.isascii():
        name = f'name="{_header(item.name, charset)}"'
        disposition = f'attachment; filename="{_header(item.name, charset)}"'
    else:  # RFC 2231, as Thunderbird and Mutt write it
        encoded = "".join(f"%{b:02X}" for b in item.name.encode("utf-8"))
        name = f"name*=utf-8''{encoded}"
        disposition = f"attachment; filename*=utf-8''{encoded}"
    head = (
        f"Content-Type: {item.ctype}; {name}\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: {disposition}\r\n\r\n"
    )
    return head.encode() + base64.encodebytes(item.data).replace(b"\n", b"\r\n")


def _multipart(subtype: str, boundary: str, parts: list[bytes]) -> bytes:
    out = [f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()]
    out.append(b"This is a multi-part message in MIME format.\r\n")
    for part in parts:
        out.append(f"--{boundary}\r\n".encode() + part + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


def render(draft: Draft, boundary_seed: int) -> bytes:
    """The letter's bytes as its client would send them."""
    headers = [
        f"From: {formataddr((_header(draft.sender_name, draft.charset), draft.sender))}",
        f"To: {draft.to}",
        f"Subject: {_header(draft.subject, draft.charset)}",
        f"Date: {format_datetime(draft.date)}",
        f"Message-ID: {draft.message_id}",
    ]
    if draft.in_reply_to:
        headers.append(f"In-Reply-To: {draft.in_reply_to}")
    if draft.references:
        headers.append("References: " + "\r\n ".join(draft.references))
    headers += [MAILERS[draft.client], *draft.extra_headers, "MIME-Version: 1.0"]
    if draft.client == "outlook":
        text_part = _part("text/plain", draft.charset, draft.cte, draft.body)
        html_part = _part("text/html", draft.charset, draft.cte, _html(draft.body))
        body = _multipart(
            "alternative", f"----=_NextPart_001_{boundary_seed:08X}", [text_part, html_part]
        )
    elif draft.client == "thunderbird":
        body = _part("text/plain", draft.charset, draft.cte, _flowed(draft.body), "; format=flowed")
    else:
        body = _part("text/plain", draft.charset, draft.cte, draft.body)
    if draft.attachments:
        parts = [body] + [_attachment(a, draft.client, draft.charset) for a in draft.attachments]
        body = _multipart("mixed", f"----=_NextPart_000_{boundary_seed:08X}", parts)
    return "\r\n".join(headers).encode("ascii") + b"\r\n" + body


def style(rng: random.Random) -> tuple[str, str, str]:
    """(charset, client, transfer encoding) in the corpus's proportions."""
    draw = rng.random()
    if draw < 0.60:
        return (
            ("utf-8", "outlook", "base64")
            if rng.random() < 0.5
            else ("utf-8", "thunderbird", "8bit")
        )
    if draw < 0.85:
        return (
            ("windows-1251", "outlook", "quoted-printable")
            if rng.random() < 0.5
            else ("windows-1251", "thebat", "8bit")
        )
    return (
        ("koi8-r", "mutt", "8bit") if rng.random() < 0.6 else ("koi8-r", "mutt", "quoted-printable")
    )


def message_id(rng: random.Random, client: str, domain: str, at: datetime) -> str:
    stamp = at.strftime("%Y%m%d%H%M%S")
    token = f"{rng.getrandbits(48):012x}"
    return {
        "outlook": f"<000001d{token}${rng.getrandbits(32):08x}$@{domain}>",
        "thunderbird": f"<{token[:8]}-{token[8:]}-{rng.getrandbits(16):04x}@{domain}>",
        "thebat": f"<{rng.randint(10**8, 10**9)}.{stamp}@{domain}>",
        "mutt": f"<{stamp}.{token}@mail.{domain}>",
    }[client]


def attachments(rng: random.Random) -> list[Attachment]:
    files = []
    if rng.random() < 0.30:
        name = rng.choice(("app.log", "server.log", "журнал_ошибок.log", "techno-2026-11.log"))
        files.append(Attachment(name, log_text(rng, rng.randint(10_000, 200_000)), "text/plain"))
    if rng.random() < 0.25:
        size = rng.randint(30_000, 200_000)
        png = b"\x89PNG\r\n\x1a\n" + rng.randbytes(size)
        files.append(
            Attachment(
                rng.choice(("screenshot.png", "скрин.png", "image001.png")), png, "image/png"
            )
        )
    return files


def bounce(rng: random.Random, domain: str, address: str, our: str, at: datetime) -> bytes:
    """A DSN for our reply to `address`, naming it by its subject `our` only."""
    report = (
        f"From: MAILER-DAEMON@mx.{domain}\r\nTo: support@technocom.tech\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {at.strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n"
        f"Message-ID: <{rng.getrandbits(64):x}.bounce@mx.{domain}>\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"\r\n\r\n'
        "--dsn\r\nContent-Type: text/plain\r\n\r\nDelivery to the following recipient "
        f"failed permanently:\r\n\r\n    old.{address}\r\n\r\n"
        "--dsn\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.{domain}\r\n\r\nFinal-Recipient: rfc822; "
        f"old.{address}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--dsn\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: support@technocom.tech\r\nTo: old.{address}\r\n"
        f"Subject: =?utf-8?b?{base64.b64encode(our.encode()).decode()}?=\r\n"
        "--dsn--\r\n"
    )
    return report.encode()

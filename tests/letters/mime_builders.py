"""Deterministic builders for the test letters: MIME shapes of real mail clients and the
binary attachments (DOCX, PDF with a text layer, XLSX, PNG, ZIP) they carry.

Everything is byte-for-byte reproducible: fixed boundaries, dates and zip timestamps.
"""

from __future__ import annotations

import base64
import io
import quopri
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart

FIXED_ZIP_TIME = (2026, 1, 15, 9, 30, 0)


@dataclass
class File:
    name: str
    data: bytes
    ctype: str = "application/octet-stream"
    inline_cid: str | None = None
    name_style: str = "rfc2231"  # or "rfc2047" (Outlook) or "plain"


@dataclass
class Mail:
    subject: str
    body: str = ""
    sender: str = "Иван Петров <petrov@geopartner.ru>"
    to: str = "mail@technocom.tech"
    date: str = "Mon, 02 Mar 2026 10:15:00 +0500"
    client: str = (
        "thunderbird"  # outlook, thunderbird, gmail, webmail_html, iphone, android, thebat
    )
    charset: str = "utf-8"
    cte: str = "8bit"  # 8bit, quoted-printable, base64
    html: str | None = None  # an HTML alternative; with html_only the only body
    html_only: bool = False
    files: list[File] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    msgid: str = ""
    in_reply_to: str | None = None
    forwarded: bytes | None = None  # a message/rfc822 part


_MAILERS = {
    "outlook": ("X-Mailer", "Microsoft Outlook 16.0"),
    "thunderbird": (
        "User-Agent",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Thunderbird/115.8.0",
    ),
    "gmail": ("X-Gm-Message-State", "AOJu0Yw1"),
    "webmail_html": ("X-Mailer", "Yandex.Mail"),
    "iphone": ("X-Mailer", "iPhone Mail (21D61)"),
    "android": ("X-Mailer", "Android Mail"),
    "thebat": ("X-Mailer", "The Bat! (v10.5.3) Professional"),
}


def _text_part(text: str, subtype: str, charset: str, cte: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype, charset=charset)
    if subtype == "plain" and charset.lower() == "utf-8" and cte == "8bit":
        part.set_param("format", "flowed")
    data = text.replace("\n", "\r\n").encode(charset)
    if cte == "base64":
        payload = base64.encodebytes(data).decode("ascii")
    elif cte == "quoted-printable":
        payload = quopri.encodestring(data).decode("ascii")
    else:
        # Raw 8-bit bytes in the declared charset, carried through as surrogates.
        payload = data.decode("ascii", "surrogateescape")
    part.set_payload(payload)
    part["Content-Transfer-Encoding"] = cte
    return part


def _file_part(item: File, index: int) -> MIMEBase:
    maintype, subtype = item.ctype.split("/", 1)
    part = MIMEBase(maintype, subtype)
    part.set_payload(base64.encodebytes(item.data).decode("ascii"))
    part["Content-Transfer-Encoding"] = "base64"
    disposition = "inline" if item.inline_cid else "attachment"
    if item.name_style == "rfc2047":
        encoded = Header(item.name, "utf-8").encode()
        part.set_param("name", encoded)
        part.add_header("Content-Disposition", disposition, filename=encoded)
    elif item.name_style == "rfc2231" and not item.name.isascii():
        part.set_param("name", ("utf-8", "", item.name))
        part.add_header("Content-Disposition", disposition, filename=("utf-8", "", item.name))
    else:
        part.set_param("name", item.name)
        part.add_header("Content-Disposition", disposition, filename=item.name)
    if item.inline_cid:
        part["Content-ID"] = f"<{item.inline_cid}>"
    return part


def build(mail: Mail, serial: int) -> bytes:
    """The letter as bytes, in the MIME shape its mail client produces."""
    bodies: list[MIMENonMultipart] = []
    if not mail.html_only:
        bodies.append(_text_part(mail.body, "plain", mail.charset, mail.cte))
    if mail.html is not None:
        html_cte = "quoted-printable" if mail.cte == "8bit" else mail.cte
        bodies.append(_text_part(mail.html, "html", mail.charset, html_cte))
    boundary = 0

    def multipart(subtype: str, parts: list) -> MIMEMultipart:
        nonlocal boundary
        boundary += 1
        container = MIMEMultipart(subtype)
        container.set_boundary(f"----=_Part_{serial}_{boundary}.1740900000000")
        for part in parts:
            container.attach(part)
        return container

    root = multipart("alternative", bodies) if len(bodies) > 1 else bodies[0]
    inline = [f for f in mail.files if f.inline_cid]
    if inline:
        root = multipart("related", [root, *(_file_part(f, i) for i, f in enumerate(inline))])
    attached = [_file_part(f, i) for i, f in enumerate(mail.files) if not f.inline_cid]
    if mail.forwarded is not None:
        forwarded = MIMEBase("message", "rfc822")
        from email import message_from_bytes

        forwarded.set_payload([message_from_bytes(mail.forwarded)])
        attached.append(forwarded)
    if attached:
        root = multipart("mixed", [root, *attached])
    root["From"] = _address_header(mail.sender, mail.charset)
    root["To"] = mail.to
    root["Subject"] = Header(
        mail.subject, "utf-8" if mail.client != "outlook" else mail.charset
    ).encode()
    root["Date"] = mail.date
    root["Message-ID"] = mail.msgid or f"<letter-{serial:03d}@{mail.client}.example>"
    if mail.in_reply_to:
        root["In-Reply-To"] = mail.in_reply_to
        root["References"] = mail.in_reply_to
    root["MIME-Version"] = "1.0"
    name, value = _MAILERS[mail.client]
    root[name] = value
    for key, value in mail.headers.items():
        root[key] = value
    return root.as_bytes()


def _address_header(value: str, charset: str) -> str:
    if "<" not in value:
        return value
    name, addr = value.rsplit("<", 1)
    return f"{Header(name.strip(), 'utf-8').encode()} <{addr}"


def _rezip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so binary fixtures are reproducible."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def docx(paragraphs: list[str | list[list[str]]]) -> bytes:
    """A DOCX with paragraphs; a list of rows becomes a table."""
    import datetime

    import docx as python_docx

    document = python_docx.Document()
    fixed = datetime.datetime(2026, 1, 15, 9, 30)
    document.core_properties.created = fixed
    document.core_properties.modified = fixed
    document.core_properties.last_modified_by = "partner"
    for item in paragraphs:
        if isinstance(item, list):
            table = document.add_table(rows=0, cols=len(item[0]))
            for row in item:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
        else:
            document.add_paragraph(item)
    buffer = io.BytesIO()
    document.save(buffer)
    return _rezip(buffer.getvalue())


def pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds `lines` (Helvetica with Cyrillic glyph names).

    Without `lines` the page only has a drawn rectangle: a PDF with no text layer, as a
    scanner produces.
    """
    codes = {b: f"/uni{ord(bytes([b]).decode('cp1251')):04X}" for b in range(0xC0, 0x100)}
    for b in (0xA8, 0xB8, 0xB9, 0xAB, 0xBB, 0x96, 0x97):
        codes[b] = f"/uni{ord(bytes([b]).decode('cp1251')):04X}"
    # Check marks are not in cp1251: give them free byte codes with their glyph names.
    marks = {"✓": 0x80, "☑": 0x81, "☐": 0x83}
    for char, code in marks.items():
        codes[code] = f"/uni{ord(char):04X}"
    diffs = " ".join(f"{b} {n}" for b, n in sorted(codes.items()))
    content = ["BT /F1 10 Tf 40 800 Td 13 TL"] if lines else ["0.5 g 40 300 500 400 re f"]
    for line in lines:
        for char, code in marks.items():
            line = line.replace(char, chr(code))
        data = line.encode("cp1251", errors="strict") if line.isascii() else _cp1251(line)
        data = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        content.append("(" + data.decode("latin-1") + ") Tj T*")
    if lines:
        content.append("ET")
    stream = "\n".join(content).encode("latin-1")
    font = (
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
        f"/BaseEncoding /WinAnsiEncoding /Differences [{diffs}] >> >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        font.encode("ascii"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _cp1251(line: str) -> bytes:
    return b"".join(
        bytes([ord(ch)]) if 0x80 <= ord(ch) < 0x90 else ch.encode("cp1251") for ch in line
    )


def xlsx(rows: list[list[str]]) -> bytes:
    """A minimal XLSX workbook with inline strings (no shared strings table)."""

    def cell(ref: str, text: str) -> str:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>'

    sheet_rows = []
    for r, row in enumerate(rows, 1):
        cells = "".join(cell(f"{chr(65 + c)}{r}", text) for c, text in enumerate(row))
        sheet_rows.append(f'<row r="{r}">{cells}</row>')
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
            f'"{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel}">'
            '<sheets><sheet name="ПО" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
            f'"{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData>'
            + "".join(sheet_rows)
            + "</sheetData></worksheet>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, FIXED_ZIP_TIME), text.encode("utf-8"))
    return out.getvalue()


def png(width: int = 64, height: int = 48, seed: int = 1) -> bytes:
    """A small valid PNG (a gradient), standing in for a screenshot or a photo."""
    rows = b"".join(
        b"\x00" + bytes((x * seed + y) % 256 for x in range(width * 3)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg_stub(size: int = 3000, seed: int = 7) -> bytes:
    """JPEG-looking bytes (SOI/APP0/EOI around filler) for a scan attachment."""
    filler = bytes((i * seed) % 251 for i in range(size))
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + filler
        + b"\xff\xd9"
    )


def zip_of(entries: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(zipfile.ZipInfo(name, FIXED_ZIP_TIME), text.encode("utf-8"))
    return out.getvalue()


def log_text(lines: int = 40, component: str = "GeoServer") -> str:
    return "\n".join(
        f"2026-03-01 10:{i % 60:02d}:{(i * 7) % 60:02d},123 ERROR [{component}] "
        f"Transaction rollback: deadlock detected (attempt {i})"
        for i in range(lines)
    )

"""Text layers of attached documents (R-MBX-10): DOCX, ODT, PDF, XLSX, plain text.

Every reader is best effort and bounded: a broken or hostile file yields "" and never
raises, because a bad attachment must not make the whole letter unreadable.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from parsers.charsets import decode_bytes
from parsers.limits import ParseLimits

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
# Zip members we read for XML text; refuse anything that would inflate beyond this.
_MAX_XML_BYTES = 20 * 1024 * 1024
# pypdf logs every repair it makes on a sloppy PDF; those are not our errors.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > _MAX_XML_BYTES:
        raise ValueError("member too large")
    return archive.read(name)


def _docx_text(data: bytes) -> str:
    """Paragraphs and tables in document order; table cells joined with « | » (R-VAL-5)."""
    import docx  # python-docx; imported lazily, most letters carry no DOCX
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # python-docx reads every part: refuse a package that would inflate too far.
        infos = archive.infolist()
        if len(infos) > 2000 or sum(i.file_size for i in infos) > 3 * _MAX_XML_BYTES:
            raise ValueError("DOCX package too large when unpacked")
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            lines.append(_paragraph_text(Paragraph(child, document)))
        elif child.tag == f"{_W}tbl":
            for row in Table(child, document).rows:
                cells, seen = [], []
                for cell in row.cells:
                    if any(cell._tc is other for other in seen):  # a merged cell, repeated
                        continue
                    seen.append(cell._tc)
                    text = "\n".join(_paragraph_text(p) for p in cell.paragraphs)
                    cells.append(" ".join(text.split()))
                lines.append(" | ".join(cells))
    return "\n".join(lines)


def _paragraph_text(paragraph: Paragraph) -> str:
    """Paragraph text without struck-through runs: partners strike out unwanted purposes."""
    from docx.text.hyperlink import Hyperlink

    parts = []
    for item in paragraph.iter_inner_content():
        for run in item.runs if isinstance(item, Hyperlink) else [item]:
            if not (run.font.strike or run.font.double_strike):
                parts.append(run.text)
    return "".join(parts)


def _odt_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(_read_member(archive, "content.xml"))
    lines: list[str] = []
    for element in root.iter():
        if element.tag in (f"{_TEXT_NS}p", f"{_TEXT_NS}h"):
            lines.append("".join(element.itertext()))
        elif element.tag == f"{_TABLE_NS}table-row":
            cells = [" ".join("".join(c.itertext()).split()) for c in element]
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def _xlsx_text(data: bytes) -> str:
    """Rows of every sheet as « | »-joined cells; the standard library is enough here."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(_read_member(archive, "xl/sharedStrings.xml"))
            shared = ["".join(si.itertext()) for si in root.iter(f"{_S}si")]
        lines: list[str] = []
        for name in sorted(n for n in names if re.match(r"xl/worksheets/sheet\d+\.xml$", n)):
            root = ElementTree.fromstring(_read_member(archive, name))
            for row in root.iter(f"{_S}row"):
                cells: list[str] = []
                for cell in row.iter(f"{_S}c"):
                    value = cell.find(f"{_S}v")
                    inline = cell.find(f"{_S}is")
                    if cell.get("t") == "s" and value is not None and value.text:
                        index = int(value.text)
                        cells.append(shared[index] if index < len(shared) else "")
                    elif inline is not None:
                        cells.append("".join(inline.itertext()))
                    else:
                        cells.append((value.text or "") if value is not None else "")
                if any(c.strip() for c in cells):
                    lines.append(" | ".join(c.strip() for c in cells))
    return "\n".join(lines)


# What pypdf accepts as the end of a file truncated inside its %%EOF marker.
_TRUNCATED_EOF = (b"%%EO", b"%%E", b"%%", b"%")


def _hopeless_pdf(data: bytes) -> bool:
    """True when pypdf's lenient reader is bound to fail, decided without pypdf.

    PdfReader(strict=False) first looks for %%EOF by reading the file backwards line by
    line, in Python: ≈15 ms for 120 KB of random bytes, which then fail anyway. It gives up
    unless %%EOF occurs somewhere or the last line ends like a truncated marker. The %PDF-
    header is not required: the lenient reader reads files with junk before it or without it.
    """
    return b"%%EOF" not in data and not data.rstrip().endswith(_TRUNCATED_EOF)


def _pdf_text(data: bytes, limits: ParseLimits) -> str:
    if _hopeless_pdf(data):
        return ""
    from pypdf import PdfReader  # lazily: pypdf is only needed for PDF attachments

    reader = PdfReader(io.BytesIO(data), strict=False)
    pages = []
    for page in reader.pages[: limits.max_pdf_pages]:
        pages.append(page.extract_text() or "")
        if sum(map(len, pages)) > limits.max_text_chars:
            break
    return "\n".join(pages)


def document_text(data: bytes, extension: str, charset: str | None, limits: ParseLimits) -> str:
    """The text layer of a document, or "" when it has none or cannot be read."""
    if len(data) > limits.max_document_bytes:
        return ""
    try:
        if extension == ".docx":
            text = _docx_text(data)
        elif extension == ".odt":
            text = _odt_text(data)
        elif extension in (".xlsx", ".xlsm"):
            text = _xlsx_text(data)
        elif extension == ".pdf":
            text = _pdf_text(data, limits)
        elif extension in (".txt", ".csv", ".log", ".tsv"):
            text = decode_bytes(data[: limits.max_text_chars * 4], charset)
        else:
            return ""
    except Exception:  # third-party readers raise anything on a broken file
        return ""
    return text[: limits.max_text_chars].replace("\x00", "")

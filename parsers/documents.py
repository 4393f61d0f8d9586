"""Text layers of attached documents (R-MBX-10): DOCX, ODT, PDF, XLSX, plain text.

Every reader is best effort and bounded: a broken or hostile file yields "" and never
raises, because a bad attachment must not make the whole letter unreadable.
"""

from __future__ import annotations

import contextlib
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
# pypdf logs every repair it makes on a sloppy PDF; those are not our errors.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class _Enough(Exception):
    """The document's node or text budget is spent: the text read so far is kept."""


class _Text:
    """Lines read from one document, within the limits' node and character budgets."""

    def __init__(self, limits: ParseLimits) -> None:
        self.lines: list[str] = []
        self._nodes = limits.max_document_nodes
        self._chars = limits.max_text_chars

    def visit(self, nodes: int = 1) -> None:
        self._nodes -= nodes
        if self._nodes < 0:
            raise _Enough

    def add(self, line: str) -> None:
        self.lines.append(line)
        self._chars -= len(line) + 1
        if self._chars < 0:
            raise _Enough

    def __str__(self) -> str:
        return "\n".join(self.lines)


def _check_package(archive: zipfile.ZipFile, limits: ParseLimits) -> None:
    """Refuse, from the central directory alone, a package that would inflate too far.

    zipfile never inflates a member beyond its declared size (it fails the CRC instead), so
    the declared sizes bound what reading can cost.
    """
    infos = archive.infolist()
    if len(infos) > limits.max_package_members:
        raise ValueError("too many members in the package")
    if sum(i.file_size for i in infos) > limits.max_package_bytes:
        raise ValueError("package too large when unpacked")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")) and info.file_size > limits.max_xml_bytes:
            raise ValueError(f"XML member too large when unpacked: {info.filename}")


def _open_package(data: bytes, limits: ParseLimits) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        _check_package(archive, limits)
    except ValueError:
        archive.close()
        raise
    return archive


def _docx_text(data: bytes, out: _Text, limits: ParseLimits) -> None:
    """Paragraphs and tables in document order; table cells joined with « | » (R-VAL-5)."""
    import docx  # python-docx; imported lazily, most letters carry no DOCX
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _open_package(data, limits).close()  # python-docx reads every part: check them first
    document = docx.Document(io.BytesIO(data))
    for child in document.element.body.iterchildren():
        out.visit()
        if child.tag == f"{_W}p":
            out.add(_paragraph_text(Paragraph(child, document), out))
        elif child.tag == f"{_W}tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                seen: list[object] = []
                row_cells = row.cells
                out.visit(len(row_cells) + 1)
                for cell in row_cells:
                    if any(cell._tc is other for other in seen):  # a merged cell, repeated
                        continue
                    seen.append(cell._tc)
                    text = "\n".join(_paragraph_text(p, out) for p in cell.paragraphs)
                    cells.append(" ".join(text.split()))
                out.add(" | ".join(cells))


def _paragraph_text(paragraph: Paragraph, out: _Text) -> str:
    """Paragraph text without struck-through runs: partners strike out unwanted purposes."""
    from docx.text.hyperlink import Hyperlink

    parts = []
    for item in paragraph.iter_inner_content():
        runs = item.runs if isinstance(item, Hyperlink) else [item]
        out.visit(len(runs))
        for run in runs:
            if not (run.font.strike or run.font.double_strike):
                parts.append(run.text)
    return "".join(parts)


def _odt_text(data: bytes, out: _Text, limits: ParseLimits) -> None:
    with _open_package(data, limits) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    for element in root.iter():
        out.visit()
        if element.tag in (f"{_TEXT_NS}p", f"{_TEXT_NS}h"):
            out.add("".join(element.itertext()))
        elif element.tag == f"{_TABLE_NS}table-row":
            cells = [" ".join("".join(c.itertext()).split()) for c in element]
            out.visit(len(cells))
            out.add(" | ".join(cells))


def _xlsx_text(data: bytes, out: _Text, limits: ParseLimits) -> None:
    """Rows of every sheet as « | »-joined cells; the standard library is enough here.

    Sheets are read row by row (iterparse) and each row dropped once read, so a sheet's
    memory is one row, not its whole tree.
    """
    with _open_package(data, limits) as archive:
        names = archive.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            with archive.open("xl/sharedStrings.xml") as stream:
                for _, item in ElementTree.iterparse(stream):
                    if item.tag == f"{_S}si":
                        out.visit()
                        shared.append("".join(item.itertext())[: limits.max_text_chars])
                        item.clear()
        for name in sorted(n for n in names if re.match(r"xl/worksheets/sheet\d+\.xml$", n)):
            with archive.open(name) as stream:
                for _, row in ElementTree.iterparse(stream):
                    if row.tag == f"{_S}row":
                        _xlsx_row(row, shared, out)
                        row.clear()


def _xlsx_row(row: ElementTree.Element, shared: list[str], out: _Text) -> None:
    cells: list[str] = []
    for cell in row.iter(f"{_S}c"):
        out.visit()
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
        out.add(" | ".join(c.strip() for c in cells))


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
    readers = {".docx": _docx_text, ".odt": _odt_text, ".xlsx": _xlsx_text, ".xlsm": _xlsx_text}
    try:
        if (reader := readers.get(extension)) is not None:
            out = _Text(limits)
            with contextlib.suppress(_Enough):  # spent: what was read so far is the text
                reader(data, out, limits)
            text = str(out)
        elif extension == ".pdf":
            text = _pdf_text(data, limits)
        elif extension in (".txt", ".csv", ".log", ".tsv"):
            text = decode_bytes(data[: limits.max_text_chars * 4], charset)
        else:
            return ""
    except Exception:  # third-party readers raise anything on a broken file
        return ""
    return text[: limits.max_text_chars].replace("\x00", "")

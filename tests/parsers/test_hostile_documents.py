"""Issue 19: zip documents are checked before anything is inflated and read within a node
and text budget (R-MBX-10: a bad attachment never makes the letter unreadable)."""

from __future__ import annotations

import io
import sys
import time
import zipfile
from pathlib import Path

import docx

from parsers.documents import document_text
from parsers.limits import MIB, ParseLimits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "letters"))
from mime_builders import xlsx

LIMITS = ParseLimits()
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(paragraphs: int, text: str = "a") -> bytes:
    document = docx.Document()
    for index in range(paragraphs):
        document.add_paragraph(f"{text}{index}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _inflated_docx(xml_bytes: int) -> bytes:
    """A small DOCX whose document.xml inflates to `xml_bytes` of tiny paragraphs."""
    source = zipfile.ZipFile(io.BytesIO(_docx(1)))
    para = "<w:p><w:r><w:t>a</w:t></w:r></w:p>"
    body = para * (xml_bytes // len(para))
    xml = f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = xml.encode() if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def test_r_mbx_10_docx_inflating_past_the_xml_cap_is_not_parsed() -> None:
    data = _inflated_docx(3 * MIB)
    assert len(data) < 100_000  # small as sent, 3 MiB of XML inside
    started = time.process_time()
    assert document_text(data, ".docx", None, LIMITS) == ""
    assert time.process_time() - started < 2  # refused from the central directory


def test_r_mbx_10_docx_of_tiny_paragraphs_stops_at_the_node_budget() -> None:
    limits = ParseLimits(max_document_nodes=200)
    text = document_text(_docx(1000, "строка "), ".docx", None, limits)
    lines = text.splitlines()
    assert lines[0] == "строка 0"  # the beginning is kept
    assert 50 < len(lines) < 200


def test_r_mbx_10_docx_text_stops_at_max_text_chars() -> None:
    limits = ParseLimits(max_text_chars=1000)
    text = document_text(_docx(500, "x" * 40), ".docx", None, limits)
    assert text.startswith("x" * 40 + "0")
    assert len(text) <= 1000


def test_r_mbx_10_xlsx_rows_stop_at_the_node_budget() -> None:
    data = xlsx([[f"ячейка {r}", "b", "c"] for r in range(500)])
    text = document_text(data, ".xlsx", None, ParseLimits(max_document_nodes=90))
    lines = text.splitlines()
    assert lines[0] == "ячейка 0 | b | c"
    assert 10 < len(lines) < 40


def test_r_mbx_10_xlsx_sheet_over_the_xml_cap_is_not_read() -> None:
    rows = [[f"ячейка {r}"] for r in range(2000)]
    assert "ячейка 1999" in document_text(xlsx(rows), ".xlsx", None, LIMITS)
    assert document_text(xlsx(rows), ".xlsx", None, ParseLimits(max_xml_bytes=10_000)) == ""


def test_r_mbx_10_package_with_too_many_members_is_not_read() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", "<x/>")
        for index in range(50):
            archive.writestr(f"junk/{index}.bin", b"")
    assert document_text(out.getvalue(), ".odt", None, ParseLimits(max_package_members=20)) == ""

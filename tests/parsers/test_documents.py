"""Text layers of attached documents: DOCX (tables, struck-through lines), XLSX, PDF, ODT."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import docx

from parsers.documents import document_text
from parsers.license_form import purposes
from parsers.limits import ParseLimits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "letters"))
from mime_builders import pdf, xlsx

LIMITS = ParseLimits()


def _docx_with_struck_purpose() -> bytes:
    document = docx.Document()
    document.add_paragraph("Цель приобретения ПО:")
    document.add_paragraph("- Воспроизведение для собственного использования;")
    struck = document.add_paragraph()
    run = struck.add_run("- Демонстрационное представление функциональных возможностей;")
    run.font.strike = True
    table = document.add_table(rows=1, cols=3)
    table.rows[0].cells[0].text = "ГеоКадастр"
    table.rows[0].cells[1].merge(table.rows[0].cells[2])
    table.rows[0].cells[1].text = "ООО «Альфа»"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_drops_struck_through_text_and_merged_cell_repeats() -> None:
    text = document_text(_docx_with_struck_purpose(), ".docx", None, LIMITS)
    assert "Демонстрационное" not in text
    assert "ГеоКадастр | ООО «Альфа»" in text.splitlines()
    assert purposes(text.splitlines()) == (["own_use"], False)


def test_r_mbx_10_xlsx_rows_and_pdf_text_layer() -> None:
    assert document_text(xlsx([["ГеоКадастр", "2019612345"]]), ".xlsx", None, LIMITS) == (
        "ГеоКадастр | 2019612345"
    )
    assert "ИНН: 7204196795" in document_text(pdf(["ИНН: 7204196795"]), ".pdf", None, LIMITS)
    assert document_text(pdf([]), ".pdf", None, LIMITS).strip() == ""


def test_broken_documents_give_no_text_and_no_error() -> None:
    for extension in (".docx", ".xlsx", ".pdf", ".odt"):
        assert document_text(b"PK\x03\x04 not really a zip", extension, None, LIMITS) == ""


def test_pdf_that_pypdf_cannot_read_is_not_handed_to_pypdf(monkeypatch) -> None:
    """No %%EOF anywhere: pypdf would scan the whole file backwards in Python, then fail."""
    import pypdf

    good = pdf(["ИНН: 7204196795"])
    body = good[: good.rfind(b"%%EOF")]
    readable = [
        good,
        body + b"%%EO",  # truncated inside the marker: pypdf still reads it
        body + b"%\r\n",
        b"\x00junk before the header" + good,
        good[len(b"%PDF-1.4\n") :],  # no header at all: the lenient reader copes
    ]
    for data in readable:
        assert "7204196795" in document_text(data, ".pdf", None, LIMITS)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pypdf must not be asked")

    monkeypatch.setattr(pypdf, "PdfReader", refuse)
    for data in (body, body + b"x", good[: len(good) // 2], bytes(range(256)) * 400, b""):
        assert document_text(data, ".pdf", None, LIMITS) == ""


def test_documents_over_the_limit_are_not_opened() -> None:
    small = ParseLimits(max_document_bytes=100)
    assert document_text(pdf(["ИНН: 7204196795"]), ".pdf", None, small) == ""


def test_docx_that_would_inflate_too_far_is_not_opened() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/bomb.bin", b"\0" * 70_000_000)
    assert document_text(buffer.getvalue(), ".docx", None, LIMITS) == ""

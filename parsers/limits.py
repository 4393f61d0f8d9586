"""Size and depth limits for parsing untrusted mail; every parser entry point takes one."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """Bounds that keep a hostile or huge letter from exhausting memory or time.

    An attachment above `max_attachment_bytes` keeps its name, size and sha256 (computed
    while streaming) but not its bytes: the raw letter stays in the store anyway.
    """

    max_attachment_bytes: int = 32 * MIB
    # Total decoded payload kept per letter; later attachments become `oversize`.
    max_total_bytes: int = 64 * MIB
    # Documents larger than this are not opened for text extraction (DOCX/PDF/XLSX/TXT).
    max_document_bytes: int = 10 * MIB
    # Text taken from one document or body part, in characters.
    max_text_chars: int = 200_000
    # Zip-based documents (DOCX, XLSX, ODT), checked in the central directory before any
    # member is inflated (a 55 KB DOCX held 19 MB of XML: 88 s, 361 MiB; issue 19). Parsed
    # XML costs python-docx up to ~16× its size in memory (4 MiB of tiny paragraphs: +64 MB
    # RSS), hence the cap on one member; real forms' document.xml is well under 1 MiB.
    max_xml_bytes: int = 2 * MIB
    # Every member of the package together (python-docx loads them all), and their count.
    max_package_bytes: int = 24 * MIB
    max_package_members: int = 2000
    # Paragraphs, runs, table rows and cells visited in one document: each costs python-docx
    # ~30 µs, so this bounds the time of a document of tiny elements to about a second.
    max_document_nodes: int = 30_000
    max_pdf_pages: int = 30
    # Archive entries listed (central directory only, never unpacked).
    max_archive_entries: int = 500
    max_parts: int = 400
    max_depth: int = 12


DEFAULT_LIMITS = ParseLimits()

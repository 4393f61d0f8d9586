"""Hostile letters of issue 19: how long reading each takes and how much memory it needs.

    .venv/bin/python bench/bench_hostile.py

Each letter is read as the service reads it (parse, classify, extract: parsers.reading),
timed in CPU seconds with the peak traced memory. Targets: every letter read in under 2 s
and within 3× its size plus 32 MiB (before: the punycode letter 68–84 s, the DOCX 88 s and
361 MiB, the 60 000 subject tags 73 s, the 50 MB one-line letter 568 MiB via `process`).
"""

from __future__ import annotations

import base64
import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable

from bot.route.threads import find_case_numbers
from parsers.reading import read_ahead

MIB = 1024 * 1024
HEAD = "From: ivan@partner.ru\r\nTo: support@technocom.tech\r\nMessage-ID: <h@partner.ru>\r\n"


def text_letter(body: bytes, charset: str = "utf-8", subject: str = "Вопрос") -> bytes:
    head = f"{HEAD}Subject: {subject}\r\nContent-Type: text/plain; charset={charset}\r\n\r\n"
    return head.encode() + body


def docx_bomb(xml_bytes: int) -> bytes:
    """A small DOCX whose document.xml inflates to `xml_bytes` of one-letter paragraphs."""
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    para = "<w:p><w:r><w:t>a</w:t></w:r></w:p>"
    body = para * (xml_bytes // len(para))
    xml = f'<w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml)
    attachment = base64.encodebytes(out.getvalue()).decode()
    return (
        f"{HEAD}Subject: Заявка\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nЗаявка во вложении\r\n--b\r\n"
        'Content-Type: application/octet-stream; name="form.docx"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{attachment}--b--\r\n"
    ).encode()


def measure(name: str, read: Callable[[], object], size: int) -> None:
    tracemalloc.start()
    started = time.process_time()
    read()
    spent = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    ok = spent < 2 and peak < 3 * size + 32 * MIB
    print(f"{name:46} {size / MIB:7.2f} MB  {spent:6.2f} s  peak {peak / MIB:7.1f} MiB  {ok=}")


def main() -> None:
    punycode = text_letter(("привет " * 80_000).encode("punycode")[: 547 * 1024], "punycode")
    tags = text_letter(b"x", subject=" ".join(f"TCM-{i:06d}" for i in range(60_000)))
    one_line = text_letter(b"word " * (50 * MIB // 5))
    bomb = docx_bomb(19 * MIB)
    for name, raw in (
        ("547 KB body declared charset=punycode", punycode),
        ("DOCX with 19 MB of XML", bomb),
        ("60 000 case numbers in the subject", tags),
        ("50 MB letter on one line", one_line),
    ):
        measure(name, lambda raw=raw: read_ahead(raw, "support", None), len(raw))
    subject = " ".join(f"TCM-{i:06d}" for i in range(60_000))
    measure(
        "60 000 tags: thread look-ups",
        lambda: find_case_numbers(subject, "TCM", "TCM-{seq:06d}"),
        len(subject),
    )


if __name__ == "__main__":
    main()

"""Parsing speed and memory.

    .venv/bin/python bench/bench_parse.py

Prints letters per second (CPU time) for a typical 20 KB letter with two attachments,
for parse_letter alone and for the whole reading (parse, classify, extract, check), and the
peak traced memory while parsing a letter with a 50 MB attachment, with the default limits
(the attachment is hashed while streaming) and with limits that keep its bytes.

The typical letter is built 50 times over, so that each parse meets a new MIME boundary as
in service (the re module caches a pattern compiled for a boundary seen before).
"""

from __future__ import annotations

import base64
import io
import os
import time
import tracemalloc
import zipfile
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from parsers import ParseLimits, check, classify, extract, parse_letter

MIB = 1024 * 1024


def typical_letter() -> bytes:
    """≈20 KB: a Russian bug report from Outlook with a zipped log and a screenshot."""
    body = (
        "Добрый день!\n\nTracker: Неисправность\nPriority: Высокий\n"
        "Описание: при сохранении участка появляется ошибка, данные не сохраняются\n"
        "Юридическое лицо: ООО «Северный кадастр», ИНН 7204196795\n"
        "Лицензионный договор: № ЛД-2025/17 от 15.09.2025\nПО: ГеоКадастр 4.2\n"
        "Компонент: модуль реестра\nБазовое ПО: PostgreSQL 14.5\n"
        "Результаты самостоятельной диагностики:\n1. Базовое ПО работает корректно: да\n"
        "2. СУБД: проблем нет\n3. Сеть: ping стабильный\n4. Привилегии не менялись\n"
        "Последовательность действий:\n1. Открыть реестр\n2. Нажать «Сохранить»\n\n"
        "С уважением,\nДмитрий Орлов\n\n-----Original Message-----\n"
    ) + "> предыдущее письмо с историей переписки\n" * 60
    message = MIMEMultipart()
    message["From"] = "Дмитрий Орлов <d.orlov@geopartner.ru>"
    message["To"] = "support@technocom.tech"
    message["Subject"] = "Ошибка сохранения участков"
    message.attach(MIMEText(body, "plain", "utf-8"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("server.log", os.urandom(6000).hex()[:6000])
    log = MIMEApplication(buffer.getvalue(), "zip")
    log.add_header("Content-Disposition", "attachment", filename="logs.zip")
    message.attach(log)
    image = MIMEImage(b"\x89PNG\r\n\x1a\n" + os.urandom(5000), "png")
    image.add_header("Content-Disposition", "attachment", filename="screenshot.png")
    message.attach(image)
    return message.as_bytes()


def huge_letter(size: int) -> bytes:
    head = (
        b"From: p@partner.ru\r\nTo: support@technocom.tech\r\nSubject: dump\r\n"
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + "Дамп базы во вложении\r\n".encode()
        + b"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="dump.bin"\r\n\r\n'
    )
    return head + base64.encodebytes(os.urandom(size)) + b"--b--\r\n"


def rate(function, raws: list[bytes], seconds: float = 2.0) -> tuple[float, float]:
    count, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        function(raws[count % len(raws)])
        count += 1
    elapsed = time.process_time() - started
    return count / elapsed, elapsed / count * 1000


def pipeline(raw: bytes) -> None:
    letter = parse_letter(raw)
    verdict = classify(letter, "support")
    check(extract(letter, verdict.kind))


def peak(raw: bytes, limits: ParseLimits) -> tuple[float, bool]:
    tracemalloc.start()
    letter = parse_letter(raw, limits=limits)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / MIB, letter.attachments[0].oversize


def main() -> None:
    raws = [typical_letter() for _ in range(50)]
    per_second, ms = rate(parse_letter, raws)
    print(f"typical letter: {len(raws[0]) / 1024:.1f} KB, 2 attachments")
    print(f"  parse_letter:                {per_second:8.0f} letters/s  {ms:.2f} ms CPU each")
    per_second, ms = rate(pipeline, raws)
    print(f"  parse+classify+extract+check: {per_second:7.0f} letters/s  {ms:.2f} ms CPU each")
    big = huge_letter(50 * MIB)
    print(f"50 MB attachment letter: {len(big) / MIB:.1f} MB raw")
    for label, limits in (
        ("default limits (hashed, bytes not kept)", ParseLimits()),
        (
            "limits raised (bytes kept)",
            ParseLimits(max_attachment_bytes=64 * MIB, max_total_bytes=128 * MIB),
        ),
    ):
        top, oversize = peak(big, limits)
        ratio = top * MIB / len(big)
        print(f"  {label:40} peak {top:6.1f} MiB = {ratio:.2f} × raw  oversize={oversize}")


if __name__ == "__main__":
    main()

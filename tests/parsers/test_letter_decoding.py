"""Decoding: charsets, headers, quoted history, HTML, attachments and their limits."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile

import pytest

from parsers import ParseLimits, UnreadableLetter, parse_letter, parse_report, split_quoted
from parsers.attachments import classify_attachment, list_archive, sanitize_filename
from parsers.charsets import decode_bytes, decode_header_value
from parsers.limits import MIB
from parsers.types import AttachmentClass

RUSSIAN = "Прошу закрепить клиента, ИНН 7204196795"


@pytest.mark.parametrize("charset", ["utf-8", "windows-1251", "koi8-r"])
@pytest.mark.parametrize("cte", ["8bit", "base64", "quoted-printable"])
def test_r_mbx_5_body_charsets_and_transfer_encodings(charset: str, cte: str) -> None:
    data = RUSSIAN.encode(charset)
    if cte == "base64":
        payload = base64.encodebytes(data)
    elif cte == "quoted-printable":
        import quopri

        payload = quopri.encodestring(data)
    else:
        payload = data
    raw = (
        f"From: a@b.ru\r\nSubject: x\r\nContent-Type: text/plain; charset={charset}\r\n"
        f"Content-Transfer-Encoding: {cte}\r\n\r\n"
    ).encode() + payload
    assert parse_letter(raw).new_text == RUSSIAN


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r"])
def test_undeclared_8bit_cyrillic_is_guessed(charset: str) -> None:
    raw = b"From: a@b.ru\r\nSubject: x\r\n\r\n" + RUSSIAN.encode(charset)
    assert parse_letter(raw).new_text == RUSSIAN


def test_mislabelled_koi8_declared_as_cp1251_is_corrected() -> None:
    text = "Добрый день, просим продлить предварительное закрепление клиента"
    assert decode_bytes(text.encode("koi8-r"), "windows-1251") == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=?utf-8?B?0JfQsNC60YDQtdC/0LvQtdC90LjQtQ==?=", "Закрепление"),
        ("=?koi8-r?B?5MnSxcvUz9I=?=", "Директор"),
        ("=?windows-1251?Q?=C7=E0=FF=E2=EA=E0?=", "Заявка"),
        # Split inside a multi-byte character across two encoded words.
        ("=?utf-8?B?0JfQsNGP?= =?utf-8?B?0LLQutCw?=", "Заявка"),
        # Encoded words glued to text, bad padding.
        ("Re:=?utf-8?B?0JfQsNGP0LLQutCw?=", "Re:Заявка"),
        ("=?utf-8?B?0JfQsNGP0LLQutCw?", "=?utf-8?B?0JfQsNGP0LLQutCw?"),
    ],
)
def test_rfc2047_headers_also_broken(raw: str, expected: str) -> None:
    assert decode_header_value(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  plain value \t", "plain value"),
        ("folded\r\n  over two lines", "folded over two lines"),
        ("bare\nnewline", "bare newline"),
        ("Заявка \r\n", "Заявка"),  # not ASCII: the full path
        ("=?utf-8?B?0JfQsNGP0LLQutCw?= \r\n\t(copy)", "Заявка  (copy)"),  # as ever
    ],
)
def test_plain_headers_are_only_unfolded_and_stripped(raw: str, expected: str) -> None:
    assert decode_header_value(raw) == expected


def test_raw_8bit_subject_and_rfc2231_filename() -> None:
    raw = (
        "From: a@b.ru\r\nSubject: Запрос лицензий\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nтекст\r\n"
        "--b\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename*=utf-8''%D0%BB%D0%BE%D0%B3%D0%B8.zip\r\n\r\n"
        "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\r\n--b--\r\n"
    ).encode()
    letter = parse_letter(raw)
    assert letter.subject == "Запрос лицензий"
    assert [(a.filename, a.cls) for a in letter.attachments] == [("логи.zip", AttachmentClass.LOG)]


def test_html_only_letter_keeps_table_rows() -> None:
    html = "<table><tr><td>ИНН клиента</td><td>7204196795</td></tr></table><p>Спасибо</p>"
    raw = b"From: a@b.ru\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html.encode()
    letter = parse_letter(raw)
    assert "ИНН клиента | 7204196795" in letter.new_text


def test_r_mbx_11_html_blockquote_history_is_quoted() -> None:
    html = "<p>Новый текст</p><blockquote>Старый текст ИНН 7700000009</blockquote>"
    raw = b"From: a@b.ru\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html.encode()
    letter = parse_letter(raw)
    assert letter.new_text == "Новый текст"
    assert "7700000009" in letter.quoted_text


@pytest.mark.parametrize(
    "history",
    [
        "-----Original Message-----\nFrom: x",
        "-------- Исходное сообщение --------\nОт: x",
        "-------- Пересылаемое сообщение --------\nтекст",
        "02.03.2026 9:00, Иван Петров пишет:\n> текст",
        "On Mon, Mar 2, 2026 at 9:00 AM Ann <a@b.c> wrote:\n> text",
        "On Mon, Mar 2, 2026 at 9:00 AM Ann Smith <\na@b.c> wrote:\n> text",
        "От: Иван Петров\nОтправлено: 2 марта 2026 г. 9:00\nКому: mail@technocom.tech\nТема: Re",
        "From: Ivan\nSent: Monday, March 2, 2026 9:00 AM\nTo: x\nSubject: y",
    ],
)
def test_r_mbx_11_quoted_history_markers(history: str) -> None:
    new, quoted = split_quoted(f"Новые данные\n\n{history}\nстарые данные")
    assert new == "Новые данные"
    assert "старые данные" in quoted


def test_inline_reply_keeps_new_lines_between_quotes() -> None:
    new, quoted = split_quoted("> вопрос 1\nответ 1\n> вопрос 2\nответ 2")
    assert new == "ответ 1\nответ 2"
    assert quoted == "> вопрос 1\n> вопрос 2"


def test_a_line_starting_with_ot_is_not_history_without_a_header_block() -> None:
    text = "От: ООО «Ромашка», просим закрепить клиента\nИНН: 7204196795"
    assert split_quoted(text)[0] == text


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\лог.txt", "лог.txt"),
        ('bad<>:"|?*name.log', "bad_name.log"),
        ("\x00\x1f", "attachment.bin"),
        ("..", "attachment.bin"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_filenames_are_sanitised(name: str, clean: str) -> None:
    assert sanitize_filename(name) == clean


@pytest.mark.parametrize(
    ("name", "ctype", "cls"),
    [
        ("server.log", "text/plain", AttachmentClass.LOG),
        ("screen.png", "image/png", AttachmentClass.IMAGE),
        ("скан договора.jpg", "image/jpeg", AttachmentClass.SCAN),
        ("form.tiff", "image/tiff", AttachmentClass.SCAN),
        ("заявка.docx", "application/octet-stream", AttachmentClass.DOCUMENT),
        ("form.pdf.sig", "application/octet-stream", AttachmentClass.SIGNATURE),
        ("photos.zip", "application/zip", AttachmentClass.ARCHIVE),
        ("журнал_ошибок.txt", "text/plain", AttachmentClass.LOG),
        ("readme.txt", "text/plain", AttachmentClass.DOCUMENT),
    ],
)
def test_attachment_classes(name: str, ctype: str, cls: AttachmentClass) -> None:
    assert classify_attachment(name, ctype) == cls


def test_zip_is_listed_from_its_directory_only() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.bin", b"\x00" * 50_000_000)  # 50 MB of zeros: a zip bomb
        archive.writestr("app/server.log", b"x")
    data = buffer.getvalue()
    assert len(data) < 200_000
    limits = ParseLimits(max_archive_entries=10)
    assert list_archive(data, limits) == ("bomb.bin", "app/server.log")
    assert (
        classify_attachment("data.zip", "application/zip", entries=("app/server.log",))
        == AttachmentClass.LOG
    )


def _letter_with_attachment(size: int) -> tuple[bytes, bytes]:
    payload = bytes(range(256)) * (size // 256)
    raw = (
        b"From: a@b.ru\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
        b"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="big.bin"\r\n\r\n'
        + base64.encodebytes(payload)
        + b"--b--\r\n"
    )
    return raw, payload


def test_attachment_over_the_limit_keeps_size_and_hash_but_not_bytes() -> None:
    raw, payload = _letter_with_attachment(300_000)
    letter = parse_letter(raw, limits=ParseLimits(max_attachment_bytes=100_000))
    (attachment,) = letter.attachments
    assert attachment.oversize and attachment.payload == b""
    assert attachment.size == len(payload)
    assert attachment.sha256 == hashlib.sha256(payload).hexdigest()
    assert any("size limit" in d for d in letter.defects)


def test_attachment_under_the_limit_keeps_its_bytes() -> None:
    raw, payload = _letter_with_attachment(30_000)
    (attachment,) = parse_letter(raw).attachments
    assert attachment.payload == payload and not attachment.oversize
    assert attachment.sha256 == hashlib.sha256(payload).hexdigest()


@pytest.mark.parametrize("raw", [b"", b"   \r\n  ", b"\r\n\r\n"])
def test_empty_input_is_unreadable(raw: bytes) -> None:
    with pytest.raises(UnreadableLetter, match="empty"):
        parse_letter(raw)


def test_report_of_unreadable_letter() -> None:
    assert parse_report(b"", "general") == {"kind": None, "error": "the letter is empty"}


def test_report_is_json_ready() -> None:
    raw, _ = _letter_with_attachment(3000)
    report = parse_report(raw, "support")
    text = json.dumps(report, ensure_ascii=False)
    assert json.loads(text)["attachments"][0]["filename"] == "big.bin"
    assert set(report) >= {
        "kind",
        "confidence",
        "reasons",
        "fields",
        "missing",
        "invalid",
        "warnings",
        "attachments",
    }


def _big_letter(payload: bytes, cte: str = "base64", ctype: str = "application/pdf") -> bytes:
    body = base64.encodebytes(payload) if cte == "base64" else payload
    return (
        b"From: a@b.ru\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + "Скан договора во вложении\r\n".encode()
        + b"--b\r\nContent-Type: " + ctype.encode() + b"\r\nContent-Transfer-Encoding: "
        + cte.encode() + b'\r\nContent-Disposition: attachment; filename="scan.pdf"\r\n\r\n'
        + body + b"\r\n--b--\r\n"
    )  # fmt: skip


def test_large_base64_attachment_is_decoded_from_the_raw_bytes() -> None:
    payload = bytes(range(256)) * 12_000 + b"tail"  # ≈ 3 MB: the blob path is taken
    letter = parse_letter(_big_letter(payload))
    (attachment,) = letter.attachments
    assert attachment.payload == payload
    assert attachment.sha256 == hashlib.sha256(payload).hexdigest()
    assert letter.new_text == "Скан договора во вложении"


def test_large_attachment_over_the_limit_is_hashed_without_keeping_it() -> None:
    payload = bytes(range(256)) * 12_000
    letter = parse_letter(_big_letter(payload), limits=ParseLimits(max_attachment_bytes=MIB))
    (attachment,) = letter.attachments
    assert attachment.oversize and attachment.payload == b""
    assert (attachment.size, attachment.sha256) == (
        len(payload),
        hashlib.sha256(payload).hexdigest(),
    )


def test_large_plain_alphanumeric_body_is_kept_verbatim() -> None:
    lines = b"".join(b"%076d\r\n" % i for i in range(40_000))  # 3 MB of digits, 8bit
    letter = parse_letter(_big_letter(lines, cte="8bit", ctype="text/csv"))
    (attachment,) = letter.attachments
    assert attachment.payload.rstrip(b"\r\n") == lines.rstrip(b"\r\n")


def test_large_forwarded_letter_keeps_its_attachment_bytes() -> None:
    payload = bytes(range(256)) * 12_000
    inner = _big_letter(payload)
    raw = (
        b"From: hq@technocom.tech\r\nSubject: Fwd: scan\r\n"
        b"Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
        b"--outer\r\nContent-Type: text/plain\r\n\r\nFYI\r\n"
        b"--outer\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--outer--\r\n"
    )
    letter = parse_letter(raw)
    assert [a.payload == payload for a in letter.attachments] == [True]
    (forwarded,) = letter.forwarded
    assert parse_letter(forwarded).attachments[0].sha256 == hashlib.sha256(payload).hexdigest()


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r"])
def test_cyrillic_mislabelled_as_latin1_is_recovered(charset: str) -> None:
    assert decode_bytes(RUSSIAN.encode(charset), "iso-8859-1") == RUSSIAN


def test_western_latin1_text_is_left_alone() -> None:
    text = "Grüße aus München, schöne Grüße und à bientôt"
    assert decode_bytes(text.encode("latin-1"), "iso-8859-1") == text


def test_raw_8bit_header_uses_the_body_charset_as_hint() -> None:
    subject = "Žluťoučký kůň"
    raw = (
        b"From: a@b.ru\r\nSubject: " + subject.encode("iso-8859-2") + b"\r\n"
        b"Content-Type: text/plain; charset=iso-8859-2\r\n\r\n" + "úpěl".encode("iso-8859-2")
    )
    letter = parse_letter(raw)
    assert (letter.subject, letter.new_text) == (subject, "úpěl")


def test_raw_utf8_header_wins_over_a_cp1251_body() -> None:
    raw = (
        "From: a@b.ru\r\nSubject: Запрос лицензий\r\n".encode()
        + b"Content-Type: text/plain; charset=windows-1251\r\n\r\n"
        + "текст".encode("cp1251")
    )
    assert parse_letter(raw).subject == "Запрос лицензий"


def _encoded(text: str) -> str:
    return "=?utf-8?B?" + base64.b64encode(text.encode()).decode() + "?="


@pytest.mark.parametrize(
    ("sender", "name"),
    [
        # An encoded name is split only after decoding, or the comma would cut the address.
        (f"{_encoded('Петров, Иван')} <Ivan@Partner.ru>", "Петров, Иван"),
        (f"{_encoded('Иван (ООО Партнер)')} <ivan@partner.ru>", "Иван (ООО Партнер)"),
        (_encoded('ООО "Партнер"') + " <ivan@partner.ru>", 'ООО "Партнер"'),
        (f'"{_encoded("Петров, Иван")}" <ivan@partner.ru>', "Петров, Иван"),
        ('"Petrov, Ivan" <ivan@partner.ru>', "Petrov, Ivan"),
        ("ivan@partner.ru (Ivan Petrov)", "Ivan Petrov"),
        # Raw 8-bit name, quoted as it should be.
        ('"Петров, Иван" <ivan@partner.ru>', "Петров, Иван"),
    ],
)
def test_r_id_1_sender_names_with_commas_quotes_or_brackets_keep_the_address(
    sender: str, name: str
) -> None:
    """R-ID-1 identifies the partner by the From address, whatever its display name holds."""
    to = f"{_encoded('Поддержка, ТЕХНОКОМ')} <support@technocom.tech>, hq@technocom.tech"
    raw = f"From: {sender}\r\nTo: {to}\r\nSubject: x\r\n\r\nbody\r\n".encode()
    parsed = parse_letter(raw)
    assert (parsed.from_name, parsed.from_addr) == (name, "ivan@partner.ru")
    assert parsed.to == ("support@technocom.tech", "hq@technocom.tech")

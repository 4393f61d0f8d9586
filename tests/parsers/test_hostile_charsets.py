"""Issue 19: only real text charsets are decoded; any other codec name is read as a guess,
with a defect noted, and never quarantines the letter (R-MBX-5)."""

from __future__ import annotations

import base64

import pytest

from parsers import parse_letter
from parsers.charsets import codec_name, decode_bytes, decode_header_value, unknown_charset

RUSSIAN = "Прошу закрепить клиента, ИНН 7204196795"


def _letter(body: bytes, charset: str, cte: str = "8bit") -> bytes:
    return (
        f"From: a@b.ru\r\nTo: support@technocom.tech\r\nSubject: x\r\n"
        f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n"
    ).encode() + body


@pytest.mark.parametrize(
    "charset",
    [
        "idna",
        "punycode",
        "rot13",
        "rot_13",
        "zlib",
        "base64",
        "hex",
        "uu",
        "bz2",
        "quopri",
        "unicode_escape",
        "raw_unicode_escape",
        "undefined",
        "palmos",
        "x-no-such-charset",
    ],
)
def test_r_mbx_5_non_text_codec_is_read_as_a_guess_with_a_defect(charset: str) -> None:
    letter = parse_letter(_letter(RUSSIAN.encode("utf-8"), charset))
    assert letter.new_text == RUSSIAN
    assert any(charset in defect and "guess" in defect for defect in letter.defects)


def test_r_mbx_5_idna_charset_no_longer_quarantines() -> None:
    # It raised UnicodeError ("Unsupported error handling replace") → UnreadableLetter.
    letter = parse_letter(_letter("тест".encode(), "idna"))
    assert letter.new_text == "тест"


def test_r_mbx_5_punycode_body_is_not_decoded_as_punycode() -> None:
    # A punycode body decodes in quadratic time: 547 KB held the service for over a minute.
    body = ("привет" * 2000).encode("punycode")
    letter = parse_letter(_letter(body, "punycode"))
    assert letter.new_text == body.decode("ascii")


@pytest.mark.parametrize(
    ("charset", "codec"),
    [
        ("utf-8", "utf-8"),
        ("windows-1251", "cp1251"),
        ("KOI8-R", "koi8-r"),
        ("koi8-u", "koi8-u"),
        ("cp866", "cp866"),
        ("ibm866", "cp866"),
        ("iso-8859-5", "iso8859-5"),
        ("iso-8859-8-i", "iso8859-8"),
        ("us-ascii", "ascii"),
        ("gb2312", "gb2312"),
        ("big5", "big5"),
        ("shift_jis", "shift_jis"),
        ("euc-kr", "euc_kr"),
        ("iso-2022-jp", "iso2022_jp"),
        ("utf-16", "utf-16"),
        ("windows-874", "cp874"),
        ('"windows-1251"', "cp1251"),
    ],
)
def test_r_mbx_5_real_world_charsets_are_accepted(charset: str, codec: str) -> None:
    assert codec_name(charset) == codec
    assert unknown_charset(charset) is None


@pytest.mark.parametrize("charset", ["koi8-r", "cp866", "utf-16", "iso-8859-5"])
def test_r_mbx_5_whitelisted_charsets_still_decode(charset: str) -> None:
    letter = parse_letter(_letter(base64.encodebytes(RUSSIAN.encode(charset)), charset, "base64"))
    assert letter.new_text == RUSSIAN
    assert not any("guess" in defect for defect in letter.defects)


def test_r_mbx_5_encoded_word_in_a_non_text_codec_is_guessed() -> None:
    word = base64.b64encode("Заявка".encode()).decode()
    assert decode_header_value(f"=?punycode?B?{word}?=") == "Заявка"
    assert decode_header_value(f"=?idna?B?{word}?=") == "Заявка"


def test_r_mbx_5_rot13_is_not_applied() -> None:
    assert decode_bytes(b"Uryyb", "rot13") == "Uryyb"


def test_r_mbx_5_a_short_koi8_r_name_keeps_its_declared_charset() -> None:
    # «ЛС-2026-455.pdf» in KOI8-R reads «му-2026-455.pdf» in cp1251: two capitals say
    # nothing about a wrong label, so the declared charset stands.
    from parsers.charsets import decode_header_value

    assert decode_header_value("=?koi8-r?B?7PMtMjAyNi00NTUucGRm?=") == "ЛС-2026-455.pdf"

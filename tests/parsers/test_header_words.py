"""RFC 2047 words in folded headers (R-MBX-5, issue 25): white space between two encoded
words is dropped, white space between an encoded word and plain text is kept."""

from __future__ import annotations

import base64

import pytest

from parsers.charsets import decode_header_value


def _word(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?b?{base64.b64encode(text.encode(charset)).decode()}?="


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # An encoded word, then plain text on the next folded line.
        (f"{_word('выгрузка в')}\r\n DXF", "выгрузка в DXF"),
        (f"{_word('Автоответ:')}\r\n [TCM-000031]", "Автоответ: [TCM-000031]"),
        # Plain text, then an encoded word on the next line.
        (f"Re: [TCM-000031]\r\n {_word('сбой печати')}", "Re: [TCM-000031] сбой печати"),
        # Two encoded words split over lines join with no space (a word cut in two).
        (f"{_word('печа')}\r\n\t{_word('ть', 'koi8-r')}", "печать"),
        # On one line too.
        (f"{_word('Сбой')} {_word(' отчета')}", "Сбой отчета"),
    ],
)
def test_r_mbx_5_folded_encoded_words_keep_the_spaces_rfc_2047_keeps(
    raw: str, expected: str
) -> None:
    assert decode_header_value(raw) == expected

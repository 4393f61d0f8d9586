"""Base64 runs cut out before MIME parsing (parsers/blobs.py) change nothing that is parsed.

Each letter is parsed three times: as the standard library sees it (no cut), with the
default thresholds, and with every base64-alphabet line cut out (the harshest case), and
the results must be identical down to payload bytes, texts, forwarded bytes and defects.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import quopri
import random

import pytest

from parsers import ParseLimits, parse_letter
from parsers import blobs as blobs_module
from parsers.blobs import TOKEN, cut_blobs

_RNG = random.Random(5)
_HEAD = (
    "From: Иван Петров <ivan@partner.ru>\nTo: support@technocom.tech\nSubject: Ошибка\n"
    "Date: Mon, 02 Mar 2026 05:00:00 +0000\nMessage-ID: <{id}@partner.ru>\nMIME-Version: 1.0\n"
)
_TEXT = "Описание: при сохранении участка появляется ошибка\nПО: ГеоКадастр 4.2\n" * 40


def _b64(data: bytes, width: int = 76) -> bytes:
    encoded = base64.b64encode(data)
    return b"".join(encoded[i : i + width] + b"\n" for i in range(0, len(encoded), width))


def _hexdump(size: int) -> bytes:
    """A dump with no spaces: every line is base64 alphabet, but the part is plain text."""
    digits = _RNG.randbytes(size).hex().encode()
    return b"".join(digits[i : i + 64] + b"\n" for i in range(0, len(digits), 64))


def _qp_escaped(data: bytes) -> bytes:
    """Quoted-printable with every byte escaped, as some mailers write it: no space at all."""
    encoded = "".join(f"={byte:02X}" for byte in data).encode()
    return b"=\n".join(encoded[i : i + 75] for i in range(0, len(encoded), 75)) + b"\n"


def _part(ctype: str, body: bytes, cte: str | None = "base64", extra: str = "") -> bytes:
    head = f"Content-Type: {ctype}\n"
    head += f"Content-Transfer-Encoding: {cte}\n" if cte else ""
    return (head + extra + "\n").encode() + body


def _file(name: str, data: bytes, ctype: str = "application/octet-stream") -> bytes:
    disposition = f'Content-Disposition: attachment; filename="{name}"\n'
    return _part(f'{ctype}; name="{name}"', _b64(data), extra=disposition)


def _multipart(
    *parts: bytes,
    preamble: bytes = b"",
    epilogue: bytes = b"",
    sub: str = "mixed",
    bound: str = "b1",
) -> bytes:
    out = f'Content-Type: multipart/{sub}; boundary="{bound}"\n\n'.encode() + preamble
    for part in parts:
        out += f"--{bound}\n".encode() + part
    return out + f"--{bound}--\n".encode() + epilogue


def _letter(body: bytes, ident: str = "1") -> bytes:
    return _HEAD.format(id=ident).encode() + body


_BODY = _part("text/plain; charset=utf-8", _b64(_TEXT.encode()))
_INNER = _letter(
    _multipart(_BODY, _file("scan.pdf", _RNG.randbytes(9000), "application/pdf"), bound="b2"),
    "inner",
)
_DSN = (
    b"Reporting-MTA: dns; mx.partner.ru\n\nFinal-Recipient: rfc822; a@b.ru\nAction: failed\n"
    + _hexdump(3000)
    + b"\n"
    + _hexdump(3000)
)
_BAD_BASE64 = base64.b64encode(_RNG.randbytes(4000) + b"x") + base64.b64encode(b"second")

LETTERS = {
    "base64 text and attachment": _letter(_multipart(_BODY, _file("a.bin", _RNG.randbytes(9000)))),
    "text/plain: a sentence, then a long hex dump": _letter(
        _multipart(
            _part("text/plain; charset=utf-8", b"The dump:\n" + _hexdump(6000) + b"Bye\n", "7bit"),
            _file("a.bin", _RNG.randbytes(6000)),
        )
    ),
    "text/plain that is only a hex dump, no transfer encoding": _letter(
        _multipart(_part("text/plain", _hexdump(6000), None))
    ),
    "quoted-printable with no space at all": _letter(
        _multipart(
            _part("text/plain; charset=utf-8", _qp_escaped(_TEXT.encode()), "quoted-printable"),
            _part(
                'text/plain; name="n.txt"',
                quopri.encodestring(_RNG.randbytes(6000)),
                "quoted-printable",
            ),
        )
    ),
    "forwarded message/rfc822 with a base64 attachment": _letter(
        _multipart(
            _part("text/plain", b"See below\n", "7bit"), _part("message/rfc822", _INNER, None)
        )
    ),
    "forwarded letter whose body is a hex dump": _letter(
        _multipart(
            _BODY,
            _part(
                "message/rfc822", _letter(_part("text/plain", _hexdump(5000), "7bit"), "i2"), None
            ),
        )
    ),
    "run that ends the file without a line break": _letter(
        _part("text/plain; charset=utf-8", _b64(_TEXT.encode() * 2).rstrip(b"\n"))
    ),
    "unclosed multipart ending in a run without a line break": _letter(
        _multipart(_BODY, _file("a.bin", _RNG.randbytes(9000)))[: -len(b"\n--b1--\n")]
    ),
    "hex dump ending the file without a line break": _letter(
        _part("text/plain", b"Dump:\n" + _hexdump(6000).rstrip(b"\n"), "7bit")
    ),
    "blank lines inside and after a base64 body": _letter(
        _multipart(
            _BODY,
            _part("application/octet-stream", _hexdump(3000) + b"\n" + _hexdump(3000) + b"\n\n"),
        )
    ),
    "delivery status blocks separated by blank lines": _letter(
        _multipart(
            _part("text/plain", b"Delivery failed\n", "7bit"),
            _part("message/delivery-status", _DSN, None),
            _part("message/rfc822", _INNER, None),
            sub="report; report-type=delivery-status",
        )
    ),
    "runs in the preamble and the epilogue": _letter(
        _multipart(_BODY, preamble=_hexdump(3000), epilogue=_hexdump(3000))
    ),
    "broken base64: data after padding, odd length": _letter(
        _multipart(
            _BODY,
            _part("application/octet-stream", _b64(_BAD_BASE64)),
            _part("application/octet-stream", _b64(base64.b64encode(_RNG.randbytes(4000)) + b"Q")),
        )
    ),
    "transfer encoding with a trailing space": _letter(
        _multipart(_BODY, _part("application/octet-stream", _b64(_RNG.randbytes(6000)), "base64 "))
    ),
    "letter that contains the token text": _letter(
        _multipart(
            _part("text/plain", f"{TOKEN}0\n".encode(), "7bit"),
            _file("a.bin", _RNG.randbytes(9000)),
        )
    ),
    "no headers, only base64": _b64(_RNG.randbytes(9000)),
}


def _everything(raw: bytes, limits: ParseLimits) -> tuple[object, ...]:
    """Every field, with those left out of == (payloads, document texts) too."""
    return dataclasses.astuple(parse_letter(raw, limits=limits))


@pytest.fixture(params=["lf", "crlf"])
def newline(request: pytest.FixtureRequest) -> bytes:
    return b"\r\n" if request.param == "crlf" else b"\n"


@pytest.mark.parametrize("name", list(LETTERS))
def test_cutting_base64_runs_changes_nothing_parsed(
    name: str, newline: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = LETTERS[name].replace(b"\n", newline)
    small = ParseLimits(max_attachment_bytes=3000, max_total_bytes=6000)
    expected = {}
    with monkeypatch.context() as patch:
        patch.setattr(blobs_module, "SCAN_FROM_BYTES", len(raw) + 1)  # the parser sees all
        for limits in (ParseLimits(), small):
            expected[limits] = _everything(raw, limits)
    for min_run in (blobs_module.MIN_RUN, 1):
        monkeypatch.setattr(blobs_module, "SCAN_FROM_BYTES", 0)
        monkeypatch.setattr(blobs_module, "MIN_RUN", min_run)
        if name != "letter that contains the token text":
            assert cut_blobs(raw)[1], "the letter must exercise the cut"
        for limits in (ParseLimits(), small):
            assert _everything(raw, limits) == expected[limits]


def test_a_base64_attachment_is_decoded_from_the_raw_bytes_not_by_the_parser() -> None:
    payload = _RNG.randbytes(20_000)
    raw = _letter(_multipart(_BODY, _file("b.bin", payload)))
    cut, blobs = cut_blobs(raw)
    assert len(blobs) == 2 and len(cut) < 600  # the text body and the attachment
    letter = parse_letter(raw)
    assert letter.attachments[0].payload == payload
    assert letter.attachments[0].sha256 == hashlib.sha256(payload).hexdigest()
    assert letter.text == _TEXT and TOKEN not in letter.text


def test_a_hex_dump_after_a_sentence_stays_in_the_text() -> None:
    dump = _hexdump(6000)
    raw = _letter(_part("text/plain", b"The dump:\n" + dump + b"Bye\n", "7bit"))
    assert cut_blobs(raw)[1]
    letter = parse_letter(raw)
    assert letter.text == "The dump:\n" + dump.decode() + "Bye\n"
    assert TOKEN not in letter.text


@pytest.mark.parametrize("chunk", [8, 76, 77, 1 << 20])
def test_base64_runs_decode_exactly_as_the_standard_library_does(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from email.message import Message

    monkeypatch.setattr(blobs_module, "_CHUNK", chunk)
    good = base64.b64encode(_RNG.randbytes(300))
    bodies = [
        good,
        good + b"AB==",  # padded at the very end: valid
        *(base64.b64encode(b"x" * n) + good for n in range(30, 42)),  # padding, then data
        good[:-1],
        good + b"A",
        good + b"====",
        b"====" + good,
        b"",
    ]
    for body in bodies:
        lines = "".join(f"{body[i : i + 76].decode()}\r\n" for i in range(0, len(body), 76))
        for text in (lines, lines.rstrip("\r\n")):
            part = Message()
            part["Content-Transfer-Encoding"] = "base64"
            part.set_payload(text)
            expected = part.get_payload(decode=True)
            value, defects = blobs_module.decode_base64(memoryview(text.encode()))
            assert value == expected
            assert [type(d) for d in defects] == [type(d) for d in part.defects]


def test_a_token_without_its_line_break_stands_for_the_run_without_it() -> None:
    raw = _letter(_multipart(_file("a.bin", _RNG.randbytes(3000)))).replace(b"\n", b"\r\n")
    cut, blobs = cut_blobs(raw)
    (blob,) = blobs
    assert bytes(blob).endswith(b"=\r\n") or bytes(blob).endswith(b"\r\n")
    assert f"{TOKEN}0\r\n".encode() in cut
    assert blobs_module.blob_of(f"{TOKEN}0\r\n", blobs) == blob
    assert blobs_module.blob_of(f"{TOKEN}0", blobs) == blob[:-2]
    for other in (f"{TOKEN}0\n", f" {TOKEN}0", f"{TOKEN}0\r\n\r\n", f"{TOKEN}1", "x"):
        assert blobs_module.blob_of(other, blobs) is None

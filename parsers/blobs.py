"""Long base64-alphabet runs, cut out of the raw letter before MIME parsing.

The standard library parser reads a body line by line in Python (≈2000 `readline` calls
for a 150 KB attachment) and keeps one string per line (several hundred MB for a 50 MB
attachment). Runs of whole lines made only of base64 characters are therefore replaced by
a one-line token before parsing; a base64 part whose body is exactly one token is decoded
(or only hashed) straight from the caller's bytes, and every other string that holds a
token gets the run back right after parsing, so the cut is invisible to the rest:

* a token stands for a run of whole lines with no blank line (blank lines separate the
  blocks of message/delivery-status), and ends with the run's own last line break;
* the parser may drop that line break (the one before a boundary), exactly as it would
  have dropped the run's: a token stands for the run without its last line break, and the
  line break after it, if still there, is that one;
* letters that already contain the token text are not cut at all.
"""

from __future__ import annotations

import binascii
import hashlib
import re
from email._encoded_words import decode_b  # what get_payload(decode=True) decodes with
from email.errors import MessageDefect

TOKEN = "PARTNERDESKBLOB"
_TOKEN_BYTES = TOKEN.encode()
_TOKEN_STR = re.compile(rf"{TOKEN}([0-9]+)")
_TOKEN_RAW = re.compile(rb"%s([0-9]+)" % _TOKEN_BYTES)
# Measured on the benchmark mix and on 4–12 KB letters with one attachment: a token pays
# off from about 2 KB of base64 (≈30 lines), and the scan costs ≈1.5 µs per KB.
SCAN_FROM_BYTES = 4096
MIN_RUN = 2048
# Whole lines made only of base64 characters, from a line start, none of them blank (blank
# lines separate the blocks of message/delivery-status). The possessive repeats keep the
# regex engine from storing backtracking state per line: linear time, constant memory.
_RUN = re.compile(rb"(?m)^(?:[A-Za-z0-9+/=]++(?:\r\n|\r(?!\n)|\n|\Z))++")
_CHUNK = 1 << 20


def _eol(blob: bytes | memoryview) -> bytes:
    """The last line break of a run ("" for a run that ends the letter without one)."""
    tail = bytes(blob[-2:])
    if tail == b"\r\n":
        return tail
    return tail[-1:] if tail[-1:] in (b"\r", b"\n") else b""


def _runs(raw: bytes, min_run: int) -> list[tuple[int, int]]:
    """(start, end) of every run of at least min_run bytes."""
    return [match.span() for match in _RUN.finditer(raw) if match.end() - match.start() >= min_run]


def cut_blobs(raw: bytes) -> tuple[bytes, list[memoryview]]:
    """(raw with each long run replaced by a token, the runs as views of raw)."""
    if len(raw) < SCAN_FROM_BYTES or _TOKEN_BYTES in raw:
        return raw, []
    runs = _runs(raw, MIN_RUN)
    if not runs:
        return raw, []
    view = memoryview(raw)
    pieces: list[bytes | memoryview] = []
    blobs: list[memoryview] = []
    position = 0
    for start, end in runs:
        blob = view[start:end]
        pieces += (view[position:start], b"%s%d%s" % (_TOKEN_BYTES, len(blobs), _eol(blob)))
        blobs.append(blob)
        position = end
    pieces.append(view[position:])
    return b"".join(pieces), blobs


def _core(blob: memoryview) -> memoryview:
    """The run without its last line break: what a token without a line break stands for."""
    return blob[: len(blob) - len(_eol(blob))]


def restore_text(text: str, blobs: list[memoryview]) -> str:
    """A parsed string (payload, preamble, epilogue) with the runs back in place."""

    def back(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return str(_core(blobs[index]), "ascii") if index < len(blobs) else match.group(0)

    return _TOKEN_STR.sub(back, text) if blobs and TOKEN in text else text


def restore_blobs(data: bytes, blobs: list[memoryview]) -> bytes:
    """A re-serialised part (a forwarded letter) with the runs back in place.

    The generator writes every line break as "\\n": so are the runs' own line breaks.
    """
    if not blobs or _TOKEN_BYTES not in data:
        return data

    def back(match: re.Match[bytes]) -> bytes:
        index = int(match.group(1))
        if index >= len(blobs):
            return match.group(0)
        return bytes(_core(blobs[index])).replace(b"\r\n", b"\n").replace(b"\r", b"\n")

    return _TOKEN_RAW.sub(back, data)


def blob_of(payload: object, blobs: list[memoryview]) -> memoryview | None:
    """The bytes a payload that is exactly one token stands for, if it is one."""
    if not blobs or not isinstance(payload, str) or not payload.startswith(TOKEN):
        return None
    rest = payload[len(TOKEN) :]
    digits = rest.rstrip("\r\n")
    if not (digits.isascii() and digits.isdigit()) or int(digits) >= len(blobs):
        return None
    blob = blobs[int(digits)]
    eol = rest[len(digits) :]
    if eol == "":
        return _core(blob)
    return blob if eol.encode() == _eol(blob) else None


def decode_base64(blob: memoryview) -> tuple[bytes, list[MessageDefect]]:
    """What Message.get_payload(decode=True) gives for this base64 body, and its defects.

    Valid base64 (padding only at the very end) is decoded one chunk at a time, so a huge
    attachment is never copied whole; anything else goes to the standard library's own
    lenient decoder, so that broken bodies decode exactly as they did before the cut.
    """
    decoded: list[bytes] = []
    carry = b""
    padded = False
    for start in range(0, len(blob), _CHUNK):
        data = carry + bytes(blob[start : start + _CHUNK]).translate(None, b"\r\n")
        usable = len(data) - len(data) % 4
        carry = data[usable:]
        if not usable:
            continue
        if padded:  # data after the padding: only the lenient decoder knows what to do
            break
        try:
            decoded.append(binascii.a2b_base64(data[:usable], strict_mode=True))
        except binascii.Error:
            break
        padded = data[usable - 1] == 61  # "="
    else:
        if not carry:
            return b"".join(decoded), []
    value, defects = decode_b(bytes(blob).translate(None, b"\r\n"))
    return value, list(defects)


def decode_blob(blob: memoryview) -> tuple[int, str]:
    """(decoded size, sha256) of a base64 run over the size limit, one chunk at a time.

    Only letters over 32 MB (the default limit) get here, and they were cut before too:
    the same decoding as ever, which on broken base64 may differ from streamed_digest().
    """
    digest = hashlib.sha256()
    size = 0
    carry = b""
    for start in range(0, len(blob), _CHUNK):
        data = carry + bytes(blob[start : start + _CHUNK]).translate(None, b"\r\n\t ")
        usable = len(data) - len(data) % 4
        carry = data[usable:]
        try:
            decoded = binascii.a2b_base64(data[:usable])
        except binascii.Error:
            decoded = b""
        size += len(decoded)
        digest.update(decoded)
    if carry:
        try:
            tail = binascii.a2b_base64(carry + b"=" * (-len(carry) % 4))
        except binascii.Error:
            tail = b""
        size += len(tail)
        digest.update(tail)
    return size, digest.hexdigest()

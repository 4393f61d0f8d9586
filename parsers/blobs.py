"""Large base64 bodies, cut out before MIME parsing so memory stays near the letter size.

The standard library parser splits a body into one string per line: a 50 MB attachment
costs several hundred MB. Long runs of base64 lines are therefore replaced by a short
token before parsing and decoded (or only hashed) straight from the raw bytes afterwards.
"""

from __future__ import annotations

import binascii
import hashlib
import re

TOKEN = "PARTNERDESKBLOB"
_TOKEN_RE = re.compile(rf"\s*{TOKEN}(\d+)\s*")
# Only letters this large are scanned; ordinary letters never pay for it.
SCAN_FROM_BYTES = 2 * 1024 * 1024
# A run of base64 characters and line breaks of at least 1 MB. The look-behind makes the
# search start only at the beginning of a run (linear time), and a single-character repeat
# keeps the regex engine from storing per-line backtracking state (constant memory).
_RUN = re.compile(rb"(?<![A-Za-z0-9+/=\r\n])[A-Za-z0-9+/=\r\n]{1048576,}")
_CHUNK = 1 << 20


def _line_start(raw: bytes, start: int, end: int) -> int:
    """The first body line of a run: skip the end of a header line and blank lines."""
    if start > 0 and raw[start - 1 : start] != b"\n":
        newline = raw.find(b"\n", start, end)
        start = end if newline < 0 else newline + 1
    while start < end and raw[start : start + 1] in (b"\r", b"\n"):
        start += 1
    return start


def cut_blobs(raw: bytes) -> tuple[bytes, list[memoryview]]:
    """(raw with each long base64 run replaced by a token line, the runs as views)."""
    if len(raw) < SCAN_FROM_BYTES:
        return raw, []
    view = memoryview(raw)
    pieces: list[bytes | memoryview] = []
    blobs: list[memoryview] = []
    position = 0
    for match in _RUN.finditer(raw):
        start = _line_start(raw, match.start(), match.end())
        end = match.end()
        if end < len(raw) and raw[end - 1 : end] != b"\n":
            end = raw.rfind(b"\n", start, end) + 1  # the run must end with whole lines
        if end - start < _CHUNK:
            continue
        pieces.append(view[position:start])
        pieces.append(f"{TOKEN}{len(blobs)}\r\n".encode())
        blobs.append(view[start:end])
        position = end
    if not blobs:
        return raw, []
    pieces.append(view[position:])
    return b"".join(pieces), blobs


def blob_of(payload: object, blobs: list[memoryview]) -> memoryview | None:
    """The cut-out run a part's payload token stands for, if any."""
    if not blobs or not isinstance(payload, str) or len(payload) > 64:
        return None
    match = _TOKEN_RE.fullmatch(payload)
    if not match or int(match.group(1)) >= len(blobs):
        return None
    return blobs[int(match.group(1))]


def decode_blob(blob: memoryview, keep: bool) -> tuple[bytes, int, str]:
    """(decoded bytes or b"" when not kept, decoded size, sha256), one chunk at a time."""
    digest = hashlib.sha256()
    kept: list[bytes] = []
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
        if keep:
            kept.append(decoded)
    if carry:
        try:
            tail = binascii.a2b_base64(carry + b"=" * (-len(carry) % 4))
        except binascii.Error:
            tail = b""
        size += len(tail)
        digest.update(tail)
        if keep:
            kept.append(tail)
    return b"".join(kept), size, digest.hexdigest()


def restore_blobs(data: bytes, blobs: list[memoryview]) -> bytes:
    """Put the cut-out runs back into a re-serialised part (a forwarded letter)."""
    if not blobs or TOKEN.encode() not in data:
        return data

    def back(match: re.Match[bytes]) -> bytes:
        index = int(match.group(1))
        return bytes(blobs[index]) if index < len(blobs) else match.group(0)

    return re.sub(rb"%s(\d+)\r?\n" % TOKEN.encode(), back, data)

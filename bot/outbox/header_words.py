"""Header values for the replies compose writes (RFC 5322 folding, RFC 2047 B encoded-words
in UTF-8): unstructured text (Subject), phrases and addresses (From, To, Cc), message IDs.

No value can start a header of its own: CR and LF in free text become spaces like any other
run of whitespace; in addresses and message IDs they raise ValueError.
"""

from __future__ import annotations

import logging
import re
from binascii import b2a_base64
from email.utils import getaddresses

log = logging.getLogger("bot.outbox.compose")

# RFC 5322 §2.1.1 asks for 78 characters a line and allows 998 octets; RFC 2047 §2 asks for 76
# on lines with encoded-words, so every header is folded at 76.
_WIDTH = 76
_MAX_LINE = 998
_EW_MAX = 75  # RFC 2047 §2: the length of one encoded-word
_EW_OVERHEAD = len("=?utf-8?b??=")
_EW_MIN = _EW_OVERHEAD + 8  # an encoded-word of two base64 quanta, room for a character or two
# An ASCII word longer than this is encoded too: an encoded run can be split across lines, a
# word cannot, and no line may pass 998 octets.
_LONG_WORD = 800
_SPACE = re.compile(r"[\t\n\v\f\r ]+")
_PRINTABLE = re.compile(r"[!-~]+")  # printable ASCII without space
_SIMPLE_ADDR = re.compile(r"[^\s<>()\[\],;:\"\\@]+@[^\s<>()\[\],;:\"\\@]+")
_SPECIALS = re.compile(r'[][\\()<>@,:;".]')  # as email.utils.formataddr: these need quotes


class _Folder:
    """One header field folded before atoms that would pass _WIDTH (RFC 5322 §2.2.3)."""

    __slots__ = ("blank", "line", "lines")

    def __init__(self, name: str) -> None:
        self.lines: list[str] = []
        self.line = f"{name}:"
        self.blank = True  # no atom on this line yet: folding here would leave it empty

    def room(self) -> int:
        return _WIDTH - len(self.line) - 1

    def fold(self) -> None:
        if not self.blank:
            self.lines.append(self.line)
            self.line, self.blank = "", True

    def add(self, atom: str, *, may_fold: bool = True, need: int = 0) -> None:
        if may_fold and max(need, len(atom)) > self.room():
            self.fold()
        self.line += " " + atom
        self.blank = False

    def done(self) -> str:
        self.lines.append(self.line)
        if any(len(line.encode("utf-8")) > _MAX_LINE for line in self.lines):
            raise ValueError(f"header {self.lines[0].split(':', 1)[0]} has a word too long")
        return "\r\n".join(self.lines) + "\r\n"


def structured(name: str, atoms: list[str]) -> str:
    folder = _Folder(name)
    for atom in atoms:
        folder.add(atom)
    return folder.done()


def _encoded_word(data: bytes) -> str:
    return f"=?utf-8?b?{b2a_base64(data, newline=False).decode('ascii')}?="


def _ew_length(size: int) -> int:
    return _EW_OVERHEAD + (size + 2) // 3 * 4


def _is_continuation(data: bytes, index: int) -> bool:
    return index < len(data) and 0x80 <= data[index] < 0xC0


def _head_end(data: bytes, start: int, room: int) -> int:
    """End of the longest run of whole characters from `start` whose encoded-word fits `room`.

    RFC 2047 §5: an encoded-word holds whole characters. At least one character is taken.
    """
    size = max(min(room, _EW_MAX) - _EW_OVERHEAD, 0) // 4 * 3
    end = min(start + size, len(data))
    while end > start and _is_continuation(data, end):
        end -= 1
    if end == start:
        end += 1
        while _is_continuation(data, end):
            end += 1
    return end


def _phrase_words(text: str) -> list[str]:
    """Encoded-words for a display name, split after a space where one is within reach.

    email.policy.default joins the encoded-words of a phrase with a space (RFC 2047 §6.2 says
    to drop it): a split after a space shows there as a double space, not a broken word.
    """
    data = text.encode("utf-8")
    words, start = [], 0
    while start < len(data):
        end = _head_end(data, start, _WIDTH - len("From: "))  # fits the first line too
        if end < len(data):
            space = data.rfind(b" ", start, end)
            end = space + 1 if space > start else end
        words.append(_encoded_word(data[start:end]))
        start = end
    return words


def _is_plain(word: str) -> bool:
    # "=?" could be read as the start of an encoded-word by lenient decoders: encode it.
    return len(word) <= _LONG_WORD and bool(_PRINTABLE.fullmatch(word)) and "=?" not in word


def unstructured(name: str, value: str) -> str:
    """An unstructured header (Subject): ASCII words as they are, the rest as encoded-words.

    Consecutive non-ASCII words form one run of encoded-words, so the spaces between them
    survive decoding (RFC 2047 §6.2 drops whitespace between encoded-words). A fold never
    sits between a plain word and an encoded-word: email.header.decode_header, which
    parsers.parse_letter uses, loses the space there. Runs are split instead, and a plain
    word that cannot otherwise stay within the width is encoded into the run before it; the
    first word (the case tag) never follows a run, so it always stays readable.
    """
    segments: list[tuple[bool, str]] = []  # (encoded, text)
    for word in _SPACE.split(value.strip("\t\n\v\f\r ")):
        if not word:
            continue
        encoded = not _is_plain(word)
        if encoded and segments and segments[-1][0]:
            segments[-1] = (True, f"{segments[-1][1]} {word}")
        else:
            segments.append((encoded, word))
    folder = _Folder(name)
    index = 0
    while index < len(segments):
        encoded, chunk = segments[index]
        glued = index > 0 and encoded != segments[index - 1][0]
        index += 1
        if not encoded:
            # A run that follows is glued to this word: keep room for its first encoded-word.
            run_follows = index < len(segments) and segments[index][0]
            need = len(chunk) + (1 + _EW_MIN if run_follows else 0)
            folder.add(chunk, may_fold=not glued, need=need)
            continue
        data, start = chunk.encode("utf-8"), 0
        while start < len(data):
            if not glued and folder.room() < _EW_MIN:
                folder.fold()
            end = _head_end(data, start, folder.room())
            after = _glued_after(segments, index)
            if end == len(data) and after and _ew_length(end - start) + after > folder.room():
                # The plain word after the run must share a line with the last encoded-word:
                # move the rest of the run to a new line, or all of it but the last character.
                fresh = _WIDTH - 1 - after
                if _ew_length(end - start) <= fresh and not glued and not folder.blank:
                    folder.fold()
                    continue
                tail = _last_char(data, start)
                if tail == start or _ew_length(len(data) - tail) > fresh:
                    # No split helps (one character, or a very long word): encode it too.
                    data += f" {segments[index][1]}".encode()
                    index += 1
                    if index < len(segments) and segments[index][0]:
                        data += f" {segments[index][1]}".encode()
                        index += 1
                    continue
                end = tail
            folder.add(_encoded_word(data[start:end]), may_fold=False)
            start, glued = end, False
    return folder.done()


def _glued_after(segments: list[tuple[bool, str]], index: int) -> int:
    """Width that must follow a run on its last line: the next word, and a run after that."""
    if index >= len(segments):
        return 0
    width = 1 + len(segments[index][1])
    if index + 1 < len(segments) and segments[index + 1][0]:
        width += 1 + _EW_MIN
    return width


def _last_char(data: bytes, start: int) -> int:
    end = len(data) - 1
    while end > start and _is_continuation(data, end):
        end -= 1
    return end


def _phrase(name: str) -> list[str]:
    """A display name: ASCII as formataddr writes it, anything else as encoded-words."""
    name = " ".join(_SPACE.split(name.strip("\t\n\v\f\r ")))
    if name.isascii() and name.isprintable() and "=?" not in name:
        if _SPECIALS.search(name):
            return ['"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"']
        return name.split(" ")
    return _phrase_words(name)


def _addr_spec(address: str) -> str:
    if "\r" in address or "\n" in address:
        raise ValueError(f"line break in an address: {address!r}")
    if address.isascii():
        return address
    local, _, domain = address.rpartition("@")
    if local.isascii():
        try:
            return f"{local}@{domain.encode('idna').decode('ascii')}"
        except UnicodeError:
            pass
    # RFC 6532 raw UTF-8: only an SMTPUTF8 path can deliver to such an address anyway.
    return address


def mailbox(name: str, address: str) -> list[str]:
    spec = _addr_spec(address)
    if not name.strip():
        return [spec]
    return [*_phrase(name), f"<{spec}>"]


def addresses(values: tuple[str, ...]) -> list[str]:
    """Atoms of an address list; a value may be a bare address or `Name <address>`.

    Junk such as `foo` (a broken From of the letter answered) is written as it was before,
    not refused: delivery goes by the envelope, and refusing would quarantine the letter.
    """
    atoms: list[str] = []
    for value in values:
        if "\r" in value or "\n" in value:
            raise ValueError(f"line break in an address: {value!r}")
        if _SIMPLE_ADDR.fullmatch(value):
            mailboxes = [("", value)]
        else:
            mailboxes = [(name, addr) for name, addr in getaddresses([value]) if addr]
        for name, addr in mailboxes:
            if atoms:
                atoms[-1] += ","
            atoms += mailbox(name, addr)
    return atoms


def message_ids(values: tuple[str, ...]) -> list[str]:
    """IDs that can be written as they are; an ID with spaces or 8-bit characters is left out
    (the old code wrote it as an encoded-word nobody could match), costing only threading."""
    ids = []
    for value in values:
        if "\r" in value or "\n" in value:
            raise ValueError(f"line break in a message ID: {value!r}")
        value = value.strip()
        if _PRINTABLE.fullmatch(value):
            ids.append(value)
        elif value:
            log.warning("message ID %r cannot be written in a header; left out", value)
    return ids

"""Header values of a letter and of its MIME parts as text: raw 8-bit headers decoded with the
charset the letter declares elsewhere (R-MBX-5), addresses split before their names are
decoded, message IDs, dates, attachment file names."""

from __future__ import annotations

import re
from datetime import datetime
from email.message import Message
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime

from parsers.charsets import decode_bytes, decode_header_value, header_text

_MSGID = re.compile(r"<[^<>\s]+>")


def raw_header(part: Message, name: str) -> str | None:
    """A header as its raw string: compat32 would return a Header object for 8-bit values."""
    wanted = name.lower()
    for key, value in part.raw_items():
        if key.lower() == wanted:
            return str(value)
    return None


def raw_headers(part: Message, name: str) -> list[str]:
    wanted = name.lower()
    return [str(v) for k, v in part.raw_items() if k.lower() == wanted]


def param_text(value: object) -> str | None:
    """A MIME parameter as text. An RFC 2231 value (charset, language, text) is decoded with
    our charsets: the standard library runs whatever codec it names, `punycode` included,
    in quadratic time over a parameter of any length (issue 19)."""
    if isinstance(value, tuple):
        charset, _, text = value
        return decode_bytes(bytes(text, "raw-unicode-escape"), charset or None)
    return value if isinstance(value, str) else None


def part_charset(part: Message) -> str | None:
    """part.get_content_charset(), with RFC 2231 values decoded by param_text()."""
    try:
        value = param_text(part.get_param("charset"))
    except Exception:  # malformed Content-Type parameters
        return None
    return value.lower() if value and value.isascii() else None


def charset_hint(message: Message) -> str | None:
    """The first non-ASCII charset the message declares: raw 8-bit headers often share it."""
    charsets = (part_charset(part) for part in message.walk())
    return next((c for c in charsets if c and c not in ("us-ascii", "ascii")), None)


def header_charset_hint(message: Message) -> str | None:
    """charset_hint() for this message's own headers: it only serves raw 8-bit values."""
    if all(str(value).isascii() for _, value in message.raw_items()):
        return None
    return charset_hint(message)


def message_ids(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    # A raw 8-bit byte is read as a lone surrogate, which no database accepts (issue 19):
    # the id keeps its valid UTF-8 and gets U+FFFD for the rest, the same on every letter.
    value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return tuple(_MSGID.findall(value))


def address_pairs(values: list[str], hint: str | None) -> list[tuple[str, str]]:
    """(name, address) pairs. The list is split before the names are decoded: a name like
    =?utf-8?B?...?= for «Петров, Иван» would otherwise split in two and lose the address."""
    pairs = getaddresses([header_text(v, hint) for v in values])
    return [(decode_header_value(name, hint), addr) for name, addr in pairs]


def addresses(values: list[str], hint: str | None) -> tuple[str, ...]:
    return tuple(addr.lower() for _, addr in address_pairs(values, hint) if "@" in addr)


def sender_of(value: str | None, hint: str | None) -> tuple[str, str]:
    pairs = address_pairs([value], hint) if value else []
    return next((pair for pair in pairs if "@" in pair[1]), pairs[0] if pairs else ("", ""))


def header_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


_RAW_NAME = re.compile(r'(?:file)?name\s*=\s*"([^"]+)"|(?:file)?name\s*=\s*([^;\s]+)', re.I)


def part_filename(part: Message) -> str | None:
    try:
        name = param_text(part.get_param("filename", header="content-disposition"))
        name = name or param_text(part.get_param("name"))
    except Exception:  # broken RFC 2231 continuations
        name = None
    if name:
        name = collapse_rfc2231_value(name).strip()  # a str: unquoted, as get_filename() does
    if not name or "\ufffd" in str(name):
        # Raw 8-bit names (no RFC 2047/2231) are lost by compat32; read the header bytes.
        for header in ("Content-Disposition", "Content-Type"):
            match = _RAW_NAME.search(raw_header(part, header) or "")
            if match:
                name = match.group(1) or match.group(2)
                break
    if not name:
        return None
    # The charset hint only serves raw 8-bit names; get_charsets() is not free.
    return decode_header_value(name, None if str(name).isascii() else charset_hint(part))

"""Bytes and headers → text, for the charsets Russian mail actually uses (R-MBX-5).

Mail clients mislabel charsets often: windows-1251 text declared as us-ascii or koi8-r,
8-bit headers without RFC 2047, encoded words split in the middle of a character. The
functions here never raise; they return the most plausible text.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from email.header import decode_header

# Aliases seen in the wild that Python's codec registry does not know.
_ALIASES = {
    "win-1251": "cp1251",
    "windows1251": "cp1251",
    "x-cp1251": "cp1251",
    "cp-1251": "cp1251",
    "win1251": "cp1251",
    "koi8r": "koi8_r",
    "x-koi8-r": "koi8_r",
    "koi8": "koi8_r",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "default": "",
    "windows-874": "cp874",
    "windows-31j": "cp932",
    "x-mac-cyrillic": "mac-cyrillic",
    "ks_c_5601": "euc_kr",
}
# The text charsets mail really declares, as Python names them (codecs.lookup(...).name).
# Any other codec is refused: Python also registers `punycode` (quadratic to decode), `idna`
# (raises UnicodeError), `rot13`, `zlib`, `base64` … under names a letter may declare.
_ISO_8859 = {f"iso8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16)}
_WINDOWS = {f"cp{n}" for n in range(1250, 1259)}
TEXT_CODECS = frozenset(
    {
        *_ISO_8859,
        *_WINDOWS,
        "ascii",
        "utf-8",
        "utf-8-sig",
        "utf-7",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "utf-32-le",
        "utf-32-be",
        "koi8-r",
        "koi8-u",
        "koi8-t",
        "cp866",
        "cp1125",
        "cp850",
        "cp437",
        "cp874",
        "tis-620",
        "mac-cyrillic",
        "mac-roman",
        "gb2312",
        "gbk",
        "gb18030",
        "hz",
        "big5",
        "big5hkscs",
        "cp950",
        "shift_jis",
        "cp932",
        "euc_jp",
        "euc_kr",
        "cp949",
        "iso2022_jp",
        "iso2022_jp_1",
        "iso2022_jp_2",
        "iso2022_kr",
    }
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CYRILLIC_LOWER = re.compile(r"[\u0430-\u044f\u0451]")
_ENCODED_WORD = re.compile(r"=\?([^?\s]*)\?([qQbB])\?([^?\s]*)\?=")
# Raw 8-bit header bytes, as compat32 keeps them (surrogateescape).
_SURROGATE = re.compile("[\udc80-\udcff]")


def codec_name(charset: str | None) -> str | None:
    """A Python text codec for a declared MIME charset, or None when unknown, absent or not
    a text charset (TEXT_CODECS): the caller then guesses, as for an undeclared one."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()[:64]
    name = _ALIASES.get(name, name)
    if not name:
        return None
    for candidate in (name, re.sub(r"-[ie]$", "", name)):  # iso-8859-8-i → iso-8859-8
        try:
            found = codecs.lookup(candidate).name
        except LookupError:
            continue
        return found if found in TEXT_CODECS else None
    return None


def unknown_charset(charset: str | None) -> str | None:
    """The declared charset when it is neither absent nor a text charset we decode (a defect
    worth noting: the text was guessed), else None."""
    if charset is None or codec_name(charset) is not None:
        return None
    name = charset.strip().strip("\"'").lower()
    return None if not name or name in _ALIASES else charset[:64]


_LATIN = ("iso8859-1", "cp1252", "iso8859-15")
# The guesses below look at this much of a text: enough to tell, and a 700 KB body no longer
# builds lists of 600 000 one-letter strings (66 MiB, 2 s; issue 19).
_SAMPLE = 65536
_UPPER_LATIN1 = re.compile(r"[\u00c0-\u00ff]")
_LETTERS = re.compile(r"[^\W\d_]")


def _looks_like_misread_cyrillic(text: str) -> bool:
    """Mostly À-ÿ letters: Cyrillic bytes read as Latin-1 (Western text has few of them)."""
    text = text[:_SAMPLE]
    accented = len(_UPPER_LATIN1.findall(text))
    return accented >= 8 and accented > 0.5 * len(_LETTERS.findall(text))


# Cyrillic letters a text needs before its letter case may overrule its declared charset.
_MIN_CASE_SAMPLE = 12


def _lowercase_ratio(text: str) -> float:
    text = text[:_SAMPLE]
    cyr = len(_CYRILLIC.findall(text))
    return len(_CYRILLIC_LOWER.findall(text)) / cyr if cyr else 0.0


def guess_cyrillic(data: bytes) -> str:
    """Pick cp1251 or koi8-r by which one yields mostly lower-case Cyrillic letters.

    Running Russian text is mostly lower case; the two charsets swap the case ranges,
    so the wrong one produces mostly capitals.
    """
    cp = data.decode("cp1251", "replace")
    koi = data.decode("koi8_r", "replace")
    return koi if _lowercase_ratio(koi) > _lowercase_ratio(cp) else cp


_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def best_guess(data: bytes) -> str:
    """Undeclared 8-bit text: UTF-8 with a cut tail, Western Latin or Cyrillic.

    A truncated UTF-8 header still decodes with one or two bad characters; Western text
    has isolated accented letters; Russian words are runs of 8-bit bytes.
    """
    utf = data.decode("utf-8", "replace")
    bad = utf.count("\ufffd")
    non_ascii = len(utf) - len(utf.encode("ascii", "ignore")) - bad
    if bad <= 2 and non_ascii >= 4 * bad:
        return utf
    data_sample = data[:_SAMPLE]
    runs = list(_HIGH_RUN.finditer(data_sample))
    inside_words = sum(
        1
        for run in runs
        if data_sample[run.start() - 1 : run.start()].isalpha()
        or data_sample[run.end() : run.end() + 1].isalpha()
    )
    if runs and inside_words > 0.5 * len(runs):  # «Forma\xe7\xe3o»: accents inside Latin words
        return data.decode("cp1252", "replace")
    return guess_cyrillic(data)


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode a text body: declared charset, then UTF-8, then a Cyrillic guess."""
    codec = codec_name(charset)
    if codec and codec not in ("ascii", "us-ascii"):
        try:
            text = data.decode(codec)
        except (UnicodeError, LookupError):
            text = None
        if text is not None and codec in _LATIN and _looks_like_misread_cyrillic(text):
            # Old Russian clients label cp1251/koi8-r text as Latin-1: «Ïðèâåò».
            return guess_cyrillic(data)
        if text is not None:
            # A koi8-r / cp1251 label is sometimes simply wrong: trust the letter case — of
            # a text long enough to say, not of an abbreviation («ЛС-2026-455.pdf»).
            letters = len(_CYRILLIC.findall(text[:_SAMPLE]))
            if codec in ("koi8-r", "cp1251") and letters >= _MIN_CASE_SAMPLE:
                other = data.decode("cp1251" if codec == "koi8-r" else "koi8_r", "replace")
                if _lowercase_ratio(text) < 0.4 and _lowercase_ratio(other) > 0.6:
                    return other
            return text
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if codec and codec not in ("ascii", "us-ascii"):
        return data.decode(codec, "replace")
    return best_guess(data)


def _unescape_8bit(value: str, hint: str | None) -> str:
    """compat32 keeps raw 8-bit header bytes as surrogates; decode them properly.

    UTF-8 is tried first (its validity is a strong signal), then `hint`, the charset the
    letter declares for its text, then the guesses of decode_bytes().
    """
    if value.isascii() or not _SURROGATE.search(value):
        return value
    data = value.encode("ascii", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(data, hint)


def _lenient_word(charset: str, encoding: str, payload: str) -> bytes:
    if encoding.lower() == "b":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        cleaned += "=" * (-len(cleaned) % 4)
        try:
            return base64.b64decode(cleaned)
        except (binascii.Error, ValueError):
            return payload.encode("ascii", "replace")
    return quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)


def _lenient_decode(value: str) -> str:
    """Decode encoded words one by one, joining adjacent words of one charset first."""
    out: list[str] = []
    pending = b""
    pending_cs: str | None = None
    pos = 0

    def flush() -> None:
        nonlocal pending, pending_cs
        if pending:
            out.append(decode_bytes(pending, pending_cs))
        pending, pending_cs = b"", None

    for match in _ENCODED_WORD.finditer(value):
        between = value[pos : match.start()]
        if between.strip():
            flush()
            out.append(between)
        charset = match.group(1).split("*", 1)[0]  # RFC 2231 language suffix
        if pending_cs is not None and charset.lower() != pending_cs.lower():
            flush()
        pending += _lenient_word(charset, match.group(2), match.group(3))
        pending_cs = charset
        pos = match.end()
    flush()
    out.append(value[pos:])
    return "".join(out)


def header_text(value: object, hint: str | None = None) -> str:
    """A header as one line of text with raw 8-bit bytes decoded, RFC 2047 words left as
    they are: what an address parser needs, since a decoded name may hold `,`, `"` or `(`."""
    if value is None:
        return ""
    return re.sub(r"\s*[\r\n]+\s*", " ", _unescape_8bit(str(value), hint)).strip()


def decode_header_value(value: object, hint: str | None = None) -> str:
    """Decode a header value (RFC 2047, also broken, or raw 8-bit) to one clean line.

    `hint` is the charset declared for the letter's text, used for raw 8-bit headers.
    """
    if value is None:
        return ""
    text = str(value)
    if text.isascii() and "=?" not in text and "\n" not in text and "\r" not in text:
        return text.strip()  # most headers: nothing to decode or unfold
    text = _unescape_8bit(text, hint)
    if "=?" in text:
        try:
            # Unfold first (RFC 5322 §2.2.3): the stdlib decodes line by line and drops the
            # white space that starts a folded line, so «в?=\r\n GeoPackage» lost its space.
            # Between two encoded words it still drops the space, as RFC 2047 §6.2 says.
            parts = decode_header(re.sub(r"\r?\n[ \t]", " ", text))
            decoded = "".join(
                part if isinstance(part, str) else decode_bytes(part, cs) for part, cs in parts
            )
            if "=?" in decoded:  # words the stdlib left alone (no spaces, bad padding)
                decoded = _lenient_decode(decoded)
            text = decoded
        except Exception:  # the stdlib raises on bad base64 padding or charsets
            text = _lenient_decode(text)
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()

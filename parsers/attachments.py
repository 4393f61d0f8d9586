"""Attachment names, classes (T-ATTACH of §3.1), archive listings and payload handling."""

from __future__ import annotations

import binascii
import contextlib
import hashlib
import io
import mimetypes
import re
import unicodedata
import zipfile

from parsers.documents import document_text
from parsers.limits import ParseLimits
from parsers.types import Attachment, AttachmentClass

_LOG_EXT = (".log", ".evtx", ".evt", ".trc", ".etl", ".dmp", ".out", ".err")
_TEXTISH_LOG_EXT = (".txt", ".csv", ".tsv")
_ARCHIVE_EXT = (".zip", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz")
_IMAGE_EXT = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".heic")
_DOC_EXT = (".docx", ".doc", ".odt", ".pdf", ".xlsx", ".xlsm", ".xls", ".ods", ".rtf")
_SIGNATURE_EXT = (".sig", ".p7s", ".sgn", ".p7m")
# Log-ish names: «log», «лог», «журнал», trace/dump files, in any position of the name.
_LOG_NAME = re.compile(r"log|лог|журнал|trace|трасс|dump|stack|error|ошибк", re.I)
# Names partners give scans of signed papers (D-19).
_SCAN_NAME = re.compile(
    r"скан|scan|подпис|signed|договор|соглашен|заявк|форм[аы]|бланк|плат[её]ж|п_п|(?<![a-z])pp(?![a-z])"
    r"|(?<![а-я])акт|сч[её]т|письм",
    re.I,
)
_LOG_LINE = re.compile(r"^\s*\[?\d{2,4}[-./]\d{2}[-./]\d{2,4}[ T]\d{1,2}:\d{2}", re.M)
_FORM_LINE = re.compile(r"^[ \t]*[А-ЯЁа-яё][^:\n\d]{1,40}:[ \t]*\S", re.M)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def sanitize_filename(name: str | None, content_type: str = "") -> str:
    """A file name safe to store and show: no path, no control or reserved characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]  # drop any directory part, Windows or POSIX
    name = _UNSAFE.sub("_", name).strip(" ._")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:150]
    if not name:
        ext = mimetypes.guess_extension(content_type or "") or ".bin"
        name = "attachment" + ext
    return name


def extension(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".tar.gz"):
        return ".tar.gz"
    dot = lower.rfind(".")
    return lower[dot:] if dot > 0 else ""


def list_archive(data: bytes, limits: ParseLimits) -> tuple[str, ...]:
    """Entry names of a zip archive from its central directory; nothing is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = []
            for info in archive.infolist()[: limits.max_archive_entries]:
                name = info.filename
                if not info.flag_bits & 0x800:  # no UTF-8 flag: Russian Windows zips use cp866
                    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
                        name = name.encode("cp437").decode("cp866")
                names.append(name)
            return tuple(names)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return ()


def classify_attachment(
    filename: str, content_type: str, text: str = "", entries: tuple[str, ...] = ()
) -> AttachmentClass:
    """The T-ATTACH class: log, image, scan, document, archive, signature, email, other."""
    ext = extension(filename)
    if content_type == "message/rfc822" or ext == ".eml":
        return AttachmentClass.EMAIL
    if ext in _SIGNATURE_EXT or content_type in ("application/pkcs7-signature",):
        return AttachmentClass.SIGNATURE
    if ext in _IMAGE_EXT or content_type.startswith("image/"):
        # A TIFF or an image named like a signed paper is a scan; the rest are screenshots.
        if ext in (".tif", ".tiff") or _SCAN_NAME.search(filename):
            return AttachmentClass.SCAN
        return AttachmentClass.IMAGE
    if ext in _LOG_EXT:
        return AttachmentClass.LOG
    if ext in _TEXTISH_LOG_EXT:
        # Named like one, timestamped lines, or a short one that opens with a timestamp; a
        # file of «Поле: значение» lines is a description («Описание_ошибки.txt»), not a log.
        stamped = len(_LOG_LINE.findall(text[:20000]))
        form = len(_FORM_LINE.findall(text[:20000])) >= 3 and stamped < 3
        looks_like_log = (
            (_LOG_NAME.search(filename) and not form) or stamped >= 3 or _LOG_LINE.match(text)
        )
        return AttachmentClass.LOG if looks_like_log else AttachmentClass.DOCUMENT
    if ext in _ARCHIVE_EXT or ext == ".tar.gz" or content_type in ("application/zip",):
        if _LOG_NAME.search(filename) or any(
            extension(e) in _LOG_EXT or _LOG_NAME.search(e) for e in entries
        ):
            return AttachmentClass.LOG
        return AttachmentClass.ARCHIVE
    if ext == ".pdf" or content_type == "application/pdf":
        # A PDF without a text layer is a scan (§2.3 «Signed scan»).
        return AttachmentClass.DOCUMENT if text.strip() else AttachmentClass.SCAN
    if ext in _DOC_EXT or content_type.startswith("text/"):
        return AttachmentClass.DOCUMENT
    return AttachmentClass.OTHER


def streamed_digest(encoded: str) -> tuple[int, str]:
    """Size and sha256 of a base64 body decoded line by line, without holding the bytes."""
    digest = hashlib.sha256()
    size = 0
    start = 0
    chunk = 1 << 20
    while start < len(encoded):
        end = encoded.find("\n", start + chunk)
        end = len(encoded) if end < 0 else end + 1
        piece = encoded[start:end]
        piece = re.sub(r"[^A-Za-z0-9+/=]", "", piece)
        try:
            data = binascii.a2b_base64(piece)
        except binascii.Error:
            data = b""
        size += len(data)
        digest.update(data)
        start = end
    return size, digest.hexdigest()


def build_attachment(
    payload: bytes,
    *,
    filename: str | None,
    content_type: str,
    charset: str | None,
    limits: ParseLimits,
    inline: bool = False,
    origin: str = "",
    text: str = "",
) -> Attachment:
    """An Attachment with its class, archive listing and document text layer."""
    name = sanitize_filename(filename, content_type)
    ext = extension(name)
    guessed = mimetypes.guess_type(name)[0]
    if content_type in ("application/octet-stream", "") and guessed:
        content_type = guessed
    entries = list_archive(payload, limits) if ext in (".zip",) else ()
    if not text and ext in (".docx", ".odt", ".xlsx", ".xlsm", ".pdf", *_TEXTISH_LOG_EXT):
        text = document_text(payload, ext, charset, limits)
    return Attachment(
        filename=name,
        content_type=content_type,
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
        cls=classify_attachment(name, content_type, text, entries),
        inline=inline,
        payload=payload,
        original_filename=filename or "",
        text=text,
        entries=entries,
        origin=origin,
    )


def oversize_attachment(
    *, filename: str | None, content_type: str, size: int, sha256: str, origin: str = ""
) -> Attachment:
    """Metadata of an attachment over the size limit; its bytes stay in the raw letter."""
    name = sanitize_filename(filename, content_type)
    return Attachment(
        filename=name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        cls=classify_attachment(name, content_type),
        original_filename=filename or "",
        oversize=True,
        origin=origin,
    )

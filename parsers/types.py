"""Typed data passed from the parsers to the service.

Everything here is a frozen dataclass: the parsers build these from raw bytes and the
service only reads them. Field codes are the stable snake_case codes of the regulations
(REGULATIONS.md §3); kind codes are the public `--json` contract names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Kind(StrEnum):
    """Letter kinds as published in `partnerdesk process --json` (service-core issue)."""

    PIN_REQUEST = "pin_request"
    PIN_CONFIRMATION = "pin_confirmation"
    PIN_EXTENSION = "pin_extension"
    ANNUAL_REPORT = "annual_report"
    LICENSE_REQUEST = "license_request"
    LICENSE_DOCUMENTS = "license_documents"
    TICKET = "ticket"
    FOLLOWUP = "followup"
    RESOURCE = "resource"
    SD_ACCOUNT = "sd_account"
    INQUIRY = "inquiry"
    HQ_COMMAND = "hq_command"
    IGNORED = "ignored"


# Kinds that open a new case when they arrive outside an existing thread.
NEW_CASE_KINDS = frozenset(
    {
        Kind.PIN_REQUEST,
        Kind.LICENSE_REQUEST,
        Kind.TICKET,
        Kind.RESOURCE,
        Kind.SD_ACCOUNT,
        Kind.INQUIRY,
    }
)


class AttachmentClass(StrEnum):
    """T-ATTACH classes of REGULATIONS.md §3.1."""

    LOG = "log"
    IMAGE = "image"
    DOCUMENT = "document"
    SCAN = "scan"
    ARCHIVE = "archive"
    SIGNATURE = "signature"
    EMAIL = "email"  # an attached or forwarded letter (message/rfc822, .eml)
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    sha256: str
    cls: AttachmentClass = AttachmentClass.OTHER
    inline: bool = False
    # The decoded bytes; excluded from repr/compare so logs and tests stay readable.
    payload: bytes = field(default=b"", repr=False, compare=False)
    # The original (unsanitised) name as the sender's mail client wrote it.
    original_filename: str = ""
    # Text layer of a document (DOCX, PDF, XLSX, TXT, EML), used for extraction (R-MBX-10).
    text: str = field(default="", repr=False, compare=False)
    # Entry names of an archive, listed without unpacking (R-MBX-10).
    entries: tuple[str, ...] = ()
    # True when the attachment exceeded the size limit: metadata kept, payload dropped.
    oversize: bool = False
    # Where it came from: "" for the letter itself, "winmail.dat", or a forwarded letter.
    origin: str = ""


@dataclass(frozen=True, slots=True)
class ParsedLetter:
    """A decoded letter: headers, the new text (quoted history removed) and attachments."""

    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    from_addr: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    date: datetime | None
    # Header names lower-cased; repeated headers keep every value in order.
    headers: tuple[tuple[str, str], ...]
    content_type: str
    text: str
    new_text: str
    html: str = ""
    attachments: tuple[Attachment, ...] = ()
    defects: tuple[str, ...] = ()
    # The quoted history cut from `text` (R-MBX-11); kept for HQ, never used for decisions.
    quoted_text: str = ""
    # Text of letters forwarded as message/rfc822 parts (R-MBX-7), new text first.
    forwarded_text: str = ""
    # The forwarded letters themselves, so that an HQ forward can be parsed as the
    # original sender's letter (R-MBX-7): parse_letter(letter.forwarded[0]).
    forwarded: tuple[bytes, ...] = field(default=(), repr=False, compare=False)

    def header(self, name: str) -> str | None:
        """The first value of a header, or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    def header_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key == wanted]


@dataclass(frozen=True, slots=True)
class Classification:
    kind: Kind
    confidence: float
    reasons: tuple[str, ...] = ()
    # The mailbox role ("general" / "support") the letter should have been sent to (R-MBX-6).
    wrong_mailbox: str | None = None
    # Two kinds tied: the service asks the partner instead of guessing (R-MBX-9).
    ambiguous: bool = False
    # The kinds that tied or came close, best first, for the clarification text.
    candidates: tuple[Kind, ...] = ()
    # For a follow-up, what it says (§2.2): "status_query", "withdrawal",
    # "resolution_confirmed", "problem_persists"; for a pin_request that only asks
    # whether a client is free, "pin_status_query" (§2.3); None when nothing specific.
    event: str | None = None


class FieldStatus(StrEnum):
    MISSING = "missing"
    INVALID = "invalid"
    VALID = "valid"
    VALID_WITH_WARNING = "valid_with_warning"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a value was found, so a clarification can quote it."""

    source: str  # "body", "subject", "attachment:<filename>"
    excerpt: str
    line: int | None = None  # 1-based line within the source text, when known


@dataclass(frozen=True, slots=True)
class FieldValue:
    """One extracted field: its raw text, normalised value, status and evidence.

    `value` is JSON-serialisable (str, int, list, dict) so it can be stored as is.
    `reason` explains an invalid or warning status in words a partner understands.
    """

    code: str
    status: FieldStatus
    raw: str = ""
    value: object = None
    reason: str = ""
    evidence: Evidence | None = None
    # Machine reason for invalid/warning: length, checksum, format, type_mismatch, cross_check.
    reason_code: str = ""
    # How sure the reading is (0..1): a value under its own label is sure; one taken from
    # prose, the subject or a default is less so, and HQ is shown it (LOW_CONFIDENCE).
    confidence: float = 1.0


# Below this a required field's reading is listed for HQ instead of silently trusted.
LOW_CONFIDENCE = 0.6


@dataclass(frozen=True, slots=True)
class RequestData:
    """The typed result of reading one letter as a request of `kind`."""

    kind: Kind
    fields: dict[str, FieldValue] = field(default_factory=dict)
    # Facts for the rules that are not fields: "multiple_subjects" (R-THR-9), "urgent_requested"
    # (R-TKT-19), "description_incomplete" (R-TKT-5), "all_purposes_marked" (D-18) …
    flags: tuple[str, ...] = ()

    def present(self) -> dict[str, FieldValue]:
        return {c: f for c, f in self.fields.items() if f.status != FieldStatus.MISSING}

"""Shared state of one extraction: the text sources, the fields found, the flags raised.

Sources are read in the precedence of R-MBX-10: text attachments (DOCX, ODT, PDF with a
text layer, XLSX, TXT, attached letters), then the new text of the body, then the subject.
Quoted history never counts (R-MBX-11). Scans are not read (no OCR by default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from parsers.brands import OWN_BRANDS
from parsers.header_rows import header_rows_as_labels
from parsers.labels import Hit, Source
from parsers.signals_forward import inline_forward_text
from parsers.types import (
    AttachmentClass,
    Evidence,
    FieldStatus,
    FieldValue,
    ParsedLetter,
)
from parsers.validate import Check, check_inn

_TEXT_CLASSES = (AttachmentClass.DOCUMENT, AttachmentClass.EMAIL)
# R-THR-5: the case tag with Cyrillic look-alikes, spaces and «№» tolerated.
CASE_TAG = re.compile(r"[TТ]\s*[CС]\s*[MМ]\s*[-–—]?\s*№?\s*(\d{1,9})", re.I)
INN_IN_TEXT = re.compile(r"ИНН(?:\s+[^\W\d]+){0,2}\s*[:№]?\s*(\d[\d \u00a0]{8,13}\d)(?!\d)", re.I)


@dataclass
class Context:
    """What the kind-specific extractors share: the sources and the letter's date."""

    letter: ParsedLetter
    sources: list[Source]
    received: date | None
    fields: dict[str, FieldValue] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    brands: tuple[str, ...] = OWN_BRANDS  # the vendor's brand words (parsers.brands)

    @property
    def body(self) -> str:
        return "\n".join(s.text for s in self.sources if s.name != "subject")

    def put(
        self,
        code: str,
        check: Check,
        hit: Hit | None = None,
        raw: str = "",
        confidence: float | None = None,
    ) -> None:
        """Store a field once; an earlier (higher precedence) value wins."""
        if code in self.fields and self.fields[code].status != FieldStatus.MISSING:
            return
        evidence = Evidence(hit.source, hit.excerpt[:300], hit.line or None) if hit else None
        if confidence is None:
            confidence = default_confidence(check, hit)
        self.fields[code] = FieldValue(
            code=code,
            status=check.status,
            raw=(raw or (hit.raw if hit else ""))[:1000],
            value=check.value,
            reason=check.reason,
            evidence=evidence,
            reason_code=check.code,
            confidence=confidence,
        )

    def put_evidence(self, code: str, check: Check, source: str, excerpt: str, raw: str) -> None:
        self.put(code, check, Hit(code, raw, source, 0, excerpt))

    def source_text(self, name: str) -> str:
        return next((s.text for s in self.sources if s.name == name), "")


def default_confidence(check: Check, hit: Hit | None) -> float:
    """How sure a reading is by where it came from, unless the reader says otherwise.

    A value on a labelled line of the letter or of a text attachment is the partner's own
    statement; one found without a line (a prose cue, a whole-text search) or in the
    subject is a reading of ours; a value with no evidence at all is a default.
    """
    if check.status == FieldStatus.MISSING:
        return 1.0
    if hit is None:
        return 0.5
    if hit.source == "subject":
        return 0.7
    return 0.95 if hit.line else 0.75


# Latin letters that look Cyrillic, typed inside a Russian word («Тип oбращения», «ИHH»):
# labels and values are read as the reader sees them (R-VAL-9 folds them for keys too).
_LOOKALIKE = str.maketrans("AaBCcEeHKkMOoPpTXxy", "АаВСсЕеНКкМОоРрТХху")
_MIXED_WORD = re.compile(r"\b(?=\w*[а-яёА-ЯЁ])(?=\w*[A-Za-z])\w+\b")


def fold_lookalikes(text: str) -> str:
    """Words that mix scripts with Cyrillic get Cyrillic letters for the Latin look-alikes;
    Latin words (PostgreSQL, RU54304000) stay as they are."""
    return _MIXED_WORD.sub(lambda m: m.group(0).translate(_LOOKALIKE), text)


def sources_of(letter: ParsedLetter, *, one_record: bool = False) -> list[Source]:
    """The texts to read, attachments first (R-MBX-10). `one_record`: the letter's form is
    one record (a pin request, a ticket), so a header row over one row of values is read as
    labels with values (parsers.header_rows); lists and tables of products stay tables."""
    sources = [
        Source(f"attachment:{a.filename}", fold_lookalikes(a.text))
        for a in letter.attachments
        if a.text.strip() and a.cls in _TEXT_CLASSES
    ]
    body = fold_lookalikes(letter.new_text)
    sources.append(Source("body", header_rows_as_labels(body) if one_record else body))
    if letter.forwarded_text:
        sources.append(Source("forwarded", fold_lookalikes(letter.forwarded_text)))
    elif inline := inline_forward_text(letter):  # R-MBX-7: «Fwd:» with the letter inline
        sources.append(Source("forwarded", fold_lookalikes(inline)))
    sources.append(Source("subject", fold_lookalikes(letter.subject)))
    return sources


def find_in_sources(ctx: Context, pattern: re.Pattern[str]) -> tuple[re.Match[str], Hit] | None:
    """The first regex match over the sources, with a Hit for its evidence."""
    for source in ctx.sources:
        match = pattern.search(source.text)
        if match:
            line_no = source.text.count("\n", 0, match.start()) + 1
            line = source.text.splitlines()[line_no - 1] if source.text else ""
            return match, Hit("", match.group(0), source.name, line_no, line.strip())
    return None


def put_pin_ref(ctx: Context) -> None:
    """pin_ref: a case tag, else a valid client INN in the letter (§3.3, R-THR-4)."""
    found = find_in_sources(ctx, CASE_TAG)
    if found:
        match, hit = found
        # R-PIN-21: a combined report names every case; the raw text lists them all.
        tags = case_tags(ctx)
        raw = ", ".join(tags) if len(tags) > 1 else ""
        ctx.put(
            "pin_ref",
            Check(FieldStatus.VALID, {"case": f"TCM-{int(match.group(1)):06d}"}),
            hit,
            raw,
        )
        return
    found = find_in_sources(ctx, INN_IN_TEXT)
    if found:
        match, hit = found
        check = check_inn(match.group(1))
        if check.status == FieldStatus.VALID:
            check = Check(FieldStatus.VALID, {"inn": check.value})
        ctx.put("pin_ref", check, hit)
        return
    ctx.put("pin_ref", Check(FieldStatus.MISSING))


# The most case tags or client INNs one letter names that are considered: a combined report
# names a few dozen clients, a hostile letter tens of thousands (issue 19).
MAX_REFS = 100


def case_tags(ctx: Context) -> list[str]:
    """Every distinct case tag of the letter's own text, in order (at most MAX_REFS)."""
    tags: dict[str, None] = {}
    for source in ctx.sources:
        for match in CASE_TAG.finditer(source.text):
            tags[f"TCM-{int(match.group(1)):06d}"] = None
            if len(tags) >= MAX_REFS:
                return list(tags)
    return list(tags)


def put_pin_refs(ctx: Context) -> None:
    """All clients of a combined annual report, one per client by case tag or INN
    (R-PIN-21, D-30)."""
    tags = case_tags(ctx)
    if len(tags) > 1:
        excerpt = ", ".join(tags)
        value = [{"case": tag} for tag in tags]
        ctx.put_evidence("pin_refs", Check(FieldStatus.VALID, value), "body", excerpt, excerpt)
        return
    found: dict[str, None] = {}
    matches = (m for source in ctx.sources for m in INN_IN_TEXT.finditer(source.text))
    for match in matches:
        check = check_inn(match.group(1))
        if check.status == FieldStatus.VALID:
            found[str(check.value)] = None
            if len(found) >= MAX_REFS:
                break
    inns = list(found)
    if len(inns) > 1:
        excerpt = ", ".join(inns)
        value = [{"inn": inn} for inn in inns]
        ctx.put_evidence("pin_refs", Check(FieldStatus.VALID, value), "body", excerpt, excerpt)

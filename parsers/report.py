"""`partnerdesk parse FILE.eml --json`: the whole reading of one letter as a JSON-ready dict.

No database and no clock: HQ staff use it to see why the bot decided what it did.
"""

from __future__ import annotations

from datetime import datetime

from parsers.auto import is_automatic
from parsers.classify import classify
from parsers.errors import UnreadableLetter
from parsers.extract import extract
from parsers.letter import parse_letter
from parsers.requirements import check
from parsers.types import FieldValue, ParsedLetter


def _field(value: FieldValue) -> dict[str, object]:
    evidence = None
    if value.evidence is not None:
        evidence = {
            "source": value.evidence.source,
            "excerpt": value.evidence.excerpt,
            "line": value.evidence.line,
        }
    return {
        "value": value.value,
        "raw": value.raw,
        "status": value.status.value,
        "reason": value.reason,
        "evidence": evidence,
    }


def _letter(letter: ParsedLetter) -> dict[str, object]:
    return {
        "message_id": letter.message_id,
        "subject": letter.subject,
        "from": letter.from_addr,
        "to": list(letter.to),
        "cc": list(letter.cc),
        "date": letter.date.isoformat() if letter.date else None,
        "in_reply_to": list(letter.in_reply_to),
        "references": list(letter.references),
        "new_text": letter.new_text,
        "quoted_chars": len(letter.quoted_text),
        "defects": list(letter.defects),
    }


def parse_report(
    raw: bytes,
    mailbox_role: str | None,
    *,
    thread_kind: str | None = None,
    received_at: datetime | None = None,
) -> dict[str, object]:
    """Kind, confidence, reasons, fields with evidence, missing, invalid, warnings, attachments."""
    try:
        letter = parse_letter(raw)
    except UnreadableLetter as exc:
        return {"kind": None, "error": str(exc)}
    verdict = classify(letter, mailbox_role, thread_kind=thread_kind)
    request = extract(letter, verdict.kind, received_at=received_at)
    findings = check(request, in_thread=thread_kind is not None)
    return {
        "kind": verdict.kind.value,
        "confidence": verdict.confidence,
        "reasons": list(verdict.reasons),
        "ambiguous": verdict.ambiguous,
        "candidates": [k.value for k in verdict.candidates],
        "wrong_mailbox": verdict.wrong_mailbox,
        "event": verdict.event,
        "automatic": is_automatic(letter),
        "fields": {code: _field(value) for code, value in request.fields.items()},
        "flags": list(request.flags),
        "missing": list(findings.missing),
        "invalid": [{"field": i.field, "reason": i.reason} for i in findings.invalid],
        "warnings": [{"field": w.field, "reason": w.reason} for w in findings.warnings],
        "attachments": [
            {
                "filename": a.filename,
                "class": a.cls.value,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "inline": a.inline,
                "oversize": a.oversize,
                "entries": list(a.entries),
            }
            for a in letter.attachments
        ],
        "letter": _letter(letter),
    }

"""`partnerdesk parse FILE.eml --json`: the whole reading of one letter as a JSON-ready dict.

No database and no clock: HQ staff use it to see why the bot decided what it did.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from parsers.auto import is_automatic
from parsers.classify import classify
from parsers.errors import UnreadableLetter
from parsers.extract import extract
from parsers.letter import parse_letter
from parsers.requirements import Findings, check
from parsers.signals_hq import case_numbers, hq_command, is_hq_sender
from parsers.signals_tone import offensive
from parsers.types import (
    Classification,
    FieldStatus,
    FieldValue,
    Kind,
    ParsedLetter,
    RequestData,
)


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


def _not_a_request(letter: ParsedLetter, automatic: str | None) -> Classification:
    """Automatic mail is ignored (R-MBX-3); HQ mail is a command or ignored (R-MBX-7, R-HQ-5)."""
    if automatic is not None:
        return Classification(Kind.IGNORED, 1.0, (f"automatic: {automatic} (R-MBX-3)",))
    command = hq_command(letter)
    if command is not None:
        return Classification(Kind.HQ_COMMAND, 0.9, (f"{command} (R-MBX-7, R-HQ-5)",))
    why = "HQ internal letter, no case and no command (R-MBX-7)"
    return Classification(Kind.IGNORED, 0.9, (why,))


def _case_no(letter: ParsedLetter) -> FieldValue | None:
    """The case a letter outside its thread names (R-THR-4 steps 2–3), look-alikes normalised."""
    numbers = case_numbers(f"{letter.subject}\n{letter.new_text}", limit=1)
    if not numbers:
        return None
    return FieldValue("case_no", FieldStatus.VALID, raw=numbers[0], value=numbers[0])


def parse_report(
    raw: bytes,
    mailbox_role: str | None,
    *,
    thread_kind: str | None = None,
    received_at: datetime | None = None,
    own_domains: Collection[str] = (),
    hq_staff: Collection[str] = (),
) -> dict[str, object]:
    """Kind, confidence, reasons, fields with evidence, missing, invalid, warnings, attachments.

    `own_domains` and `hq_staff` come from the settings (`mailboxes.domain`, `hq.staff`):
    a letter from them is HQ's, never a partner request (R-MBX-7).
    """
    try:
        letter = parse_letter(raw)
    except UnreadableLetter as exc:
        return {"kind": None, "error": str(exc)}
    automatic = is_automatic(letter)
    hq = automatic is None and is_hq_sender(letter, own_domains, hq_staff)
    flags: list[str] = []
    if automatic is not None or hq:
        verdict = _not_a_request(letter, automatic)
        request = RequestData(verdict.kind)
        findings = Findings((), ())
        flags.append("automatic" if automatic is not None else "from_hq_staff")
    else:
        verdict = classify(letter, mailbox_role, thread_kind=thread_kind)
        request = extract(letter, verdict.kind, received_at=received_at)
        findings = check(request, in_thread=thread_kind is not None)
        if verdict.wrong_mailbox:
            flags.append("wrong_mailbox")
        # Any letter naming a case: a status query reads like a new ticket on its own, and
        # the pipeline routes it to that case (R-THR-4 step 3) before it is classified.
        if (case_no := _case_no(letter)) is not None:
            request.fields.setdefault("case_no", case_no)
        if (rude := offensive(f"{letter.subject[:1000]}\n{letter.new_text[:20000]}")) is not None:
            flags.append("offensive")
            why = (*verdict.reasons, f"possibly offensive: {rude} (R-TKT-17)")
            verdict = replace(verdict, reasons=why)
    return {
        "kind": verdict.kind.value,
        "confidence": verdict.confidence,
        "reasons": list(verdict.reasons),
        "ambiguous": verdict.ambiguous,
        "candidates": [k.value for k in verdict.candidates],
        "wrong_mailbox": verdict.wrong_mailbox,
        "event": verdict.event,
        "automatic": automatic,
        "fields": {code: _field(value) for code, value in request.fields.items()},
        "flags": list(dict.fromkeys([*request.flags, *flags])),
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

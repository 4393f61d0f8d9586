"""License request fields (§3.5): the Appendix 1 form in the body, a DOCX, a PDF or a scan.

Each source is cut into the form's parts (license_sections): the project rows give the
software, the end customers and their INNs; the applicant's part («Данные участника») gives
the applicant's requisites and the head's signature line. A requisite is read from the
applicant's part first, then from the rest of the form (a letterhead), never from a
project row or from the sender's e-mail signature.
"""

from __future__ import annotations

import re

from parsers.context import Context
from parsers.dates import check_date
from parsers.labels import Hit, Source, find_labelled
from parsers.license_form import purpose, signatory
from parsers.license_labels import LICENSE_LABELS
from parsers.license_phones import put_phones
from parsers.license_project import project_rows
from parsers.license_prose import customer_spans, licensed_products, prose_rows
from parsers.license_requisites import (
    labels_after_addresses,
    put_requisites,
    requisites_as_lines,
)
from parsers.license_rows import Row
from parsers.license_scan import form_scans
from parsers.license_sections import FormParts, applicant_name, outgoing_ref, split_form
from parsers.types import FieldStatus
from parsers.validate import MISSING, Check, bad, check_inn, check_text, ok, warn


def extract_license(ctx: Context) -> None:
    parts = [split_form(s) for s in ctx.sources if s.name != "subject" and _own(ctx, s)]
    applicant = [_as_lines(p.applicant) for p in parts if p.applicant.text.strip()]
    rest = [_as_lines(p.rest) for p in parts]
    hits = find_labelled(applicant, LICENSE_LABELS)
    for code, hit in find_labelled(rest, LICENSE_LABELS).items():
        hits.setdefault(code, hit)
    signatures: list[Source] = []
    if not _REQUISITES & hits.keys():
        # No requisites in the form: the partner's own, in its e-mail signature, are the
        # applicant's (the applicant is the partner that writes).
        signatures = [_as_signature_lines(p.signature) for p in parts]
        for code, hit in find_labelled(signatures, LICENSE_LABELS).items():
            hits.setdefault(code, hit)
    _project(ctx, parts)
    purpose(ctx)
    if found := applicant_name(parts, hits):
        name, hit = found
        ctx.put("applicant_name", check_text(name, 2), hit)
    put_requisites(ctx, hits)
    put_phones(ctx, hits)
    _outgoing(ctx, parts)
    # With the requisites taken from the e-mail signature, a head who signs the letter
    # there («Сафин Руслан Рамилевич / Директор ООО …») is the one who signs the request.
    signatory(ctx, hits.get("signatory"), applicant or rest, signatures, rest)
    scans = form_scans(ctx.letter)
    if scans:  # D-19: a scan or an e-signature satisfies signed_form; HQ may reject it
        ctx.put_evidence(
            "signed_form", ok(scans), "attachments", ", ".join(scans), ", ".join(scans)
        )
    else:
        ctx.put("signed_form", MISSING)
    requisites = ("inn", "bik", "bank_account", "ogrn")
    if scans and all(ctx.fields[c].status == FieldStatus.MISSING for c in requisites):
        # D-19: a scanned form without a text copy: the reply asks for the text (no OCR).
        ctx.flags.append("scan_without_text")


_REQUISITES = frozenset({"inn", "inn_kpp", "ogrn", "bank_account", "bik"})


# The forwarded letter's author: the first address of its header lines («От кого: …
# <a@b.ru>», «15.12.2026, 09:14, "Белов К. И." <k.belov@…>:»).
_FORWARDED_FROM = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")


def _own(ctx: Context, source: Source) -> bool:
    """A forwarded letter is the applicant's form only when a colleague of the sender wrote
    it: a client's letter forwarded as the request («Пересылаю письмо нашего заказчика»)
    holds the customer's requisites, not the applicant's (R-MBX-11)."""
    if source.name != "forwarded":
        return True
    found = _FORWARDED_FROM.search(source.text[:400])
    sender_domain = ctx.letter.from_addr.rpartition("@")[2].lower()
    return found is None or found.group(1).lower() == sender_domain


def _without_customer(source: Source) -> Source:
    """The source with the end customer's mentions blanked (same length, same lines): the
    customer's INN or OGRN named before the applicant's requisites is not the applicant's."""
    text = source.text
    for start, end in customer_spans(text):
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    return Source(source.name, text) if text != source.text else source


def _as_lines(source: Source) -> Source:
    """Without the customer's mentions, and requisites told in a sentence one a line."""
    source = _without_customer(source)
    return Source(source.name, requisites_as_lines(source.text))


def _as_signature_lines(source: Source) -> Source:
    """A signature without the customer's mentions, its bracket-labelled addresses as lines."""
    source = _without_customer(source)
    return Source(source.name, labels_after_addresses(source.text))


def _filled(rows: list[Row]) -> int:
    return sum(bool(r.software.strip()) + bool(r.customer.strip()) + bool(r.inn) for r in rows)


def _per_row(values: list[str]) -> Check:
    """One value per row; a half-filled table is reported with its row numbers (§3.5)."""
    empty = [str(i + 1) for i, v in enumerate(values) if len(v.strip()) < 2]
    if len(empty) == len(values):
        return MISSING
    if empty:
        return bad(f"не заполнено в строке {', '.join(empty)} таблицы", "format", values)
    return ok(values)


def _project(ctx: Context, parts: list[FormParts]) -> None:
    """software_name, end_customer and end_customer_inn: one value per project row."""
    rows: list[Row] = []
    hit: Hit | None = None
    for part in parts:
        if rows := project_rows(part.project.text):
            lines = part.project.text.splitlines()
            first = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
            excerpt = "\n".join(ln for ln in lines if ln.strip())
            hit = Hit("software_name", excerpt, part.source.name, first + 1, excerpt[:300])
            break
    if not rows or not all(r.customer.strip() and r.inn for r in rows):
        # No form, or a short one the table reading leaves half-filled: the products and
        # their customer told in a sentence (§3.5), when that reads them more fully.
        for source in ctx.sources:
            told = prose_rows(source.text) if source.name != "subject" else []
            if told and _filled(told) > _filled(rows):
                lines = [s for s in source.text.splitlines() if s.strip()]
                excerpt = next((s for s in lines if "лиценз" in s.lower()), lines[0])
                rows, hit = told, Hit("software_name", excerpt, source.name, 0, excerpt[:300])
                break
    if rows and not any(r.software.strip() for r in rows):
        # «Конечный заказчик: …» labelled, the product only in the covering sentence.
        for source in ctx.sources:
            named = licensed_products(source.text) if source.name != "subject" else []
            if len(named) in (1, len(rows)):
                names = named * len(rows) if len(named) == 1 else named
                rows = [Row(n, r.customer, r.inn) for n, r in zip(names, rows, strict=True)]
                break
    if not rows:
        for code in ("software_name", "end_customer"):
            ctx.put(code, MISSING)
        return
    ctx.put("software_name", _per_row([r.software for r in rows]), hit)
    ctx.put("end_customer", _per_row([r.customer for r in rows]), hit)
    inns = [r.inn for r in rows if r.inn]
    if inns:
        checks = [check_inn(v) for v in inns]
        values = [c.value for c in checks]
        failed = next((c for c in checks if c.status == FieldStatus.INVALID), None)
        result = Check(failed.status, values, failed.reason, failed.code) if failed else ok(values)
        ctx.put("end_customer_inn", result, hit)


def _outgoing(ctx: Context, parts: list[FormParts]) -> None:
    """outgoing_ref (optional): «Исх. № 118 от 30.11.2026», the date maybe on the next line."""
    found = outgoing_ref(parts)
    if not found:
        return
    number, date_text, hit = found
    date = check_date_value(date_text)
    value = {"number": number, "date": date}
    if date:
        ctx.put("outgoing_ref", ok(value), hit)
    else:
        ctx.put("outgoing_ref", warn(value, "не указана дата исходящего номера"), hit)


def check_date_value(text: str | None) -> str | None:
    """The ISO date in `text`, or None."""
    if not text:
        return None
    check = check_date(text)
    return str(check.value) if check.status == FieldStatus.VALID else None

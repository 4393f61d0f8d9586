"""License request fields (§3.5): the Appendix 1 form in the body, a DOCX or a PDF."""

from __future__ import annotations

import re

from parsers.contacts import check_email, check_phone
from parsers.context import Context
from parsers.dates import DATE_PATTERN, check_date
from parsers.labels import LICENSE_LABELS, Hit, find_labelled
from parsers.license_form import project_rows, purpose, signatory
from parsers.types import AttachmentClass, FieldStatus
from parsers.validate import (
    MISSING,
    Check,
    check_account,
    check_bik,
    check_corr_account,
    check_inn,
    check_kpp,
    check_ogrn,
    check_text,
    is_placeholder,
    ok,
    warn,
)


def extract_license(ctx: Context) -> None:
    hits = find_labelled([s for s in ctx.sources if s.name != "subject"], LICENSE_LABELS)
    project_rows(ctx, hits)
    purpose(ctx)
    if hit := hits.get("inn_kpp"):
        inn, _, kpp = hit.raw.partition("/")
        hits.setdefault("inn", Hit("inn", inn, hit.source, hit.line, hit.excerpt))
        hits.setdefault("kpp", Hit("kpp", kpp, hit.source, hit.line, hit.excerpt))
    if hit := hits.get("bank_account"):
        account, _, bank = hit.raw.partition(" в ")
        hits["bank_account"] = Hit("bank_account", account, hit.source, hit.line, hit.excerpt)
        if bank.strip() and "bank_name" not in hits:
            hits["bank_name"] = Hit("bank_name", bank, hit.source, hit.line, hit.excerpt)
    _requisites(ctx, hits)
    signatory(ctx, hits.get("signatory"))
    scans = [
        a.filename
        for a in ctx.letter.attachments
        if a.cls in (AttachmentClass.SCAN, AttachmentClass.SIGNATURE)
    ]
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


def _requisites(ctx: Context, hits: dict[str, Hit]) -> None:
    def raw(code: str) -> str:
        return hits[code].raw if code in hits else ""

    inn = check_inn(raw("inn")) if "inn" in hits else MISSING
    ctx.put("inn", inn, hits.get("inn"))
    inn_value = str(inn.value) if inn.value else None
    if "kpp" in hits:
        kpp = check_kpp(raw("kpp"))
        if kpp.status == FieldStatus.VALID and inn_value and len(inn_value) == 12:
            kpp = warn(kpp.value, "у ИНН из 12 цифр (ИП) КПП нет: значение не учитывается")
        ctx.put("kpp", kpp, hits["kpp"])
    ctx.put(
        "ogrn", check_ogrn(raw("ogrn"), inn_value) if "ogrn" in hits else MISSING, hits.get("ogrn")
    )
    bik = check_bik(raw("bik")) if "bik" in hits else MISSING
    ctx.put("bik", bik, hits.get("bik"))
    bik_value = str(bik.value) if bik.value and bik.status != FieldStatus.INVALID else None
    ctx.put(
        "bank_account",
        check_account(raw("bank_account"), bik_value) if "bank_account" in hits else MISSING,
        hits.get("bank_account"),
    )
    ctx.put(
        "corr_account",
        check_corr_account(raw("corr_account"), bik_value) if "corr_account" in hits else MISSING,
        hits.get("corr_account"),
    )
    ctx.put(
        "bank_name",
        check_text(raw("bank_name"), 3) if "bank_name" in hits else MISSING,
        hits.get("bank_name"),
    )
    legal = check_text(raw("legal_address"), 10) if "legal_address" in hits else MISSING
    ctx.put("legal_address", legal, hits.get("legal_address"))
    postal = raw("postal_address")
    if re.search(r"совпадает|аналогичен|тот\s+же", postal, re.I) and legal.value:
        ctx.put("postal_address", ok(legal.value), hits.get("postal_address"))
    else:
        ctx.put(
            "postal_address",
            check_text(postal, 10) if postal else MISSING,
            hits.get("postal_address"),
        )
    ctx.put("phone", check_phone(raw("phone")) if "phone" in hits else MISSING, hits.get("phone"))
    if "fax" in hits and not is_placeholder(raw("fax")):
        ctx.put("fax", check_phone(raw("fax")), hits["fax"])
    ctx.put("email", check_email(raw("email")) if "email" in hits else MISSING, hits.get("email"))
    if "outgoing_ref" in hits and not is_placeholder(raw("outgoing_ref")):
        text = raw("outgoing_ref")
        number = re.split(rf"\s+от\s+|\s+(?={DATE_PATTERN})", text, maxsplit=1)[0].strip(" №")
        date = check_date(text)
        value = {"number": number, "date": date.value}
        status = (
            ok(value)
            if date.status == FieldStatus.VALID
            else Check(
                FieldStatus.VALID_WITH_WARNING, value, "не указана дата исходящего номера", "format"
            )
        )
        ctx.put("outgoing_ref", status, hits["outgoing_ref"])

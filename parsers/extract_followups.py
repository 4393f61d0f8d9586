"""Fields of follow-ups and auxiliary kinds: software list, extension, annual report (§3.3),
resource (§3.7) and Service Desk account (§3.8) requests."""

from __future__ import annotations

import re

from parsers.contacts import EMAIL_RE, check_email, find_person
from parsers.context import Context, put_pin_ref
from parsers.dates import DATE_PATTERN, check_date

# License follow-ups (§3.6) moved to extract_license_docs; re-exported for existing callers.
from parsers.extract_license_docs import extract_license_documents as extract_license_documents
from parsers.extract_license_docs import license_event as license_event
from parsers.extract_pin import without_signature
from parsers.labels import (
    RESOURCE_LABELS,
    Hit,
    Source,
    block_after,
    find_labelled,
)
from parsers.pin_followups import extract_annual_report as extract_annual_report
from parsers.pin_followups import extract_extension as extract_extension
from parsers.pin_software import software_items
from parsers.pin_text import unflow
from parsers.types import FieldStatus
from parsers.validate import MISSING, Check, bad, check_inn, check_text, ok, warn


def extract_software_list(ctx: Context) -> None:
    put_pin_ref(ctx)
    max_year = ctx.received.year if ctx.received else None
    for source in ctx.sources:
        items = software_items(
            Source(source.name, unflow(without_signature(source.text))), max_year
        )
        if items:
            excerpt = source.text.strip()[:300]
            # D-49: any non-empty list of valid items; a bad row is reported by its number.
            reasons = "; ".join(
                f"строка {i + 1}: {it['reason']}" for i, it in enumerate(items) if "reason" in it
            )
            check = bad(reasons, "format", items) if reasons else ok(items)
            ctx.put_evidence("software_list", check, source.name, excerpt, excerpt)
            return
    ctx.put("software_list", MISSING)


_HOURS = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:час|ч\.?\b|человеко-час)", re.I)


def extract_resource(ctx: Context) -> None:
    sources = [
        Source(s.name, without_signature(s.text)) for s in ctx.sources if s.name != "subject"
    ]
    hits = find_labelled(sources, RESOURCE_LABELS)
    if hit := hits.get("enterprise_name"):
        ctx.put("enterprise_name", check_text(hit.raw, 2), hit)
    if hit := hits.get("client_inn"):
        ctx.put("client_inn", check_inn(hit.raw), hit)
    if hit := hits.get("tasks"):
        lines = ([hit.raw] if hit.raw else []) + block_after(
            next(s.text for s in sources if s.name == hit.source), hit.line, 15
        )
        tasks = [re.sub(r"^\s*(?:\d{1,2}[.)]|[-•*–—])\s*", "", ln) for ln in lines]
        tasks = [t for t in tasks if t]
        short = [t for t in tasks if check_text(t, 10).status != FieldStatus.VALID]
        check = (
            bad("каждая задача должна быть описана (не меньше 10 знаков)", "format", tasks)
            if short
            else ok(tasks)
        )
        ctx.put("tasks", check if tasks else MISSING, hit, "\n".join(lines))
    hours_hit = hits.get("estimated_hours")
    found = re.match(r"\s*(\d+(?:[.,]\d+)?)", hours_hit.raw) if hours_hit else None
    if not found:
        for source in sources:
            if found := _HOURS.search(source.text):
                hours_hit = Hit("estimated_hours", found.group(0), source.name, 0, found.group(0))
                break
    if found and hours_hit:
        hours = float(found.group(1).replace(",", "."))
        check = ok(int(hours) if hours.is_integer() else hours)
        if hours <= 0 or hours > 160:  # cfg:resource.max_single_request_hours default
            check = bad("оценка должна быть больше 0 и не больше 160 часов", "format", hours)
        ctx.put("estimated_hours", check, hours_hit)
    if hit := hits.get("desired_time"):
        ctx.put("desired_time", _desired_time(hit.raw, ctx), hit)
    for code in ("enterprise_name", "tasks", "estimated_hours", "desired_time"):
        ctx.put(code, MISSING)


def _desired_time(raw: str, ctx: Context) -> Check:
    dates = [check_date(m.group(0)) for m in re.finditer(DATE_PATTERN, raw, re.I)]
    valid = [str(d.value) for d in dates if d.status == FieldStatus.VALID]
    if not valid:
        return check_text(raw, 4)  # a period expression such as «в течение марта»
    if ctx.received and max(valid) < ctx.received.isoformat():
        return bad("желаемое время уже прошло: укажите будущие даты", "format", valid)
    return ok({"from": valid[0], "to": valid[-1]} if len(valid) > 1 else valid[0])


_CONSENT = re.compile(r"согласи\w*\s+(?:\w+\s+){0,4}на\s+обработку\s+персональных\s+данных", re.I)


def extract_sd_account(ctx: Context) -> None:
    body = without_signature(ctx.source_text("body"))
    employees = []
    for line in body.splitlines():
        emails = EMAIL_RE.findall(line)
        name = find_person(EMAIL_RE.sub(" ", line))
        if emails and name and len(name.split()) >= 2:
            employees.append(
                {"full_name": name, "email": check_email(emails[0]).value or emails[0]}
            )
    if employees:
        excerpt = "; ".join(f"{e['full_name']} {e['email']}" for e in employees)
        short = [
            e["full_name"]
            for e in employees
            if len(str(e["full_name"]).split()) < 3 and "." not in str(e["full_name"])
        ]
        check = ok(employees) if not short else warn(employees, "укажите полные ФИО сотрудников")
        ctx.put_evidence("employees", check, "body", excerpt, excerpt)
    else:
        ctx.put("employees", MISSING)
    consent_files = [
        a.filename
        for a in ctx.letter.attachments
        if re.search(r"согласи|consent", a.filename, re.I)
    ]
    if match := _CONSENT.search(body):
        ctx.put_evidence("pd_consent", ok(True), "body", match.group(0), match.group(0))
    elif consent_files:
        ctx.put_evidence("pd_consent", ok(True), "attachments", ", ".join(consent_files), "")
    else:
        ctx.put("pd_consent", MISSING)

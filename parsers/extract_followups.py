"""Fields of follow-ups and auxiliary kinds: software list, extension, annual report (§3.3),
resource (§3.7) and Service Desk account (§3.8) requests."""

from __future__ import annotations

import re

from parsers.contacts import EMAIL_RE, check_email, find_person
from parsers.context import Context, put_pin_ref

# License follow-ups (§3.6) moved to extract_license_docs; re-exported for existing callers.
from parsers.extract_license_docs import extract_license_documents as extract_license_documents
from parsers.extract_license_docs import license_event as license_event
from parsers.extract_pin import without_signature
from parsers.labels import (
    Source,
)
from parsers.pin_followups import extract_annual_report as extract_annual_report
from parsers.pin_followups import extract_extension as extract_extension
from parsers.pin_resource import extract_resource as extract_resource
from parsers.pin_software import ITEM_LABELS, software_items
from parsers.pin_text import unflow
from parsers.validate import MISSING, bad, ok, warn

_ITEM_CODES = {label: code for code, label in ITEM_LABELS.items()}


def _row_problems(items: list[dict[str, object]]) -> dict[str, list[str]]:
    """{item code: ["строка N: reason", …]} from the rows' «code: reason; …» findings."""
    problems: dict[str, list[str]] = {}
    for number, item in enumerate(items, start=1):
        for problem in str(item.get("reason") or "").split("; "):
            label, _, reason = problem.partition(": ")
            if code := _ITEM_CODES.get(label):
                problems.setdefault(code, []).append(f"строка {number}: {label}: {reason}")
    return problems


def extract_software_list(ctx: Context) -> None:
    put_pin_ref(ctx)
    max_year = ctx.received.year if ctx.received else None
    for source in ctx.sources:
        items = software_items(
            Source(source.name, unflow(without_signature(source.text))), max_year
        )
        if items:
            excerpt = source.text.strip()[:300]
            # D-49: any non-empty list of valid items; a bad row is reported by its number,
            # and under the item's own code (§3.3 «software_list[].registration_number»).
            problems = _row_problems(items)
            reasons = "; ".join(r for rows in problems.values() for r in rows)
            check = bad(reasons, "format", items) if reasons else ok(items)
            ctx.put_evidence("software_list", check, source.name, excerpt, excerpt)
            for code, reasons in problems.items():
                check = bad("; ".join(reasons), "format")
                ctx.put_evidence(f"software_list[].{code}", check, source.name, excerpt, excerpt)
            return
    ctx.put("software_list", MISSING)


# «согласие на обработку (их) персональных данных», «согласия … на обработку ПДн».
_CONSENT = re.compile(
    r"согласи\w*[^.\n]{0,60}?на\s+обработк\w*(?:\s+\w+){0,2}?\s+(?:персональн\w+\s+данн\w+|ПДн)",
    re.I,
)


def extract_sd_account(ctx: Context) -> None:
    """§3.8: employees (full name + e-mail) and the personal-data consent, in the letter or
    in an attached letter (DOCX/TXT); the quoted HQ text never counts (R-MBX-11)."""
    sources = [
        Source(s.name, without_signature(s.text)) for s in ctx.sources if s.name != "subject"
    ]
    employees: list[dict[str, object]] = []
    where = "body"
    for source in sources:
        for line in source.text.splitlines():
            emails = EMAIL_RE.findall(line)
            name = find_person(EMAIL_RE.sub(" ", line))
            if emails and name and len(name.split()) >= 2:
                email = check_email(emails[0]).value or emails[0]
                employees.append({"full_name": name, "email": email})
        if employees:
            where = source.name
            break
    if employees:
        excerpt = "; ".join(f"{e['full_name']} {e['email']}" for e in employees)
        # §3.8 full ФИО: initials («Ларионов Д.С.») name nobody the account can be made
        # for; a name without a patronymic may be complete, so it is only a warning.
        initials = [e["full_name"] for e in employees if "." in str(e["full_name"])]
        short = [e["full_name"] for e in employees if len(str(e["full_name"]).split()) < 3]
        if initials:
            names = ", ".join(map(str, initials))
            check = bad(
                f"укажите полностью фамилию, имя и отчество вместо инициалов: {names}",
                "format",
                employees,
            )
        elif short:
            check = warn(employees, "укажите полные ФИО сотрудников")
        else:
            check = ok(employees)
        ctx.put_evidence("employees", check, where, excerpt, excerpt)
    else:
        ctx.put("employees", MISSING)
    consent_files = [
        a.filename
        for a in ctx.letter.attachments
        if re.search(r"согласи|consent|пдн", a.filename, re.I)
    ]
    for source in sources:
        if match := _CONSENT.search(source.text):
            ctx.put_evidence("pd_consent", ok(True), source.name, match.group(0), match.group(0))
            return
    if consent_files:
        names = ", ".join(consent_files)
        ctx.put_evidence("pd_consent", ok(True), "attachments", names, names)
    else:
        ctx.put("pd_consent", MISSING)

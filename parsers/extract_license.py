"""License request fields (§3.5): the Appendix 1 form in the body, a DOCX or a PDF."""

from __future__ import annotations

import re

from parsers.contacts import check_email, check_phone, find_person
from parsers.context import Context
from parsers.dates import DATE_PATTERN, check_date
from parsers.labels import LICENSE_LABELS, Hit, Source, find_labelled
from parsers.types import AttachmentClass, FieldStatus
from parsers.validate import (
    MISSING,
    Check,
    bad,
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

PURPOSES = (
    ("own_use", r"воспроизведени\w*\s+для\s+собственного|собственного\s+использования"),
    ("demo", r"демонстрац\w*"),
    ("sublicensing", r"сублиценз\w*|простых\s+неисключительных"),
    ("extension_development", r"разработк\w*\s*/?\s*тестировани\w*|расширения\s+функционала"),
    ("support_modification", r"модификаци\w*|оказания\s+технической\s+поддержки"),
)
_SELECTED = re.compile(r"[☑☒✓✔✅]|\[[xXхХ✓]\]|^\s*[-•]?\s*[+xXхХ]\s|\bда\s*[.;]?\s*$", re.I)
_UNSELECTED = re.compile(r"[☐□]|\[\s\]|\bнет\s*[.;]?\s*$", re.I)
_TABLE_HEAD = re.compile(r"наименование\s+программного\s+обеспечения.*конечн\w+\s+заказчик", re.I)
_POSITION = re.compile(
    r"((?:Генеральн\w+\s+|Исполнительн\w+\s+)?[Дд]иректор\w*|Руководител\w+|Президент|"
    r"Управляющ\w+|Индивидуальн\w+\s+предпринимател\w+|Председател\w+)[^\n_]{0,80}",
)


def _table_rows(source: Source) -> tuple[list[list[str]], Hit] | None:
    """Rows of the «Описание проекта» table: software | end customer [| INN]."""
    lines = source.text.splitlines()
    for index, line in enumerate(lines):
        if _TABLE_HEAD.search(line) and ("|" in line or "\t" in line):
            rows: list[list[str]] = []
            for row in lines[index + 1 :]:
                if "|" not in row and "\t" not in row:
                    if row.strip():
                        break
                    continue
                cells = [c.strip() for c in re.split(r"\s*[|\t]\s*", row.strip(" |"))]
                if any(not is_placeholder(c) for c in cells):
                    rows.append(cells)
            return rows, Hit("software_name", "\n".join(lines[index : index + 1 + len(rows)]),
                             source.name, index + 1, line.strip())  # fmt: skip
    return None


def _project_rows(ctx: Context, hits: dict[str, Hit]) -> None:
    """software_name / end_customer per row; a half-filled row is reported by number."""
    for source in ctx.sources:
        found = _table_rows(source)
        if found:
            rows, hit = found
            break
    else:
        rows, hit = [], None
        if "software_name" in hits or "end_customer" in hits:
            soft = hits.get("software_name")
            cust = hits.get("end_customer")
            rows = [[soft.raw if soft else "", cust.raw if cust else ""]]
            hit = soft or cust
    if not rows:
        for code in ("software_name", "end_customer"):
            ctx.put(code, MISSING, hit)
        return
    names = [r[0] if r else "" for r in rows]
    customers = [r[1] if len(r) > 1 else "" for r in rows]
    for code, values in (("software_name", names), ("end_customer", customers)):
        empty = [str(i + 1) for i, v in enumerate(values) if is_placeholder(v)]
        if len(empty) == len(values):
            ctx.put(code, MISSING, hit)
        elif empty:
            ctx.put(
                code,
                bad(f"не заполнено в строке {', '.join(empty)} таблицы", "format", values),
                hit,
            )
        else:
            ctx.put(code, ok(values), hit)
    inns = [r[2] for r in rows if len(r) > 2 and not is_placeholder(r[2])]
    if inns:
        checks = [check_inn(v) for v in inns]
        failed = next((c for c in checks if c.status == FieldStatus.INVALID), None)
        values = [c.value for c in checks]
        ctx.put(
            "end_customer_inn",
            (failed and Check(failed.status, values, failed.reason, failed.code)) or ok(values),
            hit,
        )
    elif (inn_hit := hits.get("end_customer_inn")) is not None:
        check = check_inn(inn_hit.raw)
        ctx.put(
            "end_customer_inn",
            Check(check.status, [check.value] if check.value else None, check.reason, check.code),
            inn_hit,
        )


def purposes(lines: list[str]) -> tuple[list[str], bool]:
    """(selected purpose codes, all-five-marked-alike) by the markers of §3.5 / D-18."""
    marks: dict[str, str] = {}
    for line in lines:
        for code, pattern in PURPOSES:
            if code not in marks and re.search(pattern, line, re.I):
                head = line[: re.search(pattern, line, re.I).start()] + line[-6:]
                if _UNSELECTED.search(head):
                    marks[code] = "off"
                elif _SELECTED.search(head) or _SELECTED.search(line):
                    marks[code] = (
                        "on:" + (_SELECTED.search(head) or _SELECTED.search(line)).group(0).strip()
                    )
                else:
                    marks[code] = "plain"
                break
    explicit = any(m.startswith("on") or m == "off" for m in marks.values())
    chosen = [
        c for c, _ in PURPOSES if marks.get(c, "off").startswith("on" if explicit else "plain")
    ]
    if explicit:
        chosen = [c for c, _ in PURPOSES if marks.get(c, "off").startswith("on")]
    alike = len(chosen) == 5 and len({marks[c] for c in chosen}) == 1
    return chosen, alike


def _purpose(ctx: Context) -> None:
    for source in ctx.sources:
        lines = source.text.splitlines()
        for index, line in enumerate(lines):
            if re.search(r"цел\w*\s+приобретения", line, re.I):
                block = lines[index : index + 9]
                chosen, alike = purposes(block)
                hit = Hit("purpose", "\n".join(block), source.name, index + 1, line.strip())
                if not chosen:
                    ctx.put("purpose", MISSING, hit)
                elif alike:
                    # D-18: all five marked the same way — all selected, but please check.
                    ctx.put(
                        "purpose",
                        warn(
                            chosen,
                            "отмечены все пять целей приобретения: "
                            "проверьте, что это не незаполненный шаблон",
                        ),
                        hit,
                    )
                    ctx.flags.append("all_purposes_marked")
                else:
                    ctx.put("purpose", ok(chosen), hit)
                return
    ctx.put("purpose", MISSING)


def _signatory(ctx: Context, hit: Hit | None) -> None:
    if hit and (name := find_person(hit.raw)):
        position = hit.raw.split(name, 1)[0].strip(" ,—-_") or hit.raw.split(name, 1)[-1].strip(
            " ,—-_"
        )
        ctx.put("signatory", _signatory_check(position, name), hit)
        return
    for source in ctx.sources:
        lines = source.text.splitlines()
        for index in range(len(lines) - 1, -1, -1):
            match = _POSITION.search(lines[index])
            if not match or re.search(r"руководител\w+\s+ООО\s+«ТЕХНОКОМ»", lines[index], re.I):
                continue
            position = match.group(0).strip(" ,")
            name = find_person(lines[index][match.end() :])
            for follow in lines[index + 1 : index + 6]:
                if name:
                    break
                if not re.search(r"подпись|М\.П\.", follow, re.I):
                    name = find_person(follow)
            if name and name in position:
                position = position.split(name, 1)[0].strip(" ,")
            found = Hit("signatory", lines[index], source.name, index + 1, lines[index].strip())
            ctx.put("signatory", _signatory_check(position, name), found)
            return
    ctx.put("signatory", MISSING)


def _signatory_check(position: str, name: str | None) -> Check:
    if not name:
        return bad(
            "укажите ФИО руководителя (расшифровку подписи)", "format", {"position": position}
        )
    if len(position) < 3:
        return bad("укажите должность руководителя", "format", {"name": name})
    return ok({"position": position, "name": name})


def extract_license(ctx: Context) -> None:
    hits = find_labelled([s for s in ctx.sources if s.name != "subject"], LICENSE_LABELS)
    _project_rows(ctx, hits)
    _purpose(ctx)
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
    _signatory(ctx, hits.get("signatory"))
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

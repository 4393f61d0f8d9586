"""The Appendix 1 form (§3.5): project table rows, purposes (D-18) and the signatory."""

from __future__ import annotations

import re

from parsers.contacts import find_person
from parsers.context import Context
from parsers.labels import Hit, Source
from parsers.validate import MISSING, Check, bad, check_inn, is_placeholder, ok, warn

PURPOSES = (
    ("own_use", r"воспроизведени\w*\s+для\s+собственного|собственного\s+использования"),
    ("demo", r"демонстрац\w*"),
    ("sublicensing", r"сублиценз\w*|простых\s+неисключительных"),
    ("extension_development", r"разработк\w*\s*/?\s*тестировани\w*|расширения\s+функционала"),
    ("support_modification", r"модификаци\w*|оказания\s+технической\s+поддержки"),
)
# §3.5 selection markers before the purpose («☑», «[x]», «+», «X») or «да»/«нет» after it.
_SELECTED_HEAD = re.compile(r"[☑☒✓✔✅]|\[[xXхХ✓]\]|^\s*[-•]?\s*[+xXхХ]\s", re.I)
_SELECTED_TAIL = re.compile(r"\bда\s*[.;]?\s*$", re.I)
_UNSELECTED_HEAD = re.compile(r"[☐□]|\[\s\]")
_UNSELECTED_TAIL = re.compile(r"\bнет\s*[.;]?\s*$", re.I)
_TABLE_HEAD = re.compile(r"наименование\s+программного\s+обеспечения.*конечн\w+\s+заказчик", re.I)
_POSITION = re.compile(
    r"((?:Генеральн\w+\s+|Исполнительн\w+\s+)?[Дд]иректор\w*|Руководител\w+|Президент|"
    r"Управляющ\w+|Индивидуальн\w+\s+предпринимател\w+|Председател\w+)[^\n_]{0,80}",
)
_ADDRESSEE = re.compile(r"руководител\w+\s+ООО\s+«ТЕХНОКОМ»", re.I)


def _table_rows(source: Source) -> tuple[list[list[str]], Hit] | None:
    """Rows of the «Описание проекта» table: software | end customer [| INN]."""
    lines = source.text.splitlines()
    for index, line in enumerate(lines):
        if not (_TABLE_HEAD.search(line) and ("|" in line or "\t" in line)):
            continue
        rows: list[list[str]] = []
        for row in lines[index + 1 :]:
            if "|" not in row and "\t" not in row:
                if row.strip():
                    break
                continue
            cells = [c.strip() for c in re.split(r"\s*[|\t]\s*", row.strip(" |"))]
            if any(not is_placeholder(c) for c in cells):
                rows.append(cells)
        excerpt = "\n".join(lines[index : index + 1 + len(rows)])
        return rows, Hit("software_name", excerpt, source.name, index + 1, line.strip())
    return None


def _per_row(values: list[str]) -> Check:
    """One value per row; a half-filled table is reported with its row numbers (§3.5)."""
    empty = [str(i + 1) for i, v in enumerate(values) if is_placeholder(v)]
    if len(empty) == len(values):
        return MISSING
    if empty:
        return bad(f"не заполнено в строке {', '.join(empty)} таблицы", "format", values)
    return ok(values)


def project_rows(ctx: Context, hits: dict[str, Hit]) -> None:
    """software_name, end_customer and end_customer_inn, one value per table row."""
    found = next((t for s in ctx.sources if (t := _table_rows(s))), None)
    if found:
        rows, hit = found
    else:
        soft, cust = hits.get("software_name"), hits.get("end_customer")
        rows = [[soft.raw if soft else "", cust.raw if cust else ""]] if soft or cust else []
        hit = soft or cust
    ctx.put("software_name", _per_row([r[0] for r in rows]) if rows else MISSING, hit)
    customers = [r[1] if len(r) > 1 else "" for r in rows]
    ctx.put("end_customer", _per_row(customers) if rows else MISSING, hit)
    inns = [r[2] for r in rows if len(r) > 2 and not is_placeholder(r[2])]
    if not inns and (inn_hit := hits.get("end_customer_inn")) is not None:
        inns, hit = [inn_hit.raw], inn_hit
    if inns:
        checks = [check_inn(v) for v in inns]
        values = [c.value for c in checks]
        failed = next((c for c in checks if c.status.value == "invalid"), None)
        result = Check(failed.status, values, failed.reason, failed.code) if failed else ok(values)
        ctx.put("end_customer_inn", result, hit)


def _mark(line: str, pattern: str) -> str | None:
    """'on:<marker>', 'off' or 'plain' for a line naming a purpose; None otherwise."""
    match = re.search(pattern, line, re.I)
    if not match:
        return None
    head, tail = line[: match.start()], line[match.end() :]
    if _UNSELECTED_HEAD.search(head) or _UNSELECTED_TAIL.search(tail):
        return "off"
    marker = _SELECTED_HEAD.search(head) or _SELECTED_TAIL.search(tail)
    return f"on:{marker.group(0).strip().lower()}" if marker else "plain"


def purposes(lines: list[str]) -> tuple[list[str], bool]:
    """(selected purpose codes, all five marked alike) by the markers of §3.5 and D-18.

    With explicit markers, the marked lines are selected. Without any, the lines left in
    the form are selected: partners delete the purposes they do not want.
    """
    marks: dict[str, str] = {}
    for line in lines:
        for code, pattern in PURPOSES:
            if code not in marks and (mark := _mark(line, pattern)) is not None:
                marks[code] = mark
                break
    explicit = any(m != "plain" for m in marks.values())
    wanted = (lambda m: m.startswith("on")) if explicit else (lambda m: m == "plain")
    chosen = [code for code, _ in PURPOSES if code in marks and wanted(marks[code])]
    alike = len(chosen) == len(PURPOSES) and len({marks[c] for c in chosen}) == 1
    return chosen, alike


def purpose(ctx: Context) -> None:
    for source in ctx.sources:
        lines = source.text.splitlines()
        for index, line in enumerate(lines):
            if not re.search(r"цел\w*\s+приобретения", line, re.I):
                continue
            block = lines[index : index + 9]
            chosen, alike = purposes(block)
            hit = Hit("purpose", "\n".join(block), source.name, index + 1, line.strip())
            if not chosen:
                ctx.put("purpose", MISSING, hit)
            elif alike:
                # D-18: all five marked the same way: all selected, but please check.
                reason = "отмечены все пять целей приобретения: проверьте, что это не шаблон"
                ctx.put("purpose", warn(chosen, reason), hit)
                ctx.flags.append("all_purposes_marked")
            else:
                ctx.put("purpose", ok(chosen), hit)
            return
    ctx.put("purpose", MISSING)


def signatory(ctx: Context, hit: Hit | None) -> None:
    """Position and name of the head who signs: a labelled line or the form's footer."""
    if hit and (name := find_person(hit.raw)):
        before, _, after = hit.raw.partition(name)
        position = before.strip(" ,—-_") or after.strip(" ,—-_")
        ctx.put("signatory", _signatory_check(position, name), hit)
        return
    for source in ctx.sources:
        lines = source.text.splitlines()
        for index in range(len(lines) - 1, -1, -1):  # the footer is at the end of the form
            match = _POSITION.search(lines[index])
            if not match or _ADDRESSEE.search(lines[index]):
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
        reason = "укажите ФИО руководителя (расшифровку подписи)"
        return bad(reason, "format", {"position": position})
    if len(position) < 3:
        return bad("укажите должность руководителя", "format", {"name": name})
    return ok({"position": position, "name": name})

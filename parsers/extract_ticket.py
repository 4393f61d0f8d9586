"""Service Desk ticket fields (§3.4): labels of 000 §4.2, self-diagnosis, attachments."""

from __future__ import annotations

import re

from parsers.context import INN_IN_TEXT, Context, find_in_sources
from parsers.dates import check_contract
from parsers.extract_pin import ORG, without_signature
from parsers.labels import TICKET_LABELS, Hit, Source, block_after, find_labelled
from parsers.types import AttachmentClass, FieldStatus
from parsers.validate import MISSING, Check, bad, check_inn, check_text, ok, warn

# R-TKT-3: only the applicant classifies; synonyms of §3.4, never a guess from the text.
TRACKERS = (
    ("bug", r"bug|неисправност|ошибк|сбо[йи]"),
    ("feature", r"feature|разработк|новый\s+функционал|доработк|тз\b|техническ\w+\s+задани"),
    ("support", r"support|консультац|поддержк|вопрос"),
)
PRIORITIES = (
    ("urgent", r"urgent|срочн"),
    ("high", r"high|высок"),
    ("normal", r"normal|нормальн|обычн|средн"),
    ("low", r"low|низк"),
)
# The four checks of 000 §4.1 and the words that name them in a partner's answer.
CHECKS = (
    ("base_software_ok", r"базов\w*\s+по|платформ"),
    ("dbms_ok", r"субд|баз\w+\s+данных|транзакц"),
    ("network_ok", r"сет[ьие]\w*|ping|пинг"),
    ("auth_privileges_unchanged", r"привилеги|прав\w*\s+пользовател|аутентификац"),
)
_NOT_CHECKED = re.compile(r"не\s+проверял|не\s+проверен|не\s+знаю|нет\s+данных|не\s+провод", re.I)
_FAILED = re.compile(
    r"\bнет\b|не\s+работает|некорректно|ошибк|проблем|сбо[йи]|потер|недоступ|нестабил|"
    r"\bfail|менялись(?!.*не\s+менялись)",
    re.I,
)
_PASSED = re.compile(
    r"\bда\b|\bok\b|\bок\b|корректно|работает|исправн|в\s+норме|стабил|не\s+менялись|без\s+ошибок"
    r"|без\s+потерь|\bpass",
    re.I,
)
_NO_PROBLEMS = re.compile(
    r"(?:проблем|ошибок|сбоев|замечаний|потерь)\w*(?:\s+[а-яё]+){0,3}?\s+(?:не\s+(?:выявлено|обнаружено)|нет)"
    r"|нет\s+(?:проблем|ошибок|сбоев|замечаний|потерь)|без\s+(?:проблем|ошибок|замечаний)",
    re.I,
)
_NA = re.compile(
    r"^\s*(?:нет|не\s+прилага\w+|отсутству\w+|n/?a|не\s+применимо)\b[\s,.;:—–-]*(.*)$", re.I
)
_DEMO = re.compile(r"демо|пилот|demo", re.I)
_URGENT_ASK = re.compile(r"срочно|срочное\s+решение|как\s+можно\s+скорее|горит", re.I)
_GREETING = re.compile(r"^\s*(?:добрый\s+\w+|здравствуйте|коллеги|уважаем\w+)[^\n]{0,40}$", re.I)


# An organisation named in a ticket's text, with its INN when it follows closely.
_ORG_IN_TICKET = re.compile(rf"(?:{ORG})(?:[^\n]{{0,40}}?ИНН\s*:?\s*\d{{10,12}})?")


def _body_only(ctx: Context, sources: list[Source]) -> Context:
    return Context(ctx.letter, [s for s in sources if s.name == "body"], ctx.received)


def _enum(raw: str, table: tuple[tuple[str, str], ...], label: str) -> Check:
    for code, pattern in table:
        if re.search(pattern, raw, re.I):
            return ok(code)
    return bad(f"не удалось распознать {label}: «{raw.strip()[:40]}»", "format", raw.strip())


def answer(text: str, is_privileges: bool) -> tuple[str, str]:
    """(`passed`|`failed`|`not_checked`, comment) for one self-diagnosis answer."""
    tail = re.split(r"[?:—–]|\s-\s", text, maxsplit=1)
    reply = tail[1] if len(tail) > 1 else text
    if _NOT_CHECKED.search(reply):
        return "not_checked", reply.strip()
    if is_privileges and re.search(r"\bнет\b|не\s+менял", reply, re.I):
        return "passed", reply.strip()  # «Не менялись ли привилегии?» — «нет» is the good answer
    if _NO_PROBLEMS.search(reply):
        return "passed", reply.strip()
    if _FAILED.search(reply):
        return "failed", reply.strip()
    if _PASSED.search(reply):
        return "passed", reply.strip()
    return "not_checked", reply.strip()


def self_diagnosis(lines: list[str]) -> Check:
    """§3.4 `self_diagnosis`: the four checks; unanswered ones are `not_checked`."""
    result: dict[str, dict[str, str]] = {}
    # One line may answer several checks: «базовое ПО работает; СУБД без ошибок; …».
    lines = [part for line in lines for part in re.split(r";\s*", line) if part.strip()]
    for line in lines:
        for code, pattern in CHECKS:
            if code not in result and re.search(pattern, line, re.I):
                status, comment = answer(line, code == "auth_privileges_unchanged")
                result[code] = {"status": status, "comment": comment[:200]}
                break
    if not result:
        return MISSING
    for code, _ in CHECKS:
        result.setdefault(code, {"status": "not_checked", "comment": ""})
    return ok(result)


def _diagnosis_lines(text: str, line: int) -> list[str]:
    """Lines after the self-diagnosis label while each one answers one of the four checks."""
    block = []
    for candidate in text.splitlines()[line : line + 8]:
        if not candidate.strip():
            if block:
                break
            continue
        if not any(re.search(pattern, candidate, re.I) for _, pattern in CHECKS):
            break
        block.append(candidate.strip())
    return block


def _attachment_field(
    ctx: Context, code: str, classes: tuple[AttachmentClass, ...], hit: Hit | None
) -> None:
    files = [a.filename for a in ctx.letter.attachments if a.cls in classes]
    if files:
        ctx.put_evidence(code, ok(files), "attachments", ", ".join(files), ", ".join(files))
        return
    na = _NA.match(hit.raw) if hit else None
    if hit and na:
        # R-TKT-5: N/A with the partner's reason is accepted, flagged for HQ.
        reason = na.group(1).strip() or hit.raw.strip()
        ctx.put(code, Check(FieldStatus.NOT_APPLICABLE, None, reason), hit)
        ctx.flags.append("description_incomplete")
        return
    ctx.put(code, MISSING)


def _legal_entity(ctx: Context, hit: Hit) -> None:
    inn_match = INN_IN_TEXT.search(hit.raw)
    name = hit.raw[: inn_match.start()] if inn_match else hit.raw
    name = name.strip(" ,;()")
    value: dict[str, str] = {"name": name}
    check = check_text(name, 2)
    if inn_match:
        inn = check_inn(inn_match.group(1))
        value["inn"] = str(inn.value or inn_match.group(1))
        if inn.status == FieldStatus.INVALID:  # R-VAL-4: the entity's INN must pass T-INN
            ctx.put("legal_entity", Check(inn.status, value, inn.reason, inn.code), hit)
            return
    ctx.put("legal_entity", Check(check.status, value if check.value else None, check.reason), hit)


def _base_software(raw: str) -> Check:
    match = re.match(
        r"^(.*?)\s*(?:,?\s*верси[яи]:?\s*|\s)(v?\d[\w.\-]*(?:\s*\w+)?)\s*$", raw.strip(), re.I
    )
    if not match or not match.group(1).strip():
        text = check_text(raw, 2)
        if text.status != FieldStatus.VALID:
            return text
        return bad(
            "укажите версию базового ПО, например «PostgreSQL 14.5»",
            "format",
            {"name": raw.strip()},
        )
    return ok({"name": match.group(1).strip(" ,"), "version": match.group(2).strip()})


def _steps(ctx: Context, hit: Hit) -> None:
    lines = ([hit.raw] if hit.raw else []) + block_after(ctx.source_text(hit.source), hit.line, 15)
    numbered = [line for line in lines if re.match(r"^\s*\d{1,2}[.)]\s*\S", line)]
    text = "\n".join(lines)
    if len(numbered) >= 2:
        ctx.put(
            "steps_to_reproduce",
            ok([re.sub(r"^\s*\d{1,2}[.)]\s*", "", n) for n in numbered]),
            hit,
            text,
        )
    else:
        ctx.put("steps_to_reproduce", check_text(text, 30), hit, text)


def _description_fallback(ctx: Context) -> None:
    """No «Описание:» label: the first paragraph of the letter describes the problem."""
    body = without_signature(ctx.source_text("body"))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    for paragraph in paragraphs:
        lines = [ln for ln in paragraph.splitlines() if not _GREETING.match(ln)]
        text = " ".join(" ".join(lines).split())
        if len(text) >= 20 and not re.match(r"^[А-ЯЁA-Za-zа-яё ]{2,40}:", text):
            ctx.put_evidence("description", ok(text[:1000]), "body", text[:300], text)
            return
    ctx.put("description", MISSING)


def extract_ticket(ctx: Context) -> None:
    sources = [Source(s.name, without_signature(s.text)) for s in ctx.sources]
    hits = find_labelled(sources, TICKET_LABELS)
    if hit := hits.get("tracker"):
        ctx.put("tracker", _enum(hit.raw, TRACKERS, "тип обращения (Tracker)"), hit)
    if hit := hits.get("priority"):
        ctx.put("priority", _enum(hit.raw, PRIORITIES, "приоритет (Priority)"), hit)
    if hit := hits.get("self_diagnosis"):
        lines = [hit.raw] if hit.raw else []
        lines += _diagnosis_lines(ctx.source_text(hit.source), hit.line)
        ctx.put("self_diagnosis", self_diagnosis(lines), hit, "\n".join(lines))
    if hit := hits.get("legal_entity"):
        _legal_entity(ctx, hit)
    elif found := find_in_sources(_body_only(ctx, sources), _ORG_IN_TICKET):
        # «у клиента ООО «Ромашка» не работает…»: the organisation named in the text.
        match, hit = found
        _legal_entity(ctx, Hit("legal_entity", match.group(0), hit.source, hit.line, hit.excerpt))
    status = _project_status(ctx, hits.get("project_status"))
    if hit := hits.get("license_contract"):
        if status == "demo" and _NA.match(hit.raw):
            ctx.put("license_contract", Check(FieldStatus.NOT_APPLICABLE, None, "демо-проект"), hit)
        else:
            ctx.put("license_contract", check_contract(hit.raw, ctx.received, hit.excerpt), hit)
    for code, minimum in (("software_name", 2), ("component", 3)):
        if hit := hits.get(code):
            ctx.put(code, check_text(hit.raw, minimum), hit)
    if hit := hits.get("base_software"):
        ctx.put("base_software", _base_software(hit.raw), hit)
    if hit := hits.get("steps_to_reproduce"):
        _steps(ctx, hit)
    for code, minimum in (("business_task", 30), ("description", 20)):
        if hit := hits.get(code):
            text = hit.raw or " ".join(block_after(ctx.source_text(hit.source), hit.line, 10))
            ctx.put(code, check_text(text, minimum), hit, text)
    if "description" not in ctx.fields:
        _description_fallback(ctx)
    _attachment_field(ctx, "screenshots", (AttachmentClass.IMAGE,), hits.get("screenshots"))
    logs = (AttachmentClass.LOG,)
    # D-24: any log attachment satisfies both log fields.
    _attachment_field(
        ctx, "base_software_logs", logs, hits.get("base_software_logs") or hits.get("app_logs")
    )
    _attachment_field(ctx, "app_logs", logs, hits.get("app_logs"))
    for code in ("tracker", "priority", "self_diagnosis", "legal_entity", "license_contract",
                 "software_name", "component", "base_software", "steps_to_reproduce",
                 "business_task"):  # fmt: skip
        ctx.put(code, MISSING)
    if _URGENT_ASK.search(ctx.source_text("body") + ctx.letter.subject):
        ctx.flags.append("urgent_requested")  # R-TKT-19


def _project_status(ctx: Context, hit: Hit | None) -> str:
    """§3.4 `project_status`: stated, or «демо»/«пилот» in the text, else active + warning."""
    text = hit.raw if hit else ctx.source_text("body") + " " + ctx.letter.subject
    if _DEMO.search(text):
        ctx.put("project_status", ok("demo"), hit, text if not hit else "")
        return "demo"
    if hit:
        ctx.put("project_status", ok("active"), hit)
    else:
        ctx.put(
            "project_status", warn("active", "статус проекта не указан: принят действующий договор")
        )
    return "active"

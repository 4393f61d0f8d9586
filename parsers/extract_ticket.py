"""Service Desk ticket fields (§3.4): labels of 000 §4.2, self-diagnosis, attachments."""

from __future__ import annotations

import re

from parsers.context import INN_IN_TEXT, Context, find_in_sources
from parsers.dates import check_contract
from parsers.extract_pin import without_signature
from parsers.labels import Hit, Source
from parsers.pin_parties import ORG_RE
from parsers.platforms import labelled_base_software
from parsers.quotes import inline_answers
from parsers.ticket_diagnosis import answers_in_prose, self_diagnosis
from parsers.ticket_extras import LOG_WORD, NA, SCREEN_WORD, na_sentence, prose_fields
from parsers.ticket_form import Field, answered_fields, first, form_fields
from parsers.ticket_names import quoted_component, quoted_software, software_and_component
from parsers.ticket_priority import classified_by_criterion, priority_by_criterion
from parsers.ticket_prose import (
    CONTRACT_IN_TICKET,
    LICENSE_CONTRACT_IN_TEXT,
    PRIORITIES,
    TRACKERS,
    clean_subject,
    enum_value,
    is_boilerplate,
    problem_statement,
    stated_priority,
    stated_tracker,
)
from parsers.ticket_steps import steps_in_text
from parsers.ticket_text import client_entity, inn_named_with
from parsers.types import AttachmentClass, FieldStatus
from parsers.unwrap import unwrapped
from parsers.validate import MISSING, Check, bad, check_inn, check_text, ok, warn

_DEMO = re.compile(r"демо|пилот|demo", re.I)
_URGENT_ASK = re.compile(r"срочно|срочное\s+решение|как\s+можно\s+скорее|горит", re.I)
_IMAGE_NAME = re.compile(r"\.(?:png|jpe?g|gif|bmp|webp|heic|tiff?)$", re.I)
_SCREENSHOT_NAME = re.compile(r"скрин|снимок|screen|shot", re.I)


# An organisation named in a ticket's text, with its INN when it follows closely.
_ORG_IN_TICKET = re.compile(rf"(?:{ORG_RE.pattern})(?:[^\n]{{0,40}}?ИНН\s*:?\s*\d{{9,13}})?")
# The INN as written after the entity's name, a digit short or long included: R-VAL-4 reports
# it invalid rather than leaving the entity without one.
_INN_WRITTEN = re.compile(r"ИНН(?:\s+[^\W\d]+){0,2}\s*[:№]?\s*(\d{9,13})(?!\d)", re.I)


def _prose_paragraphs(found: dict[str, list[Field]]) -> list[str]:
    """Unlabelled paragraphs, then the lines after a labelled value's first: «Базовое ПО:
    PostgreSQL 13.14» / «Базовое ПО и СУБД проверили – работают корректно» answers §4.1."""
    after = [
        "\n".join(f.text.splitlines()[1:])
        for code, fields in found.items()
        if code not in ("", "self_diagnosis")
        for f in fields
    ]
    return [f.text for f in found.get("", [])] + [text for text in after if text.strip()]


_PRIORITY = "приоритет (Priority)"


def _body_only(ctx: Context, sources: list[Source]) -> Context:
    return Context(ctx.letter, [s for s in sources if s.name == "body"], ctx.received)


def _enum(raw: str, table: tuple[tuple[str, str], ...], label: str) -> Check:
    code = enum_value(raw, table)
    if code:
        return ok(code)
    return bad(f"не удалось распознать {label}: «{raw.strip()[:40]}»", "format", raw.strip())


def _hit(field: Field) -> Hit:
    return Hit(field.code, field.text, field.source, field.line, field.excerpt)


def _attachment_field(
    ctx: Context, code: str, files: list[str], statements: list[Field | None]
) -> None:
    if files:
        ctx.put_evidence(code, ok(files), "attachments", ", ".join(files), ", ".join(files))
        return
    for field in statements:
        if field is not None and NA.search(field.text):
            # R-TKT-5: N/A with the partner's reason is accepted, flagged for HQ.
            reason = " ".join(field.text.split())
            ctx.put(code, Check(FieldStatus.NOT_APPLICABLE, None, reason), _hit(field))
            ctx.flags.append("description_incomplete")
            return
    ctx.put(code, MISSING)


def _legal_entity(ctx: Context, hit: Hit) -> None:
    raw = " ".join(hit.raw.split())
    if not _INN_WRITTEN.search(raw) and (
        inn := inn_named_with(raw, [s.text for s in ctx.sources if s.name != "subject"])
    ):
        raw = f"{raw}, ИНН {inn}"  # the INN given with the name elsewhere (§3.4)
    inn_match = INN_IN_TEXT.search(raw) or _INN_WRITTEN.search(raw)
    name = raw[: inn_match.start()] if inn_match else raw
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


def _steps(ctx: Context, field: Field) -> None:
    text = field.text
    numbered = re.split(r"(?:^|(?<=[\s;]))\d{1,2}[.)]\s+", text)
    steps = [" ".join(step.split()).strip(" ;") for step in numbered[1:] if step.strip()]
    if len(steps) >= 2:
        ctx.put("steps_to_reproduce", ok(steps), _hit(field), text)
    else:
        ctx.put("steps_to_reproduce", check_text(text, 30), _hit(field), text)


def _description(ctx: Context, found: dict[str, list[Field]], sources: list[Source]) -> None:
    """The subject (the partner's short description) with the problem statement."""
    field = first(found, "description")
    body = without_signature(ctx.source_text("body"))
    statement = " ".join(field.text.split()) if field else problem_statement(body)
    subject = clean_subject(ctx.letter.subject)
    parts = [subject] if len(subject) >= 10 and not is_boilerplate(subject) else []
    parts += [statement] if statement else []
    text = " — ".join(parts)
    hit = _hit(field) if field else Hit("description", text, "body", 0, text[:300])
    ctx.put("description", check_text(text[:1000], 20) if text else MISSING, hit, text)


_CLIENT_LABEL = re.compile(r"заказчик|клиент", re.I)


def _client_block(signature: str) -> dict[str, list[Field]]:
    """The client's entity and contract labelled below the partner's signature («-- … Заказчик:
    МКУ «…», ИНН …; Лиц. договор …»): the signature's own organisation is the partner's, a
    label naming the client is not; the contract of that block goes with it."""
    found = form_fields([Source("body", signature)]) if signature.strip() else {}
    client = [f for f in found.get("legal_entity", []) if _CLIENT_LABEL.search(f.excerpt)]
    if not client:
        return {}
    return {"legal_entity": client, "license_contract": found.get("license_contract", [])}


def _text_fields(ctx: Context, found: dict[str, list[Field]]) -> None:
    pair = first(found, "software_and_component")
    if pair is not None:
        software, component = software_and_component(pair.text)
        ctx.put("software_name", check_text(software, 2), _hit(pair), software)
        ctx.put("component", check_text(component.strip(' «»"'), 3), _hit(pair), component)
    for code, minimum in (("software_name", 2), ("component", 3)):
        if field := first(found, code):
            name = field.text.strip(' «»"“”')  # «компонент «Сметы»»: the name, not its quotes
            ctx.put(code, check_text(name, minimum), _hit(field), name)
    for field in found.get("item_name", []):
        if field.section in ("section", "software_name") and field.text.strip():
            ctx.put("software_name", check_text(field.text, 2), _hit(field))
    if field := first(found, "base_software"):
        ctx.put("base_software", labelled_base_software(field.text), _hit(field))
    names = [f for f in found.get("item_name", []) if f.section == "base_software"]
    versions = [f for f in found.get("item_version", []) if f.section == "base_software"]
    if names and versions:  # «- Наименование: PostgreSQL» «- Версия: 15.2» under item 5
        text = f"{names[0].text} {versions[0].text}"
        ctx.put("base_software", labelled_base_software(text), _hit(names[0]), text)


def extract_ticket(ctx: Context) -> None:
    sources = [Source(s.name, without_signature(s.text)) for s in ctx.sources]
    found = form_fields(sources)
    body_text = next((s.text for s in sources if s.name == "body"), "")
    signature = ctx.source_text("body")[len(body_text) :]
    for code, fields in _client_block(signature).items():
        found.setdefault(code, fields)
    # R-VAL-6: a reply answering a clarification between its quoted lines
    for code, fields in answered_fields(inline_answers(ctx.letter.text)).items():
        if code:
            found.setdefault(code, fields)
    # Prose is read with the lines a mail client wrapped joined again; labels line by line.
    body = unwrapped("\n".join(s.text for s in sources if s.name in ("body", "forwarded")))
    body_text = unwrapped(body_text)
    subject = ctx.letter.subject
    if field := first(found, "tracker"):
        ctx.put("tracker", _enum(field.text, TRACKERS, "тип обращения (Tracker)"), _hit(field))
    elif stated := stated_tracker(body) or stated_tracker(subject):
        ctx.put_evidence("tracker", ok(stated[0]), "body", stated[1], stated[1])
    if field := first(found, "priority"):
        # «Приоритет: основные функции недоступны» — the level by its §4.3 criterion.
        named = enum_value(field.text, PRIORITIES)
        by_criterion = None if named else priority_by_criterion(field.text)
        priority = ok(by_criterion) if by_criterion else _enum(field.text, PRIORITIES, _PRIORITY)
        ctx.put("priority", priority, _hit(field))
    elif stated := (
        stated_priority(body) or stated_priority(subject) or classified_by_criterion(body)
    ):
        ctx.put_evidence("priority", ok(stated[0]), "body", stated[1], stated[1])
    labelled = first(found, "self_diagnosis")
    text = "\n".join(
        f.text
        for f in found.get("self_diagnosis", [])
        if labelled and f.source == labelled.source and f.text.strip()
    )  # a row per check («Самодиагностика: СУБД | В норме», «Самодиагностика: сеть | …»)
    diagnosis = self_diagnosis(text) if labelled else MISSING
    if labelled and diagnosis.status != FieldStatus.MISSING:
        ctx.put("self_diagnosis", diagnosis, _hit(labelled), text)
    elif answers := answers_in_prose(_prose_paragraphs(found)):
        # no label, or one over no answer («Проверил: Хасанов Т.Р.»)
        hit = Hit("self_diagnosis", answers, "body", 0, answers[:300])
        ctx.put("self_diagnosis", self_diagnosis(answers), hit)
    elif labelled:
        ctx.put("self_diagnosis", diagnosis, _hit(labelled), text)
    if field := first(found, "legal_entity"):
        _legal_entity(ctx, _hit(field))
    elif named := client_entity(body_text, signature, _ORG_IN_TICKET):
        # «у клиента ООО «Ромашка» не работает…»: the organisation named in the text.
        line = body_text.count("\n", 0, named[0]) + 1
        _legal_entity(ctx, Hit("legal_entity", named[1], "body", line, named[1]))
    status = _project_status(ctx, first(found, "project_status"))
    contract = first(found, "license_contract")
    if contract is not None:
        if status == "demo" and NA.search(contract.text):
            na = Check(FieldStatus.NOT_APPLICABLE, None, "демо-проект")
            ctx.put("license_contract", na, _hit(contract))
        else:
            raw = " ".join(contract.text.split())
            check = check_contract(raw, ctx.received, contract.excerpt)
            ctx.put("license_contract", check, _hit(contract), raw)
    elif hit_found := find_in_sources(ctx, LICENSE_CONTRACT_IN_TEXT) or find_in_sources(
        _body_only(ctx, sources), CONTRACT_IN_TICKET
    ):
        match, hit = hit_found
        ctx.put("license_contract", check_contract(match.group(0), ctx.received), hit)
    _unstated_status(ctx)
    _text_fields(ctx, found)
    prose_fields(ctx, found, body)
    if "component" not in ctx.fields and (named := quoted_component(body)):
        ctx.put_evidence("component", check_text(named, 3), "body", named, named)
    if "software_name" not in ctx.fields and (named := quoted_software(body)):
        ctx.put_evidence("software_name", check_text(named, 2), "body", named, named)
    if field := first(found, "steps_to_reproduce") or steps_in_text(sources):
        _steps(ctx, field)
    _description(ctx, found, sources)
    _attachments(ctx, found)
    for code in ("tracker", "priority", "self_diagnosis", "legal_entity", "license_contract",
                 "software_name", "component", "base_software", "steps_to_reproduce",
                 "business_task"):  # fmt: skip
        ctx.put(code, MISSING)
    if _URGENT_ASK.search(ctx.source_text("body") + subject):
        ctx.flags.append("urgent_requested")  # R-TKT-19


def _attachments(ctx: Context, found: dict[str, list[Field]]) -> None:
    attachments = ctx.letter.attachments
    images = [
        a.filename
        for a in attachments
        if a.cls == AttachmentClass.IMAGE
        or (a.cls == AttachmentClass.SCAN and _IMAGE_NAME.search(a.filename))
    ]
    if not images:  # screenshots pasted into a document named so («Скриншоты_ошибки.docx»)
        images = [
            a.filename
            for a in attachments
            if a.cls == AttachmentClass.DOCUMENT and _SCREENSHOT_NAME.search(a.filename)
        ]
    logs = [a.filename for a in attachments if a.cls == AttachmentClass.LOG]
    body = ctx.source_text("body")
    app_logs = first(found, "app_logs") or na_sentence(body, LOG_WORD, "app_logs")
    base_logs = first(found, "base_software_logs")
    screens = first(found, "screenshots") or na_sentence(body, SCREEN_WORD, "screenshots")
    _attachment_field(ctx, "screenshots", images, [screens])
    # D-24: any log attachment satisfies both log fields; a reason given for either counts.
    _attachment_field(ctx, "base_software_logs", logs, [base_logs, app_logs])
    _attachment_field(ctx, "app_logs", logs, [app_logs, base_logs])


def _project_status(ctx: Context, field: Field | None) -> str:
    """§3.4 `project_status`: stated, or «демо»/«пилот» in the text, else active + warning."""
    hit = _hit(field) if field else None
    text = field.text if field else ctx.source_text("body") + " " + ctx.letter.subject
    if _DEMO.search(text):
        ctx.put("project_status", ok("demo"), hit, text if not hit else "")
        return "demo"
    if hit:
        ctx.put("project_status", ok("active"), hit)
    return "active"


def _unstated_status(ctx: Context) -> None:
    """No status stated and no demo: a valid license contract says the project is active;
    without one, active is assumed and the partner is told so (§3.4, R-TKT-6)."""
    if "project_status" in ctx.fields:
        return
    contract = ctx.fields.get("license_contract")
    if contract is not None and contract.status == FieldStatus.VALID:
        ctx.put("project_status", ok("active"), confidence=0.9)
    else:
        note = "статус проекта не указан: принят действующий договор"
        ctx.put("project_status", warn("active", note))

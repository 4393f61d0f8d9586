"""Pin request fields (§3.2): labelled lines first, then free Russian sentences."""

from __future__ import annotations

import re

from parsers.contacts import check_contacts, parse_contact
from parsers.context import INN_IN_TEXT, Context, find_in_sources
from parsers.dates import CONTRACT_RE, check_contract
from parsers.labels import PIN_LABELS, Hit, Source, block_after, find_labelled
from parsers.types import AttachmentClass, FieldStatus
from parsers.validate import (
    MISSING,
    Check,
    check_inn,
    check_kpp,
    check_ogrn,
    check_text,
    ok,
    warn,
)

# An organisation name: legal form + quoted name, or a sole trader.
ORG = (
    r"(?:ООО|АО|ПАО|ЗАО|ОАО|НАО|ГУП|МУП|ФГУП|ГБУ|ГАУ|ГКУ|МКУ|МБУ|ФГБУ|АНО|ГАУЗ|ГБУЗ|КГБУ|ОГБУ)"
    r"\s*[«\"„“][^»\"“”\n]{2,100}[»\"“”]+|ИП\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?"
)
_ORG_WITH_INN = re.compile(rf"({ORG})[^\n]{{0,40}}?ИНН", re.I)
_ORG_AFTER_PIN = re.compile(
    rf"(?:закреп\w+|клиент\w*|заказчик\w*|организаци\w+)[^\n«\"]{{0,60}}?({ORG})", re.I
)
_ADDRESS = re.compile(
    r"(?:(?:юридический\s+)?адрес\w*\s*(?:клиента\s*)?[:\-—]?\s*|по\s+адресу:?\s*)"
    r"((?:\d{6},?\s*)?(?:[^\n]{0,200}?(?:г\.|город|обл\.|область|край|респ)[^\n]{5,150}))",
    re.I,
)
_REASON = re.compile(
    r"(?:причина\s+интереса[^:\n]*:\s*|интерес\s+(?:к\s+клиенту\s+)?(?:связан|обусловлен)\w*\s+)"
    r"([^\n]{10,400})"
    r"|((?:в\s+связи\s+с|так\s+как|поскольку)\s[^\n]{10,400})",
    re.I,
)
_SIGNATURE = re.compile(
    r"^\s*(?:С\s+уважением|--\s*$|Best\s+regards|Regards,|Спасибо,?\s*$)", re.I | re.M
)


def without_signature(text: str) -> str:
    """The letter without its sign-off: the partner's own details are not client data."""
    match = _SIGNATURE.search(text)
    return text[: match.start()] if match else text


def _split_inn_kpp(ctx: Context, hit: Hit) -> None:
    inn, _, kpp = hit.raw.partition("/")
    ctx.put("client_inn", check_inn(inn), hit)
    if kpp.strip():
        ctx.put("client_kpp", check_kpp(kpp), hit)


def _free_sentences(ctx: Context, sources: list[Source]) -> None:
    """Fallbacks for letters written as prose rather than as a form."""
    scoped = Context(ctx.letter, sources, ctx.received)
    if "client_name" not in ctx.fields:
        found = find_in_sources(scoped, _ORG_WITH_INN) or find_in_sources(scoped, _ORG_AFTER_PIN)
        if found:
            match, hit = found
            ctx.put("client_name", check_text(match.group(1), 2), hit, match.group(1))
    if "client_inn" not in ctx.fields and (found := find_in_sources(scoped, INN_IN_TEXT)):
        ctx.put("client_inn", check_inn(found[0].group(1)), found[1], found[0].group(1))
    if "client_address" not in ctx.fields and (found := find_in_sources(scoped, _ADDRESS)):
        ctx.put("client_address", check_address(found[0].group(1)), found[1], found[0].group(1))
    if "contract_ref" not in ctx.fields and (found := find_in_sources(scoped, CONTRACT_RE)):
        ctx.put("contract_ref", check_contract(found[0].group(0), ctx.received), found[1])
    if "interest_reason" not in ctx.fields and (found := find_in_sources(scoped, _REASON)):
        reason = (found[0].group(1) or found[0].group(2)).strip()
        ctx.put("interest_reason", check_text(reason, 10), found[1], reason)


def check_address(raw: str) -> Check:
    """T-TEXT(10); an address without a 6-digit postal code gets a warning (§3.2)."""
    check = check_text(raw, 10)
    if check.status == FieldStatus.VALID and not re.search(r"(?<!\d)\d{6}(?!\d)", raw):
        return warn(check.value, "в адресе нет почтового индекса: проверьте адрес")
    return check


def _distinct_inns(sources: list[Source]) -> set[str]:
    inns = set()
    for source in sources:
        for match in INN_IN_TEXT.finditer(source.text):
            check = check_inn(match.group(1))
            if check.status == FieldStatus.VALID:
                inns.add(str(check.value))
    return inns


def extract_pin(ctx: Context) -> None:
    sources = [
        Source(s.name, without_signature(s.text)) for s in ctx.sources if s.name != "subject"
    ]
    hits = find_labelled(sources, PIN_LABELS)
    if "client_inn_kpp" in hits:
        _split_inn_kpp(ctx, hits["client_inn_kpp"])
    for code, hit in hits.items():
        if code == "client_inn":
            ctx.put(code, check_inn(hit.raw), hit)
        elif code == "client_kpp":
            ctx.put(code, check_kpp(hit.raw), hit)
        elif code == "client_name":
            ctx.put(code, check_text(hit.raw, 2), hit)
        elif code == "client_address":
            ctx.put(code, check_address(hit.raw), hit)
        elif code == "contract_ref":
            ctx.put(code, check_contract(hit.raw, ctx.received, hit.excerpt), hit)
        elif code in ("interest_reason", "extra_info"):
            text = hit.raw or " ".join(block_after(ctx.source_text(hit.source), hit.line, 6))
            ctx.put(code, check_text(text, 10 if code == "interest_reason" else 1), hit, text)
    if "client_ogrn" in hits:
        inn = ctx.fields.get("client_inn")
        inn_value = str(inn.value) if inn and inn.value else None
        ctx.put("client_ogrn", check_ogrn(hits["client_ogrn"].raw, inn_value), hits["client_ogrn"])
    _free_sentences(ctx, sources)
    _contacts(ctx, sources, hits.get("contacts"))
    for code in ("client_name", "client_inn", "client_address", "contract_ref", "interest_reason"):
        ctx.put(code, MISSING)
    scans = [a.filename for a in ctx.letter.attachments if a.cls == AttachmentClass.SCAN]
    if scans:  # §3.2 optional official letter on letterhead (required only by cfg, D-27)
        names = ", ".join(scans)
        ctx.put_evidence("official_letter_scan", ok(scans), "attachments", names, names)
    # R-THR-9: a pin request naming clients with different INNs is several requests.
    if len(_distinct_inns(sources)) > 1:
        ctx.flags.append("multiple_subjects")


def _partner_side(check: Check, sender_domain: str) -> Check:
    """D-15: the contacts are the client's; people at the sender's own domain are not."""
    if check.status != FieldStatus.VALID or not sender_domain:
        return check
    own = [c["name"] for c in check.value if c.get("email", "").endswith("@" + sender_domain)]
    if not own:
        return check
    reason = f"похоже, это сотрудники партнера ({', '.join(own)}): нужны контактные лица клиента"
    return warn(check.value, reason)


def _contacts(ctx: Context, sources: list[Source], hit: Hit | None) -> None:
    domain = ctx.letter.from_addr.rpartition("@")[2]
    if hit is not None:
        text = next(s.text for s in sources if s.name == hit.source)
        lines = ([hit.raw] if hit.raw else []) + block_after(text, hit.line, 12)
        check = check_contacts(lines)
        if check.status != FieldStatus.MISSING:
            ctx.put("contacts", _partner_side(check, domain), hit, "\n".join(lines))
            return
    # No «Контактные лица» section: any line naming a person with a phone or an e-mail,
    # except the partner's own people (their e-mail is at the sender's domain, D-15).
    for source in sources:
        lines = [
            line
            for line in source.text.splitlines()
            if parse_contact(line) and not (domain and "@" + domain in line.lower())
        ]
        if lines:
            excerpt = "\n".join(lines)
            ctx.put_evidence("contacts", check_contacts(lines), source.name, excerpt, excerpt)
            return
    ctx.put("contacts", MISSING)

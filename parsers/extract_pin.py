"""Pin request fields (§3.2): labelled lines first, then free Russian sentences.

Everything is read from the client's part of the letter (`pin_parties.client_scope`): the
partner's own name, letterhead, requisites and signature are never client data.
"""

from __future__ import annotations

import re
from dataclasses import replace

from parsers.context import INN_IN_TEXT, Context, find_in_sources
from parsers.dates import CONTRACT_RE, check_contract, contract_in_text
from parsers.label_tables import PIN_LABELS
from parsers.labels import Hit, Source, find_labelled
from parsers.pin_contacts import put_contacts
from parsers.pin_parties import ORG_RE, Parties, client_scope, find_parties, org_key
from parsers.pin_text import first_hits, labelled, unflow
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

# An organisation name: legal form + quoted name, or a sole trader (kept for the ticket reader).
ORG = (
    r"(?:ООО|АО|ПАО|ЗАО|ОАО|НАО|ГУП|МУП|ФГУП|ГБУ|ГАУ|ГКУ|МКУ|МБУ|ФГБУ|АНО|ГАУЗ|ГБУЗ|КГБУ|ОГБУ)"
    r"\s*[«\"„“][^»\"“”\n]{2,100}[»\"“”]+|ИП\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?"
)
_SIGNATURE = re.compile(
    r"^\s*(?:С\s+уважением|--\s*$|Best\s+regards|Regards,|Спасибо,?\s*$)", re.I | re.M
)
# «ИНН 7206015839», «ИНН/КПП 7206015839/720601001», «ОГРНИП\n3197…», «ИНН клиента: ____».
_REQUISITE = re.compile(
    r"(?<![А-ЯЁа-яё])(?P<label>ИНН\s*/\s*КПП|ИНН|КПП|ОГРНИП|ОГРН)(?![А-ЯЁа-яё])"
    r"(?:\s+(?:клиента|заказчика|организации|предприятия))?\s*(?:[:№|\t]\s*)?"
    r"(?P<value>\d(?:[\d \u00a0]{0,18}\d)?(?:\s*/\s*\d{4}[\dA-Z]{2}\d{3})?|_{2,}|[XХ]{3,})",
    re.I,
)
# A 6-digit postal code, a locality and the rest of the address up to the end of the clause.
_ADDRESS = re.compile(
    r"(?<![\d\w])\d{6},?\s+[^\n;()]*?(?:г\.|город|обл|край|респ|р-н|район|пос|ул\.|улица)"
    r"[^\n;()]*?(?=\s*(?:[;()]|\n|$|(?:(?<=\d)|(?<=[а-яё]{5}))\.\s+[А-ЯЁ]"
    r"|,?\s+(?:ИНН|КПП|ОГРН|тел)))",
    re.I,
)
# The client's plans, needs and the partner's grounds, written as sentences (§3.1 «причина
# интереса к выбранному клиенту» in free form).
_REASON_CUE = re.compile(
    r"(?:интерес\w*|причин\w+|обоснован\w+)[^.\n:—–]{0,40}?\s*[:—–]\s*"
    r"|(?:^|(?<=[.!;]\s)|(?<=\n))[^.\n]{0,120}?(?:\bинтерес\w*|планиру\w+|намерен\w*|\bхоч\w+|"
    r"\bхотят|переход\w*|перевод\w*|перевести|перейти|замен\w+|уход\w+\s+с|нужн\w+|"
    r"требует\w*|в\s+связи\s+с|так\s+как|поскольку"
    # the partner's history with the client and the deal's stage are its reason too
    r"|сопровожда\w+|сотруднича\w+|обслужива\w+|работаем\s+с|внедря\w+|внедрил\w*"
    r"|обратил\w*\s+к\s+нам|вы(?:шел|шли|шла)\s+на\s+нас|по\s+рекомендаци\w+"
    r"|готовим\s+(?:\w+\s+){0,3}?(?:предложени\w+|КП\b)|вед[её]м\s+переговор\w*"
    r"|участву\w+\s+в\s+(?:закупк|конкурс|аукцион|тендер)\w*|выиграл\w*|победител\w+)\b",
    re.I | re.M,
)
_NOT_REASON = re.compile(r"№|\bИНН\b|@|\+7|закреп", re.I)
_INTENT_OBJECT = re.compile(
    r"(?:закреп\w*|клиент\w*|заказчик\w*|организаци\w+|предприяти\w+|работ\w+\s+с)\s*[:,—–-]?\s*",
    re.I,
)


def without_signature(text: str) -> str:
    """The letter without its sign-off: the partner's own details are not client data."""
    match = _SIGNATURE.search(text)
    return text[: match.start()] if match else text


def check_address(raw: str) -> Check:
    """T-TEXT(10); an address without a 6-digit postal code gets a warning (§3.2)."""
    check = check_text(raw, 10)
    if check.status == FieldStatus.VALID and not re.search(r"(?<!\d)\d{6}(?!\d)", raw):
        return warn(check.value, "в адресе нет почтового индекса: проверьте адрес")
    return check


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _found(source: Source, start: int, raw: str) -> Hit:
    line_no = source.text.count("\n", 0, start) + 1
    return Hit("", raw, source.name, line_no, source.text.splitlines()[line_no - 1].strip())


def _requisites(ctx: Context, scoped: list[Source], parties: Parties) -> list[tuple[str, Hit]]:
    """Client INN/KPP/OGRN: the first of each not the partner's own; every valid client INN."""
    inns: list[tuple[str, Hit]] = []
    for source in scoped:
        for match in _REQUISITE.finditer(source.text):
            label = re.sub(r"\s", "", match.group("label")).upper()
            raw = match.group("value").strip()
            if re.sub(r"\D", "", raw) in parties.partner_numbers:
                continue
            hit = _found(source, match.start(), raw)
            if label == "ИНН/КПП":
                inn, _, kpp = raw.partition("/")
                raw, label = inn.strip(), "ИНН"
                if kpp.strip():
                    ctx.put("client_kpp", check_kpp(kpp), hit, kpp.strip())
            if label == "ИНН":
                check = check_inn(raw)
                ctx.put("client_inn", check, hit, raw)
                if check.status == FieldStatus.VALID and all(raw != i for i, _ in inns):
                    inns.append((str(check.value), hit))
            elif label == "КПП":
                ctx.put("client_kpp", check_kpp(raw), hit, raw)
            elif "client_ogrn" not in ctx.fields:
                inn = ctx.fields.get("client_inn")
                inn_value = str(inn.value) if inn and inn.value else None
                ctx.put("client_ogrn", check_ogrn(raw, inn_value), hit, raw)
    return inns


def _client_orgs(scoped: list[Source], parties: Parties) -> list[tuple[str, Hit, bool]]:
    """Organisation names in the client's part; True when an INN follows the name."""
    found = []
    for source in scoped:
        for match in ORG_RE.finditer(source.text):
            if not parties.is_partner(match.group(0)):
                hit = _found(source, match.start(), match.group(0))
                with_inn = bool(re.match(r"[^\n]{0,40}?ИНН", source.text[match.end() :]))
                found.append((_one_line(match.group(0)), hit, with_inn))
    return found


def _after_intent(scoped: list[Source], parties: Parties) -> tuple[str, Hit] | None:
    """«… закрепить за нами клиента <ORG>» or «… клиента:» with the name on the next line."""
    for source in scoped:
        for match in _INTENT_OBJECT.finditer(source.text):
            rest = source.text[match.end() :]
            org = ORG_RE.match(rest)
            if org and not parties.is_partner(org.group(0)):
                return _one_line(org.group(0)), _found(source, match.end(), org.group(0))
            if source.text[match.start() : match.end()].rstrip().endswith(":"):
                line = rest.lstrip("\n ").split("\n", 1)[0].strip()
                if ORG_RE.match(line) or re.match(r"(?:[А-ЯЁ]{2,6}\s+)?[«\"]", line):
                    return line, _found(source, match.end() + 1, line)
    return None


def _client_name(ctx: Context, scoped: list[Source], parties: Parties, labels: dict) -> None:
    for hit in labels.get("client_name", []):
        if not parties.is_partner(hit.raw) and org_key(hit.raw):
            ctx.put("client_name", check_text(_one_line(hit.raw), 2), hit, _one_line(hit.raw))
            return
    if found := _after_intent(scoped, parties):
        ctx.put("client_name", check_text(found[0], 2), found[1], found[0])
        return
    orgs = _client_orgs(scoped, parties)
    for name, hit, _ in [o for o in orgs if o[2]] or orgs:
        ctx.put("client_name", check_text(name, 2), hit, name)
        return


def _several_clients(ctx: Context, scoped: list[Source], parties: Parties, inns: list) -> None:
    """R-THR-9: clients with different INNs are several requests; both are shown to HQ."""
    if len(inns) < 2:
        return
    ctx.flags.append("multiple_subjects")
    names = []
    orgs = _client_orgs(scoped, parties)
    for _, hit in inns:
        before = [o for o in orgs if o[1].source == hit.source and o[1].line <= hit.line]
        if before and before[-1][0] not in names:
            names.append(before[-1][0])
    for code, values in (("client_inn", [i for i, _ in inns]), ("client_name", names)):
        field = ctx.fields.get(code)
        if field is not None and len(values) > 1:
            ctx.fields[code] = replace(field, raw="; ".join(values))


def _free_text(ctx: Context, scoped: list[Source], labels: dict) -> None:
    """Address, contract and reason written in sentences rather than as a form."""
    if "client_address" not in ctx.fields:
        if hits := labels.get("client_address"):
            ctx.put("client_address", check_address(_one_line(hits[0].raw)), hits[0])
        elif found := find_in_sources(Context(ctx.letter, scoped, ctx.received), _ADDRESS):
            match = found[0]
            # The full stop that ends the sentence is kept as written («…, д. 5.»).
            full_stop = match.string[match.end() : match.end() + 1] == "."
            raw = match.group(0).strip(" ,") + ("." if full_stop else "")
            ctx.put("client_address", check_address(raw), found[1], raw)
    if "contract_ref" not in ctx.fields:
        hits = find_labelled(scoped, {"contract_ref": PIN_LABELS["contract_ref"]})
        if hit := hits.get("contract_ref"):
            ctx.put("contract_ref", check_contract(hit.raw, ctx.received, hit.excerpt), hit)
        elif found := find_in_sources(Context(ctx.letter, scoped, ctx.received), CONTRACT_RE):
            raw = contract_in_text(found[0].string, found[0])
            ctx.put("contract_ref", check_contract(raw, ctx.received), found[1], raw)
    for code, minimum in (("interest_reason", 10), ("extra_info", 1)):
        if hits := labels.get(code):
            text = _one_line(hits[0].raw)
            ctx.put(code, check_text(text, minimum), hits[0], text)
    if "interest_reason" not in ctx.fields:
        for source in scoped:
            if found := _reason_sentence(source):
                ctx.put("interest_reason", check_text(found[0], 10), found[1], found[0])
                return


def _reason_sentence(source: Source) -> tuple[str, Hit] | None:
    """The first sentence with a cue of interest or of the client's plans, to its paragraph's
    end; a sentence with a contract number, an INN or a contact is not a reason."""
    for match in _REASON_CUE.finditer(source.text):
        start = match.start()
        paragraph_end = source.text.find("\n\n", start)
        end = len(source.text) if paragraph_end < 0 else paragraph_end
        text = source.text[start:end]
        sentence = re.split(r"(?<=[.!?])\s+(?=[А-ЯЁ])", text, maxsplit=1)[0]
        if _NOT_REASON.search(sentence):
            continue
        labelled_cue = match.group(0).rstrip()[-1:] in ":—–"
        value = _one_line(text[match.end() - start :] if labelled_cue else text)
        if len(value) >= 10:
            return value[:500], _found(source, start, value)
    return None


def extract_pin(ctx: Context) -> None:
    texts = [Source(s.name, unflow(s.text)) for s in ctx.sources if s.name != "subject"]
    parties = find_parties(texts, ctx.letter.from_addr)
    scoped = [Source(s.name, client_scope(s.text, parties)) for s in texts]
    sections = frozenset({"contacts"})
    labels = first_hits(
        [hit for s in scoped for hit in labelled(s.name, s.text, PIN_LABELS, sections)]
    )
    inns = _requisites(ctx, scoped, parties)
    in_scope = Context(ctx.letter, scoped, ctx.received)
    found = find_in_sources(in_scope, INN_IN_TEXT)
    own = found is not None and found[0].group(1) in parties.partner_numbers
    if "client_inn" not in ctx.fields and found and not own:
        ctx.put("client_inn", check_inn(found[0].group(1)), found[1], found[0].group(1))
    _client_name(ctx, scoped, parties, labels)
    _free_text(ctx, scoped, labels)
    put_contacts(ctx, scoped, labels.get("contacts", []), parties)
    for code in ("client_name", "client_inn", "client_address", "contract_ref", "interest_reason"):
        ctx.put(code, MISSING)
    scans = [a.filename for a in ctx.letter.attachments if a.cls == AttachmentClass.SCAN]
    if scans:  # §3.2 optional official letter on letterhead (required only by cfg, D-27)
        names = ", ".join(scans)
        ctx.put_evidence("official_letter_scan", ok(scans), "attachments", names, names)
    _several_clients(ctx, scoped, parties, inns)

"""The client's contact persons of a pin request (§3.2 `contacts`, D-15).

At least two people on the client's side. The partner's own staff — at the sender's mail
domain, named with the partner's organisation, or listed «с нашей стороны» — are not
counted: HQ needs people at the client to verify the interest.
"""

from __future__ import annotations

import re

from parsers.contacts import check_contacts, parse_contact
from parsers.context import Context
from parsers.labels import Hit, Source
from parsers.pin_parties import ORG_RE, Parties
from parsers.types import FieldStatus
from parsers.validate import MISSING, Check, bad

# A sub-heading that opens the partner's own people inside the contacts section.
_OWN_SIDE = re.compile(
    r"(?:с|со)\s+нашей\s+стороны|со\s+стороны\s+(?:партнера|исполнителя|подрядчика)"
    r"|от\s+нас\b|наш[аи]?\s+(?:сотрудник|специалист|менеджер)\w*|ведет\s+проект\s+с\s+нашей",
    re.I,
)
_ITEM_START = re.compile(r"^\s*(?:\d{1,2}[.)]|[а-еa-e][.)]|[-•*–—])\s|^\s*[А-ЯЁA-Z][а-яёa-z]+\s")
_CONTINUES = re.compile(r"^\s*[a-zа-яё(+\d<]")


def _joined(lines: list[str]) -> list[str]:
    """Wrapped contact lines joined: a line that starts lowercase, with a digit, «(» or «+»
    carries on the previous person («…, тел. +7» / «(34922) 4-11-27»)."""
    out: list[str] = []
    for line in lines:
        if out and _CONTINUES.match(line) and not _ITEM_START.match(line):
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line.strip())
    return out


def _is_own(line: str, parties: Parties, domain: str) -> bool:
    if domain and "@" + domain in line.lower():
        return True
    if _OWN_SIDE.search(line):
        return True
    return any(parties.is_partner(m.group(0)) for m in ORG_RE.finditer(line))


def client_side(lines: list[str], parties: Parties, domain: str) -> tuple[list[str], list[str]]:
    """The section's lines split into the client's people and the partner's own."""
    client: list[str] = []
    own: list[str] = []
    own_section = False
    for line in _joined(lines):
        if _OWN_SIDE.search(line) and not parse_contact(line):
            own_section = True  # «С нашей стороны:» heads the rest of the list
            continue
        target = own if own_section or _is_own(line, parties, domain) else client
        target.append(line)
    return client, [line for line in own if parse_contact(line)]


def _checked(client: list[str], own: list[str]) -> Check:
    check = check_contacts(client)
    if own and check.status != FieldStatus.VALID:
        names = ", ".join(str((parse_contact(line) or {}).get("name", "")) for line in own)
        reason = f"похоже, это сотрудники партнера ({names}): нужны контактные лица клиента"
        return bad(reason, "format", check.value)
    return check


def _anywhere(text: str, parties: Parties, domain: str) -> tuple[list[str], list[str]]:
    """Every line naming a person with a phone or an e-mail, split by side."""
    client, own = client_side(text.splitlines(), parties, domain)
    return [line for line in client if parse_contact(line)], own


def put_contacts(ctx: Context, scoped: list[Source], hits: list[Hit], parties: Parties) -> None:
    domain = ctx.letter.from_addr.rpartition("@")[2].lower()
    if hits:
        # «Контактное лицо 1 / Контактное лицо 2» rows are one list.
        source = hits[0].source
        lines = [line for hit in hits if hit.source == source for line in hit.raw.splitlines()]
        client, own = client_side(lines, parties, domain)
        check = _checked(client, own)
        if check.status != FieldStatus.VALID:
            # A table row spanning two lines leaves people above the label («| Иванов …»).
            text = next(s.text for s in scoped if s.name == source)
            all_client, all_own = _anywhere(text, parties, domain)
            if _checked(all_client, all_own).status == FieldStatus.VALID:
                client, own, check = all_client, all_own, _checked(all_client, all_own)
        if check.status != FieldStatus.MISSING or own:
            ctx.put("contacts", check, hits[0], "\n".join(client))
            return
    # No «Контактные лица» section: any line naming a person with a phone or an e-mail.
    for source in scoped:
        client, own = _anywhere(source.text, parties, domain)
        if client:
            excerpt = "\n".join(client)
            ctx.put_evidence("contacts", _checked(client, own), source.name, excerpt, excerpt)
            return
    ctx.put("contacts", MISSING)

"""The applicant's requisites of Appendix 1 (§3.5): INN/KPP/OGRN, bank, addresses, e-mail.

The values come from the applicant's part of the form (license_sections) and go through the
§3.1 validators, so that a wrong key (account against BIK, corr. account, OGRN check digit,
KPP or BIK length) is reported invalid. A sole proprietor (12-digit INN) has an OGRNIP and
no KPP: a KPP written as «—» or «(ИП)» is not required and not an error (T-KPP).
"""

from __future__ import annotations

import re

from parsers.contacts import EMAIL_RE, check_email
from parsers.context import Context
from parsers.labels import Hit
from parsers.types import FieldStatus
from parsers.validate import (
    MISSING,
    check_account,
    check_bik,
    check_corr_account,
    check_inn,
    check_kpp,
    check_ogrn,
    check_text,
    ok,
    warn,
)

_POSTAL_TAIL = re.compile(
    r"[,;]\s*(?:а\s+|и\s+)?почт\w*\.?(?:\s+адрес\w*)?\s*[—–:-]?\s*(?P<rest>.+)$", re.I
)
_BANK_AFTER = re.compile(
    r"^\s*(\d[\d\s]{18,26}\d)[\s,]+((?:[А-ЯЁA-Z]{2,4}\s+)?[«\"]?[^\W\d]\w*\S*.*?)\s*$"
)
_BOTH = re.compile(r"юр(?:идическ\w+|\.)\s*(?:и\s+|/\s*)почт", re.I)
_SAME_AS_LEGAL = re.compile(r"совпада\w*|аналогич\w*|тот\s+же|то\s+же|соответству\w*", re.I)
_INN_KPP = re.compile(r"^\s*(\d[\d\s]{8,13}\d)\s*(?:[/\\,;]|\s)\s*(\d{4}[\dA-Z]{2}\d{2,3}\b.*)?$")


def _split_inn_kpp(hits: dict[str, Hit]) -> None:
    """«ИНН/КПП: 6658767487/665801001» (one cell) → separate inn and kpp hits."""
    hit = hits.get("inn_kpp")
    if hit is None:
        return
    match = _INN_KPP.match(hit.raw)
    inn, _, kpp = hit.raw.partition("/")
    if match:
        inn, kpp = match.group(1), match.group(2) or kpp
    hits.setdefault("inn", Hit("inn", inn.strip(), hit.source, hit.line, hit.excerpt))
    if kpp.strip():
        hits.setdefault("kpp", Hit("kpp", kpp.strip(), hit.source, hit.line, hit.excerpt))


def _split_bank(hits: dict[str, Hit]) -> None:
    """«Р/счет: 40702… в ПАО Сбербанк»: the bank's name follows «в» (App. 1 «Р/счет ___ в ___»)."""
    hit = hits.get("bank_account")
    if hit is None:
        return
    account, _, bank = re.sub(r"\s+в\s+", " в ", hit.raw, count=1).partition(" в ")
    if not bank and (named := _BANK_AFTER.match(hit.raw)):  # «р/с 40702… АО «ТБанк»»
        account, bank = named.group(1), named.group(2)
    hits["bank_account"] = Hit("bank_account", account, hit.source, hit.line, hit.excerpt)
    if bank.strip() and "bank_name" not in hits:
        hits["bank_name"] = Hit("bank_name", bank, hit.source, hit.line, hit.excerpt)


def put_requisites(ctx: Context, hits: dict[str, Hit]) -> None:
    _split_inn_kpp(hits)
    _split_bank(hits)

    def raw(code: str) -> str:
        return hits[code].raw if code in hits else ""

    inn = check_inn(raw("inn")) if "inn" in hits else MISSING
    ctx.put("inn", inn, hits.get("inn"))
    inn_value = str(inn.value) if inn.value else None
    sole_proprietor = bool(inn_value and len(inn_value) == 12)
    if "kpp" in hits and not (sole_proprietor and not re.search(r"\d", raw("kpp"))):
        kpp = check_kpp(raw("kpp"))
        if kpp.status == FieldStatus.VALID and sole_proprietor:
            kpp = warn(kpp.value, "у ИНН из 12 цифр (ИП) КПП нет: значение не учитывается")
        ctx.put("kpp", kpp, hits["kpp"])
    ogrn = check_ogrn(raw("ogrn"), inn_value) if "ogrn" in hits else MISSING
    ctx.put("ogrn", ogrn, hits.get("ogrn"))
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
    bank = check_text(raw("bank_name"), 3) if "bank_name" in hits else MISSING
    ctx.put("bank_name", bank, hits.get("bank_name"))
    legal_raw, postal = raw("legal_address"), raw("postal_address")
    if not postal and "legal_address" in hits and _BOTH.search(hits["legal_address"].excerpt):
        postal = "совпадает"  # «Юр. и почтовый адрес: …»
    if tail := _POSTAL_TAIL.search(legal_raw):
        # «юр. адрес 630091, …, оф. 1104, почтовый тот же»: the postal one told after it.
        legal_raw, postal = legal_raw[: tail.start()], postal or tail.group("rest")
    legal = check_text(legal_raw, 10) if "legal_address" in hits else MISSING
    ctx.put("legal_address", legal, hits.get("legal_address"))
    if _SAME_AS_LEGAL.search(postal) and legal.value:
        ctx.put(
            "postal_address",
            ok(legal.value),
            hits.get("postal_address") or hits.get("legal_address"),
        )
    else:
        ctx.put(
            "postal_address",
            check_text(postal, 10) if postal else MISSING,
            hits.get("postal_address") or (hits.get("legal_address") if postal else None),
        )
    email_hit = hits.get("email") or _email_beside_phone(hits)
    ctx.put("email", check_email(email_hit.raw) if email_hit else MISSING, email_hit)


def _email_beside_phone(hits: dict[str, Hit]) -> Hit | None:
    """«тел. +7 (3496) 42-18-05, mail@nbr-inform.ru»: the address written after the phone."""
    for code in ("phone", "fax"):
        if (hit := hits.get(code)) and (found := EMAIL_RE.search(hit.raw)):
            return Hit("email", found.group(0), hit.source, hit.line, hit.excerpt)
    return None


# A requisite named in a sentence: «юридический адрес — …», «расчетный счет …», «ИНН …».
_REQUISITE_WORD = re.compile(
    r"^\s*(?:юридическ\w+|юр\.|почтов\w+|почт\.|телефон|тел\.|факс|электронн\w+|e-?mail|инн|кпп|огрн"
    r"|расч[её]тн\w+|корреспондентск\w+|р/с|к/с|бик|сч[её]т\s+\d)",
    re.I,
)
# «АО «…» (ИНН 8601281400, КПП 860101001, ОГРН 1118614419550) в лице …»: the applicant's
# requisites in brackets after its name.
_BRACKETED = re.compile(r"\((ИНН\s*\d{10,12}(?:,\s*(?:КПП|ОГРН\w*)\s*\d{9,15}){1,2})\)")
# Parts of the sentence: at «;», and at a comma before a bank requisite («… в Уральском банке
# ПАО Сбербанк, корреспондентский счет …, БИК …»).
_PARTS = re.compile(
    r";|,\s+(?=(?:корреспондентск\w+|бик|к/с|кор\.|инн|кпп|огрн\w*)\s)"
    # «… ОГРН 1137261352414. Юридический и почтовый адрес один: …. Телефон …»
    r"|(?<=\.)\s+(?=(?:юридическ|почтов|телефон|тел\.|e-?mail|почта|факс|расч[её]тн|сч[её]т\s)\w*)",
    re.I,
)
_LEAD = re.compile(r"^\s*(?:наши\s+|наш\w*\s+)?(?:(?:банковские\s+)?реквизиты|данные)\s*:\s*", re.I)


# «630099, г. Новосибирск, ул. Советская, д. 37 (юридический и почтовый адрес)»: an address
# whose label follows it in brackets, as signatures write it.
_LABEL_AFTER = re.compile(
    r"^(?P<value>[^\n()]*\d{6}[^\n()]*?)\s*\((?P<label>(?:юр\w*|почт\w*|факт\w*)\.?"
    r"(?:\s*(?:и|/|,)\s*(?:юр\w*|почт\w*|факт\w*)\.?)*\s*адрес\w*)\)[ \t]*$",
    re.I | re.M,
)


def labels_after_addresses(text: str) -> str:
    """An address labelled in brackets after it, as the form's labelled lines: «… (юридический
    и почтовый адрес)» becomes «Юридический адрес: …» and «Почтовый адрес: …»."""

    def labelled(match: re.Match[str]) -> str:
        words = match.group("label").lower()
        value = match.group("value").strip()
        lines = [f"Юридический адрес: {value}"] if "юр" in words else []
        lines += [f"Почтовый адрес: {value}"] if "почт" in words else []
        return "\n".join(lines) or match.group(0)

    return _LABEL_AFTER.sub(labelled, text)


def requisites_as_lines(text: str) -> str:
    """An official letter's requisites told as one sentence («Наши реквизиты: юридический
    адрес — …; почтовый адрес — …; телефон …; ИНН …, КПП …; расчетный счет … в …»), hard-wrapped
    by the mail client, as one requisite a line, the way the form gives them. Paragraphs of
    three or more such parts are rewritten, and a bracket of requisites after the applicant's
    name is opened; every other paragraph stays as it is."""
    text = labels_after_addresses(text)
    text = _BRACKETED.sub(lambda m: "\n" + "\n".join(m.group(1).split(", ")) + "\n", text)
    paragraphs = re.split(r"(\n[ \t]*\n)", text)
    for index, paragraph in enumerate(paragraphs):
        lines = [line for line in paragraph.splitlines() if line.strip()]
        if 2 * sum(bool(_REQUISITE_WORD.match(line)) for line in lines) > len(lines):
            continue  # already a form: most lines start with a requisite
        flat = " ".join(paragraph.split())
        parts = [_LEAD.sub("", part) for part in _PARTS.split(flat)]
        if sum(bool(_REQUISITE_WORD.match(part)) for part in parts) >= 3:
            paragraphs[index] = "\n".join(part.strip() for part in parts)
    return "".join(paragraphs)

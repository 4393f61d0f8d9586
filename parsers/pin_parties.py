"""Whose company is it: the partner's own organisation versus the client being pinned (§3.2).

A pin request names two organisations: the partner (the sender: «закрепить за ООО «…»»,
its letterhead, its signature, people at its mail domain) and the client. The partner is
identified from the sender (R-ID-1), never from the letter's client data, so every
mention of the partner — with the requisites next to it — is masked before the client's
name, INN, KPP, OGRN and address are read. TECHNOCOM itself is never a client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.labels import Source

# Legal forms written as capitals: «ООО», «МКУ», «ГБУ ЯНАО», «АУ ХМАО – Югры».
_ABBR = (
    r"(?:ООО|ОАО|ЗАО|ПАО|НАО|АО|ГУП|МУП|ФГУП|МП|МКП|ГП|ГБУ|ГАУ|ГКУ|МКУ|МБУ|МАУ|МУ|ФГБУ|ФГАУ"
    r"|ФКУ|АУ|БУ|КУ|АНО|НКО|ГАУЗ|ГБУЗ|КГБУ|КГАУ|КГКУ|ОГБУ|ОГКУ|ОГАУ|МБОУ|МАОУ|ГБОУ|ФГБОУ)"
)
# «ГБУ ЯНАО», «АУ ХМАО – Югры», «ГАУ Тюменской области», «МКУ города Тюмени»
_REGION = (
    r"(?:\s+(?:[А-ЯЁ]{2,6}(?:\s*[–—-]\s*[А-ЯЁ][а-яё]+)?"
    r"|[А-ЯЁ][а-яё\-]+\s+(?:област|кра|округ|район|республик)\w*"
    r"|(?:города|г\.)\s*[А-ЯЁ][а-яё\-]+))?"
)
_FULL_FORM = (
    r"(?i:общество\s+с\s+ограниченной\s+ответственностью"
    r"|(?:публичное\s+|закрытое\s+|открытое\s+|непубличное\s+)?акционерное\s+общество"
    r"|(?:муниципальн|государственн|федеральн|краев|областн|окружн|автономн)\w*"
    r"(?:\s+[а-яё\-]+){0,6}?\s+(?:учреждени|предприяти|организаци)\w*"
    r"(?:\s+[А-ЯЁа-яё\-]+){0,4}?)"
)
_QUOTED = r"\s*[«\"„“][^»\"“”\n]{2,100}[»\"“”]+"
_PERSON = r"[А-ЯЁ][а-яё]+(?:\s+[А-ЯЁ][а-яё]+){1,2}|[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?"
# A public authority has no legal form or quotes: «Департамент имущественных отношений
# Администрации г. Ноябрьска», «Управление архитектуры … ГО Верхняя Пышма», «Комитет по
# управлению имуществом»; the name runs to a comma, a bracket or the line's end.
_AUTHORITY = (
    r"(?:Департамент|Управление|Администрация|Комитет|Министерство|Агентство|Служба"
    r"|Инспекция|Казначейство|Правительство|Дума)"
    r"(?:[ \t]+(?!ИНН\b|КПП\b|ОГРН\b)"
    r"(?:г\.|им\.|[а-яё\-]+|[А-ЯЁ][а-яё\-]+|[А-ЯЁ]{2,6}|[–—-])){1,12}"
)
ORG_RE = re.compile(
    rf"(?<![А-ЯЁа-яёA-Za-z])(?:{_ABBR}{_REGION}|{_FULL_FORM}){_QUOTED}"
    rf"|(?<![А-ЯЁа-яё])(?:ИП|(?i:индивидуальн\w+\s+предпринимател\w+))\s+(?:{_PERSON})"
    rf"|(?<![А-ЯЁа-яё]){_AUTHORITY}"
)
_FORM_WORDS = re.compile(
    rf"{_ABBR}(?![а-яё])|общество|ограниченной|ответственностью|акционерное|"
    r"индивидуальный|предприниматель|[^\w]",
    re.I,
)
HQ_KEY = "техноком"
# Official letter: the letterhead and the addressee («Руководителю ООО «ТЕХНОКОМ»»,
# «Исх. № …») come before the text; the text starts with a salutation, title or request.
_ADDRESSEE = re.compile(
    r"^\s*(?:руководителю|(?:генеральному\s+|исполнительному\s+)?директору|исх\.|исх\s*№"
    r"|в\s+ооо\s+«?техноком)",
    re.I,
)
_TEXT_START = re.compile(
    r"^\s*(?:уважаем|добрый|здравствуйте|коллеги|в\s+соответствии|прошу|просим|"
    r"направля|сообща|запрос|о\s+предварительн|о\s+закреплени)",
    re.I,
)
_SIGN_OFF = re.compile(
    r"^\s*(?:с\s+уважением|--\s*$|best\s+regards|regards,|спасибо,?\s*$|"
    r"(?:генеральный\s+)?директор\s*$|[А-ЯЁ][а-яё]+(?:\s+[а-яё]+){0,3}\s{3,}_{5,})",
    re.I | re.M,
)
# «закрепить за ООО «Партнёр»», «закрепить его (этого заказчика) за ООО «Партнёр»»
_INTENT_FOR = re.compile(
    r"закреп\w*\s+(?:(?:его|е[её]|их|эт\w+|данн\w+|клиент\w*|заказчик\w*|организаци\w+)\s+){0,2}"
    r"за\s+(?:нашей\s+(?:организацией|компанией)\s+)?",
    re.I,
)
_NUMBER = re.compile(r"(?<!\d)(\d{9,15})(?!\d)")


def org_key(name: str) -> str:
    """A name without legal form, quotes and case: «ООО "Тобол-Софт"» → «тоболсофт»."""
    return _FORM_WORDS.sub("", name.lower().replace("ё", "е"))


@dataclass
class Parties:
    """The partner's organisation names (as keys) and its own requisites."""

    partner_keys: set[str] = field(default_factory=set)
    partner_numbers: set[str] = field(default_factory=set)

    def is_partner(self, name: str) -> bool:
        key = org_key(name)
        if not key:
            return False
        return key == HQ_KEY or any(
            key == own or (len(own) > 5 and own in key) for own in self.partner_keys
        )


def letterhead_end(lines: list[str]) -> int:
    """Index of the first line of an official letter's text after letterhead and addressee
    (0 when the text has no addressee before its salutation or request)."""
    head = lines[:25]
    start = next((i for i, ln in enumerate(head) if _TEXT_START.match(ln)), None)
    if start is None or not any(_ADDRESSEE.match(ln) for ln in head[:start]):
        return 0
    return start


def signature_start(text: str) -> int:
    match = _SIGN_OFF.search(text)
    return match.start() if match else len(text)


def find_parties(sources: list[Source], sender: str) -> Parties:
    """The partner as the letter shows it: after «закрепить за», in the letterhead, the
    signature, or next to an e-mail at the sender's domain (R-ID-1, D-15)."""
    parties = Parties()
    domain = sender.rpartition("@")[2].lower()
    for source in sources:
        text = source.text
        lines = text.splitlines()
        own_parts = ["\n".join(lines[: letterhead_end(lines)]), text[signature_start(text) :]]
        if domain:
            own_parts += [ln for ln in lines if "@" + domain in ln.lower()]
        for part in own_parts:
            parties.partner_keys.update(org_key(m.group(0)) for m in ORG_RE.finditer(part))
            parties.partner_numbers.update(_NUMBER.findall(part))
        for match in _INTENT_FOR.finditer(text):
            org = ORG_RE.match(text, match.end())
            if org:
                parties.partner_keys.add(org_key(org.group(0)))
                tail = re.match(r"\s*\(([^)]{0,120})\)", text[org.end() :])
                if tail:
                    parties.partner_numbers.update(_NUMBER.findall(tail.group(1)))
    parties.partner_keys.discard("")
    return parties


def mask_partner(text: str, parties: Parties) -> str:
    """The text with the partner's (and TECHNOCOM's) names, and the bracketed requisites that
    follow them, blanked out; positions and line numbers stay as they were."""
    out: list[str] = []
    done = 0
    for match in ORG_RE.finditer(text):
        if match.start() < done or not parties.is_partner(match.group(0)):
            continue
        end = match.end()
        tail = re.match(r"\s*\([^()\n]{0,120}\)", text[end:])
        if tail and _NUMBER.search(tail.group(0)):
            end += tail.end()
        out += [text[done : match.start()], re.sub(r"\S", " ", text[match.start() : end])]
        done = end
    return "".join([*out, text[done:]])


def client_scope(text: str, parties: Parties) -> str:
    """The part of a text that describes the client: no letterhead, no signature, no
    partner mentions."""
    lines = text.splitlines()
    body = "\n".join([""] * letterhead_end(lines) + lines[letterhead_end(lines) :])
    return mask_partner(body[: signature_start(body)], parties)

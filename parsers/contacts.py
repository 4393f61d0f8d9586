"""People, phones and e-mails: T-PHONE, T-EMAIL, T-PERSON and the pin `contacts` list."""

from __future__ import annotations

import itertools
import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from parsers.validate import MISSING, Check, bad, is_placeholder, ok

EMAIL_RE = re.compile(r"[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+", re.U)
# Russian and foreign phone shapes of §3.1, with an optional «доб.»/«ext.» extension.
PHONE_RE = re.compile(
    r"(?<![\d\w])(?:\+\s?\d[\d\s\-()]{8,18}\d|8\s?[\s\-(]*\d{3,5}[\s\-)]*\d[\d\s\-]{4,10}\d"
    r"|\(\d{3,5}\)\s?\d[\d\s\-]{4,10}\d|\d{3}[\s\-]\d{3}[\s\-]\d{2}[\s\-]\d{2})"
    r"(?:\s*(?:доб\.?|ext\.?|вн\.?)\s*\d{1,6})?(?![\d])",
    re.I,
)
_EXT = re.compile(r"(?:доб|ext|вн)\.?\s*(\d{1,6})\s*$", re.I)
# «Иванов Иван Иванович», «Иванов И.И.», «И.И. Иванов», «Ivan Petrov».
_NAME_WORD = r"[А-ЯЁA-Z][а-яёa-z]+(?:-[А-ЯЁA-Z][а-яёa-z]+)?"
_INITIALS = r"[А-ЯЁA-Z]\.\s?(?:[А-ЯЁA-Z]\.)?"
PERSON_RE = re.compile(
    rf"{_NAME_WORD}\s+{_INITIALS}|{_INITIALS}\s?{_NAME_WORD}"
    rf"|{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}}"
)
# Words that start with a capital but are not names in a contact line.
_NOT_NAMES = re.compile(
    r"^(?:Тел|Телефон|Моб|Email|E-mail|Почта|Контакт|Главный|Директор|Начальник|Инженер|Руководитель|"
    r"Заместитель|Менеджер|Специалист|Ведущий|Отдел|ООО|АО|ПАО|ЗАО|ИП|Генеральный|Технический|"
    r"Service|Desk|Tracker|Priority|Добрый|Здравствуйте|Коллеги|Прошу|Просим|Нужна|Сотрудники)\b",
    re.I,
)


def check_phone(raw: str) -> Check:
    """T-PHONE normalised to E.164; an extension is kept as «;ext=N» (RFC 3966)."""
    if is_placeholder(raw):
        return MISSING
    text = raw.strip()
    ext_match = _EXT.search(text)
    ext = ext_match.group(1) if ext_match else None
    number = text[: ext_match.start()] if ext_match else text
    digits = re.sub(r"[^\d+]", "", number)
    if re.fullmatch(r"8\d{10}", digits):
        digits = "+7" + digits[1:]
    elif re.fullmatch(r"\d{10}", digits):
        digits = "+7" + digits
    if not re.fullmatch(r"\+\d{8,15}", digits):
        return bad("неверный номер телефона: укажите, например, +7 (3452) 39-31-33", "format")
    try:
        parsed = phonenumbers.parse(digits, "RU")
    except phonenumbers.NumberParseException:
        return bad("неверный номер телефона: укажите, например, +7 (3452) 39-31-33", "format")
    if not phonenumbers.is_possible_number(parsed):
        return bad("в номере телефона не хватает или лишние цифры", "length")
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return ok(f"{e164};ext={ext}" if ext else e164)


def check_email(raw: str) -> Check:
    """T-EMAIL: syntax only (no DNS), IDN allowed, normalised to lower case (R-VAL-9)."""
    if is_placeholder(raw):
        return MISSING
    found = EMAIL_RE.search(raw)
    candidate = found.group(0) if found else raw.strip()
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        return bad("неверный адрес электронной почты: укажите, например, name@company.ru", "format")
    return ok(result.normalized.lower())


def find_person(text: str) -> str | None:
    """The most name-like span: a full ФИО or initials beat two capitalised words."""
    best: tuple[int, str] | None = None
    position = 0
    while match := PERSON_RE.search(text, position):
        position = match.end()
        words = list(re.finditer(r"\S+", match.group(0)))
        bad = next((w for w in words if _NOT_NAMES.match(w.group(0))), None)
        name = " ".join(match.group(0).split())
        if bad is not None:
            # «Директор Никитин Геннадий Аркадьевич»: a name may start after the position word;
            # «Петров Пётр Главный инженер»: the words before it may be the name.
            position = match.start() + bad.end()
            head = match.group(0)[: bad.start()].strip()
            if not head or not PERSON_RE.fullmatch(head):
                continue
            name = " ".join(head.split())
        rank = 2 if ("." in name or len(name.split()) == 3) else 1
        if best is None or rank > best[0]:
            best = (rank, name)
    return best[1] if best else None


def parse_contact(line: str) -> dict[str, str] | None:
    """One contact line → {name, position?, phone?, email?}; None without a name or a means."""
    emails = [check_email(e) for e in EMAIL_RE.findall(line)]
    rest = EMAIL_RE.sub(" ", line)
    phones = [check_phone(p) for p in PHONE_RE.findall(rest)]
    rest = PHONE_RE.sub(" ", rest)
    name = find_person(rest)
    if not name:
        return None
    contact: dict[str, str] = {"name": name}
    position = rest.split(name, 1)[1] if name in rest else ""
    position = re.sub(r"\b(?:тел|моб|телефон|e-?mail|почта)\b\.?:?", " ", position, flags=re.I)
    position = re.sub(r"^[\s,;:—\-–|()]+|[\s,;:—\-–|()]+$", "", " ".join(position.split()))
    if position:
        contact["position"] = position
    valid_phones = [str(p.value) for p in phones if p.value]
    valid_emails = [str(e.value) for e in emails if e.value]
    if valid_phones:
        contact["phone"] = valid_phones[0]
    if valid_emails:
        contact["email"] = valid_emails[0]
    if "phone" not in contact and "email" not in contact:
        return None
    return contact


def _people_in(line: str) -> list[str]:
    """One line may list several people: «Иванов И.И. +7 …; Петров П.П. p@x.ru»."""
    chunks: list[str] = []
    for segment in line.split(";"):
        means = len(EMAIL_RE.findall(segment)) + len(PHONE_RE.findall(EMAIL_RE.sub(" ", segment)))
        starts = [
            m.start()
            for m in PERSON_RE.finditer(EMAIL_RE.sub(lambda e: " " * len(e.group(0)), segment))
            if not any(_NOT_NAMES.match(word) for word in m.group(0).split())
        ]
        if len(starts) >= 2 and means >= 2:
            bounds = [0, *starts[1:], len(segment)]
            chunks += [segment[a:b] for a, b in itertools.pairwise(bounds)]
        else:
            chunks.append(segment)
    return [c for c in chunks if c.strip()]


def check_contacts(lines: list[str]) -> Check:
    """≥ 2 different client-side people, each with a phone or an e-mail (§3.2, D-15)."""
    contacts: list[dict[str, str]] = []
    for line in [chunk for raw in lines for chunk in _people_in(raw)]:
        contact = parse_contact(line)
        if contact and all(c["name"] != contact["name"] for c in contacts):
            contacts.append(contact)
    if not contacts:
        return MISSING
    if len(contacts) < 2:
        return bad(
            "нужно не менее двух контактных лиц клиента с телефоном или e-mail, указано одно",
            "format",
            contacts,
        )
    means = [c.get("phone") or c.get("email") for c in contacts]
    if len(set(means)) < 2:
        return bad(
            "у контактных лиц одинаковые телефон и e-mail: нужны два разных человека",
            "format",
            contacts,
        )
    return ok(contacts)

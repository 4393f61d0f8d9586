"""License follow-ups (§3.6; 000 §7.1, §7.2): signed scans, payment order, originals.

The event is told by its words (R-LIC-6, R-LIC-8, R-LIC-10, R-LIC-12); its optional fields
are read from the new text only (a quoted HQ letter carries old dates, R-MBX-11). Dates
partners write without a year («получили сегодня, 15.12») or as «сегодня»/«вчера» are
placed by the letter's own date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from parsers.context import Context
from parsers.dates import DATE_PATTERN, check_date
from parsers.types import AttachmentClass
from parsers.validate import MISSING, ok

# The first event whose words are found wins: a scan of signed papers is `signed_scans` even
# when the letter adds that the original went by post (the original agreement, R-LIC-12).
_EVENTS = (
    (
        "payment_order",
        r"платежн\w+\s+поручени|п/п\s*№|оплатили|оплата\s+произведена|оплачен|произвели\s+оплат",
    ),
    ("signed_scans", r"\bскан\w*|\bscan"),
    (
        "originals_returned",
        r"отправили\s+(?:\w+\s+){0,6}?(?:акт|оригинал|документ|соглашени)|трек|почтой\s+росси"
        r"|курьер|заказн\w+\s+письм|вернули\s+(?:\w+\s+){0,3}(?:акт|оригинал|документ)",
    ),
    (
        "originals_received",
        # the words between may name the paper with its number and date (a dot only inside
        # «30.03.2026», so a sentence's end is not crossed)
        r"оригинал\w*\s+(?:(?:[\w№,/-]|\.(?=\w))+\s+){0,8}?получ"
        r"|получили\s+(?:\w+\s+)?оригинал",
    ),
    ("signed_scans", r"подписанн|скан|со\s+своей\s+стороны|с\s+нашей\s+стороны"),
)
_PAYMENT_NUMBER = re.compile(
    r"(?:платежн\w+\s+поручени\w*|п/п)\s*(?:№|N|No\.?|номер)\s*(\d{1,10})", re.I
)
_PAYMENT_FILE = re.compile(r"плат|(?:^|[_\s-])pp(?:[_\s\d-]|$)|payment", re.I)
_TRACK = re.compile(
    r"(?:трек|трэк|track|почтов\w+\s+идентификатор\w*|ШПИ|РПО|номер\w*\s+отправлени\w*"
    # a courier's waybill: «Номер накладной СДЭК: 1487 3321 905»
    r"|(?:номер\w*\s+)?накладн\w*(?:\s+[A-ZА-ЯЁ]{2,10})?)"
    r"[\w\-]*(?:\s*\([^)\n]{0,20}\))?(?:\s*(?:номер|№|number|код))?\s*[:№#]?\s*"
    r"([A-Z]{2}\s?\d{9}\s?[A-Z]{2}|\d[\d\s]{6,22}\d)",
    re.I,
)
# A day and month without the year: «15.12», «15 декабря».
_SHORT_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})(?![\d.]*\d)")
_RELATIVE = (("позавчера", 2), ("вчера", 1), ("сегодня", 0))


def license_event(text: str) -> str | None:
    """Which §3.6 license follow-up the words describe (payment order, originals, scans)."""
    return next((event for event, pattern in _EVENTS if re.search(pattern, text, re.I)), None)


def date_in(sentence: str, letter_date: date | None) -> str | None:
    """The ISO date a sentence gives: a full date, a day.month of the letter's year, or
    «сегодня»/«вчера» counted from the letter's date."""
    for found in re.finditer(DATE_PATTERN, sentence, re.I):
        if (
            not _document_date(sentence, found.start())
            and (check := check_date(found.group(0))).value
        ):
            return str(check.value)
    if letter_date is None:
        return None
    short = next(
        (m for m in _SHORT_DATE.finditer(sentence) if not _document_date(sentence, m.start())),
        None,
    )
    if short:
        try:
            day = date(letter_date.year, int(short.group(2)), int(short.group(1)))
        except ValueError:
            return None
        if day > letter_date:  # «28.12» written on 2 January is last year's
            day = day.replace(year=day.year - 1)
        return day.isoformat()
    lowered = sentence.lower()
    for word, days in _RELATIVE:
        if word in lowered:
            return (letter_date - timedelta(days=days)).isoformat()
    return None


def _document_date(sentence: str, start: int) -> bool:
    """A date after «от» dates a paper («акт № 588 от 13.11.2026», «договор от …»), not
    the day something was sent or received."""
    return re.search(r"\bот\s*$", sentence[max(0, start - 5) : start], re.I) is not None


def _sentence(text: str, pattern: str) -> str | None:
    """The sentence (or line) of `text` where `pattern` is found."""
    for sentence in re.split(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z])|\n\s*\n", text):
        if re.search(pattern, sentence, re.I):
            return " ".join(sentence.split())
    return None


def extract_license_documents(ctx: Context) -> None:
    body = ctx.source_text("body")
    text = body + "\n" + ctx.letter.subject
    event = license_event(text)
    if event:
        ctx.flags.append(f"event:{event}")
    docs = [
        a.filename
        for a in ctx.letter.attachments
        if a.cls in (AttachmentClass.SCAN, AttachmentClass.DOCUMENT, AttachmentClass.SIGNATURE)
    ]
    if docs:
        ctx.put_evidence(
            "signed_documents", ok(docs), "attachments", ", ".join(docs), ", ".join(docs)
        )
    else:
        ctx.put("signed_documents", MISSING)
    _payment(ctx, text, docs)
    # «сегодня», «вчера», «15.12» are said on the day the partner wrote the letter.
    written = ctx.letter.date.date() if ctx.letter.date else ctx.received
    if event == "originals_received":
        sentence = _sentence(body, dict(_EVENTS)["originals_received"]) or ""
        # §3.6: without a stated date the receipt date is the letter's date.
        when = date_in(sentence, written) or (ctx.received and ctx.received.isoformat())
        if when:
            ctx.put_evidence("received_date", ok(when), "body", sentence or when, sentence)
    # Scans sent along with the originals («сканы во вложении, оригиналы отправили, трек …»):
    # the letter's event is the scans, and the originals' track and date are read as well.
    returned = dict(_EVENTS)["originals_returned"]
    if event == "originals_returned" or re.search(returned, body, re.I):
        if track := _TRACK.search(body):
            number = re.sub(r"\s", "", track.group(1)).upper()
            ctx.put_evidence("tracking_number", ok(number), "body", track.group(0), track.group(0))
        sentence = _sentence(body, r"отправ|вернул|сдали|передали")
        if sentence and (when := date_in(sentence, written)):
            ctx.put_evidence("return_date", ok(when), "body", sentence, sentence)


def _payment(ctx: Context, text: str, docs: list[str]) -> None:
    """payment_document (the order's number and file) and payment_date, both optional."""
    sources = [text] + [s.text for s in ctx.sources if s.name.startswith("attachment:")]
    number = next((m.group(1) for t in sources if (m := _PAYMENT_NUMBER.search(t))), None)
    files = [name for name in docs if _PAYMENT_FILE.search(name)]
    if number or files:
        value: dict[str, object] = {"number": number, "files": files}
        raw = ", ".join([f"п/п № {number}"] if number else []) or ", ".join(files)
        ctx.put_evidence("payment_document", ok(value), "body", raw, raw)
    # The order's own date («платежное поручение № 902 от 01.12.2026») before any date near a
    # payment word; an invoice's date («оплата по счету № 1187 от 20.11.2026») is not it.
    order = rf"(?:платежн\w*\s+поручени\w*|п/п)\s*(?:№\s*[^\s,;]+\s*)?(?:от\s+)?({DATE_PATTERN})"
    near = rf"(?:оплат\w*|оплач\w*|платеж\w*|п/п)(?:(?!сч[её]т)[^\n]){{0,60}}?({DATE_PATTERN})"
    if match := re.search(order, text, re.I) or re.search(near, text, re.I):
        ctx.put_evidence(
            "payment_date", check_date(match.group(1)), "body", match.group(0), match.group(1)
        )

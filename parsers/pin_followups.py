"""Pin follow-ups other than the software list (§3.3): extension request, annual report.

Extension (000 §3.1, R-PIN-15/16): «продлить на 30 дней», «на месяц» (D-29: 30 days),
«на две недели»; «до 15.03.2027» is a date, not a number of days, and a quote of the
regulation («не более чем на 30 дней») is not a request. The reason is labelled, follows
a dash or «так как», or is the paragraph that explains the request.

Annual report (000 §3.2, R-PIN-20/21): deliveries done and planned, per client section of a
combined report; the reporting year («отчет … за 2026 год»); attached timelines, test
results or draft contracts.
"""

from __future__ import annotations

import re

from parsers.context import Context, put_pin_ref, put_pin_refs
from parsers.extract_pin import without_signature
from parsers.label_tables import EXTENSION_LABELS, REPORT_LABELS
from parsers.labels import Hit, Source
from parsers.pin_parties import signature_start
from parsers.pin_text import first_hits, labelled, unflow
from parsers.types import AttachmentClass, ParsedLetter
from parsers.validate import check_text, ok, warn

_WORD_NUMBERS = {"одну": 7, "две": 14, "три": 21, "четыре": 28}
# «на 20 дней», «ещё дней 20», «ещё две недели», «месяца нам хватит» (the time asked for, in
# the partner's words; «не более чем на 30 дней» quotes the regulation).
_DAYS = re.compile(
    r"(?<!более\s)(?<!больше\s)(?<!чем\s)(?<!максимум\s)"
    r"(?:на|ещ[её]|дополнительно)\s+(?:(?P<days>\d{1,3})\s*(?:календарн\w+\s+|рабоч\w+\s+)?(?:дн|сут)"
    r"|(?:дн(?:ей|я)|суток)\s+(?P<days_after>\d{1,3})(?!\d)"
    r"|(?P<weeks>одну|две|три|четыре)\s+недел|(?:1\s+|один\s+)?(?P<month>месяц))"
    r"|(?P<enough>месяц\w*)\s+(?:\w+\s+)?(?:хватит|достаточно)",
    re.I,
)
_UNTIL = re.compile(r"продл\w*[^.\n]{0,120}?\bдо\s+\d{1,2}\.\d{1,2}(?:\.\d{2,4})?", re.I)
_BECAUSE = re.compile(
    r"(?:в\s+связи\s+с|так\s+как|поскольку|по\s+причине|из-за|т\.\s?к\.)\s[^\n]{5,300}", re.I
)
_REQUEST = re.compile(r"продл", re.I)
_CLOSING = re.compile(r"^\s*(?:спасибо|заранее|с\s+уважением|понимаем|--)", re.I)


def _sources(ctx: Context) -> list[Source]:
    return [
        Source(s.name, unflow(without_signature(s.text)))
        for s in ctx.sources
        if s.name != "subject"
    ]


def _days(ctx: Context, sources: list[Source]) -> None:
    for source in sources:
        for match in _DAYS.finditer(source.text):
            if number := match.group("days") or match.group("days_after"):
                days = int(number)
            elif match.group("weeks"):
                days = _WORD_NUMBERS[match.group("weeks").lower()]
            else:
                days = 30  # D-29: «на месяц» is 30 calendar days
            hit = Hit("extension_days", match.group(0), source.name, 0, match.group(0))
            if days > 30:  # §3.3: more than 30 is treated as 30 with a note
                check = warn(30, "продление возможно не более чем на 30 дней")
                ctx.put("extension_days", check, hit)
            else:
                ctx.put("extension_days", ok(days), hit)
            return


def _reason(sources: list[Source]) -> tuple[str, str] | None:
    """A dash or «так как» after the request, else the paragraph that follows it."""
    for source in sources:
        request = _REQUEST.search(source.text)
        if request is None:
            continue
        line_end = source.text.find("\n", request.start())
        sentence = source.text[request.start() : None if line_end < 0 else line_end]
        # «… на 20 дней — у заказчика …», «… на 20 дней: у заказчика сменился руководитель».
        if dash := re.search(
            r"(?:\s[—–-]|:)\s+(.{5,})", sentence[request.end() - request.start() :]
        ):
            return source.name, dash.group(1).strip()
        if because := _BECAUSE.search(sentence):
            return source.name, because.group(0).strip()
        rest = source.text[request.end() :].split("\n\n")[1:]
        for paragraph in rest:
            if paragraph.strip() and not _CLOSING.match(paragraph):
                return source.name, " ".join(paragraph.split())
    for source in sources:
        if because := _BECAUSE.search(source.text):
            return source.name, because.group(0).strip()
    return None


def extract_extension(ctx: Context) -> None:
    put_pin_ref(ctx)
    sources = _sources(ctx)
    if not any(_UNTIL.search(s.text) for s in sources):
        _days(ctx, sources)
    hits = first_hits([h for s in sources for h in labelled(s.name, s.text, EXTENSION_LABELS)])
    if found := hits.get("extension_reason"):
        text = " ".join(found[0].raw.split())
        ctx.put("extension_reason", check_text(text, 3), found[0], text)
    elif reason := _reason(sources):
        ctx.put_evidence("extension_reason", check_text(reason[1], 3), reason[0], *reason[1:] * 2)


_DONE = re.compile(
    r"((?:поставлен\w*|поставили|проведен\w*\s+поставк\w*|осуществлен\w*\s+поставк\w*)[^\n]{5,400})",
    re.I,
)
_PLANNED = re.compile(r"((?:планиру\w+|в\s+планах|запланирован\w*)[^\n]{5,400})", re.I)
_LISTS = frozenset({"deliveries_done", "deliveries_planned"})
_YEAR = re.compile(
    r"(?:отч[её]т\w*|актуализац\w*|поставк\w*)[^\n]{0,80}?\bза\s+(20\d{2})\s*(?:год|г\.|г\b)"
    r"|отч[её]тн\w+\s+(?:год|период)\w*\s*[:—–-]?\s*(20\d{2})"
    # a heading of what was done that year: «Что сделали в 2026:», «Итоги 2026 года»
    r"|(?:что\s+(?:сделали|сделано|поставили|поставлено)\s+(?:в|за)|итоги)\s+(20\d{2})\b",
    re.I,
)


def _report_year(ctx: Context, sources: list[Source]) -> None:
    for source in [*sources, Source("subject", ctx.letter.subject)]:
        if match := _YEAR.search(source.text):
            year = next(group for group in match.groups() if group)
            ctx.put_evidence("report_year", ok(int(year)), source.name, match.group(0), year)
            return


def extract_annual_report(ctx: Context) -> None:
    put_pin_ref(ctx)
    put_pin_refs(ctx)
    sources = _sources(ctx)
    hits = first_hits(
        [
            hit
            for s in sources
            for hit in labelled(s.name, s.text[: signature_start(s.text)], REPORT_LABELS, _LISTS)
        ]
    )
    for code, pattern in (("deliveries_done", _DONE), ("deliveries_planned", _PLANNED)):
        if found := hits.get(code):
            # R-PIN-21: a combined report has one such section per client; all are kept.
            first = [h for h in found if h.source == found[0].source]
            text = "; ".join(" ".join(h.raw.split()) for h in first)
            ctx.put(code, check_text(text, 10), first[0], text)
            continue
        for source in sources:
            if match := pattern.search(source.text):
                text = match.group(1).strip()
                ctx.put_evidence(code, check_text(text, 10), source.name, text, text)
                break
    # §3.3: at least one of the two; a missing one is not an error on its own.
    _report_year(ctx, sources)
    files = [
        a.filename
        for a in ctx.letter.attachments
        if a.cls in (AttachmentClass.DOCUMENT, AttachmentClass.SCAN) and not a.inline
    ]
    if files:  # timelines, test results, draft contracts (§3.3 report_attachments)
        names = ", ".join(files)
        ctx.put_evidence("report_attachments", ok(files), "attachments", names, names)


_EXTENSION_ASK = re.compile(
    r"продл\w*\s+(?:\w+\s+){0,3}?(?:срок\w*\s+)?(?:предварительн\w+\s+)?(?:пред)?закреплени\w*"
    r"|продлени\w*\s+(?:срока\s+)?(?:предварительн\w+\s+)?(?:пред)?закреплени\w*",
    re.I,
)
_WITHDRAWAL = re.compile(
    r"(?:снима\w*|отзыва\w*|отзовем|отменя\w*)\s+(?:\w+\s+){0,2}?(?:запрос|заявк)\w*"
    r"(?:\s+\w+){0,2}\s+(?:на\s+)?(?:предварительн\w+\s+)?(?:пред)?закреплени\w*"
    r"|закреплени\w*\s+(?:\w+\s+){0,3}?(?:больше\s+не\s+(?:требуется|нужно|актуальн\w*)|не\s+актуальн\w*)"
    # «… отказывается от предварительного закрепления клиента …»
    r"|отказ\w*\s+от\s+(?:\w+\s+){0,2}?(?:пред)?закреплени\w*",
    re.I,
)


def looks_like_extension(letter: ParsedLetter) -> bool:
    """§2.4: «просим продлить (срок) предварительного закрепления» in the letter's own text."""
    text = f"{letter.subject}\n{letter.new_text}".replace(",", " ")  # «Продлите, пожалуйста, …»
    return bool(_EXTENSION_ASK.search(text))


def looks_like_withdrawal(letter: ParsedLetter) -> bool:
    """R-PIN-28: the partner withdraws its pin request («снимаем запрос на закрепление»)."""
    return bool(_WITHDRAWAL.search(f"{letter.subject}\n{letter.new_text}"))

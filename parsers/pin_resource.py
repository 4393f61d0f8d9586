"""Engineer-hours request (§3.7, 000 §6.2, R-RES): the client enterprise, the tasks, the
estimate in hours and the desired time, labelled in the partner's own words or in prose.

«с 10 по 14 марта» without a year is the next such period after the letter's receipt;
«первая половина февраля 2027» stays a period expression.
"""

from __future__ import annotations

import re
from datetime import date

from parsers.context import INN_IN_TEXT, Context
from parsers.dates import DATE_PATTERN, MONTHS, check_date
from parsers.label_tables import RESOURCE_LABELS
from parsers.labels import Hit, Source
from parsers.pin_parties import ORG_RE, client_scope, find_parties
from parsers.pin_text import first_hits, labelled, unflow
from parsers.types import FieldStatus
from parsers.validate import MISSING, Check, bad, check_inn, check_text, ok

# «40 часов», «40 ч.», and the estimate said loosely, number after: «это часов 30».
_HOURS = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:час|ч\.?\b|человеко-час)|(?<!\w)час(?:ов|а)\s+(\d{1,3})(?![\d:]|\.\d)",
    re.I,
)
_TOTAL_HOURS = re.compile(
    r"(?:итого|всего|в\s+сумме|суммарно|общ\w+\s+(?:оценк\w+|трудо\w+|объ[её]м\w*))"
    r"[^\d\n]{0,30}?(\d+(?:[.,]\d+)?)\s*(?:час|ч\.?\b|человеко-час)",
    re.I,
)
_ITEM = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})?[.)]|[-•*–—])\s*")
# «с 10 по 14 марта», «с 10 марта по 14 марта», «10–14 марта» (year optional).
_DAY_RANGE = re.compile(
    r"(?:с\s+)?(\d{1,2})(?:\s+([а-я]+))?\s*(?:по|[-–—])\s*(\d{1,2})\s+([а-я]+)(?:\s+(\d{4}))?",
    re.I,
)
_WHEN = re.compile(
    r"(?:желательн\w*|желаем\w*|хотел\w*\s+бы|планиру\w+\s+провести|провести\s+работы"
    # «По срокам удобно январь–февраль 2027», «начать можно с 11 января»
    r"|по\s+срокам|удобн\w+\s+(?:\w+\s+)?(?:в|с|январ|феврал|март|апрел|ма[йя]|июн|июл|август"
    r"|сентябр|октябр|ноябр|декабр)|начать\s+можно)",
    re.I,
)
# A period named by its month («в первой половине февраля 2027 года», «в течение марта»).
_MONTH_WORD = re.compile(
    r"\b(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*", re.I
)
_RELATIVE_PERIOD = re.compile(
    r"(?:на|в)\s+(?:следующ|ближайш|эт)\w+\s+(?:недел|месяц|дн)\w*|в\s+ближайшие\s+дни"
    r"|до\s+конца\s+(?:недели|месяца|года)|в\s+(?:начале|конце|середине)\s+(?:недели|месяца)",
    re.I,
)
# §6.2 «список задач» given as a list under a sentence that ends with a colon.
_LEAD_IN = re.compile(r":\s*$")


def _month(word: str | None) -> int | None:
    if not word:
        return None
    low = word.lower()
    for stem, number in MONTHS.items():
        if low.startswith(stem) and (stem != "ма" or low[:3] in ("мая", "май")):
            return number
    return None


def day_range(text: str, received: date | None) -> dict[str, str] | None:
    """«с 10 по 14 марта» → the next such period on or after the receipt date (ISO)."""
    for match in _DAY_RANGE.finditer(text):
        end_month = _month(match.group(4))
        start_month = _month(match.group(2)) or end_month
        if end_month is None or start_month is None:
            continue
        year = int(match.group(5)) if match.group(5) else None
        if year is None:
            today = received or date.today()
            year = today.year
            if date(year, end_month, int(match.group(3))) < today:
                year += 1
        try:
            start = date(year, start_month, int(match.group(1)))
            end = date(year, end_month, int(match.group(3)))
        except ValueError:
            continue
        return {"from": start.isoformat(), "to": end.isoformat()}
    return None


def desired_time(raw: str, received: date | None) -> Check:
    # «с 18 по 22 января 2027 г.»: the range, not its last day read as one date
    if period := day_range(raw, received):
        valid = [period["from"], period["to"]]
    else:
        dates = [check_date(m.group(0)) for m in re.finditer(DATE_PATTERN, raw, re.I)]
        valid = [str(d.value) for d in dates if d.status == FieldStatus.VALID]
    if not valid:
        return check_text(raw, 4)  # a period expression such as «в течение марта»
    if received and max(valid) < received.isoformat():
        return bad("желаемое время уже прошло: укажите будущие даты", "format", valid)
    return ok({"from": valid[0], "to": valid[-1]} if len(valid) > 1 else valid[0])


def _tasks(ctx: Context, hit: Hit) -> None:
    lines: list[str] = []
    for line in hit.raw.splitlines():
        if _ITEM.match(line) or not lines:
            lines.append(_ITEM.sub("", line).strip())
        else:
            lines[-1] = f"{lines[-1]} {line.strip()}"  # a wrapped item
    tasks = [t for t in lines if t]
    short = [t for t in tasks if check_text(t, 10).status != FieldStatus.VALID]
    check = (
        bad("каждая задача должна быть описана (не меньше 10 знаков)", "format", tasks)
        if short
        else ok(tasks)
    )
    ctx.put("tasks", check if tasks else MISSING, hit, hit.raw)


def extract_resource(ctx: Context) -> None:
    texts = [Source(s.name, unflow(s.text)) for s in ctx.sources if s.name != "subject"]
    parties = find_parties(texts, ctx.letter.from_addr)
    sources = [Source(s.name, client_scope(s.text, parties)) for s in texts]
    grouped = first_hits(
        [
            h
            for s in sources
            for h in labelled(s.name, s.text, RESOURCE_LABELS, frozenset({"tasks"}))
        ]
    )
    # The letter's own words before an attached specification (ТЗ) that repeats them.
    hits = {
        code: sorted(found, key=lambda h: h.source != "body") for code, found in grouped.items()
    }
    if found := hits.get("enterprise_name"):
        hit = found[0]
        org = ORG_RE.search(hit.raw)
        name = " ".join((org.group(0) if org else hit.raw).split())
        ctx.put("enterprise_name", check_text(name, 2), hit, name)
    else:  # «… у нашего заказчика — МКУ «…»»: the first organisation that is not the partner
        for source in sources:
            if org := ORG_RE.search(source.text):
                name = " ".join(org.group(0).split())
                ctx.put_evidence("enterprise_name", check_text(name, 2), source.name, name, name)
                break
    for source in sources:
        if inn := INN_IN_TEXT.search(source.text):
            ctx.put_evidence(
                "client_inn", check_inn(inn.group(1)), source.name, inn.group(0), inn.group(1)
            )
            break
    if found := hits.get("tasks"):
        _tasks(ctx, found[0])
    elif listed := _listed_tasks(sources):
        _tasks(ctx, listed)
    _hours(ctx, sources, hits.get("estimated_hours", []))
    _desired_in_prose(ctx, sources)  # dates or a day range in a wish beat a vague label
    if found := hits.get("desired_time"):
        raw = " ".join(found[0].raw.split())
        ctx.put("desired_time", desired_time(raw, ctx.received), found[0], raw)
    for code in ("enterprise_name", "tasks", "estimated_hours", "desired_time"):
        ctx.put(code, MISSING)


def _desired_in_prose(ctx: Context, sources: list[Source]) -> None:
    """«Желательно провести работы с 10 по 14 марта»: a wish with dates or a day range."""
    for source in sources:
        for line in source.text.splitlines():
            if not _WHEN.search(line):
                continue
            if not re.search(r"\d", line) and (relative := _RELATIVE_PERIOD.search(line)):
                # «хотелось бы на следующей неделе»: a period the letter's date places
                said = relative.group(0)
                ctx.put_evidence("desired_time", check_text(said, 4), source.name, said, said)
                return
            if not re.search(r"\d", line):
                continue
            check = desired_time(line, ctx.received)
            if isinstance(check.value, dict | list) or _MONTH_WORD.search(line):
                ctx.put_evidence("desired_time", check, source.name, line.strip(), line.strip())
                return


def _listed_tasks(sources: list[Source]) -> Hit | None:
    """The list items under a lead-in line ending with «:» («…нужна помощь в настройке:»)."""
    for source in sources:
        lines = source.text.splitlines()
        for index, line in enumerate(lines):
            if not _LEAD_IN.search(line) or _ITEM.match(line):
                continue
            items: list[str] = []
            for follow in lines[index + 1 :]:
                if not follow.strip():
                    if items:
                        break
                    continue  # a blank line between the lead-in and its list
                if not _ITEM.match(follow) and not items:
                    break
                items.append(follow)  # an item, or its line a mail client wrapped
            if items:
                return Hit("tasks", "\n".join(items), source.name, index + 2, line.strip())
    return None


def _hours(ctx: Context, sources: list[Source], hits: list[Hit]) -> None:
    found = next((m for h in hits if (m := re.search(r"(\d+(?:[.,]\d+)?)", h.raw))), None)
    hit = hits[0] if hits and found else None
    if not found:
        for source in sources:
            # «Итого: 40 часов» after hours per task: the total is the estimate
            if found := _TOTAL_HOURS.search(source.text) or _HOURS.search(source.text):
                hit = Hit("estimated_hours", found.group(0), source.name, 0, found.group(0))
                break
    if found and hit:
        number = next(group for group in found.groups() if group)
        hours = float(number.replace(",", "."))
        check = ok(int(hours) if hours.is_integer() else hours)
        if hours <= 0 or hours > 160:  # cfg:resource.max_single_request_hours default
            check = bad("оценка должна быть больше 0 и не больше 160 часов", "format", hours)
        ctx.put("estimated_hours", check, hit)

"""Ticket fields filled from running text when the §4.2 form does not give them (§3.4)."""

from __future__ import annotations

import re

from parsers.context import Context
from parsers.extract_pin import without_signature
from parsers.labels import Hit
from parsers.platforms import base_software_in_text
from parsers.ticket_form import Field
from parsers.ticket_product import own_product
from parsers.ticket_text import business_task, doc_reference
from parsers.validate import check_text, ok

_TASK_HEADING = re.compile(r"бизнес|задач|business", re.I)
# R-TKT-5: an attachment not given, with or without its reason («нет», «не прилагаем», «N/A»,
# «Скриншотов нет - …»).
NA = re.compile(
    r"^\s*(?:нет|n/?a|н/?д)\b|^\S+\s+нет\b|не\s+(?:прилага|приклад|прилож)\w*|отсутству\w*"
    r"|не\s+применим\w*"
    r"|(?:приложить|выгрузить|предоставить|передать|снять)\s+не\s+(?:можем|можно|удается)"
    r"|не\s+(?:можем|можно|удается)\s+(?:приложить|выгрузить|предоставить|передать|снять)"
    r"|невозможно|нет\s+возможности|запрещен\w*"
    # «Скриншотов не будет: АРМ в закрытом контуре», «вынос … не разрешён»
    r"|не\s+будет|не\s+разреш[её]н\w*|не\s+получится",
    re.I,
)

SCREEN_WORD = re.compile(r"скрин\w*|снимк?\w*\s+экрана|screenshot\w*", re.I)
LOG_WORD = re.compile(r"\bлог\w*|журнал\w*\s+(?:работы|приложения|событий)", re.I)


def na_sentence(body: str, noun: re.Pattern[str], code: str) -> Field | None:
    """R-TKT-5 said in passing: «Скриншоты не прикладываю — ошибка видна только в PDF»,
    a sentence that names the attachment and says why it is not given."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n", body):
        named = noun.search(sentence)
        if named and (na := NA.search(sentence[named.start() :])):
            reason = sentence[named.start() :].strip()
            if len(reason) > na.end() + 10:  # a reason beyond the bare refusal
                return Field(code, reason, "body", 0, sentence.strip())
    return None


def _task(ctx: Context, found: dict[str, list[Field]]) -> None:
    """R-TKT (feature): the longest labelled task («Бизнес-задача», «Описание задачи» of an
    attached ТЗ rather than its title line), else the paragraph that states the need."""
    labelled = [f for f in found.get("business_task", []) if f.text.strip()]
    if labelled:
        # The task itself before the ТЗ's title line or its list of requirements.
        best = max(labelled, key=lambda f: (bool(_TASK_HEADING.search(f.excerpt)), len(f.text)))
        hit = Hit("business_task", best.text, best.source, best.line, best.excerpt)
        ctx.put("business_task", check_text(best.text, 30), hit)
        return
    tracker = ctx.fields.get("tracker")
    if tracker is None or tracker.value != "feature":
        return
    text = business_task([f.text for f in found.get("", [])])
    if text:
        ctx.put_evidence("business_task", check_text(text, 30), "body", text[:300], text)


def prose_fields(ctx: Context, found: dict[str, list[Field]], body: str) -> None:
    """software_name, business_task and doc_reference stated in prose."""
    if "software_name" not in ctx.fields:
        text = without_signature(body)
        name = own_product(text, ctx.brands) or own_product(ctx.letter.subject, ctx.brands)
        if name:
            ctx.put_evidence("software_name", check_text(name, 2), "body", name, name)
    if "base_software" not in ctx.fields and (
        named := base_software_in_text(without_signature(body))
    ):
        value, text = named
        ctx.put_evidence("base_software", ok(value), "body", text, text)
    _task(ctx, found)
    if "doc_reference" not in ctx.fields:
        attached = (s.text for s in ctx.sources if s.name.startswith("attachment:"))
        reference = (
            doc_reference(without_signature(body))
            or doc_reference(ctx.letter.subject)
            or next(filter(None, map(doc_reference, attached)), None)  # the request as a PDF
        )
        if reference:
            ctx.put_evidence(
                "doc_reference", check_text(reference, 1), "body", reference, reference
            )

"""Inquiry (§2.2): the case it names and the client it is about, for routing.

An inquiry has no form, but two rules need a reference from it: a withdrawal read without its
thread names its pin by the case tag (R-PIN-28), and a client writing to HQ directly is looked
up among the pins by its name and INN (R-PIN-26). The sender may be the client itself, so its
own organisation is not masked; the sign-off is left out only so that a partner's requisites
there are not taken for a client's. Nothing is reported missing: an inquiry requires no field.
"""

from __future__ import annotations

import re

from parsers.context import CASE_TAG, INN_IN_TEXT, Context, find_in_sources, put_pin_ref
from parsers.extract_pin import ORG, without_signature
from parsers.pin_followups import looks_like_withdrawal
from parsers.types import FieldStatus
from parsers.validate import Check, check_inn, ok

_ORG_RE = re.compile(ORG)
_CLIENT_CUE = re.compile(r"(?:клиент\w*|заказчик\w*)\W{0,4}$", re.I)


def _client(text: str) -> tuple[str | None, str | None]:
    """(name, INN): an organisation right before a valid INN, else one after «клиент»."""
    for match in INN_IN_TEXT.finditer(text):
        inn = check_inn(match.group(1))
        if inn.status != FieldStatus.VALID:
            continue
        before = text[max(0, match.start() - 160) : match.start()]
        names = list(_ORG_RE.finditer(before))
        return (names[-1].group(0) if names else None), str(inn.value)
    for match in _ORG_RE.finditer(text):
        if _CLIENT_CUE.search(text[max(0, match.start() - 30) : match.start()]):
            return match.group(0), None
    return None, None


def extract_inquiry(ctx: Context) -> None:
    if found := find_in_sources(ctx, CASE_TAG):
        match, hit = found
        ctx.put(
            "pin_ref", Check(FieldStatus.VALID, {"case": f"TCM-{int(match.group(1)):06d}"}), hit
        )
    elif looks_like_withdrawal(ctx.letter):
        put_pin_ref(ctx)  # R-PIN-28 without the tag: the pin by its client's INN
    text = without_signature(ctx.source_text("body"))
    name, inn = _client(text)
    if name:
        ctx.put_evidence("client_name", ok(name), "body", name, name)
    if inn:
        ctx.put_evidence("client_inn", ok(inn), "body", inn, inn)

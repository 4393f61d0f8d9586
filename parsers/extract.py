"""ParsedLetter + kind → RequestData: every field with its value, status and evidence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from parsers.brands import OWN_BRANDS
from parsers.context import Context, sources_of
from parsers.extract_followups import (
    extract_annual_report,
    extract_extension,
    extract_license_documents,
    extract_resource,
    extract_sd_account,
    extract_software_list,
)
from parsers.extract_inquiry import extract_inquiry
from parsers.extract_license import extract_license
from parsers.extract_pin import extract_pin
from parsers.extract_ticket import extract_ticket
from parsers.types import Kind, ParsedLetter, RequestData

_READERS: dict[Kind, Callable[[Context], None]] = {
    Kind.PIN_REQUEST: extract_pin,
    Kind.PIN_CONFIRMATION: extract_software_list,
    Kind.PIN_EXTENSION: extract_extension,
    Kind.ANNUAL_REPORT: extract_annual_report,
    Kind.LICENSE_REQUEST: extract_license,
    Kind.LICENSE_DOCUMENTS: extract_license_documents,
    Kind.TICKET: extract_ticket,
    Kind.RESOURCE: extract_resource,
    Kind.SD_ACCOUNT: extract_sd_account,
    Kind.INQUIRY: extract_inquiry,
}

# Kinds whose form describes one record: one client, one ticket, one enterprise.
_ONE_RECORD = frozenset({Kind.PIN_REQUEST, Kind.TICKET, Kind.RESOURCE})


def _received(letter: ParsedLetter, received_at: datetime | None) -> date | None:
    when = received_at or letter.date
    return when.date() if when else None


def extract(
    letter: ParsedLetter,
    kind: Kind,
    *,
    received_at: datetime | None = None,
    brands: tuple[str, ...] = OWN_BRANDS,
) -> RequestData:
    """Read the fields of `kind` from the letter; `received_at` bounds contract dates (R-VAL-8);
    `brands` mark the vendor's own products in running text (parsers.brands)."""
    sources = sources_of(letter, one_record=kind in _ONE_RECORD)
    ctx = Context(letter, sources, _received(letter, received_at), brands=brands)
    reader = _READERS.get(kind)
    if reader is not None:
        reader(ctx)
    return RequestData(kind=kind, fields=dict(ctx.fields), flags=tuple(dict.fromkeys(ctx.flags)))

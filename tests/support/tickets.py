"""A ticket letter's reading context, for tests of the ticket readers: the letter built by
tests.support.letters, its new text and subject as the sources."""

from __future__ import annotations

from datetime import date

from parsers.context import Context
from parsers.extract_ticket import extract_ticket
from parsers.labels import Source
from parsers.letter import parse_letter
from tests.support.letters import letter


def ticket_context(body: str, subject: str = "Обращение", received: date | None = None) -> Context:
    parsed = parse_letter(letter(subject=subject, body=body, to="support@technocom.tech"))
    sources = [Source("body", parsed.new_text), Source("subject", subject)]
    return Context(parsed, sources, received or date(2026, 6, 1))


def read_ticket(body: str, subject: str = "Обращение", received: date | None = None) -> Context:
    """The context after the ticket reader has read it."""
    ctx = ticket_context(body, subject, received)
    extract_ticket(ctx)
    return ctx

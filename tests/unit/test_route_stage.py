"""The route stage reads and never writes (issue 20 item 1): on a real service, whatever
the letter, `route` leaves nothing new, nothing changed and no flush in its session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

import parsers
from bot.route import Route, route
from tests.conftest import deliver, register_partner
from tests.support.letters import COMPLETE_TICKET, letter

pytestmark = pytest.mark.both_databases

OTHER = {
    "name": "ООО «Другой»",
    "inn": "7707083893",
    "role": "gold",
    "domains": ["other.ru"],
    "addresses": ["anna@other.ru"],
}


@contextmanager
def _read_only(service) -> Iterator[Session]:
    flushes: list[int] = []
    with service.sessions() as session:
        event.listen(session, "before_flush", lambda *_: flushes.append(1))
        yield session
        assert not session.new and not session.dirty and not session.deleted
        assert flushes == []


def _route(service, raw: bytes, role: str = "support") -> Route:
    config = service.pipeline._config
    parsed = parsers.parse_letter(raw)
    with _read_only(service) as session:
        return route(
            session,
            parsed,
            role,
            received_at=service.clock.now(),
            classify=lambda thread_kind: parsers.classify(parsed, role, thread_kind=thread_kind),
            prefix=config.case_prefix,
            number_format=config.number_format,
        )


def test_route_finds_the_case_by_tag_and_writes_nothing(service) -> None:
    first = deliver(service, letter(subject="Ошибка экспорта", body=COMPLETE_TICKET))
    second = deliver(service, letter(subject="Сбой печати", body=COMPLETE_TICKET))
    found = _route(
        service,
        letter(subject=f"Re: [{first.case}] [{second.case}] Ошибка", body="Еще уточнение."),
    )
    assert (found.case.number, found.via) == (first.case, "subject-tag")
    assert found.flags == (f"multiple_tags:{second.case}",)  # R-THR-10
    assert found.identity is not None and not found.body_reference


def test_route_by_body_number_and_across_partners_writes_nothing(service) -> None:
    first = deliver(service, letter(subject="Ошибка экспорта", body=COMPLETE_TICKET))
    body = f"По заявке {first.case}: ошибка повторяется."
    own = _route(service, letter(subject="Еще вопрос", body=body))
    assert (own.case.number, own.via, own.body_reference) == (first.case, "body", True)
    register_partner(service, OTHER)
    tagged = _route(service, letter(subject=f"Re: [{first.case}]", sender="anna@other.ru"))
    assert (tagged.case, tagged.via) == (None, "none")  # R-THR-7: never another's case
    assert tagged.flags == (f"cross_partner_reference:{first.case}",)
    fresh = _route(service, letter(subject="Новый вопрос", body=COMPLETE_TICKET))
    assert (fresh.case, fresh.via, fresh.previous_case) == (None, "none", None)

"""A batch is the same stages over many letters (issue 20): threads whose first letters,
follow-ups, repeats and automatic mail share one batch end exactly as they do letter by
letter — the same cases, states, missing items, timers and replies — on SQLite and on
PostgreSQL, each letter processed once and no batch redone."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import Service, build
from bot.clock import FrozenClock
from bot.ingest import Arrival
from bot.settings import Settings
from bot.store.models import Case, Deadline, Letter, OutboxMessage
from tests.conftest import register_partner
from tests.integration.test_pins import SOFTWARE_LIST, pin_request
from tests.integration.test_service_desk import GMT5
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, dsn, letter

_LETTER_ID = re.compile(r"№ \d+")
SUPPORT, GENERAL = ("support@technocom.tech",), ("mail@technocom.tech",)
START = datetime(2026, 3, 2, 10, 0, tzinfo=GMT5)


def _mixed_batch() -> list[tuple[bytes, tuple[str, ...]]]:
    """Three threads interleaved, as an IMAP fetch hands them over after a pause."""
    t1 = letter(message_id="<t1@partner.ru>", subject="Сбой сохранения", body=INCOMPLETE_TICKET)
    t2 = letter(message_id="<t2@partner.ru>", subject="Подписи участков", body=COMPLETE_TICKET)
    p1 = pin_request().replace(b"Message-ID: <", b"Message-ID: <p1.", 1)
    return [
        (t1, SUPPORT),
        (t2, SUPPORT),
        (p1, GENERAL),
        # T1's answer by In-Reply-To, still without the data; its repeat; an auto-reply.
        (
            letter(
                subject="Re: Сбой сохранения",
                body="Логи пришлю позже.",
                in_reply_to="<t1@partner.ru>",
            ),
            SUPPORT,
        ),
        (letter(subject="Re: [TCM-000002] Подписи участков", body="Какой статус заявки?"), SUPPORT),
        (t1, SUPPORT),
        (
            letter(
                subject="Автоответ: [TCM-000001] Сбой сохранения",
                body="Я в отпуске до 10.03.",
                headers={"Auto-Submitted": "auto-replied"},
            ),
            SUPPORT,
        ),
        # The pin's software list by its tag, and T1 completed by its tag.
        (letter(subject="Re: [TCM-000003] перечень", body=SOFTWARE_LIST), GENERAL),
        (letter(subject="Re: [TCM-000001] Сбой сохранения", body=COMPLETE_TICKET), SUPPORT),
        (dsn("<t2@partner.ru>", to="support@technocom.tech"), SUPPORT),
    ]


def _service(settings: Settings, url: str) -> Service:
    service = build(settings.model_copy(update={"database_url": url}), clock=FrozenClock(START))
    register_partner(service)
    return service


def _arrivals(batch: list[tuple[bytes, tuple[str, ...]]]) -> list[Arrival]:
    return [Arrival(raw=raw, received_at=START, rcpt_tos=to, source="test") for raw, to in batch]


def _outcome(service: Service, results: list[Any]) -> dict[str, Any]:
    """Everything a partner or HQ could see of the batch, without random Message-IDs."""
    with service.sessions() as session:
        numbers = dict(session.execute(select(Case.id, Case.number)).all())
        cases = [
            (c.number, c.kind, c.state, sorted(c.missing or []))
            for c in session.scalars(select(Case).order_by(Case.id))
        ]
        timers = sorted(
            (numbers[d.case_id], d.kind, d.due_at.isoformat(), d.status)
            for d in session.scalars(select(Deadline))
        )
        # A letter's stored id names it (HQ's notices say «письмо № 9»); a batch is stored
        # in key order (bot/ingest.py store_many, so that two instances never deadlock), so
        # the ids, not the letters they name, may differ from letter by letter.
        replies = [
            (r.template, r.to_addr, r.subject, r.status, _LETTER_ID.sub("№ N", r.text))
            for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]
        # The store writes a batch's rows in its own order: compared as a set of outcomes.
        letters = sorted(
            (row.status, row.kind or "", numbers.get(row.case_id) or "")
            for row in session.scalars(select(Letter))
        )
    per_letter = [(r.status, r.kind, r.case, r.state, len(r.replies)) for r in results]
    return {
        "results": per_letter,
        "cases": cases,
        "timers": timers,
        "replies": replies,
        "letters": letters,
    }


@pytest.mark.both_databases
def test_a_mixed_batch_ends_as_letter_by_letter(
    settings: Settings, database_url: str, request: pytest.FixtureRequest, tmp_path, caplog
) -> None:
    batch = _mixed_batch()
    batched = _service(settings, database_url)
    with caplog.at_level("ERROR", logger="bot.pipeline"):
        results = batched.pipeline.ingest_many(_arrivals(batch))
    assert "one by one" not in caplog.text  # the batch was not redone letter by letter
    together = _outcome(batched, results)
    batched.engine.dispose()

    if database_url.startswith("sqlite"):
        second = f"sqlite:///{tmp_path / 'one-by-one.sqlite3'}"
    else:
        second = request.getfixturevalue("postgres").clean_database()
    single = _service(settings, second)
    one_by_one = _outcome(single, [single.pipeline.ingest(a) for a in _arrivals(batch)])
    single.engine.dispose()

    assert together == one_by_one
    # And what that is: three cases, the repeat a duplicate, the automatic mail ignored,
    # each letter once.
    assert [c[:3] for c in together["cases"]] == [
        ("TCM-000001", "ticket", "open"),
        ("TCM-000002", "ticket", "open"),
        ("TCM-000003", "pin_request", "pinned"),
    ]
    statuses = [r[0] for r in together["results"]]
    assert statuses.count("duplicate") == 1 and statuses.count("ignored") == 2
    assert len(together["letters"]) == len(batch) - 1  # the repeat is not stored twice

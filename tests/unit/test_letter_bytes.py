"""A letter's bytes in `letter_raw` (0007): stored and read back whole, and on SQLite a big
letter is written and read in place instead of being bound as one value (issue 6: bounded
memory for a single large letter)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from bot.ingest import Arrival, store_many, store_raw
from bot.store.db import open_database
from bot.store.letter_bytes import IN_PLACE_FROM
from bot.store.models import Letter
from tests.support.letters import COMPLETE_TICKET, letter

OWN = {"support@technocom.tech": "support"}
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def _arrival(size: int, n: int) -> Arrival:
    attachment = ("logs.bin", os.urandom(size), "application/octet-stream")
    raw = letter(body=COMPLETE_TICKET, message_id=f"<b{n}@p.ru>", attachments=[attachment])
    return Arrival(raw=raw, received_at=NOW, rcpt_tos=("support@technocom.tech",), source="t")


@pytest.fixture
def database(database_url: str):
    engine, sessions = open_database(database_url)
    bound: list[int] = []

    def note(_conn, _cursor, _statement, parameters, *_args) -> None:
        # One row, many rows, or one row of many (INSERT … VALUES (…), (…)): all flattened.
        stack = [parameters]
        while stack:
            item = stack.pop()
            if isinstance(item, bytes | memoryview):
                bound.append(len(item))
            elif isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list | tuple):
                stack.extend(item)

    event.listen(engine, "before_cursor_execute", note)
    yield engine, sessions, bound
    event.remove(engine, "before_cursor_execute", note)
    engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_small_and_big_letters_come_back_byte_for_byte(database) -> None:
    engine, sessions, bound = database
    arrivals = [_arrival(2_000, 1), _arrival(3 * IN_PLACE_FROM // 2, 2), _arrival(5_000, 3)]
    stored = store_many(sessions, arrivals, OWN, NOW)
    alone = store_raw(sessions, _arrival(IN_PLACE_FROM + 1, 4), OWN, NOW)
    with sessions() as session:
        for item, arrival in zip(stored, arrivals, strict=True):
            assert session.get(Letter, item.letter_id).raw == arrival.raw
        assert len(session.get(Letter, alone.letter_id).raw) > IN_PLACE_FROM
    if engine.dialect.name == "sqlite":
        # The big ones never went through as a bound value: they were written in place.
        assert bound and max(bound) < IN_PLACE_FROM


def test_a_letter_read_outside_a_session_says_so(tmp_path) -> None:
    _, sessions = open_database(f"sqlite:///{tmp_path / 'pd.sqlite3'}")
    [stored] = store_many(sessions, [_arrival(100, 1)], OWN, NOW)
    with sessions() as session:
        row = session.get(Letter, stored.letter_id)
    with pytest.raises(ValueError, match="read its bytes in a session"):
        row.raw  # noqa: B018 - the property is what is tested


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_show_letter_reads_the_bytes_only_when_they_are_printed(database, monkeypatch) -> None:
    from bot.inspect import letter_details
    from bot.store import letter_bytes

    _engine, sessions, _bound = database
    arrival = _arrival(2_000, 5)
    [stored] = store_many(sessions, [arrival], OWN, NOW)
    reads: list[int] = []
    real = letter_bytes.get_bytes
    monkeypatch.setattr(
        letter_bytes,
        "get_bytes",
        lambda session, letter_id: reads.append(letter_id) or real(session, letter_id),
    )
    details = letter_details(sessions, stored.letter_id)
    assert details is not None and "raw" not in details and details["size"] == len(arrival.raw)
    assert reads == []
    with_bytes = letter_details(sessions, stored.letter_id, raw=True)
    assert with_bytes is not None and with_bytes["raw"] == arrival.raw
    assert reads == [stored.letter_id]

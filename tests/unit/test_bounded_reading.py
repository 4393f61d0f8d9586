"""Issue 19: a letter is read before the write transaction opens, so a slow letter never
holds SQLite's write lock and HQ's actions go on meanwhile (R-MBX-1: it is stored first)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

import bot.reader_process as reader_process
from bot.actions import Actions
from bot.app import build
from bot.ingest import Arrival
from bot.route.pin_targets import _refs
from bot.store.models import CaseEvent, Letter
from parsers.context import MAX_REFS
from parsers.types import FieldStatus, FieldValue, Kind, RequestData
from tests.conftest import deliver
from tests.support.letters import COMPLETE_TICKET, letter

SLOW = b"SLOW-TO-READ"


@pytest.fixture
def slow_reader(monkeypatch: pytest.MonkeyPatch):
    """Letters carrying SLOW are read only once the test lets them go."""
    started, release = threading.Event(), threading.Event()
    parse = reader_process.parse_letter

    def reading(raw: bytes, **kwargs):
        if SLOW in raw:
            started.set()
            release.wait(30)
        return parse(raw, **kwargs)

    monkeypatch.setattr(reader_process, "parse_letter", reading)
    yield started, release
    release.set()


@pytest.mark.parametrize("batch", [False, True], ids=["ingest", "ingest_many"])
def test_r_mbx_1_slow_letter_does_not_hold_the_write_lock_for_a_comment(
    service, settings, frozen_clock, slow_reader, batch: bool
) -> None:
    started, release = slow_reader
    opened = deliver(service, letter(subject="Ошибка", body=COMPLETE_TICKET))
    slow = b"X-Test: " + SLOW + b"\r\n" + letter(subject="Ещё ошибка", body=COMPLETE_TICKET)
    arrival = Arrival(raw=slow, received_at=frozen_clock.now())
    results = []
    worker = threading.Thread(
        target=lambda: results.extend(
            service.pipeline.ingest_many([arrival]) if batch else [service.pipeline.ingest(arrival)]
        )
    )
    worker.start()
    try:
        assert started.wait(10), "the slow letter was never read"
        # HQ's command line: its own process and engine in real life, its own engine here.
        hq = build(settings, clock=frozen_clock)
        actions = Actions(
            hq.sessions, hq.applier, hq.rules, hq.clock, frozenset(hq.settings.hq.staff)
        )
        begun = time.monotonic()
        actions.perform(opened.case, "comment", {"text": "смотрим"}, "hq@technocom.tech")
        # Before: the claim's write lock was held while reading → "database is locked" after
        # the 10 s busy timeout.
        assert time.monotonic() - begun < 5
        assert not results, "the slow letter must still be being read"
        hq.engine.dispose()
    finally:
        release.set()
        worker.join(30)
    [result] = results
    assert result.status == "processed" and result.case == "TCM-000002"
    with service.sessions() as session:
        assert "comment" in session.scalars(select(CaseEvent.event)).all()
        statuses = session.scalars(select(Letter.status)).all()
        assert statuses == ["processed", "processed"]


def test_r_pin_21_references_of_an_unthreaded_letter_are_deduplicated_and_bounded() -> None:
    # Each reference is compared with every candidate case: 20 000 of them, compared with a
    # list, took minutes (issue 19).
    refs = [{"case": f"TCM-{i % 5000:06d}"} for i in range(20_000)]
    request = RequestData(
        Kind.ANNUAL_REPORT,
        {
            "pin_refs": FieldValue("pin_refs", FieldStatus.VALID, value=refs),
            "pin_ref": FieldValue("pin_ref", FieldStatus.VALID, value={"case": "TCM-000001"}),
        },
    )
    started = time.process_time()
    found = _refs(request)
    assert time.process_time() - started < 1
    assert found[:2] == [{"case": "TCM-000000"}, {"case": "TCM-000001"}]
    assert len(found) == MAX_REFS

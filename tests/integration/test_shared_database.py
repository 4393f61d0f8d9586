"""Several instances on one database (the PostgreSQL deployment): each letter is stored once,
processed once and answered once, whichever instance sees it first (R-MBX-1)."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from bot.app import build
from bot.clock import FrozenClock
from bot.ingest import Arrival, store_raw
from bot.store.models import Case, Letter, OutboxMessage
from tests.conftest import T0, register_partner
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, letter


def _race(instances, batches) -> list[list]:
    """Each instance ingests its batch at the same moment; their results, in order."""
    start = threading.Barrier(len(instances))
    results: list[list] = [[] for _ in instances]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            start.wait(timeout=10)
            results[index] = instances[index].pipeline.ingest_many(batches[index])
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(instances))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_instances_given_the_same_letters_process_and_answer_each_once(settings):
    clock = FrozenClock(T0)
    first, second = build(settings, clock=clock), build(settings, clock=clock)
    try:
        register_partner(first)
        raws = [
            letter(body=COMPLETE_TICKET if n % 2 else INCOMPLETE_TICKET, message_id=f"<s{n}@p.ru>")
            for n in range(12)
        ]
        arrivals = [
            Arrival(raw=raw, received_at=T0, rcpt_tos=("support@technocom.tech",), source="x")
            for raw in raws
        ]
        # The second instance sees the same letters in the opposite order.
        one, two = _race([first, second], [arrivals, arrivals[::-1]])
        with first.sessions() as session:
            stored = session.scalar(select(func.count()).select_from(Letter))
            opened = session.scalar(select(func.count()).select_from(Case))
            answered = Counter(
                session.scalars(
                    select(OutboxMessage.letter_id).where(OutboxMessage.reply_kind != "notice")
                )
            )
        assert stored == 12
        assert opened == 12
        assert len(answered) == 12 and set(answered.values()) == {1}
        # Every letter was processed by exactly one of the two; the other saw a duplicate.
        for mine, theirs in zip(one, two[::-1], strict=True):
            assert mine.letter_id == theirs.letter_id
            assert sorted([mine.duplicate, theirs.duplicate]) == [False, True]
    finally:
        first.engine.dispose()
        second.engine.dispose()


def test_a_second_claim_waits_for_the_first_and_then_finds_the_letter_done(settings):
    """The claim is its transaction's first write: another instance asking for the same
    letter meanwhile waits for that transaction, then sees the letter processed, and neither
    errs nor processes it again (SQLite: the write lock; PostgreSQL: the row lock)."""
    clock = FrozenClock(T0)
    first, second = build(settings, clock=clock), build(settings, clock=clock)
    try:
        arrival = Arrival(
            raw=letter(body=COMPLETE_TICKET, message_id="<wait@p.ru>"),
            received_at=T0,
            rcpt_tos=("support@technocom.tech",),
            source="x",
        )
        stored = store_raw(first.sessions, arrival, {"support@technocom.tech": "support"}, T0)
        claimed = threading.Event()
        outcome: list = []

        def second_instance() -> None:
            claimed.wait(10)
            outcome.append(second.pipeline.process(stored.letter_id))

        other = threading.Thread(target=second_instance)
        other.start()
        with first.sessions.begin() as session:
            assert first.pipeline._claim_in(session, [stored.letter_id]) == {stored.letter_id}
            claimed.set()
            other.join(0.5)
            assert other.is_alive(), "the second claim did not wait for the first"
            first.pipeline._process_in(session, stored.letter_id)
        other.join(10)
        [result] = outcome
        assert result.duplicate and result.case == "TCM-000001"
        with first.sessions() as session:
            assert session.scalar(select(Letter.status)) == "processed"
            assert session.scalar(select(func.count()).select_from(Case)) == 1
    finally:
        first.engine.dispose()
        second.engine.dispose()

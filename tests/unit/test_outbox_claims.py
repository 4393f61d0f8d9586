"""Outbox rows across workers and batches: claims (one worker each), reply keys and counts."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, update

from bot.outbox.queue import OutgoingLetter, queue
from bot.store.claims import claim_due
from bot.store.models import OutboxMessage
from replies.render import RenderedReply

# Claims are how several instances share one database: PostgreSQL is where that happens.
pytestmark = pytest.mark.both_databases


def _queue(service, count: int) -> list[int]:
    now = service.clock.now()
    with service.sessions.begin() as session:
        rows = [
            queue(
                session,
                OutgoingLetter(
                    reply_kind="notice",
                    template="t",
                    sender="support@technocom.tech",
                    sender_name="partnerdesk",
                    to=f"hq{n}@technocom.tech",
                    rendered=RenderedReply(subject="s", text="t", html="<p>t</p>"),
                    dedupe_key=f"test:{n}",
                ),
                case_id=None,
                letter_id=None,
                domain="technocom.tech",
                now=now,
            )
            for n in range(count)
        ]
        session.flush()
        return [row.id for row in rows]


def _claim(service, worker: str) -> list[int]:
    return claim_due(
        service.sessions,
        OutboxMessage,
        OutboxMessage.next_attempt_at,
        ready="queued",
        claimed="sending",
        worker=worker,
        now=service.clock.now(),
        limit=100,
    )


def test_due_rows_are_claimed_once_in_order(service) -> None:
    ids = _queue(service, 5)
    assert _claim(service, "a") == ids
    assert _claim(service, "b") == []
    with service.sessions() as session:
        owners = set(session.scalars(select(OutboxMessage.claimed_by)))
    assert owners == {"a"}


def test_a_row_taken_by_another_worker_after_the_select_stays_theirs(service) -> None:
    ids = _queue(service, 4)
    taken = ids[1]

    def other_worker_first(conn, cursor, statement, *_args) -> None:
        if statement.startswith("UPDATE outbox") and not raced:
            raced.append(True)
            with service.engine.connect() as other:  # a second instance, its own connection
                other.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == taken, OutboxMessage.status == "queued")
                    .values(status="sending", claimed_by="b")
                )
                other.commit()

    raced: list[bool] = []
    event.listen(service.engine, "before_cursor_execute", other_worker_first)
    try:
        won = _claim(service, "a")
    finally:
        event.remove(service.engine, "before_cursor_execute", other_worker_first)
    assert raced
    assert won == [i for i in ids if i != taken]
    with service.sessions() as session:
        assert session.get(OutboxMessage, taken).claimed_by == "b"


def _statements(service) -> list[str]:
    seen: list[str] = []
    event.listen(service.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def _letter(key: str) -> OutgoingLetter:
    return OutgoingLetter(
        reply_kind="notice",
        template="t",
        sender="support@technocom.tech",
        sender_name="partnerdesk",
        to="hq@technocom.tech",
        rendered=RenderedReply(subject="s", text="t", html="<p>t</p>"),
        dedupe_key=key,
    )


def test_r_mbx_1_a_batch_reads_its_letters_reply_keys_once_and_still_refuses_a_second_reply(
    service,
) -> None:
    from bot.outbox.queue import key_used, preload_letter_keys

    now = service.clock.now()
    with service.sessions.begin() as session:
        for key in ("letter:5:ack", "letter:50:ack", "letter:6x"):
            session.add(_row(service, key))
    with service.sessions() as session:
        preload_letter_keys(session, [5, 6])
        seen = _statements(service)
        assert key_used(session, "letter:5:ack")
        assert not key_used(session, "letter:6:ack")
        first = queue(session, _letter("letter:6:ack"), **_where(now))
        assert first is not None and key_used(session, "letter:6:ack")  # queued a moment ago
        assert queue(session, _letter("letter:6:ack"), **_where(now)) is None  # never twice
        assert not key_used(session, "letter:50:other")  # 50 is not 5: asked, not guessed
        assert key_used(session, "letter:50:ack")
        assert len(seen) == 2
        assert not any(s.startswith("INSERT") for s in seen)  # pending rows were not flushed


def test_r_mbx_1_a_notice_queued_in_the_transaction_is_not_queued_again_before_a_flush(
    service,
) -> None:
    """HQ notices (`held:…`, `flag:…`) are not preloaded: their keys are asked once, and a
    pending row counts without being flushed first."""
    from bot.outbox.queue import key_used

    now = service.clock.now()
    with service.sessions() as session:
        seen = _statements(service)
        assert queue(session, _letter("held:a@partner.ru:2026120210"), **_where(now))
        assert key_used(session, "held:a@partner.ru:2026120210")
        assert queue(session, _letter("held:a@partner.ru:2026120210"), **_where(now)) is None
        assert [s for s in seen if s.startswith("INSERT")] == []
        session.commit()
    with service.sessions() as session:
        assert key_used(session, "held:a@partner.ru:2026120210")  # committed: from the table
        rows = session.scalars(select(OutboxMessage.dedupe_key)).all()
    assert rows == ["held:a@partner.ru:2026120210"]


def _where(now) -> dict:
    return {"case_id": None, "letter_id": None, "domain": "technocom.tech", "now": now}


def test_r_mbx_4_reply_counts_read_for_a_batch_equal_those_read_one_by_one(service) -> None:
    from datetime import timedelta

    from bot.outbox.queue import count_recent_replies, replies_in_last_hour

    now = service.clock.now()
    with service.sessions.begin() as session:
        session.add(_row(service, "a1", to="a@partner.ru"))
        session.add(_row(service, "a2", to="a@partner.ru"))
        session.add(_row(service, "b1", to="b@partner.ru", created_at=now - timedelta(hours=2)))
        session.add(_row(service, "c1", to="c@partner.ru", kind="digest"))  # not a reply
    addresses = ["A@partner.ru", "b@partner.ru", "c@partner.ru", "d@partner.ru"]
    with service.sessions() as session:
        one_by_one = [replies_in_last_hour(session, a, now) for a in addresses]
    with service.sessions() as session:
        count_recent_replies(session, addresses, now)
        seen = _statements(service)
        batch = [replies_in_last_hour(session, a, now) for a in addresses]
    assert batch == one_by_one == [2, 0, 0, 0]
    assert seen == []


def _row(service, key: str, *, to: str = "x@partner.ru", kind: str = "acceptance", **extra):
    now = service.clock.now()
    values = {
        "dedupe_key": key,
        "reply_kind": kind,
        "template": "t",
        "sender": "support@technocom.tech",
        "to_addr": to,
        "recipients": [to],
        "subject": "s",
        "message_id": f"<{key}@technocom.tech>",
        "text": "t",
        "raw": b"",
        "status": "sent",
        "attempts": 1,
        "next_attempt_at": now,
        "created_at": now,
        **extra,
    }
    return OutboxMessage(**values)


async def test_a_burst_of_replies_is_delivered_round_after_round_without_waiting() -> None:
    import asyncio

    from bot.runner import DELIVERY_ROUND, deliver_forever

    wake, stop = asyncio.Event(), asyncio.Event()
    rounds = [DELIVERY_ROUND, DELIVERY_ROUND, 50]
    calls: list[int] = []

    class Burst:
        async def deliver_due(self, limit: int) -> int:
            calls.append(limit)
            delivered = rounds.pop(0)
            if not rounds:
                stop.set()
                wake.set()
            return delivered

    # An hour's poll interval: waiting after a full round would never end within the test.
    await asyncio.wait_for(deliver_forever(Burst(), wake, stop, 3600), timeout=10)
    assert calls == [DELIVERY_ROUND] * 3


def test_reply_keys_of_a_batch_larger_than_sqlite_expression_limits_are_read(service) -> None:
    from bot.outbox.queue import key_used, preload_letter_keys

    with service.sessions.begin() as session:
        session.add(_row(service, "letter:1999:ack"))
    with service.sessions() as session:
        preload_letter_keys(session, range(1, 2001))  # imap.batch_size has no upper bound
        seen = _statements(service)
        assert key_used(session, "letter:1999:ack")
        assert not key_used(session, "letter:7:ack")
        assert seen == []

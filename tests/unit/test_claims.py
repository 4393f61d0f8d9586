"""`claim_due`: of several instances exactly one runs each due row (outbox, deadlines)."""

from __future__ import annotations

from sqlalchemy import event, select, update

from bot.outbox import OutgoingLetter, queue
from bot.store.claims import claim_due
from bot.store.models import OutboxMessage
from replies.render import RenderedReply


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

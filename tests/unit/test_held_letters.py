"""Issue 6: a letter imported with its replies held is held before anything is written.

Its decision sets no reminder timer and marks its case, and every reply and HQ notice it
causes is queued `held` at once: no outbox row is ever written `queued` and then turned
`held`, no reminder timer set and then cancelled. The outcome is the one the letter had when
the rows were rewritten afterwards: its `queued` rows held, the reminder timers it set
cancelled, its case marked `replies_held`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.ingest import Arrival
from bot.results import LetterResult
from bot.rules.hold import REMINDER_TIMERS, REPLIES_HELD
from bot.store.models import Case, Deadline, OutboxMessage
from tests.support.letters import INCOMPLETE_TICKET, bug_ticket, dsn, letter


def _ingest(service, raw: bytes, *, hold: bool) -> LetterResult:
    arrival = Arrival(raw=raw, received_at=service.clock.now(), source="imap:support")
    return service.pipeline.ingest(arrival, hold_replies=hold)


@contextmanager
def _no_rewrite(service, *, cancels: bool = False) -> Iterator[list[str]]:
    """Every INSERT and UPDATE while the block runs; an UPDATE of outbox or timer rows, or
    a `queued` outbox row or a reminder timer written, fails the test. `cancels`: the
    decision itself cancels earlier timers (a clarification answer), as for any letter."""
    written: list[str] = []
    rewrites = ("update outbox",) if cancels else ("update outbox", "update deadlines")

    def seen(conn, cursor, statement: str, parameters: Any, context, executemany) -> None:
        words = " ".join(statement.split()).lower()
        if words.startswith(("insert", "update")):
            written.append(words)
        assert not words.startswith(rewrites), words

    def flushing(session, flush_context, instances) -> None:
        for row in session.new:
            if isinstance(row, OutboxMessage):
                assert row.status != "queued", (row.template, row.status)
            if isinstance(row, Deadline):
                assert row.kind not in REMINDER_TIMERS, row.kind

    event.listen(service.engine, "before_cursor_execute", seen)
    event.listen(service.sessions, "before_flush", flushing)
    try:
        yield written
    finally:
        event.remove(service.sessions, "before_flush", flushing)
        event.remove(service.engine, "before_cursor_execute", seen)


def _outcome(service, number: str | None) -> dict[str, Any]:
    """A case's replies and notices, its timers and its attributes."""
    with service.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id)
        )
        timers = session.scalars(
            select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.id)
        )
        return {
            "outbox": [(r.template, r.to_addr, r.status) for r in rows],
            "timers": [(t.kind, t.due_at, t.status) for t in timers],
            "attrs": dict(case.attrs or {}),
            "state": case.state,
        }


def _rewritten(outcome: dict[str, Any]) -> dict[str, Any]:
    """What the old rewrite made of an answered letter's rows afterwards."""
    return {
        "outbox": [(t, to, "held" if s == "queued" else s) for t, to, s in outcome["outbox"]],
        "timers": [
            (kind, due, "cancelled" if kind in REMINDER_TIMERS else status)
            for kind, due, status in outcome["timers"]
        ],
        "attrs": {**outcome["attrs"], REPLIES_HELD: True},
        "state": outcome["state"],
    }


def _dropped_cancelled_reminders(outcome: dict[str, Any]) -> dict[str, Any]:
    """Reminders cancelled afterwards were never set: compared without them."""
    kept = [t for t in outcome["timers"] if not (t[0] in REMINDER_TIMERS and t[2] == "cancelled")]
    return {**outcome, "timers": kept}


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(lambda: letter(body=INCOMPLETE_TICKET), id="clarification-and-reminder"),
        pytest.param(lambda: bug_ticket("Срочный"), id="urgent-ticket-alerts-hq"),
    ],
)
def test_issue6_a_held_letter_writes_nothing_queued_and_no_reminder(service, raw) -> None:
    answered = _ingest(service, raw(), hold=False)
    assert any(r["status"] == "queued" for r in answered.replies)
    with _no_rewrite(service) as written:
        held = _ingest(service, raw(), hold=True)
    assert any(w.startswith("insert into outbox") for w in written)
    assert held.replies and {r["status"] for r in held.replies} <= {"held", "digest"}
    assert [r["template"] for r in held.replies] == [r["template"] for r in answered.replies]
    expected = _dropped_cancelled_reminders(_rewritten(_outcome(service, answered.case)))
    assert _outcome(service, held.case) == expected


def test_issue6_a_held_clarification_answer_sets_no_reminder(service) -> None:
    """A held follow-up on an existing case: the earlier reminder is cancelled by the
    decision as before, no new one is set, the reply is held."""
    first = _ingest(service, letter(body=INCOMPLETE_TICKET), hold=False)
    before = _outcome(service, first.case)
    assert any(kind in REMINDER_TIMERS and s == "pending" for kind, _, s in before["timers"])
    answer = letter(subject=f"Re: [{first.case}] Вопрос", body=INCOMPLETE_TICKET + "\nЕщё раз.")
    with _no_rewrite(service, cancels=True):
        held = _ingest(service, answer, hold=True)
    assert held.case == first.case and [r["status"] for r in held.replies] == ["held"]
    after = _outcome(service, first.case)
    reminders = [t for t in after["timers"] if t[0] in REMINDER_TIMERS]
    assert not [t for t in reminders if t[2] == "pending"]
    assert after["attrs"][REPLIES_HELD] is True


def test_issue6_a_held_bounce_tells_hq_in_a_held_notice(service) -> None:
    first = _ingest(service, letter(body=INCOMPLETE_TICKET), hold=False)
    with _no_rewrite(service):
        bounced = _ingest(service, dsn(first.replies[0]["message_id"]), hold=True)
    assert bounced.status == "ignored" and bounced.case == first.case
    assert [(r["template"], r["status"]) for r in bounced.replies] == [("hq_bounce", "held")]
    assert _outcome(service, first.case)["attrs"][REPLIES_HELD] is True


def test_issue6_a_held_letter_over_the_hourly_cap_holds_hq_s_notice_too(service) -> None:
    limit = service.settings.mail.max_auto_replies_per_sender_per_hour
    for _ in range(limit):
        _ingest(service, letter(body=INCOMPLETE_TICKET), hold=False)
    with _no_rewrite(service):
        last = _ingest(service, letter(body=INCOMPLETE_TICKET), hold=True)
    assert [(r["kind"], r["status"]) for r in last.replies] == [
        ("clarification", "held"),
        ("notice", "held"),
    ]
    assert last.replies[1]["template"] == "hq_held_replies"

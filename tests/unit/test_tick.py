"""Deadlines as rows, run by tick(now) with a simulated clock (R-SLA-1, R-TKT-15, R-CAL-11)."""

from __future__ import annotations

from sqlalchemy import select

from bot.store.models import Deadline
from tests.conftest import deliver
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, letter


def test_r_tkt_15_reminder_when_the_window_ends_without_answer(service, frozen_clock) -> None:
    first = deliver(service, letter(message_id="<r1@partner.ru>", body=INCOMPLETE_TICKET))
    assert service.ticker.tick(frozen_clock.advance(hours=71, minutes=59)).replies == []
    result = service.ticker.tick(frozen_clock.advance(minutes=1))  # exactly 72 h later
    [reminder] = result.replies
    assert reminder["kind"] == "reminder"
    assert reminder["subject"].startswith(f"[{first.case}]")
    assert "Юридическое лицо" in reminder["text"]
    # The reminder is threaded under our clarification and marked auto-generated.
    with service.sessions() as session:
        from bot.store.models import OutboxMessage

        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.reply_kind == "reminder")
        ).one()
        assert f"In-Reply-To: {first.replies[0]['message_id']}".encode() in row.raw
        assert b"Auto-Submitted: auto-generated" in row.raw


def test_r_cal_11_tick_runs_each_deadline_once(service, frozen_clock) -> None:
    deliver(service, letter(body=INCOMPLETE_TICKET))
    frozen_clock.advance(days=5)  # downtime: the deadline fell due meanwhile
    assert len(service.ticker.tick().replies) == 1
    assert service.ticker.tick().replies == []


def test_no_reminder_once_the_answer_completed_the_case(service, frozen_clock) -> None:
    first = deliver(service, letter(body=INCOMPLETE_TICKET))
    frozen_clock.advance(hours=1)
    deliver(service, letter(body=COMPLETE_TICKET, in_reply_to=first.replies[0]["message_id"]))
    replies = service.ticker.tick(frozen_clock.advance(days=4)).replies
    # Nothing to the partner; HQ may hear that the resolution deadline is at risk (R-SLA-7).
    assert [r for r in replies if r["to"] == "ivan@partner.ru"] == []


def test_two_instances_claim_a_deadline_once(service, frozen_clock) -> None:
    from bot.schedule.ticker import Ticker

    deliver(service, letter(body=INCOMPLETE_TICKET))
    other = Ticker(service.sessions, service.applier, service.rules, frozen_clock, worker="other")
    frozen_clock.advance(days=4)  # past the window end, before the 10-WD timeout
    total = service.ticker.tick().replies + other.tick().replies
    assert len(total) == 1
    with service.sessions() as session:
        statuses = dict(session.execute(select(Deadline.kind, Deadline.status)).all())
    assert statuses == {"tkt_w_end": "done", "tkt_info_timeout": "pending"}


def test_regression_sqlite_kept_local_wall_clock_of_aware_timers(service) -> None:
    """A timer due at 09:00 GMT+5 was stored as '09:00' and read back as 09:00 UTC."""
    from datetime import datetime, timedelta, timezone

    from bot.store.models import Case

    due = datetime(2026, 4, 17, 9, 0, tzinfo=timezone(timedelta(hours=5)))
    with service.sessions.begin() as session:
        case = Case(
            kind="ticket",
            state="open",
            mailbox="support",
            requester="a@b.ru",
            created_at=due,
            updated_at=due,
        )
        session.add(case)
        session.flush()
        session.add(
            Deadline(case_id=case.id, kind="x", rule_id="R-CAL-1", due_at=due, created_at=due)
        )
    with service.sessions() as session:
        stored = session.scalars(select(Deadline.due_at)).one()
    assert stored == due and stored.utcoffset() == timedelta(0)

"""Alerts that do not flood (R-HQ-8, R-SLA-7): a tick's alerts go out as one letter per role,
and one alert of a kind is not repeated for one case within the digest period."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.rules.decide import Decision, HqAlert
from bot.store.models import Case, OutboxMessage
from tests.conftest import deliver
from tests.integration.test_service_desk import at
from tests.support.letters import bug_ticket

# What must never reach HQ: state codes, rule and decision ids, commands without --as.
CODES = re.compile(r"\b(in_review|needs_info|awaiting_\w+|R-[A-Z]+-\d+|D-\d+)\b")


def test_r_hq_8_a_tick_of_80_alerts_sends_one_letter_per_role(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    cases = [deliver(service, bug_ticket("Высокий")).case for _ in range(40)]
    # Past the breach of every ticket: at risk and breached fire in this one tick (R-SLA-7).
    at(frozen_clock, 2026, 3, 6, 10, 0)
    result = service.ticker.tick()
    assert result.done == 80
    letters = [r for r in result.replies if r["status"] == "queued"]
    assert len(letters) == 1, [r["subject"] for r in letters]
    [batch] = letters
    assert batch["template"] == "hq_alert_batch" and "80" in batch["subject"]
    assert all(number in batch["text"] for number in cases)
    assert "НАРУШЕН" in batch["text"] and "под угрозой" in batch["text"]
    assert not CODES.search(batch["text"]), CODES.search(batch["text"])
    with service.sessions() as session:
        statuses = session.scalars(
            select(OutboxMessage.status).where(OutboxMessage.template == "hq_alert_deadline")
        ).all()
    # Every alert is kept for the record, none is sent on its own.
    assert sorted(set(statuses)) == ["merged"] and len(statuses) == 80
    # The next tick has nothing left to merge: the letter is not written twice.
    assert service.ticker.tick().replies == []


def test_r_hq_8_suggested_commands_are_complete(service, frozen_clock) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    number = deliver(service, bug_ticket("Высокий")).case
    at(frozen_clock, 2026, 3, 4, 16, 0)
    [risk] = service.ticker.tick().replies
    staff = service.settings.hq.staff[0]
    assert f"partnerdesk case {number} resolve --as {staff} --text" in risk["text"]
    assert not CODES.search(risk["text"]), CODES.search(risk["text"])


def _alert(service, case_id: int, key: str) -> list[dict]:
    decision = Decision(
        state="open",
        event="test",
        hq_alerts=(HqAlert("service_desk", "hq_alert_deadline", {"alert": "breached"}, key),),
    )
    with service.sessions.begin() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return service.letters.hq.alerts(session, case, decision, "action:test")


def test_r_hq_8_same_alert_same_case_not_repeated_within_the_digest_period(
    service, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    number = deliver(service, bug_ticket("Высокий")).case
    with service.sessions() as session:
        case_id = session.scalar(select(Case.id).where(Case.number == number))
    assert case_id is not None
    # A recomputed deadline (R-SLA-9) makes a new timer and so a new key: still one alert.
    assert len(_alert(service, case_id, "2026-03-05T05:00:00+00:00")) == 1
    frozen_clock.set(frozen_clock.now() + timedelta(hours=3))
    assert _alert(service, case_id, "2026-03-06T05:00:00+00:00") == []
    frozen_clock.set(frozen_clock.now() + timedelta(days=1))
    assert len(_alert(service, case_id, "2026-03-07T05:00:00+00:00")) == 1


def test_r_hq_8_batched_alerts_of_a_stopped_tick_are_merged_by_the_next(
    service, frozen_clock
) -> None:
    at(frozen_clock, 2026, 3, 2, 10, 0)
    deliver(service, bug_ticket("Высокий"))
    with service.sessions.begin() as session:
        case = session.scalars(select(Case)).one()
        decision = Decision(
            state="open",
            event="test",
            hq_alerts=(HqAlert("service_desk", "hq_alert_deadline", {"alert": "at_risk"}),),
        )
        [row] = service.letters.hq.alerts(session, case, decision, "deadline:999")
    assert row["status"] == "batched"  # as a tick killed before its merge leaves it
    at(frozen_clock, 2026, 3, 2, 10, 1)
    [sent] = service.ticker.tick().replies
    assert (sent["template"], sent["status"]) == ("hq_alert_deadline", "queued")

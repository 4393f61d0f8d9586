"""A structured log line per letter, per timer run and per delivery attempt (issue 21 item 3),
as text or as JSON lines; addresses may be logged, secrets never."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from bot.desk.event_log import FIELDS, JsonFormatter
from bot.settings import Settings
from tests.conftest import deliver
from tests.integration.test_service_desk import at
from tests.support.letters import bug_ticket


def _events(caplog: pytest.LogCaptureFixture, event: str) -> list[dict]:
    return [
        getattr(record, FIELDS)
        for record in caplog.records
        if record.name == "partnerdesk.events" and getattr(record, FIELDS)["event"] == event
    ]


def test_one_line_per_letter_timer_and_delivery(service, frozen_clock, caplog) -> None:
    caplog.set_level(logging.INFO, logger="partnerdesk.events")
    at(frozen_clock, 2026, 3, 2, 10, 0)
    number = deliver(service, bug_ticket("Высокий")).case
    [line] = _events(caplog, "letter")
    assert line["case"] == number and line["kind"] == "ticket" and line["status"] == "processed"
    assert line["size"] > 0 and line["mailbox"] and line["sender"]
    assert line["queued"] == 1 and line["held"] == 0 and line["ms"] >= 0
    asyncio.run(service.sender.deliver_due())
    [sent] = _events(caplog, "delivery")
    assert sent["outcome"] == "sent" and sent["to"] == line["sender"]
    at(frozen_clock, 2026, 3, 4, 16, 0)
    service.ticker.tick()
    [timer] = _events(caplog, "timer")
    assert timer["outcome"] == "done" and timer["replies"] == 1  # its at-risk alert
    # The text line carries the same fields, key=value.
    text = next(r.getMessage() for r in caplog.records if r.name == "partnerdesk.events")
    assert text.startswith("letter ") and f"case={number}" in text


def test_json_lines_carry_only_the_chosen_fields(service, frozen_clock, caplog) -> None:
    caplog.set_level(logging.INFO, logger="partnerdesk.events")
    at(frozen_clock, 2026, 3, 2, 10, 0)
    deliver(service, bug_ticket("Высокий"))
    record = next(r for r in caplog.records if r.name == "partnerdesk.events")
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "letter" and line["level"] == "INFO" and "time" in line
    # Only the fields chosen in bot/desk/event_log.py: no header, setting or secret.
    allowed = {"time", "level", "logger", "event", "letter", "size", "mailbox", "sender"}
    allowed |= {"kind", "case", "state", "status", "queued", "held", "ms"}
    assert set(line) <= allowed, set(line) - allowed


def test_logging_json_setting_is_read() -> None:
    assert Settings.model_validate({"logging": {"json": True}}).logging.as_json is True
    assert Settings().logging.as_json is False

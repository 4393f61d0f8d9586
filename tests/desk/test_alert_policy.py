"""Which alerts HQ gets at once and which wait (R-HQ-8, R-CAL-13): an event the spec does not
list is left to the next digest; a listed one outside working time waits for the send slot
unless its type is in hq.alerts_24x7."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from bot.app import build
from bot.clock import FrozenClock, as_utc
from bot.desk.alert_policy import ALERT_TYPES, DIGEST, IMMEDIATE, LISTED, alert_type
from bot.rules.decide import Decision, HqAlert
from bot.settings import HqSettings, Settings
from bot.store.models import Case, OutboxMessage
from tests.conftest import deliver, register_partner
from tests.desk.test_digest import ROLES
from tests.integration.test_service_desk import GMT5
from tests.support.letters import COMPLETE_TICKET, bug_ticket, letter


@pytest.fixture
def desk(settings: Settings):
    roles = settings.hq.model_copy(update={"roles": ROLES})
    clock = FrozenClock(datetime(2026, 3, 6, 15, 0, tzinfo=GMT5))  # Fri 06.03.2026 15:00
    service = build(settings.model_copy(update={"hq": roles}), clock=clock)
    register_partner(service)
    yield service, clock
    service.engine.dispose()


def _raise(service, number: str, template: str, sort: str = "", **context) -> list[dict]:
    alert = HqAlert("service_desk", template, {"alert": sort} if sort else context, key="k")
    with service.sessions.begin() as session:
        case = session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        decision = Decision(state=case.state, event="test", hq_alerts=(alert,))
        return service.letters.hq.alerts(session, case, decision, "letter:1")


def _rows(service, template: str) -> list[OutboxMessage]:
    with service.sessions() as session:
        return list(
            session.scalars(select(OutboxMessage).where(OutboxMessage.template == template))
        )


def test_r_hq_8_every_immediate_alert_names_its_rule_and_a_type() -> None:
    for (template, _), (kind, rule) in IMMEDIATE.items():
        assert template.startswith(("hq_", "inq_")) and kind in ALERT_TYPES and rule
    # A rule's own alert the spec does not list has no type: it goes to the digest.
    assert alert_type("hq_alert_pin_review") is None
    assert alert_type("hq_license_alert", "payment_order") is None
    assert alert_type("hq_alert_extension", "requested") is None
    assert alert_type("hq_alert_extension", "expiry_near") == "extension_expiry"


def test_r_cal_13_alerts_24x7_rejects_an_unknown_type_and_names_the_known_ones() -> None:
    with pytest.raises(ValidationError) as error:
        HqSettings(alerts_24x7=["urgent_ticket", "sla_breach"])
    assert "sla_breach" in str(error.value) and "sla_deadline" in str(error.value)
    assert HqSettings().alerts_24x7 == ["urgent_ticket"]


def test_r_hq_8_an_unlisted_event_waits_for_the_digest_and_is_listed_there(desk) -> None:
    service, clock = desk
    number = deliver(service, letter(body=COMPLETE_TICKET)).case
    # Reported with its status, as every reply is in `tick --json`, and not to be sent.
    [held] = _raise(service, number, "hq_alert_pin_review", reason="manual_mode")
    assert held["status"] == DIGEST and "send_at" not in held
    [row] = _rows(service, "hq_alert_pin_review")
    assert row.status == DIGEST and row.to_addr == "sd@technocom.tech"
    # The sender never takes it, however long it waits.
    clock.set(clock.now() + timedelta(days=1))
    asyncio.run(service.sender.deliver_due())
    [row] = _rows(service, "hq_alert_pin_review")
    assert row.status == DIGEST
    # Tuesday 08:30 (Monday 09.03 is the day off for 8 March): the owner's digest and the
    # admin's list it under the case.
    clock.set(datetime(2026, 3, 10, 8, 31, tzinfo=GMT5))
    digests = {d["to"]: d["text"] for d in service.ticker.tick().digests}
    for address in ("sd@technocom.tech", "admin@technocom.tech"):
        text = digests[address]
        assert "Требуют действия" in text and number in text
        assert "Запрос на закрепление ждет решения" in text, text
    assert _rows(service, "hq_alert_pin_review")[0].status == LISTED
    # A day later it is not listed again: it belonged to that digest.
    clock.set(datetime(2026, 3, 11, 8, 31, tzinfo=GMT5))
    again = {d["to"]: d["text"] for d in service.ticker.tick().digests}
    assert "Запрос на закрепление ждет решения" not in again.get("sd@technocom.tech", "")


def test_r_hq_7_a_flag_is_read_in_the_digest_not_sent_as_a_letter(desk) -> None:
    service, clock = desk
    a = deliver(service, letter(subject="Первый", body=COMPLETE_TICKET)).case
    b = deliver(service, letter(subject="Второй", body=COMPLETE_TICKET)).case
    deliver(service, letter(subject=f"[{a}] и [{b}]", body="Дополняю"))
    [flag] = _rows(service, "hq_flag")
    assert flag.status == DIGEST
    clock.set(datetime(2026, 3, 10, 8, 31, tzinfo=GMT5))
    admin = next(d for d in service.ticker.tick().digests if d["to"] == "admin@technocom.tech")
    flags = admin["text"].split("Отметки", 1)[1]
    assert a in flags and "несколько номеров" in flags, admin["text"]


def test_r_cal_13_a_listed_alert_at_night_waits_for_the_next_working_slot(desk) -> None:
    service, clock = desk
    number = deliver(service, bug_ticket("Высокий")).case
    clock.set(datetime(2026, 3, 7, 23, 0, tzinfo=GMT5))  # Saturday night
    [breach] = _raise(service, number, "hq_alert_deadline", "breached")
    # Monday 09.03 is the day off for 8 March: Tuesday's slot.
    tuesday = datetime(2026, 3, 10, 9, 0, tzinfo=GMT5)
    assert datetime.fromisoformat(breach["send_at"]) == tuesday
    [row] = _rows(service, "hq_alert_deadline")
    assert row.status == "queued" and as_utc(row.next_attempt_at) == tuesday
    asyncio.run(service.sender.deliver_due())
    assert _rows(service, "hq_alert_deadline")[0].status == "queued"  # not on Saturday
    clock.set(tuesday + timedelta(minutes=1))
    asyncio.run(service.sender.deliver_due())
    assert _rows(service, "hq_alert_deadline")[0].status == "sent"


def test_r_cal_13_an_urgent_ticket_alert_leaves_at_once_even_at_night(desk) -> None:
    service, clock = desk
    number = deliver(service, bug_ticket("Высокий")).case
    clock.set(datetime(2026, 3, 7, 23, 0, tzinfo=GMT5))
    [urgent] = _raise(service, number, "hq_alert_urgent", deadline_at=clock.now())
    assert "send_at" not in urgent
    asyncio.run(service.sender.deliver_due())
    assert _rows(service, "hq_alert_urgent")[0].status == "sent"


def test_r_cal_13_a_type_listed_in_alerts_24x7_leaves_at_once(settings: Settings) -> None:
    hq = settings.hq.model_copy(
        update={"roles": ROLES, "alerts_24x7": ["urgent_ticket", "sla_deadline"]}
    )
    clock = FrozenClock(datetime(2026, 3, 6, 15, 0, tzinfo=GMT5))
    service = build(settings.model_copy(update={"hq": hq}), clock=clock)
    register_partner(service)
    number = deliver(service, bug_ticket("Высокий")).case
    clock.set(datetime(2026, 3, 7, 23, 0, tzinfo=GMT5))
    [breach] = _raise(service, number, "hq_alert_deadline", "breached")
    assert "send_at" not in breach
    service.engine.dispose()


def test_r_cal_10_the_send_slot_is_a_setting_for_partners_and_hq(settings: Settings) -> None:
    mail = settings.mail.model_copy(update={"send_slot": time(10, 30)})
    hq = settings.hq.model_copy(update={"roles": ROLES})
    clock = FrozenClock(datetime(2026, 3, 6, 15, 0, tzinfo=GMT5))
    service = build(settings.model_copy(update={"mail": mail, "hq": hq}), clock=clock)
    register_partner(service)
    number = deliver(service, bug_ticket("Высокий")).case
    clock.set(datetime(2026, 3, 7, 23, 0, tzinfo=GMT5))
    [breach] = _raise(service, number, "hq_alert_deadline", "breached")
    slot = datetime(2026, 3, 10, 10, 30, tzinfo=GMT5)
    assert datetime.fromisoformat(breach["send_at"]) == slot
    # The partners' scheduler letters follow the same setting (R-CAL-10).
    assert service.rules.send_slot == time(10, 30)
    service.engine.dispose()


def test_r_hq_7_a_partners_new_letter_in_an_open_case_is_news_for_its_owner(desk) -> None:
    service, clock = desk
    number = deliver(service, letter(subject="Ошибка экспорта", body=COMPLETE_TICKET)).case
    clock.set(datetime(2026, 3, 10, 8, 31, tzinfo=GMT5))
    first = {d["to"]: d["text"] for d in service.ticker.tick().digests}
    assert "новое письмо партнера" not in first.get("sd@technocom.tech", "")
    clock.set(datetime(2026, 3, 10, 12, 0, tzinfo=GMT5))
    deliver(
        service, letter(subject=f"[{number}] Ошибка экспорта", body="А еще не работает печать.")
    )
    clock.set(datetime(2026, 3, 11, 8, 31, tzinfo=GMT5))
    text = {d["to"]: d["text"] for d in service.ticker.tick().digests}["sd@technocom.tech"]
    action = text.split("Требуют действия", 1)[1].split("Сроки", 1)[0]
    assert number in action and "новое письмо партнера" in action, text

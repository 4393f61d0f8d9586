"""Issue 24: who a letter goes to (R-NTF-3) and when a scheduler letter leaves (R-CAL-10,
R-CAL-11), through the real pipeline and tick on a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.rules.recipients import copied, scheduler_copy
from bot.rules.send_slots import next_send_slot, send_moment
from bot.store.models import OutboxMessage
from bot.workcal import WorkCalendar
from tests.conftest import PARTNER, deliver, register_partner
from tests.integration.test_pins import OTHER, in_thread, pin_request, send
from tests.integration.test_service_desk import at, partner_replies, show
from tests.support.letters import COMPLETE_TICKET, letter

OURS = frozenset({"support@technocom.tech", "mail@technocom.tech", "hq@technocom.tech"})


def test_r_ntf_3_colleague_of_the_same_partner_is_copied_another_partners_never(service):
    register_partner(service, OTHER)
    raw = letter(
        body=COMPLETE_TICKET,
        headers={
            "Cc": "Пётр <petr@partner.ru>, anna@other.ru, boss@client.ru, hq@technocom.tech",
        },
    )
    [reply] = partner_replies(deliver(service, raw))
    # The colleague is copied; the other partner, the stranger and HQ are not (R-NTF-9).
    assert (reply["to"], reply["cc"]) == ("ivan@partner.ru", ["petr@partner.ru"])


def test_r_ntf_3_copied_is_pure_and_keeps_only_the_partners_own_addresses():
    mine = frozenset({"ivan@partner.ru", "petr@partner.ru"})
    got = copied(
        "ivan@partner.ru",
        ["support@technocom.tech, PETR@partner.ru", "anna@other.ru, ivan@partner.ru", None],
        ours=OURS,
        partner_addresses=mine,
    )
    assert got == ("petr@partner.ru",)
    assert scheduler_copy("ivan@partner.ru", "Office@Partner.ru", ours=OURS) == (
        "office@partner.ru",
    )
    assert scheduler_copy("ivan@partner.ru", "ivan@partner.ru", ours=OURS) == ()


def test_r_cal_10_send_slot_is_monday_nine_for_a_saturday_or_a_night():
    cal = WorkCalendar.default()
    # 2026-04-18 is a Saturday: 09:00 GMT+5 is 04:00 UTC.
    saturday = datetime(2026, 4, 18, 4, 0, tzinfo=UTC)
    assert next_send_slot(saturday, cal) == datetime(2026, 4, 20, 4, 0, tzinfo=UTC)
    assert send_moment(saturday, cal) == datetime(2026, 4, 20, 4, 0, tzinfo=UTC)
    # A working Tuesday: 23:30 local waits for Wednesday 09:00; 11:00 local leaves at once.
    night = datetime(2026, 4, 21, 18, 30, tzinfo=UTC)
    assert send_moment(night, cal) == datetime(2026, 4, 22, 4, 0, tzinfo=UTC)
    day = datetime(2026, 4, 21, 6, 0, tzinfo=UTC)
    assert send_moment(day, cal) == day


def test_r_cal_10_r_ntf_3_saturday_reminder_goes_out_monday_nine_also_to_official(
    service, frozen_clock
):
    register_partner(service, {**PARTNER, "official_email": "office@partner.ru"})
    # Pre-pinned 03.03 → expires 02.05 end of day; the «14 days» reminder falls on Sat 18.04.
    at(frozen_clock, 2026, 3, 3, 10, 0)
    case = send(service, pin_request()).case
    assert show(service, case)["state"] == "pre_pinned"
    at(frozen_clock, 2026, 4, 18, 9, 0)
    [remind] = [r for r in service.ticker.tick().replies if r["template"] == "pin_remind"]
    monday = datetime(2026, 4, 20, 4, 0, tzinfo=UTC)
    assert datetime.fromisoformat(remind["send_at"]) == monday
    assert (remind["to"], remind["cc"]) == ("ivan@partner.ru", ["office@partner.ru"])
    with service.sessions() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.message_id == remind["message_id"])
        ).one()
        assert row.next_attempt_at.replace(tzinfo=UTC) == monday
        assert row.recipients == ["ivan@partner.ru", "office@partner.ru"]


def test_r_cal_11_after_ten_days_down_only_the_expiry_goes_out(service, frozen_clock):
    # Pre-pinned 02.03 → expires 01.05 23:59:59; reminders due 17.04 and 28.04 at 09:00.
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = send(service, pin_request()).case
    at(frozen_clock, 2026, 4, 16, 12, 0)
    assert [r for r in service.ticker.tick().replies if r["to"] == "ivan@partner.ru"] == []
    # Down from 16.04 (…) until 04.05: both reminders and the expiry passed meanwhile.
    at(frozen_clock, 2026, 5, 4, 10, 0)
    letters = [r["template"] for r in service.ticker.tick().replies if r["to"] == "ivan@partner.ru"]
    assert letters == ["pin_expired"]
    assert show(service, case)["state"] == "expired"


def test_r_ntf_3_a_scheduler_letter_goes_to_the_partners_last_correspondent(service, frozen_clock):
    register_partner(service, {**PARTNER, "official_email": "office@partner.ru"})
    at(frozen_clock, 2026, 3, 3, 10, 0)
    case = send(service, pin_request()).case
    # Ivan's colleague takes over the thread: a question about the pin's state.
    at(frozen_clock, 2026, 3, 20, 11, 0)
    in_thread(service, case, "Подскажите, какой статус закрепления?", sender="petr@partner.ru")
    at(frozen_clock, 2026, 4, 18, 9, 0)
    [remind] = [r for r in service.ticker.tick().replies if r["template"] == "pin_remind"]
    assert (remind["to"], remind["cc"]) == ("petr@partner.ru", ["office@partner.ru"])

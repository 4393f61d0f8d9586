"""Every deadline counted in working time follows the calendar data, of every kind (R-CAL-4).

Per kind: a deadline is set, a decree then makes a day inside the counted period a day off,
and after a tick the deadline (the case attribute the digest and `show` read) and its timer
row have both moved by one working day; a calendar-day term and a date HQ set by hand have
not. Dates are 2026 in the primary office's time (GMT+5); 9 March 2026 is a day off.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build
from bot.rules.decide import when
from bot.store.models import Case, CaseEvent, Deadline
from bot.workcal import FileDaysSource, YearData, fallback_year
from bot.workcal.data import dump_year_file, year_file_name
from tests.conftest import PARTNER, deliver, register_partner
from tests.integration.test_pins import CONTACTS, in_thread, pin_request, send
from tests.integration.test_service_desk import act, at
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, letter

LETTERS = Path(__file__).resolve().parents[1] / "letters"
GEO = {
    "name": "ООО «ГеоПартнер»",
    "inn": "7700000009",
    "role": "authorized",
    "domains": ["geopartner.ru"],
}
GMT5 = timedelta(hours=5)
# The refresh's queries (pending timers of the listed kinds, by case) on both dialects.
pytestmark = pytest.mark.both_databases


def local(*args: int) -> datetime:
    """An instant given in the primary office's time (GMT+5), as UTC."""
    return datetime(*args, tzinfo=UTC) - GMT5


@pytest.fixture
def folder(service, tmp_path: Path) -> Path:
    """A configured data folder, empty at first: the packaged years apply (R-CAL-4)."""
    path = tmp_path / "calendar"
    path.mkdir()
    service.calendar.days_source = FileDaysSource(path)
    service.calendar.reload()
    return path


def decree(service, folder: Path, *days_off: date) -> None:
    """A 2026 file in the data folder: the packaged year plus `days_off`."""
    year = service.calendar.year_data(2026)
    data = YearData(
        2026,
        year.holidays | set(days_off),
        year.working_weekends,
        year.short_days - set(days_off),
    )
    (folder / year_file_name(2026)).write_text(dump_year_file(data), encoding="utf-8")


def timers(service, number: str) -> tuple[dict, dict[str, list[datetime]]]:
    """The case's attributes and its pending timers by kind."""
    with service.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == number))
        rows = session.scalars(
            select(Deadline)
            .where(Deadline.case_id == case.id, Deadline.status == "pending")
            .order_by(Deadline.due_at)
        )
        pending: dict[str, list[datetime]] = {}
        for row in rows:
            due = row.due_at if row.due_at.tzinfo else row.due_at.replace(tzinfo=UTC)
            pending.setdefault(row.kind, []).append(due)
        return dict(case.attrs), pending


def recomputed(service, number: str) -> list[dict]:
    with service.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == number))
        events = session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.event == "deadline-recomputed")
            .order_by(CaseEvent.id)
        )
        return [event.details for event in events]


def moved(service, number: str, attr: str | None, kind: str, before: datetime, after: datetime):
    """The attribute (when the kind shows one) and the one pending timer are at `after`,
    one working day past `before` under the new data."""
    attrs, pending = timers(service, number)
    assert pending[kind] == [after]
    if attr is not None:
        assert when(attrs, attr) == after
    assert service.calendar.add_working_days(before, 1) == after


def unchanged(service) -> None:
    """The first tick reconciles, and the tables reproduce what the rules computed."""
    assert service.ticker.tick().recomputed == 0


def test_r_cal_4_ticket_clarification_timeout_and_autoclose_move_window_w_does_not(
    service, frozen_clock, folder
) -> None:
    """R-TKT-15 (10 WD after the request) and R-TKT-10 (5 WD after the answer) move; the
    window W is 72 clock hours (R-SLA-1, D-4) and stays."""
    at(frozen_clock, 2026, 3, 2, 10, 0)
    asked = deliver(service, letter(subject="Не работает", body=INCOMPLETE_TICKET)).case
    answered = deliver(service, letter(subject="Консультация", body=COMPLETE_TICKET)).case
    act(service, answered, "resolve", text="Переустановите модуль.")
    attrs, before = timers(service, asked)
    assert when(attrs, "timeout_at") == local(2026, 3, 17, 10, 0)
    assert before["tkt_w_end"] == [local(2026, 3, 5, 10, 0)]
    assert timers(service, answered)[1]["tkt_autoclose"] == [local(2026, 3, 10, 10, 0)]
    unchanged(service)

    decree(service, folder, date(2026, 3, 4))
    assert service.ticker.tick().recomputed == 2
    moved(
        service,
        asked,
        "timeout_at",
        "tkt_info_timeout",
        local(2026, 3, 17, 10, 0),
        local(2026, 3, 18, 10, 0),
    )
    assert timers(service, asked)[1]["tkt_w_end"] == [local(2026, 3, 5, 10, 0)]
    moved(
        service,
        answered,
        "autoclose_at",
        "tkt_autoclose",
        local(2026, 3, 10, 10, 0),
        local(2026, 3, 11, 10, 0),
    )
    [event] = recomputed(service, answered)
    assert event["rule"] == "R-CAL-4" and event["rules"] == ["R-TKT-10"]
    assert event["old"] == {"autoclose_at": local(2026, 3, 10, 10, 0).isoformat()}


def test_r_cal_4_first_response_in_working_hours_moves(
    settings, frozen_clock, tmp_path: Path
) -> None:
    """R-SLA-12, R-CAL-14: a support tier's first answer 16 working hours after receipt."""
    policy = tmp_path / "policy.toml"
    policy.write_text('[[support_tiers]]\nname = "paid"\nfirst_response_wh = 16\n')
    service = build(settings.model_copy(update={"policy_file": policy}), clock=frozen_clock)
    register_partner(service, {**PARTNER, "support_tier": "paid"})
    folder = tmp_path / "calendar"
    folder.mkdir()
    service.calendar.days_source = FileDaysSource(folder)
    service.calendar.reload()
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = deliver(service, letter(subject="Консультация", body=COMPLETE_TICKET)).case
    # Mon 10:00 + 7.5 h + Tue 8.5 h = 16 working hours.
    assert when(timers(service, case)[0], "first_response_due_at") == local(2026, 3, 3, 17, 0)
    unchanged(service)
    decree(service, folder, date(2026, 3, 3))
    service.ticker.tick()
    attrs, pending = timers(service, case)
    assert when(attrs, "first_response_due_at") == local(2026, 3, 4, 17, 0)
    assert pending["first_response"] == [local(2026, 3, 4, 17, 0)]
    service.engine.dispose()


def license_request(service, copy: str = "") -> str:
    """The stored license request from GEO, a new letter for each `copy`."""
    raw = (LETTERS / "26_license_form_in_body_scan.eml").read_bytes()
    return deliver(service, raw.replace(b"Message-ID: <", f"Message-ID: <{copy}".encode())).case


def scans_received(service, case: str) -> None:
    """R-LIC-6: the signed scans in the case's thread."""
    scans = letter(
        sender="petrov@geopartner.ru",
        to="mail@technocom.tech",
        subject=f"Re: [{case}] Запрос лицензий",
        body="Направляем сканы подписанного лицензионного соглашения.",
        attachments=[("LA.pdf", b"%PDF-1.4\n%stub\n", "application/pdf")],
    )
    assert deliver(service, scans).state == "awaiting_payment"


def test_r_cal_4_license_hq_review_its_warning_and_the_scans_term_move(
    service, frozen_clock, folder
) -> None:
    """R-LIC-4: hq_due_at (5 WD) and the warning 1 WD before it; R-LIC-5: the partner's 5 WD
    for the scans, from the letter with the draft agreement."""
    register_partner(service, GEO)
    at(frozen_clock, 2026, 3, 2, 10, 0)
    review = license_request(service)
    docs = license_request(service, "copy.")
    act(service, docs, "send_license_docs", draft_agreement="Проект.docx", invoice="Счет.pdf")
    attrs, before = timers(service, review)
    assert when(attrs, "hq_due_at") == local(2026, 3, 10, 10, 0)
    assert before["lic_hq_warn"] == [local(2026, 3, 6, 10, 0)]
    assert when(timers(service, docs)[0], "scans_due_at") == local(2026, 3, 10, 10, 0)
    unchanged(service)

    decree(service, folder, date(2026, 3, 4))
    service.ticker.tick()
    moved(
        service,
        review,
        "hq_due_at",
        "lic_hq_due",
        local(2026, 3, 10, 10, 0),
        local(2026, 3, 11, 10, 0),
    )
    # 9 March is off: one working day after 6 March is 10 March.
    moved(service, review, None, "lic_hq_warn", local(2026, 3, 6, 10, 0), local(2026, 3, 10, 10, 0))
    moved(
        service,
        docs,
        "scans_due_at",
        "lic_scans_due",
        local(2026, 3, 10, 10, 0),
        local(2026, 3, 11, 10, 0),
    )
    [event] = recomputed(service, review)
    assert event["rules"] == ["R-LIC-4"] and set(event["new"]) == {"hq_due_at", "lic_hq_warn"}


def test_r_cal_4_license_payment_term_moves_a_date_hq_set_does_not(
    service, frozen_clock, folder
) -> None:
    """R-LIC-6: payment_due_at = scans receipt + 5 WD, or + the working days HQ set for the
    agreement; a date HQ set by hand stays."""
    register_partner(service, GEO)
    at(frozen_clock, 2026, 3, 2, 10, 0)
    cases = [license_request(service, f"copy{i}.") for i in range(3)]
    for case in cases:
        act(service, case, "send_license_docs", draft_agreement="Проект.docx", invoice="Счет.pdf")
    at(frozen_clock, 2026, 3, 3, 9, 0)
    for case in cases:
        scans_received(service, case)
    standard, days, fixed = cases
    act(service, days, "set_payment_term", days="7")
    act(service, fixed, "set_payment_term", date="2026-03-20")
    assert when(timers(service, standard)[0], "payment_due_at") == local(2026, 3, 11, 9, 0)
    assert when(timers(service, days)[0], "payment_due_at") == local(2026, 3, 13, 9, 0)
    fixed_attrs, fixed_before = timers(service, fixed)
    unchanged(service)

    decree(service, folder, date(2026, 3, 5))
    assert service.ticker.tick().recomputed == 2
    for case, before, after in (
        (standard, local(2026, 3, 11, 9, 0), local(2026, 3, 12, 9, 0)),
        (days, local(2026, 3, 13, 9, 0), local(2026, 3, 16, 9, 0)),
    ):
        moved(service, case, "payment_due_at", "lic_payment_due", before, after)
    attrs_after, after = timers(service, fixed)
    assert after["lic_payment_due"] == fixed_before["lic_payment_due"]
    assert attrs_after["payment_due_at"] == fixed_attrs["payment_due_at"]
    assert recomputed(service, fixed) == []


def test_r_cal_4_resource_review_moves(service, frozen_clock, folder) -> None:
    """R-RES-3: review_due_at = completion + 3 WD."""
    register_partner(service, GEO)
    at(frozen_clock, 2026, 3, 2, 10, 0)
    case = deliver(service, (LETTERS / "56_resource_complete.eml").read_bytes()).case
    assert when(timers(service, case)[0], "review_due_at") == local(2026, 3, 5, 10, 0)
    unchanged(service)
    decree(service, folder, date(2026, 3, 3))
    service.ticker.tick()
    moved(
        service,
        case,
        "review_due_at",
        "res_review_due",
        local(2026, 3, 5, 10, 0),
        local(2026, 3, 6, 10, 0),
    )
    assert recomputed(service, case)[0]["rules"] == ["R-RES-3"]


def test_r_cal_4_inquiry_answer_target_and_closing_move(service, frozen_clock, folder) -> None:
    """R-HQ-4: the official answer in 3 WD; §5.5: closed 5 WD after HQ's answer."""
    register_partner(service, GEO)
    at(frozen_clock, 2026, 3, 2, 10, 15)
    open_ = deliver(service, (LETTERS / "62_inquiry_training.eml").read_bytes()).case
    raw = (LETTERS / "62_inquiry_training.eml").read_bytes()
    answered = deliver(service, raw.replace(b"Message-ID: <", b"Message-ID: <copy.")).case
    act(service, answered, "reply", text="Ближайший курс — 20 апреля.")
    assert when(timers(service, open_)[0], "answer_due_at") == local(2026, 3, 5, 10, 15)
    assert when(timers(service, answered)[0], "autoclose_at") == local(2026, 3, 10, 10, 15)
    unchanged(service)
    decree(service, folder, date(2026, 3, 4))
    assert service.ticker.tick().recomputed == 2
    moved(
        service,
        open_,
        "answer_due_at",
        "inq_answer_due",
        local(2026, 3, 5, 10, 15),
        local(2026, 3, 6, 10, 15),
    )
    moved(
        service,
        answered,
        "autoclose_at",
        "inq_autoclose",
        local(2026, 3, 10, 10, 15),
        local(2026, 3, 11, 10, 15),
    )


def test_r_cal_4_pin_timeout_and_extension_alert_move_the_60_day_prepin_does_not(
    service, frozen_clock, folder
) -> None:
    """D-25: the clarification timeout 10 WD; R-PIN-17: HQ's alert 2 WD before expiry with
    an extension pending. R-PIN-7: the pre-pin's 60 calendar days do not move."""
    at(frozen_clock, 2026, 3, 2, 10, 0)
    asked = send(service, pin_request(contacts="Контактное лицо: Смирнов А.П., +7 3452 123456"))
    assert asked.state == "needs_info"
    held = send(service, pin_request(inn="7202000006", contract="77/1-ЛД")).case
    in_thread(
        service, held, "Просим продлить срок предварительного закрепления.", subject="продление"
    )
    attrs, before = timers(service, held)
    expires = when(attrs, "prepin_expires_at")
    assert expires == local(2026, 5, 1, 23, 59, 59) + timedelta(microseconds=999000)
    assert before["pin_extension_alert"] == [local(2026, 4, 29, 9, 0)]  # 30.04, 29.04
    assert when(timers(service, asked.case)[0], "timeout_at") == local(2026, 3, 17, 10, 0)
    unchanged(service)

    decree(service, folder, date(2026, 3, 4), date(2026, 4, 29))
    service.ticker.tick()
    moved(
        service,
        asked.case,
        "timeout_at",
        "pin_clarify_timeout",
        local(2026, 3, 17, 10, 0),
        local(2026, 3, 18, 10, 0),
    )
    attrs_after, after = timers(service, held)
    # Two working days before expiry are now 30.04 and 28.04: the alert comes a day earlier.
    assert after["pin_extension_alert"] == [local(2026, 4, 28, 9, 0)]
    assert when(attrs_after, "prepin_expires_at") == expires  # calendar days (R-PIN-7)
    assert after["pin_expiry"] == before["pin_expiry"]
    assert after["pin_remind"] == before["pin_remind"]
    # Answering completes the request: the timeout is gone, nothing left to move.
    in_thread(service, asked.case, CONTACTS, subject="контакты")
    assert "pin_clarify_timeout" not in timers(service, asked.case)[1]


def test_r_cal_4_a_year_without_data_is_recomputed_when_its_file_arrives(
    service, frozen_clock, tmp_path
) -> None:
    """R-CAL-4: a license reviewed over New Year while 2027 has no data is counted Mon–Fri
    plus art. 112 (HQ told); the 2027 file arriving with 11 January off moves it."""
    register_partner(service, GEO)
    folder = tmp_path / "calendar"
    folder.mkdir()
    service.calendar.days_source = FileDaysSource(folder, packaged=False)
    service.calendar.reload()
    packaged = FileDaysSource().year_data(2026)
    assert packaged is not None
    (folder / year_file_name(2026)).write_text(dump_year_file(packaged), encoding="utf-8")
    at(frozen_clock, 2026, 12, 30, 10, 0)
    case = license_request(service)
    # 31.12 is a day off in 2026's data; 1–8 January by art. 112: 11, 12, 13, 14, 15 January.
    assert when(timers(service, case)[0], "hq_due_at") == local(2027, 1, 15, 10, 0)
    assert 2027 in service.calendar.missing_years()
    alerts = service.ticker.tick().replies
    assert [r["template"] for r in alerts] == ["hq_calendar_missing"]

    arrived = YearData(2027, fallback_year(2027).holidays | {date(2027, 1, 11)})
    (folder / year_file_name(2027)).write_text(dump_year_file(arrived), encoding="utf-8")
    assert service.ticker.tick().recomputed == 1
    moved(
        service,
        case,
        "hq_due_at",
        "lic_hq_due",
        local(2027, 1, 15, 10, 0),
        local(2027, 1, 18, 10, 0),
    )
    assert 2027 not in service.calendar.missing_years()

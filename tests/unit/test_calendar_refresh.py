"""Calendar data that change move open deadlines (R-CAL-4, R-SLA-14; issue 25).

A FrozenClock and a temporary data folder: a changed year file (a new decree) and a year
whose data arrive after the deadline was set (computed Mon–Fri plus art. 112 until then).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.store.models import Case, CaseEvent, Deadline
from bot.workcal import FileDaysSource, YearData, fallback_year
from bot.workcal.data import dump_year_file, year_file_name
from tests.conftest import deliver
from tests.support.letters import COMPLETE_TICKET, letter


def _use_folder(service, folder: Path) -> None:
    service.calendar.days_source = FileDaysSource(folder)
    service.calendar.reload()


def _ticket(service) -> tuple[str, datetime]:
    result = deliver(service, letter(subject="Консультация", body=COMPLETE_TICKET))
    with service.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == result.case))
        return result.case, datetime.fromisoformat(case.attrs["deadline_at"])


def _state(service, number: str) -> tuple[datetime, datetime, list[CaseEvent]]:
    with service.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == number))
        row = session.scalar(
            select(Deadline).where(
                Deadline.case_id == case.id,
                Deadline.kind == "sla_breach",
                Deadline.status == "pending",
            )
        )
        events = list(
            session.scalars(
                select(CaseEvent).where(
                    CaseEvent.case_id == case.id, CaseEvent.event == "deadline-recomputed"
                )
            )
        )
        due = row.due_at if row.due_at.tzinfo else row.due_at.replace(tzinfo=UTC)
        return datetime.fromisoformat(case.attrs["deadline_at"]), due, events


def _write(folder: Path, data: YearData) -> None:
    (folder / year_file_name(data.year)).write_text(dump_year_file(data), encoding="utf-8")


def test_r_cal_4_changed_year_file_moves_open_deadline(service, frozen_clock, tmp_path) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    _use_folder(service, folder)
    frozen_clock.set(datetime(2026, 3, 2, 5, 0, tzinfo=UTC))  # Monday 10:00 GMT+5
    number, before = _ticket(service)
    service.ticker.tick()  # reconciles once; nothing changed
    assert _state(service, number)[0] == before
    # A decree makes the two working days after the letter days off.
    packaged = service.calendar.year_data(2026)
    extra = {date(2026, 3, 3), date(2026, 3, 4)}
    _write(folder, YearData(2026, packaged.holidays | extra, packaged.working_weekends))
    result = service.ticker.tick()
    deadline, due, [event] = _state(service, number)
    assert deadline == due and deadline > before
    assert (deadline - before) >= timedelta(days=2)
    assert event.details["rule"] == "R-CAL-4"
    assert result.as_json()["deadlines_recomputed"] == 1
    assert service.ticker.tick().recomputed == 0  # once per change


def test_r_cal_4_year_data_arriving_later_recompute(service, frozen_clock, tmp_path) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    service.calendar.days_source = FileDaysSource(folder, packaged=False)
    service.calendar.reload()
    # A consultation of late December: its deadline runs into a year without data.
    frozen_clock.set(datetime(2026, 12, 28, 5, 0, tzinfo=UTC))
    _write(folder, fallback_year(2026))
    number, before = _ticket(service)
    assert before.year == 2027
    assert 2027 in service.calendar.missing_years()  # computed Mon–Fri + art. 112, HQ told
    service.ticker.tick()
    assert _state(service, number)[0] == before
    # The 2027 decree arrives: 11 January is declared a day off too.
    fallback = fallback_year(2027)
    _write(folder, YearData(2027, fallback.holidays | {date(2027, 1, 11)}, frozenset()))
    service.ticker.tick()
    deadline, due, [event] = _state(service, number)
    assert deadline == due and deadline > before
    assert event.details["new"]["deadline_at"] == deadline.isoformat()
    assert 2027 not in service.calendar.missing_years()


def test_r_cal_4_keeps_hq_and_paused_deadlines(service, frozen_clock, tmp_path) -> None:
    """R-SLA-10: a date HQ set by hand and R-SLA-11: moments a paused clock moved stay."""
    folder = tmp_path / "calendar"
    folder.mkdir()
    _use_folder(service, folder)
    frozen_clock.set(datetime(2026, 3, 2, 5, 0, tzinfo=UTC))
    kept = [_ticket(service), _ticket(service)]
    with service.sessions.begin() as session:
        extras = ({"deadline_extended_reason": "по договоренности"}, {"sla_paused_wh": 3.5})
        for (number, _), extra in zip(kept, extras, strict=True):
            case = session.scalar(select(Case).where(Case.number == number))
            case.attrs = {**case.attrs, **extra}
    service.ticker.tick()
    packaged = service.calendar.year_data(2026)
    extra_days = {date(2026, 3, 3), date(2026, 3, 4)}
    _write(folder, YearData(2026, packaged.holidays | extra_days, packaged.working_weekends))
    assert service.ticker.tick().recomputed == 0
    assert [_state(service, number)[0] for number, _ in kept] == [due for _, due in kept]

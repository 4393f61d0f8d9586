"""Case ids taken before the INSERT (R-THR-1: never reused, R-THR-2: one sequence)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select

from bot.store.ids import reserve_id
from bot.store.models import Case

NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)

# SQLite's counter is a table, PostgreSQL's a sequence: reserve_id has a branch for each.
pytestmark = pytest.mark.both_databases


def _case(**values) -> Case:
    return Case(**_row(), **values)


def test_r_thr_1_reserved_ids_count_from_one_and_stay_in_step_with_plain_inserts(service):
    with service.sessions.begin() as session:
        first = reserve_id(session, "cases")
        second = reserve_id(session, "cases")
        session.add_all([_case(id=first), _case(id=second)])
        session.flush()
        plain = _case()
        session.add(plain)
        session.flush()
        after = reserve_id(session, "cases")
    assert (first, second, plain.id, after) == (1, 2, 3, 4)


def test_r_thr_1_an_id_is_never_given_twice_even_after_its_case_is_deleted(service):
    with service.sessions.begin() as session:
        top = reserve_id(session, "cases")
        session.add(_case(id=top))
    with service.sessions.begin() as session:
        session.execute(delete(Case))
    with service.sessions.begin() as session:
        assert reserve_id(session, "cases") == top + 1


def test_a_rolled_back_reservation_is_never_given_to_another_case(service):
    """SQLite's counter rolls back with the transaction, so nothing was used; PostgreSQL's
    sequence does not, so the number is skipped (a gap, never a reuse: R-THR-1)."""
    session = service.sessions()
    with session.begin():
        kept = reserve_id(session, "cases")
        session.add(_case(id=kept))
    session.begin()
    lost = reserve_id(session, "cases")
    assert lost == kept + 1
    session.rollback()
    with session.begin():
        after = reserve_id(session, "cases")
        session.add(_case(id=after))
    session.close()
    gap = service.engine.dialect.name == "postgresql"
    assert after == (lost + 1 if gap else lost)
    with service.sessions() as session:
        assert session.scalars(select(Case.id).order_by(Case.id)).all() == [kept, after]


def test_a_case_opened_by_a_letter_is_written_with_its_number(service):
    from tests.conftest import deliver
    from tests.support.letters import COMPLETE_TICKET, letter

    deliver(service, letter(body=COMPLETE_TICKET))
    deliver(service, letter(body=COMPLETE_TICKET))
    with service.sessions() as session:
        rows = session.execute(select(Case.id, Case.number).order_by(Case.id)).all()
    assert [tuple(row) for row in rows] == [(1, "TCM-000001"), (2, "TCM-000002")]


def test_r_thr_1_a_database_from_before_0005_gets_its_counter_back(tmp_path):
    from alembic import command

    from bot.store.db import alembic_config, make_engine, open_database

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0004")  # `cases` without AUTOINCREMENT
    with engine.begin() as connection:
        for _ in range(3):
            connection.execute(Case.__table__.insert().values(**_row()))
    engine.dispose()
    engine, sessions = open_database(url)
    with engine.connect() as connection:
        ddl = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'cases'"
        ).scalar()
    assert "AUTOINCREMENT" in ddl
    with sessions.begin() as session:
        assert reserve_id(session, "cases") == 4
    engine.dispose()


def _row() -> dict:
    return {
        "kind": "ticket",
        "state": "new",
        "mailbox": "support",
        "requester": "ivan@partner.ru",
        "subject": "s",
        "fields": {},
        "missing": [],
        "invalid": [],
        "attrs": {},
        "created_at": NOW,
        "updated_at": NOW,
    }

"""Start-up migrations: Alembic runs only when the schema is behind the migration files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.store.db import (
    MIGRATIONS,
    DatabaseError,
    alembic_config,
    head_revisions,
    make_engine,
    open_database,
    stored_revisions,
)

REPO = Path(__file__).resolve().parents[2]


def revisions_in(url: str) -> frozenset[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return stored_revisions(connection)
    finally:
        engine.dispose()


def test_head_read_from_the_files_is_the_one_alembic_finds() -> None:
    # Adding a migration changes both; a parser that disagreed with Alembic would fail here.
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    assert head_revisions() == frozenset(script.get_heads())
    assert len(head_revisions()) == 1


def test_a_new_migration_file_becomes_the_head(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    shutil.copytree(MIGRATIONS / "versions", versions)
    [head] = head_revisions()
    (versions / "9999_next.py").write_text(
        f'revision: str = "9999"\ndown_revision: str | None = {head!r}\n'
    )
    assert head_revisions(versions) == {"9999"}
    (versions / "9998_branch.py").write_text(f'revision = "9998"\ndown_revision = {head!r}\n')
    assert head_revisions(versions) == {"9998", "9999"}
    (versions / "9997_merge.py").write_text('revision = "9997"\ndown_revision = ("9998", "9999")\n')
    assert head_revisions(versions) == {"9997"}


def test_a_migration_file_it_cannot_read_leaves_the_decision_to_alembic(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    shutil.copytree(MIGRATIONS / "versions", versions)
    (versions / "9999_computed.py").write_text('revision = "99" + "99"\ndown_revision = "0004"\n')
    assert head_revisions(versions) == frozenset()


def test_fresh_database_is_migrated_to_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    engine, _ = open_database(url)
    assert {"cases", "letters", "outbox", "hours_log"} <= set(inspect(engine).get_table_names())
    engine.dispose()
    assert revisions_in(url) == head_revisions()


def test_database_at_head_opens_without_importing_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'current.sqlite3'}"
    open_database(url)[0].dispose()
    assert not imports_alembic(url, times=2)


def imports_alembic(url: str, *, times: int = 1) -> bool:
    """Whether opening `url` in a fresh interpreter (the service's imports loaded) imports
    Alembic."""
    script = (
        "import sys\n"
        "import bot.app\n"
        "from bot.store.db import open_database\n"
        f"for _ in range({times}):\n"
        f"    open_database({url!r})[0].dispose()\n"
        "print('alembic' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip() == "True"


def test_database_behind_is_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'older.sqlite3'}"
    engine, _ = open_database(url)
    command.downgrade(alembic_config(engine), "0003")
    assert "hours_log" not in inspect(engine).get_table_names()
    engine.dispose()
    older = revisions_in(url)
    assert older and older != head_revisions()
    engine, _ = open_database(url)
    assert "hours_log" in inspect(engine).get_table_names()
    engine.dispose()
    assert revisions_in(url) == head_revisions()


def test_a_database_from_a_newer_version_says_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    engine, _ = open_database(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(DatabaseError) as caught:
        open_database(url)
    message = str(caught.value)
    assert "schema revision 9999" in message
    assert ", ".join(sorted(head_revisions())) in message
    assert "run that version, or restore a backup" in message
    assert revisions_in(url) == {"9999"}  # nothing was changed


def test_unopenable_database_still_says_what_to_check(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="cannot open or migrate the database"):
        open_database(f"sqlite:///{tmp_path}")  # a directory, not a database file


def test_an_empty_database_is_created_at_head_without_importing_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert not imports_alembic(url)
    assert revisions_in(url) == head_revisions()


def _schema(engine) -> dict:
    """Tables as the database reports them, plus SQLite's AUTOINCREMENT (R-THR-1)."""
    found = inspect(engine)
    tables = {
        table: {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                for c in found.get_columns(table)
            ],
            "primary key": found.get_pk_constraint(table)["constrained_columns"],
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in found.get_indexes(table)
            ),
            "foreign keys": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in found.get_foreign_keys(table)
            ),
            "unique": sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(table)),
        }
        for table in found.get_table_names()
    }
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            tables["AUTOINCREMENT"] = sorted(
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%'"
                )
            )
    return tables


def test_the_models_build_the_schema_every_migration_builds(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.store.models import Base

    migrated = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    command.upgrade(alembic_config(migrated), "head")
    created, _ = open_database(f"sqlite:///{tmp_path / 'created.sqlite3'}")
    with migrated.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert _schema(created) == _schema(migrated)
    assert "cases" in _schema(created)["AUTOINCREMENT"]
    migrated.dispose()
    created.dispose()


def test_a_start_that_fails_while_creating_the_schema_leaves_an_empty_database(
    tmp_path: Path,
) -> None:
    from sqlalchemy import event

    from bot.store.models import Base

    url = f"sqlite:///{tmp_path / 'half.sqlite3'}"
    outbox = Base.metadata.tables["outbox"]

    def crash(*_args, **_kwargs) -> None:
        raise RuntimeError("killed while creating the schema")

    event.listen(outbox, "after_create", crash)
    try:
        with pytest.raises(RuntimeError):
            open_database(url)
    finally:
        event.remove(outbox, "after_create", crash)
    engine = make_engine(url)
    assert inspect(engine).get_table_names() == []
    engine.dispose()
    engine, _ = open_database(url)
    assert "outbox" in inspect(engine).get_table_names()
    engine.dispose()
    assert revisions_in(url) == head_revisions()


def test_on_postgresql_the_migrations_build_the_schema_the_models_create(postgres) -> None:
    """The shared-database deployment: every migration runs on PostgreSQL (0005 is
    SQLite-only), and a database created empty at start-up is the same schema at head."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.store.models import Base

    migrated = make_engine(postgres.new_database())
    command.upgrade(alembic_config(migrated), "head")
    created_url = postgres.new_database()
    created, _ = open_database(created_url)
    with migrated.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert stored_revisions(connection) == head_revisions()
    assert _schema(created) == _schema(migrated)
    assert revisions_in(created_url) == head_revisions()
    migrated.dispose()
    created.dispose()


def _fill(engine, revision: str) -> None:
    """A case with a letter, its bytes, a thread key and a history entry pointing at it, in
    the schema of `revision` (the bytes were in the `letters` row before 0007)."""
    inline = revision < "0007"
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO cases (id, number, kind, state, mailbox, requester, subject, fields, "
            "missing, invalid, created_at, updated_at) VALUES (7, 'SD-000007', 'ticket', "
            "'new', 'support', 'ivan@partner.ru', 's', '{}', '[]', '[]', '2026-03-02 10:00:00', "
            "'2026-03-02 10:00:00')"
        )
        connection.exec_driver_sql(
            f"INSERT INTO letters (id, dedupe_key, sha256, size, mailboxes, envelope, "
            f"received_at, stored_at, status, case_id{', raw' if inline else ''}) VALUES (3, "
            "'mid:<a@p.ru>', 'h', 5, '[]', '{}', '2026-03-02 10:00:00', '2026-03-02 10:00:00', "
            f"'processed', 7{', x' + repr('4869210d0a') if inline else ''})"
        )
        if not inline:
            connection.exec_driver_sql(
                "INSERT INTO letter_raw (letter_id, raw) VALUES (3, x'4869210d0a')"
            )
        connection.exec_driver_sql("INSERT INTO thread_keys VALUES ('<a@p.ru>', 7)")
        connection.exec_driver_sql(
            "INSERT INTO case_events (case_id, at, actor, event, letter_id, details) "
            "VALUES (7, '2026-03-02 10:00:00', 'partnerdesk', 'opened', 3, '{}')"
        )


def _at(tmp_path: Path, name: str, revision: str):
    """A database migrated from empty to `revision`, with `_fill`'s rows."""
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    command.upgrade(alembic_config(engine), revision)
    _fill(engine, revision)
    return engine


@pytest.mark.parametrize("older", ["0001", "0002", "0004", "0006"])
def test_a_database_with_letters_and_cases_is_upgraded_with_its_rows(
    tmp_path: Path, older: str
) -> None:
    """0003 and 0005 rebuild `cases`, which letters, thread keys and history point at: on
    SQLite that rebuild used to fail with FOREIGN KEY constraint failed on any database
    that had a case. 0007 moves each letter's bytes to `letter_raw`."""
    from bot.store.models import Letter

    _at(tmp_path, "used.sqlite3", older).dispose()
    url = f"sqlite:///{tmp_path / 'used.sqlite3'}"
    assert revisions_in(url) == {older}

    engine, sessions = open_database(url)
    assert revisions_in(url) == head_revisions()
    with sessions() as session:
        letter = session.get(Letter, 3)
        assert letter is not None and letter.case_id == 7 and letter.raw == b"Hi!\r\n"
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert connection.exec_driver_sql("SELECT count(*) FROM case_events").scalar() == 1
        # The pooled connection the migration used is back to checking references.
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_0007_moves_the_bytes_back_on_downgrade(tmp_path: Path) -> None:
    engine = _at(tmp_path, "down.sqlite3", "0007")
    command.downgrade(alembic_config(engine), "0006")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT raw FROM letters").scalar() == b"Hi!\r\n"
    assert "letter_raw" not in inspect(engine).get_table_names()
    engine.dispose()


def test_an_upgrade_that_would_break_references_changes_nothing_and_says_so(
    tmp_path: Path,
) -> None:
    engine = _at(tmp_path, "broken.sqlite3", "0004")
    with engine.connect() as connection:  # a reference to a case that does not exist
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql("UPDATE letters SET case_id = 99")
        connection.commit()
    engine.dispose()
    url = f"sqlite:///{tmp_path / 'broken.sqlite3'}"

    with pytest.raises(DatabaseError, match=r"rolled back and the database is unchanged.*report"):
        open_database(url)
    assert revisions_in(url) == {"0004"}
    engine = make_engine(url)
    lease = [c["name"] for c in inspect(engine).get_columns("mailbox_state")]
    assert "lease_holder" not in lease  # 0006 undone with the rest
    assert "letter_raw" not in inspect(engine).get_table_names()  # and 0007
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT raw FROM letters").scalar() == b"Hi!\r\n"
    engine.dispose()


@pytest.mark.both_databases
@pytest.mark.parametrize("made_by", ["migrations", "the service"])
def test_every_migration_goes_down_to_the_empty_database_and_up_again(
    database_url: str, made_by: str
) -> None:
    """An operator rolling back a release runs `alembic downgrade`: each step must undo its
    own upgrade, on a database built by the migrations and on one the service created at
    head. 0003's downgrade dropped its foreign key by a name that PostgreSQL and a database
    created at head do not carry."""
    if made_by == "the service":
        engine, _ = open_database(database_url)
    else:
        engine = make_engine(database_url)
        command.upgrade(alembic_config(engine), "head")
    config = alembic_config(engine)
    at_head = _schema(engine)
    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert _schema(engine) == at_head
    engine.dispose()

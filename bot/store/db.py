"""Engine, sessions and migrations. Alembic owns the schema; start-up upgrades to head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


class DatabaseError(Exception):
    """The database cannot be opened or migrated; the message says what to check."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (CLI, digests) work while the service writes; the busy timeout
    # turns brief lock contention between threads into waiting instead of errors.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; safe to call on every start."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        command.upgrade(alembic_config(engine), "head")
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"cannot open or migrate the database {engine.url.render_as_string()}: "
            f"{exc.__class__.__name__}: {exc.args[0] if exc.args else exc}. "
            "Check database_url (PARTNERDESK_DATABASE_URL) and that the server is reachable."
        ) from exc


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, future=True)


def open_database(url: str) -> tuple[Engine, sessionmaker[Session]]:
    try:
        engine = make_engine(url)
    except ImportError as exc:
        raise DatabaseError(
            f"no driver for the database URL {url.split('@')[-1]}: {exc}. "
            "Install the driver (e.g. pip install 'psycopg[binary]') or fix database_url."
        ) from exc
    except (SQLAlchemyError, ValueError) as exc:
        raise DatabaseError(
            f"database_url is not usable: {exc}. Use e.g. sqlite:///var/partnerdesk.sqlite3"
        ) from exc
    migrate(engine)
    return engine, session_factory(engine)

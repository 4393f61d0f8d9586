"""Alembic environment: the engine comes from the caller (bot.store.db.migrate)."""

from alembic import context

import bot.store.desk_indexes  # the digest's indexes (0009)
import bot.store.hours_models  # registers hours_log on Base.metadata
import bot.store.imap_models  # registers mailbox_state on Base.metadata
import bot.store.support_models  # noqa: F401 - partner_support, support_acts (0010)
from bot.store.db import DatabaseError
from bot.store.models import Base

config = context.config
engine = config.attributes["engine"]
sqlite = engine.dialect.name == "sqlite"

with engine.connect() as connection:
    if sqlite:
        # A batch migration rebuilds a table: it drops the old one, and with foreign keys on
        # that drop deletes its rows first, which every row pointing at them forbids. SQLite
        # ignores this pragma inside a transaction, so it is set before one begins; the
        # references are checked once the rebuilt tables are in place (Alembic's advice).
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            if sqlite:  # pysqlite runs DDL outside any transaction unless one is opened
                connection.exec_driver_sql("BEGIN")
            context.configure(
                connection=connection, target_metadata=Base.metadata, render_as_batch=sqlite
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:  # raised inside the transaction: the whole upgrade rolls back
                        table, rowid, parent, _ = broken[0]
                        raise DatabaseError(
                            f"upgrading the schema would leave {len(broken)} row(s) pointing at "
                            f"rows that do not exist (first: {table} row {rowid} -> {parent}). "
                            "The upgrade was rolled back and the database is unchanged: keep "
                            "running the previous version and report this message."
                        )
    finally:
        if sqlite:  # the connection goes back to the pool, where foreign keys are on
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()

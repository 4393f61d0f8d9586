"""Alembic environment: the engine comes from the caller (bot.store.db.migrate)."""

from alembic import context

import bot.store.hours_models  # registers hours_log on Base.metadata
import bot.store.imap_models  # noqa: F401 - registers mailbox_state on Base.metadata
from bot.store.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()

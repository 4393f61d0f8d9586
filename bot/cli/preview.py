"""`tick --no-send`: a preview that sends nothing and changes nothing (issue 25).

The tick runs on a copy of the SQLite database (the backup API takes a consistent snapshot
even while the service writes), and the copy is deleted afterwards: the running service
never sees the replies the preview queued, and no timer is marked done. A copy rather than
a rolled-back transaction because a tick is many transactions (one per timer), and the
service's own sessions would not see an outer one.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from bot.app import Service, build
from bot.cli.common import CliError, settings_of
from bot.clock import Clock
from bot.store.db import sqlite_file


def preview_service(args: argparse.Namespace, clock: Clock, workdir: Path) -> Service:
    """The service over a throwaway copy of the database, in `workdir`."""
    settings = settings_of(args)
    source = sqlite_file(settings.database_url)
    if source is None:
        raise CliError(
            "tick --no-send previews on a copy of a SQLite database; with PostgreSQL use "
            "tick --queue-only (timers run, replies stay queued for the service to send)"
        )
    if not source.exists():
        raise CliError(f"no database at {source} — start the service or pass --db")
    copy = workdir / "preview.sqlite3"
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        with closing(sqlite3.connect(copy)) as dst:
            src.backup(dst)
    finally:
        src.close()
    preview = settings.model_copy(
        update={
            "database_url": f"sqlite:///{copy}",
            "outbox": settings.outbox.model_copy(update={"maildir": workdir / "outbox"}),
        }
    )
    return build(preview, clock=clock)


def preview_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="partnerdesk-preview-")

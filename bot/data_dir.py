"""Where the data live (issue 21 item 5): one data directory for relative SQLite paths.

The rule: `data_dir` from the configuration (or PARTNERDESK_DATA_DIR); a relative one is
taken from the configuration file's folder. Unset, it is the configuration file's folder
when there is one, else the current directory. A relative `sqlite:///var/…` then means
DATA_DIR/var/…, whichever folder a command runs in, so `partnerdesk cases` finds the
database the service writes. A --db typed on the command line is relative to where it is
typed, like any path there.
"""

from __future__ import annotations

import os
from pathlib import Path

_SQLITE = "sqlite:///"


def data_dir_of(configured: Path | None, config_file: Path | None) -> Path:
    base = config_file.parent if config_file is not None else Path.cwd()
    chosen = base if configured is None else base / configured.expanduser()
    return Path(os.path.normpath(chosen.absolute()))  # "etc/.." shown as the folder it is


def placed_url(url: str, data_dir: Path) -> str:
    """A relative SQLite file URL made absolute under `data_dir`; others unchanged."""
    if not url.startswith(_SQLITE) or url.startswith(f"{_SQLITE}:memory:"):
        return url
    path = url.removeprefix(_SQLITE)
    if path.startswith("/"):
        return url
    return f"{_SQLITE}{data_dir / path}"

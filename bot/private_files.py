"""Files only the service's user may read: the database holds every letter, the Maildir
every reply (issue 19: both were created 0644 under the usual umask 022)."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> None:
    """Create `path` (and missing parents) for the owner only; one there already is left as
    its owner set it: it may be a shared directory such as the working directory."""
    if not path.is_dir():
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def private_file(path: Path) -> None:
    """Create `path` empty for the owner only, or take group and others' access away from
    ours (a database created before this fix)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, FILE_MODE)


def write_private(path: Path, data: bytes) -> None:
    """A new file with `data`, readable by the owner only from its first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        out.write(data)

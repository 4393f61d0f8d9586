"""A command run in a subprocess with its output in a file.

Through a pipe read only at the end, a service's output stops it once the pipe's 64 KB are
full (about 200 letters' log lines): blocked in its next log write, it looked like a watcher
losing letters (tests/imap/test_restarts.py failed in about half its runs)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path


class LoggedProcess(subprocess.Popen):
    def __init__(self, command: list[str], folder: Path, **kwargs) -> None:
        handle, name = tempfile.mkstemp(prefix="process-", suffix=".log", dir=folder)
        self.log = Path(name)
        with os.fdopen(handle, "wb") as out:  # the child keeps its own copy
            super().__init__(command, stdout=out, stderr=subprocess.STDOUT, **kwargs)

    def communicate(self, input=None, timeout=None):  # Popen's signature
        """Wait for the end, then the whole output (as `Popen.communicate` gives a pipe's)."""
        self.wait(timeout)
        return self.log.read_bytes(), None

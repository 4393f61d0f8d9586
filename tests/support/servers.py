"""What a test does when the real server it needs is not installed."""

from __future__ import annotations

import os

import pytest


def require_installed(found: object, program: str, package: str, tests: str) -> None:
    """Skip on a developer machine without `program`; fail under CI, where `.ci/run`
    installs the Debian `package`."""
    if found is not None:
        return
    message = f"{program} is not installed (Debian: apt-get install {package})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; .ci/run must install it")
    pytest.skip(f"{message}: {tests} skipped")

"""Issue 19 (hostile mail), the minor defects: each test failed on the code before its fix."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }


def test_letter_writers_are_split_under_300_lines_without_a_cycle() -> None:
    # letters_out.py was 389 lines; HQ notices are their own module, imported one way only.
    for name in ("letters_out.py", "hq_notices.py"):
        lines = (ROOT / "bot" / name).read_text(encoding="utf-8").count("\n")
        assert lines < 300, f"bot/{name} has {lines} lines"
    assert "bot.hq_notices" in _imports(ROOT / "bot" / "letters_out.py")
    assert "bot.letters_out" not in _imports(ROOT / "bot" / "hq_notices.py")

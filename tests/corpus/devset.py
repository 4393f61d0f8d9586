"""Scores the reading of the shared development set (`../shared/corpus/letters/`).

Each letter is read exactly as `partnerdesk parse FILE --mailbox MAILBOX --json` reads it and
compared with the expectation beside it, as the set's README defines: the kind; every
expected field found with all its fragments; the exact missing ∪ invalid set of a new
request; every expected invalid code reported. Run it as a script for the full report:

    .venv/bin/python -m tests.corpus.devset [--failures]
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.parse_command import read_letter
from bot.settings import Settings, load_settings

NO_KIND_CHECK = "followup_without_thread"


def letters_dir() -> Path:
    from tests.conftest import shared_dir

    return shared_dir() / "corpus" / "letters"


def _norm(text: str) -> str:
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[«»“”„\"]", '"', text)
    return re.sub(r"\s+", " ", text).strip()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _haystack(item: dict[str, Any]) -> str:
    return _norm(json.dumps([item.get("value"), item.get("raw")], ensure_ascii=False))


def _structured_match(item: dict[str, Any], key: str, want: str) -> bool:
    """`key=value`: the structured value has that key with that value or status."""

    def walk(node: Any) -> bool:
        if isinstance(node, dict):
            got = node.get(key)
            if isinstance(got, str) and _norm(got) == want:
                return True
            if isinstance(got, dict) and _norm(str(got.get("status", ""))) == want:
                return True
            return any(walk(v) for v in node.values())
        if isinstance(node, list):
            return any(walk(v) for v in node)
        return False

    return walk(item.get("value")) or (key in {"tracker", "priority"} and item.get("value") == want)


def fragment_found(item: dict[str, Any], fragment: str) -> bool:
    if re.fullmatch(r"[a-z_]+=[a-z_]+", fragment):
        key, want = fragment.split("=", 1)
        return _structured_match(item, key, want)
    hay = _haystack(item)
    frag = _norm(fragment)
    # JSON escapes quotes; compare both sides with the same escaping.
    if _norm(json.dumps(frag, ensure_ascii=False)[1:-1]) in hay or frag in hay:
        return True
    if re.fullmatch(r"[\d\s()+\-./]+", fragment) and _digits(fragment):
        return _digits(fragment) in _digits(hay)
    return False


@dataclass
class Score:
    kinds: list[bool] = field(default_factory=list)
    fields: list[bool] = field(default_factory=list)
    exact_sets: list[bool] = field(default_factory=list)
    invalid: list[bool] = field(default_factory=list)
    per_kind: dict[str, list[bool]] = field(default_factory=dict)
    per_field: dict[str, list[bool]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @staticmethod
    def rate(values: list[bool]) -> float:
        return sum(values) / len(values) if values else 1.0

    def summary(self) -> str:
        lines = []
        for name in ("kinds", "fields", "exact_sets", "invalid"):
            values = getattr(self, name)
            lines.append(f"{name}: {sum(values)}/{len(values)} ({self.rate(values):.1%})")
        lines.append("per kind:")
        for kind, values in sorted(self.per_kind.items()):
            lines.append(f"  {kind}: {sum(values)}/{len(values)}")
        lines.append("per field:")
        for code, values in sorted(self.per_field.items()):
            lines.append(f"  {code}: {sum(values)}/{len(values)}")
        return "\n".join(lines)


def score_letter(
    path: Path, expected: dict[str, Any], score: Score, now: datetime, settings: Settings
) -> None:
    name = f"{path.parent.name}/{path.name}"
    report = read_letter(path.read_bytes(), expected["mailbox"], now, settings)
    kind = expected["kind"]
    if kind != NO_KIND_CHECK:
        ok = report.get("kind") == kind
        score.kinds.append(ok)
        score.per_kind.setdefault(kind, []).append(ok)
        if not ok:
            score.failures.append(f"{name}: kind {report.get('kind')} != {kind}")
    fields = report.get("fields") or {}
    for code, fragments in (expected.get("fields") or {}).items():
        item = fields.get(code)
        lost = [f for f in fragments if item is None or not fragment_found(item, f)]
        ok = not lost
        score.fields.append(ok)
        score.per_field.setdefault(code, []).append(ok)
        if not ok:
            got = None if item is None else (item.get("value"), item.get("raw"))
            score.failures.append(f"{name}: field {code} lacks {lost}; got {got!r}"[:400])
    invalid_got = {i["field"] for i in report.get("invalid") or []}
    if "missing" in expected:
        want = set(expected["missing"]) | set(expected.get("invalid") or [])
        got = set(report.get("missing") or []) | invalid_got
        ok = want == got
        score.exact_sets.append(ok)
        if not ok:
            score.failures.append(
                f"{name}: missing∪invalid extra {sorted(got - want)} lacking {sorted(want - got)}"
            )
    for code in expected.get("invalid") or []:
        ok = code in invalid_got
        score.invalid.append(ok)
        if not ok:
            score.failures.append(f"{name}: {code} not reported invalid")


def score_all(root: Path | None = None, now: datetime | None = None) -> Score:
    root = root or letters_dir()
    now = now or datetime.now(UTC)
    score = Score()
    settings = load_settings(
        None
    )  # the embedded defaults, as `partnerdesk parse` on a fresh machine
    for expectation in sorted(root.glob("*/*.json")):
        letter = expectation.with_suffix(".eml")
        if not letter.exists():
            continue
        score_letter(letter, json.loads(expectation.read_text("utf-8")), score, now, settings)
    return score


if __name__ == "__main__":
    result = score_all()
    print(result.summary())
    if "--failures" in sys.argv:
        print("\n".join(result.failures))

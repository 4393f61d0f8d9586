"""The project's letter corpus (tests/letters): every letter must parse exactly as expected.

Each NN_name.eml has an NN_name.json written by hand in make_letters.py. The summary test
prints per-kind precision/recall of classification and per-field extraction accuracy, and
requires 100% on this corpus.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import pytest

from parsers import check, classify, extract, is_automatic, parse_letter, parse_report
from parsers.types import Kind

LETTERS = Path(__file__).resolve().parents[1] / "letters"
CASES = sorted(LETTERS.glob("*.eml"))


@dataclass
class Outcome:
    name: str
    expected_kind: str
    kind: str
    field_results: list[tuple[str, bool, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _compare_fields(expected: dict, request, outcome: Outcome) -> None:
    for code, want in expected.get("fields", {}).items():
        if code == "self_diagnosis_statuses":
            got_value = request.fields.get("self_diagnosis")
            got = (
                {k: v["status"] for k, v in (got_value.value or {}).items()} if got_value else None
            )
            good = got == want
            outcome.field_results.append(("self_diagnosis.checks", good, f"{got} != {want}"))
            continue
        got = request.fields.get(code)
        status = got.status.value if got else "missing"
        good = status == want["status"]
        detail = f"status {status} != {want['status']}"
        if good and "value" in want:
            value = got.value if got else None
            if code == "software_list" and isinstance(value, list):
                value = [{k: v for k, v in item.items() if k != "reason"} for item in value]
            good = value == want["value"]
            detail = f"value {value!r} != {want['value']!r}"
        if not good and got is not None and got.reason:
            detail += f" (reason: {got.reason})"
        outcome.field_results.append((code, good, detail))


def _check_letter_level(expected: dict, letter, verdict, request, findings, o: Outcome) -> None:
    def expect(name: str, got: object, want: object) -> None:
        if got != want:
            o.problems.append(f"{name}: got {got!r}, expected {want!r}")

    expect("wrong_mailbox", verdict.wrong_mailbox, expected.get("wrong_mailbox"))
    if expected["kind"] == "followup":
        expect("event", verdict.event, expected.get("event"))
    expect("ambiguous", verdict.ambiguous, expected.get("ambiguous", False))
    if "candidates" in expected:
        expect("candidates", [k.value for k in verdict.candidates], expected["candidates"])
    expect("automatic", is_automatic(letter), expected.get("automatic"))
    if expected.get("missing") is not None:
        expect("missing", sorted(findings.missing), sorted(expected["missing"]))
    if expected.get("invalid") is not None:
        # A row's code («software_list[].registration_number», §3.3) counts as its list's.
        fields = {i.field.partition("[]")[0] for i in findings.invalid}
        expect("invalid", sorted(fields), sorted(expected["invalid"]))
    for flag in expected.get("flags", []):
        if flag not in request.flags:
            o.problems.append(f"flag {flag} not raised (flags: {request.flags})")
    if "attachments" in expected:
        got = [[a.filename, a.cls.value] for a in letter.attachments]
        expect("attachments", got, expected["attachments"])
    for name, entries in expected.get("archive_entries", {}).items():
        got = next((list(a.entries) for a in letter.attachments if a.filename == name), None)
        expect(f"entries of {name}", got, entries)
    for code, source in expected.get("evidence_sources", {}).items():
        value = request.fields.get(code)
        got = value.evidence.source if value and value.evidence else None
        expect(f"evidence of {code}", got, source)
    if "software_count" in expected:
        items = request.fields["software_list"].value if "software_list" in request.fields else None
        expect("software_count", len(items or []), expected["software_count"])
    if "forwarded_subjects" in expected:
        inner = [parse_letter(raw).subject for raw in letter.forwarded]
        expect("forwarded letters", inner, expected["forwarded_subjects"])
    for text in expected.get("new_text_contains", []):
        if text not in letter.new_text:
            o.problems.append(f"new text lacks {text!r}")
    for text in expected.get("new_text_excludes", []):
        if text in letter.new_text:
            o.problems.append(f"quoted text leaked into new text: {text!r}")


@cache
def outcome_of(path: Path) -> Outcome:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    letter = parse_letter(path.read_bytes())
    verdict = classify(letter, expected["mailbox"], thread_kind=expected.get("thread_kind"))
    outcome = Outcome(path.stem, expected["kind"], verdict.kind.value)
    if verdict.kind.value != expected["kind"]:
        outcome.problems.append(
            f"kind {verdict.kind.value} != {expected['kind']}: {verdict.reasons}"
        )
    kind = Kind(expected.get("extract_as") or expected["kind"])
    received_at = datetime.fromisoformat(expected["received_at"])
    request = extract(letter, kind, received_at=received_at)
    findings = check(request, in_thread=expected.get("thread_kind") is not None)
    if not expected.get("skip_fields"):
        _compare_fields(expected, request, outcome)
    _check_letter_level(expected, letter, verdict, request, findings, outcome)
    return outcome


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_r_val_5_r_val_9_letter_parses_as_expected(path: Path) -> None:
    outcome = outcome_of(path)
    wrong_fields = [f"{code}: {detail}" for code, good, detail in outcome.field_results if not good]
    assert not outcome.problems and not wrong_fields, "\n".join(outcome.problems + wrong_fields)


def test_corpus_covers_every_kind_and_reaches_100_percent(capsys: pytest.CaptureFixture) -> None:
    assert len(CASES) >= 60
    outcomes = [outcome_of(p) for p in CASES]
    kinds = sorted({o.expected_kind for o in outcomes} | {o.kind for o in outcomes})
    true_pos = Counter(o.kind for o in outcomes if o.kind == o.expected_kind)
    predicted = Counter(o.kind for o in outcomes)
    actual = Counter(o.expected_kind for o in outcomes)
    lines = [f"{'kind':20} {'n':>3} {'precision':>9} {'recall':>7}"]
    for kind in kinds:
        precision = true_pos[kind] / predicted[kind] if predicted[kind] else 0.0
        recall = true_pos[kind] / actual[kind] if actual[kind] else 0.0
        lines.append(f"{kind:20} {actual[kind]:>3} {precision:>9.0%} {recall:>7.0%}")
    per_field: dict[str, list[bool]] = defaultdict(list)
    for outcome in outcomes:
        for code, good, _ in outcome.field_results:
            per_field[code].append(good)
    lines.append(f"\n{'field':24} {'n':>3} {'accuracy':>8}")
    for code in sorted(per_field):
        results = per_field[code]
        lines.append(f"{code:24} {len(results):>3} {sum(results) / len(results):>8.0%}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    expected_kinds = {k.value for k in Kind} - {"hq_command", "ignored"}
    assert expected_kinds <= set(actual), f"kinds without letters: {expected_kinds - set(actual)}"
    assert all(o.kind == o.expected_kind for o in outcomes)
    assert all(all(r) for r in per_field.values())


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_parse_report_is_json_and_agrees_with_the_parts(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    report = parse_report(
        path.read_bytes(), expected["mailbox"], thread_kind=expected.get("thread_kind")
    )
    again = json.loads(json.dumps(report, ensure_ascii=False))
    # R-MBX-3: `parse --json` reports automatic mail as ignored, as `process --json` does.
    assert again["kind"] == ("ignored" if expected.get("automatic") else expected["kind"])
    for code, field_report in again["fields"].items():
        assert set(field_report) == {"value", "raw", "status", "reason", "evidence"}, code
        if field_report["status"] in ("invalid", "valid_with_warning"):
            assert field_report["reason"], f"{code} has no reason"
    assert all({"filename", "class", "size", "sha256"} <= set(a) for a in again["attachments"])

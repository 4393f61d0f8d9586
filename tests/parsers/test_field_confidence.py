"""Each field keeps its evidence and a confidence; low-confidence required fields are listed
for HQ instead of silently trusted (issue 18, R-VAL-5)."""

from __future__ import annotations

from parsers.context import default_confidence
from parsers.labels import Hit
from parsers.requirements import check, uncertain
from parsers.types import LOW_CONFIDENCE, FieldStatus, FieldValue, Kind, RequestData
from parsers.validate import MISSING, ok


def _hit(source: str, line: int) -> Hit:
    return Hit("client_name", "ООО «Ромашка»", source, line, "Клиент: ООО «Ромашка»")


def test_a_labelled_line_is_sure_a_prose_reading_less_a_default_least() -> None:
    labelled = default_confidence(ok("x"), _hit("body", 4))
    prose = default_confidence(ok("x"), _hit("body", 0))
    subject = default_confidence(ok("x"), _hit("subject", 1))
    default = default_confidence(ok("x"), None)
    assert labelled > prose > default
    assert subject > default
    assert default < LOW_CONFIDENCE <= prose
    assert default_confidence(MISSING, None) == 1.0  # nothing was read, nothing to doubt


def _value(code: str, confidence: float, status: FieldStatus = FieldStatus.VALID) -> FieldValue:
    return FieldValue(code=code, status=status, raw="…", value="…", confidence=confidence)


def test_required_fields_read_with_low_confidence_are_listed_for_hq() -> None:
    request = RequestData(
        Kind.RESOURCE,
        {
            "enterprise_name": _value("enterprise_name", 0.95),
            "tasks": _value("tasks", 0.4),
            "estimated_hours": _value("estimated_hours", 0.3, FieldStatus.MISSING),
            "extra": _value("extra", 0.1),  # not required: not HQ's concern
        },
    )
    findings = check(request)
    assert findings.uncertain == ("tasks",)
    assert "estimated_hours" in findings.missing
    assert uncertain(request, ("tasks", "extra")) == ("tasks", "extra")

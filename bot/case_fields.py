"""Extracted fields as stored on a case (JSON), and the R-VAL-6 merge of later letters."""

from __future__ import annotations

from typing import Any

from parsers.types import Evidence, FieldStatus, FieldValue, RequestData


def serialise_fields(request: RequestData) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for code, value in request.fields.items():
        out[code] = {
            "status": value.status.value,
            "raw": value.raw,
            "value": value.value,
            "reason": value.reason,
            "confidence": value.confidence,
            "evidence": (
                {"source": value.evidence.source, "excerpt": value.evidence.excerpt}
                if value.evidence
                else None
            ),
        }
    return out


def merge_fields(earlier: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    """R-VAL-6: a later value overrides the same field; a field the later letter does not
    give (missing) keeps its earlier value."""
    merged = dict(earlier)
    for code, item in later.items():
        if item.get("status") != "missing" or code not in merged:
            merged[code] = item
    return merged


def deserialise_fields(stored: dict[str, Any]):
    fields = {}
    for code, item in stored.items():
        evidence = item.get("evidence")
        fields[code] = FieldValue(
            code=code,
            status=FieldStatus(item["status"]),
            raw=item.get("raw", ""),
            value=item.get("value"),
            reason=item.get("reason", ""),
            evidence=Evidence(evidence["source"], evidence["excerpt"]) if evidence else None,
            confidence=item.get("confidence", 1.0),
        )
    return fields

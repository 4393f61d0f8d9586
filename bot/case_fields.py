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
        kept = item.get("status") == "missing" or _assumed_over(item, merged.get(code, {}))
        if code in merged and kept:
            continue
        merged[code] = item
    return merged


def _assumed_over(item: dict[str, Any], earlier: dict[str, Any]) -> bool:
    """A value the later letter only assumed (a default with a warning, read from no text)
    does not replace a valid one (issue 24: no «статус проекта не указан» once a license
    contract settled it)."""
    assumed = item.get("status") == "valid_with_warning" and not item.get("raw")
    return assumed and not item.get("evidence") and earlier.get("status") == "valid"


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

"""Which fields a request of each kind must carry (REGULATIONS.md §3.2–§3.8), and findings."""

from __future__ import annotations

from dataclasses import dataclass

from parsers.types import LOW_CONFIDENCE, FieldStatus, Kind, RequestData

_REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.PIN_REQUEST: (
        "client_name",
        "client_inn",
        "client_address",
        "contract_ref",
        "interest_reason",
        "contacts",
    ),
    Kind.PIN_CONFIRMATION: ("software_list",),
    Kind.PIN_EXTENSION: (),
    Kind.ANNUAL_REPORT: (),
    Kind.LICENSE_REQUEST: (
        "software_name",
        "end_customer",
        "purpose",
        "legal_address",
        "postal_address",
        "phone",
        "email",
        "inn",
        "ogrn",
        "bank_account",
        "bank_name",
        "corr_account",
        "bik",
        "signatory",
    ),
    Kind.LICENSE_DOCUMENTS: ("signed_documents",),
    Kind.RESOURCE: ("enterprise_name", "tasks", "estimated_hours", "desired_time"),
    Kind.SD_ACCOUNT: ("employees", "pd_consent"),
}
# §3.4 matrix: fields every ticket needs, then the extra ones per tracker.
_TICKET_COMMON = ("tracker", "description", "legal_entity", "license_contract", "software_name")
_TICKET_BY_TRACKER = {
    "bug": (
        "priority",
        "self_diagnosis",
        "component",
        "base_software",
        "base_software_logs",
        "screenshots",
        "steps_to_reproduce",
        "app_logs",
    ),
    "feature": ("component", "business_task"),
    "support": (),
}
_PIN_FOLLOWUPS = (Kind.PIN_CONFIRMATION, Kind.PIN_EXTENSION, Kind.ANNUAL_REPORT)
_SATISFIED = (FieldStatus.VALID, FieldStatus.VALID_WITH_WARNING, FieldStatus.NOT_APPLICABLE)
_CHECK_NAMES = {
    "base_software_ok": "работа базового ПО",
    "dbms_ok": "работа СУБД",
    "network_ok": "сетевые настройки и доступность сети",
    "auth_privileges_unchanged": "привилегии пользователей на сервере аутентификации",
}


@dataclass(frozen=True, slots=True)
class Invalid:
    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class Findings:
    missing: tuple[str, ...]
    invalid: tuple[Invalid, ...]
    warnings: tuple[Invalid, ...] = ()
    # Required fields read with low confidence (LOW_CONFIDENCE): HQ sees them (issue 18).
    uncertain: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing and not self.invalid


def _value(request: RequestData, code: str) -> object:
    field = request.fields.get(code)
    return field.value if field else None


def required_fields(
    request: RequestData, *, in_thread: bool = True, require_signed_form: bool = True
) -> tuple[str, ...]:
    """Required codes for this request; `pin_ref` only when the letter is not in a thread."""
    kind = request.kind
    if kind == Kind.TICKET:
        tracker = _value(request, "tracker")
        extra = _TICKET_BY_TRACKER.get(tracker, ()) if isinstance(tracker, str) else ()
        common = _TICKET_COMMON
        if _value(request, "project_status") == "demo":
            # R-TKT-6: a demo (pilot) project may have no license contract yet.
            common = tuple(code for code in common if code != "license_contract")
        return common + extra
    required = _REQUIRED.get(kind, ())
    if kind == Kind.LICENSE_REQUEST:
        inn = _value(request, "inn")
        if isinstance(inn, str) and len(inn) == 10:  # R-VAL-4: KPP iff a 10-digit INN
            required += ("kpp",)
        if require_signed_form:  # cfg:license.require_signed_form
            required += ("signed_form",)
    if kind == Kind.LICENSE_DOCUMENTS and any(
        f.startswith("event:") and f != "event:signed_scans" for f in request.flags
    ):
        required = ()  # §3.6: payment orders and originals carry optional fields only
    if kind in _PIN_FOLLOWUPS and not in_thread:
        required = ("pin_ref", *required)
    return required


def _self_diagnosis_problem(request: RequestData) -> str | None:
    """R-TKT-4: a bug needs all four checks answered (`passed` or `failed`)."""
    value = _value(request, "self_diagnosis")
    if not isinstance(value, dict):
        return None
    unanswered = [
        _CHECK_NAMES[code]
        for code in _CHECK_NAMES
        if value.get(code, {}).get("status") not in ("passed", "failed")
    ]
    if unanswered:
        return "нет ответа по проверкам самостоятельной диагностики: " + ", ".join(unanswered)
    return None


def check(
    request: RequestData, *, in_thread: bool = True, require_signed_form: bool = True
) -> Findings:
    """Missing required fields and invalid values, each reported once (R-VAL-1, R-VAL-7)."""
    required = required_fields(
        request, in_thread=in_thread, require_signed_form=require_signed_form
    )
    missing = [
        code
        for code in required
        if request.fields.get(code) is None or request.fields[code].status == FieldStatus.MISSING
    ]
    invalid = [
        Invalid(code, value.reason)
        for code, value in request.fields.items()
        if value.status == FieldStatus.INVALID
    ]
    if request.kind == Kind.ANNUAL_REPORT and not any(
        request.fields.get(c) and request.fields[c].status in _SATISFIED
        for c in ("deliveries_done", "deliveries_planned")
    ):
        # §3.3: at least one of the two; both are named so the partner may choose.
        missing += [
            c
            for c in ("deliveries_done", "deliveries_planned")
            if c not in {i.field for i in invalid}
        ]
    if (
        request.kind == Kind.TICKET
        and _value(request, "tracker") == "bug"
        and "self_diagnosis" not in missing
        and (problem := _self_diagnosis_problem(request))
    ):
        invalid.append(Invalid("self_diagnosis", problem))
    warnings = tuple(
        Invalid(code, value.reason)
        for code, value in request.fields.items()
        if value.status == FieldStatus.VALID_WITH_WARNING
    )
    return Findings(tuple(missing), tuple(invalid), warnings, uncertain(request, required))


def uncertain(request: RequestData, required: tuple[str, ...]) -> tuple[str, ...]:
    """Required fields that were read, but with low confidence: shown to HQ, not trusted."""
    return tuple(
        code
        for code in required
        if (value := request.fields.get(code)) is not None
        and value.status != FieldStatus.MISSING
        and value.confidence < LOW_CONFIDENCE
    )

"""The regulations' numbers as data (R-CFG-1): windows, SLA targets, tiers, calendar.

The embedded defaults are TECHNOCOM's regulations; `config/policy/technocom.toml` spells the
same values out as a starting point for another vendor. A policy is validated when loaded
(R-CFG-2) and errors name the key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from bot.policy_support import SupportPeriodPolicy
from bot.policy_vendor import (
    REFUSAL_REASONS,
    OutageNoticePolicy,
    OutOfScopeTopic,
    RefusalReason,
    VendorPolicy,
)
from bot.workcal import FileDaysSource, Office, WorkCalendar

TRACKERS = ("bug", "feature", "support")
PRIORITIES = ("urgent", "high", "normal", "low")


class PolicyError(Exception):
    """The policy file cannot be used; the message names the key."""


class _Strict(BaseModel):
    # R-CFG-2: a misspelt or unknown key in any section stops start-up instead of being
    # silently ignored (issue 23 item 2).
    model_config = ConfigDict(extra="forbid")


class OfficePolicy(_Strict):
    name: str
    tz: str
    start: str
    end: str
    breaks: list[tuple[str, str]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _valid_office(self) -> OfficePolicy:
        try:
            self.office()
        except (ValueError, KeyError) as exc:
            raise ValueError(str(exc)) from exc
        return self

    def office(self) -> Office:
        return Office.from_mapping(self.model_dump())


class CalendarPolicy(_Strict):
    # R-CAL-2: 8:30–17:30 GMT+5, no breaks (D-9, D-48).
    offices: list[OfficePolicy] = Field(
        default_factory=lambda: [
            OfficePolicy(name="HQ Tyumen", tz="Asia/Yekaterinburg", start="08:30", end="17:30")
        ],
        min_length=1,
    )
    shorten_pre_holiday: bool = True
    short_day_minutes: int = Field(60, ge=0, le=240)
    # Production-calendar year files overriding the packaged ones (R-CAL-4).
    data_dir: Path | None = None
    rollover_non_working: bool = False

    def build(self) -> WorkCalendar:
        return WorkCalendar(
            tuple(o.office() for o in self.offices),
            FileDaysSource(self.data_dir),
            shorten_pre_holiday=self.shorten_pre_holiday,
            short_day_minutes=self.short_day_minutes,
        )


class Target(_Strict):
    """A resolution target: breach after N working days (or hours), optional soft reminder."""

    breach_wd: int | None = Field(None, ge=1)
    breach_wh: float | None = Field(None, gt=0)
    soft_wd: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one_unit(self) -> Target:
        if (self.breach_wd is None) == (self.breach_wh is None):
            raise ValueError("give exactly one of breach_wd or breach_wh")
        if (
            self.soft_wd is not None
            and self.breach_wd is not None
            and self.soft_wd >= self.breach_wd
        ):
            raise ValueError("soft_wd must be earlier than breach_wd")
        return self


def _technocom_targets() -> dict[str, dict[str, Target]]:
    # R-SLA-3 (000 §4.3): bug urgent 1 WD, high 3 WD, normal 5–21 WD (D-7), low next release
    # (D-8); support up to 5 WD; feature not guaranteed.
    return {
        "bug": {
            "urgent": Target(breach_wd=1),
            "high": Target(breach_wd=3),
            "normal": Target(breach_wd=21, soft_wd=5),
        },
        "support": {"*": Target(breach_wd=5)},
        "feature": {},
    }


class SlaPolicy(_Strict):
    # An absent tracker/priority has no target (TOML has no null): "not regulated".
    targets: dict[str, dict[str, Target]] = Field(default_factory=_technocom_targets)
    at_risk_ratio: float = Field(0.75, gt=0, lt=1)
    deadline_change_notice: bool = True
    pause_while_waiting_partner: bool = False
    # R-SLA-13 (002 §4.3): one target for every non-bug ticket (support, feature); None keeps
    # the per-tracker targets.
    non_bug_resolution: Target | None = None

    @field_validator("targets")
    @classmethod
    def _known_names(cls, targets: dict[str, dict[str, Target]]) -> dict[str, dict[str, Target]]:
        for tracker, by_priority in targets.items():
            if tracker not in TRACKERS:
                raise ValueError(f"unknown tracker {tracker!r}; use one of {', '.join(TRACKERS)}")
            for priority in by_priority:
                if priority != "*" and priority not in PRIORITIES:
                    raise ValueError(
                        f"unknown priority {priority!r} under {tracker}; use "
                        f"{', '.join(PRIORITIES)} or '*'"
                    )
        return targets

    def target(self, tracker: str, priority: str | None) -> Target | None:
        if tracker != "bug" and self.non_bug_resolution is not None:
            return self.non_bug_resolution  # R-SLA-13
        by_priority = self.targets.get(tracker, {})
        if priority in by_priority:
            return by_priority[priority]
        return by_priority.get("*")


class TicketPolicy(_Strict):
    clarification_window_hours: float = Field(72, gt=0)  # R-SLA-1, D-4
    clarification_timeout_wd: int = Field(10, ge=1)  # R-TKT-15, D-25
    resolved_autoclose_wd: int = Field(5, ge=1)  # R-TKT-10, D-26
    reopen_window_days: int = Field(14, ge=0)  # R-TKT-12, D-26
    self_diagnosis_failed_policy: Literal["clarify", "accept_no_sla", "reject"] = "clarify"
    logs_strict_split: bool = False  # D-24
    # R-TKT-17 (004 §4.1): topics flagged for HQ as possibly out of scope; none by default.
    out_of_scope_topics: list[OutOfScopeTopic] = Field(default_factory=list)
    # R-TKT-17: the reasons HQ may give to reject(reason); all of them by default.
    refusal_reasons: list[RefusalReason] = Field(
        default_factory=lambda: list(REFUSAL_REASONS), min_length=1
    )


class SupportTier(_Strict):
    name: str
    # R-SLA-12: first human answer due N working hours after receipt; None = no target.
    first_response_wh: float | None = Field(None, gt=0)


class PinPolicy(_Strict):
    """Client pins (000 §3.1; R-PIN-*)."""

    prepin_days: int = Field(60, ge=1)  # R-PIN-7, D-29
    extension_max_days: int = Field(30, ge=0)  # R-PIN-16
    extension_max_count: int = Field(1, ge=0)
    confirmation_mode: Literal["auto", "manual"] = "auto"  # R-PIN-7/8, D-14
    disclose_holder: bool = False  # R-PIN-4, D-16
    repin_cooldown_days: int = Field(365, ge=0)  # R-PIN-29, D-31
    expiry_reminders_days: list[int] = Field(default_factory=lambda: [14, 3])  # R-PIN-17
    clarification_timeout_wd: int = Field(10, ge=1)  # D-25


class ReportPolicy(_Strict):
    """Yearly reports on pinned clients (000 §3.2–§3.3; R-PIN-18 … R-PIN-25)."""

    due_day: int = Field(15, ge=1, le=28)  # of January: calendar reporting years (D-11)
    warning_after_days: int = Field(3, ge=0)  # D-12
    grace_days: int = Field(7, ge=0)
    unpin_after_days: int = Field(10, ge=0)
    auto_warn: bool = True  # D-13
    unpin_mode: Literal["auto", "manual"] = "auto"
    reminder_days: list[int] = Field(default_factory=lambda: [30, 7])  # R-PIN-22

    @model_validator(mode="after")
    def _ordered(self) -> ReportPolicy:
        # R-CFG-2: the warning cannot come after the unpinning.
        if self.warning_after_days > self.unpin_after_days:
            raise ValueError("warning_after_days must not exceed unpin_after_days")
        # R-PIN-23: the warning gives grace_days more, so its final date is the unpinning day;
        # a sum that disagrees would promise the partner a date the unpinning does not keep.
        if self.warning_after_days + self.grace_days != self.unpin_after_days:
            raise ValueError(
                f"warning_after_days ({self.warning_after_days}) + grace_days "
                f"({self.grace_days}) must equal unpin_after_days ({self.unpin_after_days}): "
                "change one of them"
            )
        return self


class RegistryPolicy(_Strict):
    publish_holder: bool = True  # R-PIN-30, D-16


class IdentificationPolicy(_Strict):
    required: bool = True  # R-ID-2
    # R-ID-7 (002 §1, §4.1): identifying fields every ticket must carry; a clarification asks
    # for the missing ones, or with refuse_if_missing the ticket is rejected.
    required_fields: list[Literal["login_email", "user_full_name", "org_inn", "org_name"]] = Field(
        default_factory=list
    )
    refuse_if_missing: bool = False


class LicensePolicy(_Strict):
    """§7.1–§7.2, Appendix 1 (R-LIC-4 … R-LIC-17)."""

    hq_processing_wd: int = Field(5, ge=1)  # R-LIC-4: draft agreement and invoice
    signed_scans_due_wd: int = Field(5, ge=1)  # R-LIC-5
    payment_due_wd: int = Field(5, ge=1)  # R-LIC-6
    docs_due_months: int = Field(1, ge=1)  # R-LIC-8 / D-21: act or certificate after payment
    originals_send_due_days: int = Field(7, ge=1)  # R-LIC-10
    originals_return_due_days: int = Field(7, ge=1)  # R-LIC-10 / D-22
    postal_transit_days: int = Field(7, ge=0)  # D-22: assumed receipt by post/courier
    require_signed_form: bool = True  # R-LIC-3
    scan_only_policy: Literal["ask_text_copy", "hq_manual_entry"] = "ask_text_copy"  # D-19
    supp_agreement_roles: list[str] = Field(default_factory=lambda: ["authorized"])  # R-LIC-11
    # cfg:hq.postal_address (R-LIC-17): where paper originals go.
    postal_address: str = (
        "ООО «ТЕХНОКОМ», 625013, г. Тюмень, ул. Пермякова, д.1, стр.5, оф.904, "
        "Бизнес-Центр «Нобель-Парк»"
    )


class ResourcePolicy(_Strict):
    """§6.1–§6.2 (R-RES-3 … R-RES-7, D-23)."""

    review_due_wd: int = Field(3, ge=1)  # R-RES-3
    hours_limit: dict[str, float] = Field(
        default_factory=lambda: {"authorized": 80.0, "gold": 160.0}
    )  # R-RES-5
    max_single_request_hours: float = Field(160, gt=0)  # §3.7
    year: Literal["calendar"] = "calendar"  # D-23


class Policy(_Strict):
    version: str = "technocom-2026.1"
    calendar: CalendarPolicy = CalendarPolicy()
    sla: SlaPolicy = SlaPolicy()
    ticket: TicketPolicy = TicketPolicy()
    support_tiers: list[SupportTier] = Field(
        default_factory=lambda: [SupportTier(name="partner")], min_length=1
    )
    identification: IdentificationPolicy = IdentificationPolicy()
    pin: PinPolicy = PinPolicy()
    report: ReportPolicy = ReportPolicy()
    registry: RegistryPolicy = RegistryPolicy()
    license: LicensePolicy = LicensePolicy()
    resource: ResourcePolicy = ResourcePolicy()
    # Omnicomm / TechnoKad preset options (issue 23): off in the TECHNOCOM default.
    vendor: VendorPolicy = VendorPolicy()
    outage_notice: OutageNoticePolicy = OutageNoticePolicy()  # R-TKT-21
    support_period: SupportPeriodPolicy = SupportPeriodPolicy()  # R-ID-8 (seed 003)

    def tier(self, name: str | None) -> SupportTier:
        for tier in self.support_tiers:
            if tier.name == name:
                return tier
        return self.support_tiers[0]


def load_policy(path: str | Path | None) -> Policy:
    """The TECHNOCOM defaults, or the policy file with every bad key named."""
    if path is None:
        return Policy()
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"policy file {file} cannot be read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"policy file {file} is not valid TOML: {exc}") from exc
    try:
        return Policy(**data)
    except ValidationError as exc:
        problems = "\n".join(
            f"  {'.'.join(str(p) for p in item['loc'])}: {_problem(item)}" for item in exc.errors()
        )
        raise PolicyError(f"invalid policy in {file}:\n{problems}") from exc


def _problem(item: ErrorDetails) -> str:
    if item["type"] == "extra_forbidden":
        # R-CFG-2: say what to do, not pydantic's wording.
        return "unknown key; remove it or fix its spelling (config/policy/technocom.toml has all)"
    return item["msg"]

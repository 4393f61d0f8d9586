"""HQ's part of the configuration ([hq]): who HQ is, its roles and what each may do, how HQ
is told (alerts, digests), and which mail servers vouch for HQ's commands by mail."""

from __future__ import annotations

from datetime import time

from pydantic import BaseModel, Field, field_validator

from bot.desk.alert_policy import ALERT_TYPES, DEFAULT_24X7


class HqSettings(BaseModel):
    # Addresses of HQ staff: their letters never get partner auto-replies (R-MBX-7).
    staff: list[str] = Field(default_factory=lambda: ["hq@technocom.tech"])
    # Where operational notices (quarantine, held replies, bounces) go.
    alerts_to: list[str] = Field(default_factory=lambda: ["hq@technocom.tech"])
    phone: str = "(3452) 39-31-33"
    company: str = "ООО «ТЕХНОКОМ»"
    # R-HQ-1: who holds each HQ role; alerts for a role nobody holds go to alerts_to.
    roles: dict[str, list[str]] = Field(default_factory=dict)
    # R-HQ-7: the daily digest's moment, primary-office local time, on working days.
    digest_time: time = time(8, 30)
    digest_enabled: bool = True  # false: no digests are sent (`partnerdesk digest` still shows)
    # R-CAL-13: alert types sent at once even outside working time; the others wait for
    # the next send slot. Types: see bot/desk/alert_policy.py (README lists them).
    alerts_24x7: list[str] = Field(default_factory=lambda: list(DEFAULT_24X7))
    # R-HQ-3: the owner role of a case by kind (a case reassigned by HQ keeps its own); the
    # owner's digest lists the case and the owner gets its alerts. Pins go to the curator.
    owners: dict[str, str] = Field(
        default_factory=lambda: {
            "pin_request": "curator",
            "license_request": "deputy_ceo",
            "ticket": "service_desk",
            "resource": "deputy_science",
            "sd_account": "service_desk",
            "inquiry": "curator",
        }
    )
    # R-HQ-5: action → the roles allowed to perform it; an action not listed: any staff.
    permissions: dict[str, list[str]] = Field(
        default_factory=lambda: {
            action: ["deputy_ceo", "curator", "accounting", "admin"]
            for action in ("unpin", "approve_partner", "mark_paid")
        }
    )
    # R-ID-5: authserv-ids of our own mail servers; only their Authentication-Results
    # headers vouch for a staff member's letter (as Mailman's trusted_authserv_ids).
    trusted_authserv_ids: list[str] = Field(default_factory=list)
    # R-ID-5: staff domains whose DKIM signatures the service verifies itself (dkimpy),
    # where no trusted server writes Authentication-Results; empty: none.
    dkim_verify_domains: list[str] = Field(default_factory=list)

    @field_validator("permissions")
    @classmethod
    def _known_permission_roles(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for action, roles in value.items():
            for role in roles:
                if role not in HQ_ROLES:
                    raise ValueError(
                        f"hq.permissions.{action}: unknown role {role!r}; roles: "
                        + ", ".join(HQ_ROLES)
                    )
        return value

    @field_validator("trusted_authserv_ids", "dkim_verify_domains")
    @classmethod
    def _lower_ids(cls, value: list[str]) -> list[str]:
        return [item.strip().lower() for item in value if item.strip()]

    @field_validator("staff", "alerts_to")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        for address in value:
            if "@" not in address:
                raise ValueError(f"{address!r} is not an e-mail address")
        return [address.lower() for address in value]

    @field_validator("alerts_24x7")
    @classmethod
    def _known_alert_types(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - ALERT_TYPES)
        if unknown:
            raise ValueError(
                f"unknown alert type {', '.join(unknown)}; types: " + ", ".join(sorted(ALERT_TYPES))
            )
        return value

    @field_validator("owners")
    @classmethod
    def _known_owners(cls, value: dict[str, str]) -> dict[str, str]:
        for kind, role in value.items():
            if role not in HQ_ROLES:
                raise ValueError(
                    f"hq.owners.{kind}: unknown role {role!r}; roles: {', '.join(HQ_ROLES)}"
                )
        return value

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for role, addresses in value.items():
            if role not in HQ_ROLES:
                raise ValueError(f"unknown role {role!r}; roles: {', '.join(HQ_ROLES)}")
            for address in addresses:
                if "@" not in address:
                    raise ValueError(f"{address!r} under {role} is not an e-mail address")
        return {role: [a.lower() for a in addresses] for role, addresses in value.items()}

    def recipients(self, role: str) -> list[str]:
        return self.roles.get(role) or self.alerts_to


HQ_ROLES = (
    "ceo",
    "deputy_ceo",
    "deputy_science",
    "dir_methodology",
    "dir_software_dev",
    "curator",
    "service_desk",
    "accounting",
    "admin",
)

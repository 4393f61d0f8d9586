"""Policy sections of the Omnicomm (001) and TechnoKad (004) presets (R-CFG-4, issue 23).

Each option is one small model with its rule; TECHNOCOM's embedded defaults leave them off,
so the default behaviour is unchanged. Kept apart from bot/policy.py, which only names them.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

# R-TKT-17: 004 §3.7 refusal reasons plus TECHNOCOM's `unidentified`; a preset may list fewer.
RefusalReason = Literal[
    "license_violation",
    "insufficient_info",
    "incomprehensible",
    "offensive_language",
    "out_of_scope",
    "unidentified",
]
REFUSAL_REASONS: tuple[str, ...] = get_args(RefusalReason)


class VendorPolicy(BaseModel):
    """Who signs the letters (issue 23 item 3): a preset's own name and phone in the footer,
    and a template folder replies/templates/<templates>/ whose files override the shared ones
    of the same name. Unset values fall back to the settings (hq.company, hq.phone)."""

    model_config = ConfigDict(extra="forbid")

    company: str | None = None
    phone: str | None = None
    templates: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]*$")


class OutageNoticePolicy(BaseModel):
    """R-TKT-21 (001 item 15): partners are told when a service is down longer than the
    threshold, and again when it is restored."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    threshold_minutes: int = Field(60, ge=1)
    # all: every partner's contact e-mail; service: partners with a ticket naming the service.
    audience: Literal["all", "service"] = "all"


class OutOfScopeTopic(BaseModel):
    """R-TKT-17 (004 §4.1): a topic outside the support's competence and the word stems that
    suggest it; the bot only flags it for HQ, which may `reject(out_of_scope)`."""

    model_config = ConfigDict(extra="forbid")

    topic: str = Field(min_length=1)
    words: list[str] = Field(min_length=1)

    @field_validator("words")
    @classmethod
    def _lower(cls, words: list[str]) -> list[str]:
        cleaned = [w.strip().lower() for w in words]
        if any(not w for w in cleaned):
            raise ValueError("an empty word matches every letter; remove it")
        return cleaned

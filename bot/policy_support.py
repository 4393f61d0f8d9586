"""The support-period option of the Shtrih-M preset (R-ID-8, seed 003, issue 23).

Kept apart from bot/policy.py, which only names the section. Off in the TECHNOCOM default:
a ticket is then never checked against a support period.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SupportPeriodPolicy(BaseModel):
    """R-ID-8: a ticket is processed only inside a free or paid support period."""

    model_config = ConfigDict(extra="forbid")

    required: bool = False
    # 003 «Бесплатная техподдержка»: three months from the registration of the protection key.
    free_period_months: int = Field(3, ge=0)
    # 003 «Платная техподдержка»: renewal by the number of an act not used for a renewal before.
    renewal_by_act: bool = True
    # How long a renewal by act lasts from the letter that gives the act number. 003 leaves
    # the term to the act itself; HQ corrects a different term with `partners add
    # --support-until`.
    renewal_months: int = Field(12, ge=1)
    # Support tiers the period does not apply to (003: certified partners have no period).
    exempt_tiers: list[str] = Field(default_factory=list)

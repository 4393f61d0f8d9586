"""Who wrote a letter, as the rules see the sender (R-ID-1): the partner and how it was found.
Apart from bot/partners.py (which finds it) so that the stores and rules can name it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Identity:
    """Who wrote: a partner found by exact address or, for mail@ kinds, by domain."""

    partner_id: int
    partner_name: str
    role: str | None
    active: bool
    via: str  # "address" | "domain"
    curator: str | None = None
    support_tier: str | None = None
    inn: str | None = None  # R-VAL-4 / D-42: compared with the INN of a license form

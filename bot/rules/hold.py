"""Replies held for a letter imported from an existing mailbox (IMAP backfill, issue 6).

Holding is decided before anything is written: the letter's decision is turned into a held
one here, and every writer queues the letter's replies and notices as `held` at once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.rules.decide import CLARIFICATION_REMINDER, Decision

# The case attribute that keeps whatever the case sends later held as well.
REPLIES_HELD = "replies_held"

# Timers that only send the partner a letter and change nothing: a held letter sets none, or
# it would later remind the partner of a request they never received. Timers that change a
# case's state are kept.
REMINDER_TIMERS = (CLARIFICATION_REMINDER, "tkt_w_end", "pin_remind", "rpt_remind")


def held_attrs(attrs: dict[str, Any] | None) -> dict[str, Any]:
    """A case's attributes once a held letter joined it."""
    return {**(attrs or {}), REPLIES_HELD: True}


def held(decision: Decision) -> Decision:
    """The decision of a held letter: its reminder timers left out, its case marked held."""
    kept = tuple(item for item in decision.deadlines if item.kind not in REMINDER_TIMERS)
    return replace(decision, deadlines=kept, attrs=held_attrs(decision.attrs))

"""The reply writer: every letter the service writes, built once (bot/app.py) and passed to
the Applier and whoever else writes letters.

`partner`: replies to a partner's letter in its thread (R-THR-3, R-NTF-3, R-MBX-4); `cases`:
letters no partner letter asked for (timers, HQ actions; R-CAL-10, R-CAL-11); `hq`: notices
and alerts to HQ (R-HQ-8); `history`: the case history and thread keys they all record.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.apply_types import ApplierConfig
from bot.case_history import CaseHistory
from bot.clock import Clock
from bot.letters.case import CaseLetters
from bot.letters.hq import HqNotices
from bot.letters.partner import PartnerLetters
from replies.render import Renderer


@dataclass(frozen=True, slots=True)
class Letters:
    history: CaseHistory
    hq: HqNotices
    partner: PartnerLetters
    cases: CaseLetters

    @classmethod
    def build(cls, config: ApplierConfig, renderer: Renderer, clock: Clock) -> Letters:
        history = CaseHistory(clock)
        hq = HqNotices(config, renderer, clock)
        partner = PartnerLetters(config, renderer, clock, history, hq)
        return cls(history, hq, partner, CaseLetters(partner, hq, history, clock))

"""Possible refusal grounds flagged for HQ on a new ticket (R-TKT-17, seed 004 §3.7, §4.1). Pure.

The bot never refuses by itself for these: HQ reads the flag and may `reject(out_of_scope)`
(or `reject(offensive_language)` for the `offensive` flag). The reader's own `offensive` mark
stayed in its reading report and never reached the case (issue 23). A topic matches
when one of its stems (or phrases of stems) begins a word of the letter's new text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from bot.policy_vendor import OutOfScopeTopic
from bot.rules.decide import CaseView, Decision
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.ticket.log_split import split_logs
from bot.rules.ticket.rules import TicketRules
from parsers.signals_tone import offensive

OUT_OF_SCOPE = "out_of_scope"
OFFENSIVE = "offensive"
# A reading bound, as for the offensive-language check: the head of a long letter is enough.
_MAX_CHARS = 20000


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # "операционн систем" matches «операционной системы»: each stem begins a word, in order.
    phrases = (r"\w*\s+".join(re.escape(stem) for stem in w.split()) for w in words)
    return re.compile(r"(?<!\w)(?:" + "|".join(phrases) + ")", re.I)


def out_of_scope_topic(text: str, topics: list[OutOfScopeTopic]) -> str | None:
    """The first configured topic the text seems to be about, or None."""
    head = text[:_MAX_CHARS]
    for topic in topics:
        if _pattern(tuple(topic.words)).search(head):
            return topic.topic
    return None


def flagged(facts: LetterFacts, topics: list[OutOfScopeTopic]) -> LetterFacts:
    """The letter with `offensive` and `out_of_scope` flags where they apply."""
    extra: list[str] = []
    if OFFENSIVE not in facts.flags and offensive(facts.new_text[:_MAX_CHARS]) is not None:
        extra.append(OFFENSIVE)
    if OUT_OF_SCOPE not in facts.flags and out_of_scope_topic(facts.new_text, topics):
        extra.append(OUT_OF_SCOPE)
    return replace(facts, flags=(*facts.flags, *extra)) if extra else facts


class ScopedTicketRules(TicketRules):
    """Tickets as usual, with a new ticket's possible refusal grounds flagged (R-TKT-17) and,
    under `ticket.logs_strict_split`, each log field proven on its own (D-24)."""

    def new_case(self, facts: LetterFacts, ctx: RuleContext) -> Decision:
        facts = split_logs(facts, ctx.policy.ticket.logs_strict_split)  # D-24
        return super().new_case(flagged(facts, ctx.policy.ticket.out_of_scope_topics), ctx)

    def followup(self, case: CaseView, facts: LetterFacts, ctx: RuleContext) -> Decision:
        strict = ctx.policy.ticket.logs_strict_split
        return super().followup(case, split_logs(facts, strict, case.fields), ctx)

"""Small pieces shared by the license and resource rules: field values, unchanged-state
decisions, and what a follow-up letter says (§2.2 events, §3.6 license documents)."""

from __future__ import annotations

from typing import Any

from bot.rules.decide import NEEDS_INFO, CaseView, Decision, ReplyIntent, field_value, unchanged
from bot.rules.kinds import LetterFacts
from parsers.extract_followups import license_event
from parsers.signals import EVENTS

# One reading of a stored field for every rule set.
value = field_value


def as_list(item: Any) -> list[Any]:
    if item is None:
        return []
    return list(item) if isinstance(item, list | tuple) else [item]


same = unchanged


def hq_question(
    case: CaseView,
    text: str,
    template: str,
    rule_ids: tuple[str, ...],
    *,
    attrs: dict[str, Any] | None = None,
    cancel_deadlines: tuple[str, ...] = (),
) -> Decision:
    """HQ's question to the partner (`request_info`): the case waits for the answer and the
    partner gets the question in the kind's clarification letter."""
    return Decision(
        state=NEEDS_INFO,
        event="hq-question",
        fields=case.fields,
        attrs={**(attrs if attrs is not None else case.attrs), "hq_question": text},
        replies=(
            ReplyIntent("clarification", template, {"missing": [], "invalid": [], "hq_text": text}),
        ),
        cancel_deadlines=cancel_deadlines,
        rule_ids=rule_ids,
    )


def after_close(case: CaseView, attrs: dict[str, Any]) -> Decision:
    """R-THR-11: a letter into a finished case is kept; the partner learns the final state."""
    return same(
        case,
        "letter-after-close",
        attrs,
        replies=(ReplyIntent("notice", "case_closed_thread", {}),),
        rule_ids=("R-THR-11",),
    )


def letter_event(facts: LetterFacts) -> str | None:
    """§3.6 follow-up or §2.2 event: the extractor's flag, else the words of the new text."""
    for flag in facts.flags:
        if flag.startswith("event:"):
            return flag.removeprefix("event:")
    if facts.event:
        return facts.event
    return license_event(facts.new_text) or next(
        (event for event, pattern in EVENTS if pattern.search(facts.new_text)), None
    )

"""The inquiry's states and timers (spec §5.5, R-HQ-4), shared by its rules and R-PIN-26's."""

from __future__ import annotations

UNCLASSIFIED, OPEN, ANSWERED, CLOSED, DISCARDED = (
    "unclassified",
    "open",
    "answered",
    "closed",
    "discarded",
)
TERMINAL = frozenset({CLOSED, DISCARDED})
ANSWER_DUE = "inq_answer_due"  # R-HQ-4: HQ's official answer, 3 WD
AUTO_CLOSE = "inq_autoclose"  # §5.5: 5 WD after the answer with no partner letter
TIMERS = (ANSWER_DUE, AUTO_CLOSE)

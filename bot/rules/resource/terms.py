"""The engineer-hours request's deadline counted in working time (R-CAL-4, R-RES-3).

The Deputy CEO for Science reviews within `resource.review_due` (3 WD) of the completing
letter, or of the answer to HQ's question (R-RES-4); the calendar refresh recomputes it
from that start when the calendar data change.
"""

from __future__ import annotations

from bot.rules.resource.resources import REVIEW_DUE
from bot.rules.working_terms import WorkingTerm, working_days

RESOURCE_TERMS = (
    WorkingTerm(
        REVIEW_DUE,
        "review_clock_started_at",
        working_days(lambda attrs, policy: policy.resource.review_due_wd),
        "R-RES-3",
        "review_due_at",
    ),
)

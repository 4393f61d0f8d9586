"""Alerts that do not flood (R-HQ-8, R-SLA-7): what a tick's timers say to HQ goes out as one
letter per recipient list, and one alert is not repeated for one case within a digest period.

A timer's alert is written in the timer's own transaction with status `batched` (the sender
leaves it alone), so a crash between timers loses none. At the end of the tick `merge` turns
every batched row into either a plain queued letter (the only one for its recipients) or
part of one listing letter, the rows then `merged`: kept, for the record, and never sent.
A tick killed before `merge` leaves its rows batched, and the next tick merges them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import as_utc
from bot.desk.alert_keys import BATCHED, MERGED
from bot.letters.hq import HqNotices, reply_json
from bot.outbox.compose import OutgoingLetter
from bot.outbox.queue import queue
from bot.store.models import OutboxMessage


def merge(session: Session, writer: HqNotices, now: datetime) -> list[dict[str, Any]]:
    """Queue the batched alerts: one letter per recipient list (R-HQ-8)."""
    # The writer's settings and renderer, as its own letters use them.
    config, renderer = writer.config, writer.renderer
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == BATCHED).order_by(OutboxMessage.id)
    ).all()
    groups: dict[tuple[str, ...], list[OutboxMessage]] = defaultdict(list)
    for row in rows:
        groups[tuple(row.recipients)].append(row)
    out: list[dict[str, Any]] = []
    for recipients, members in groups.items():
        if len(members) == 1:
            members[0].status = "queued"
            out.append(reply_json(members[0]))
            continue
        items = [{"subject": row.subject, "text": row.text.strip()} for row in members]
        outgoing = OutgoingLetter(
            reply_kind="notice",
            template="hq_alert_batch",
            sender=config.general_address,
            sender_name="partnerdesk",
            to=recipients[0],
            cc=recipients[1:],
            rendered=renderer.render("hq_alert_batch", {"items": items, "count": len(items)}),
            # The first and last row it lists: a rerun of the same merge finds it written.
            dedupe_key=f"alert-batch:{members[0].id}-{members[-1].id}",
            auto_submitted="auto-generated",
        )
        letter = queue(
            session, outgoing, case_id=None, letter_id=None, domain=config.domain, now=now
        )
        for row in members:
            row.status = MERGED
        if letter is not None:
            # R-CAL-13: the letter leaves when its most pressing alert would have.
            letter.next_attempt_at = max(now, min(as_utc(m.next_attempt_at) for m in members))
            out.append(reply_json(letter))
    return out

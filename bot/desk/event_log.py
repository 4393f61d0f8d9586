"""One structured log line per letter, per timer run and per delivery attempt (issue 21 item 3).

The line is `event key=value …` as text, or one JSON object a line with `logging.json = true`
(or `--log-format json`), for a log collector. Addresses may be logged; secrets never: the
fields are chosen here, one by one, and none of them is a setting or a header value.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.results import LetterResult
from bot.store.models import Letter

log = logging.getLogger("partnerdesk.events")

# The key of the structured fields in a LogRecord's `extra`.
FIELDS = "event_fields"


def letters(sessions: sessionmaker[Session], results: Sequence[LetterResult], ms: float) -> None:
    """A line per letter handled, `ms` each; the stored row gives size, mailbox and sender."""
    if not results or not log.isEnabledFor(logging.INFO):
        return
    ids = [result.letter_id for result in results]
    with sessions() as session:
        rows = {
            row.id: row
            for row in session.execute(
                select(Letter.id, Letter.size, Letter.mailboxes, Letter.from_addr).where(
                    Letter.id.in_(ids)
                )
            )
        }
    for result in results:
        row = rows.get(result.letter_id)
        letter(
            result,
            size=row.size if row else None,
            mailboxes=list(row.mailboxes or []) if row else [],
            sender=row.from_addr if row else None,
            ms=ms,
        )


def letter(
    result: LetterResult, *, size: int | None, mailboxes: list[str], sender: str | None, ms: float
) -> None:
    """A letter handled: what it was, where it went, what was answered (or held)."""
    replies = result.replies
    emit(
        "letter",
        letter=result.letter_id,
        size=size,
        mailbox=",".join(mailboxes) or None,
        sender=sender,
        kind=result.kind,
        case=result.case,
        state=result.state,
        status=result.status,
        duplicate=result.duplicate or None,
        reason=result.reason,
        queued=sum(1 for reply in replies if reply.get("status") == "queued"),
        held=sum(1 for reply in replies if reply.get("status") == "held"),
        ms=round(ms, 1),
    )


def timer(deadline: int, outcome: str, replies: int, ms: float) -> None:
    """A timer run: done (with the letters it wrote), taken back, or failed."""
    emit("timer", deadline=deadline, outcome=outcome, replies=replies, ms=round(ms, 1))


def delivery(outbox: int, to: str, template: str, outcome: str, error: str | None = None) -> None:
    """One hand-over of an outbox row to the transport: sent or failed (and why)."""
    emit("delivery", outbox=outbox, to=to, template=template, outcome=outcome, error=error)


def emit(event: str, **fields: Any) -> None:
    present = {key: value for key, value in fields.items() if value is not None}
    text = " ".join(f"{key}={_text(value)}" for key, value in present.items())
    log.info("%s %s", event, text, extra={FIELDS: {"event": event, **present}})


def _text(value: Any) -> str:
    if isinstance(value, str) and (not value or any(c.isspace() or c in '"=' for c in value)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and an event's own fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        fields = getattr(record, FIELDS, None)
        if isinstance(fields, Mapping):
            out.update(fields)
        else:
            out["message"] = record.getMessage()
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def use_json(enabled: bool) -> None:
    """Switch every handler of the root logger to JSON lines (or leave the text format)."""
    if enabled:
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())

"""A case's history and thread keys: what every writer of a case records (R-HQ-6, R-THR-3).

One recorder, shared by the Applier (a decision's history entry) and the reply writers (each
reply they queue is an event, and its Message-ID maps back to the case).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.store.models import Case, CaseEvent, ThreadKey
from bot.store.txn_cache import cache_of


class CaseHistory:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def event(
        self,
        session: Session,
        case: Case,
        event: str,
        letter_id: int | None,
        details: dict[str, Any],
        *,
        old_state: str | None = ...,  # type: ignore[assignment]
        actor: str = "partnerdesk",
    ) -> None:
        """A history entry: who, when, what (R-HQ-6); `old_state` defaults to the case's
        current state (nothing changed)."""
        session.add(
            CaseEvent(
                case_id=case.id,
                at=self._clock.now(),
                actor=actor,
                event=event,
                old_state=case.state if old_state is ... else old_state,
                new_state=case.state,
                letter_id=letter_id,
                details=jsonable(details),
            )
        )

    def remember(
        self, session: Session, case: Case, message_id: str | None, *, fresh: bool = False
    ) -> None:
        """Map a Message-ID to the case; `fresh` ids (our own, just made) need no look-up,
        nor ids a batch found unmapped when it started (`TransactionCache.unmapped_ids`)."""
        if not message_id:
            return
        unmapped = cache_of(session).unmapped_ids
        if fresh or message_id in unmapped or session.get(ThreadKey, message_id) is None:
            unmapped.discard(message_id)
            session.add(ThreadKey(message_id=message_id, case_id=case.id))


def jsonable(value: Any) -> Any:
    """A value as it is stored in a JSON column: instants as ISO strings."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value

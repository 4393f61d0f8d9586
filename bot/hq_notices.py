"""HQ notices and alerts: letters to HQ's own mailboxes, capped per kind and hour (issue 19).

A base of the LetterWriter (and so of the Applier); partner replies live in letters_out.
`ours()` is here: HQ addresses are never a partner reply's recipient (R-NTF-3, R-MBX-7).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.compose import OutgoingLetter
from bot.outbox import queue
from bot.reply_guard import MAX_HQ_NOTICES_PER_HOUR, note_notice, notices_in_last_hour
from bot.rules.decide import Decision
from bot.store.models import Case, OutboxMessage
from replies.render import Renderer

if TYPE_CHECKING:
    from bot.apply_types import ApplierConfig


class HqNotices:
    """Needs `_config`, `_renderer`, `_clock` and `common_context` from the Applier."""

    _config: ApplierConfig
    _renderer: Renderer
    _clock: Clock
    common_context: Callable[[Session, Case], dict[str, Any]]

    def ours(self) -> frozenset[str]:
        """Our mailboxes and HQ: never the recipient of a partner reply (R-NTF-3, R-MBX-7)."""
        config = self._config
        roles = (address for addresses in config.hq_roles.values() for address in addresses)
        return frozenset(
            (
                config.general_address,
                config.support_address,
                *config.hq_alerts_to,
                *config.hq_staff,
                *roles,
            )
        )

    def alerts(
        self, session: Session, case: Case, decision: Decision, origin: str
    ) -> list[dict[str, Any]]:
        """H-ALERT-* of a decision, to the holders of each role (R-HQ-8)."""
        out: list[dict[str, Any]] = []
        for alert in decision.hq_alerts:
            context = {**self.common_context(session, case), **alert.context}
            key = f"alert:{case.id}:{alert.template}:{alert.role}:{alert.key or origin}"
            out += self.notify_hq(session, alert.template, key, case, context, role=alert.role)
        return out

    def notify_hq(
        self,
        session: Session,
        template: str,
        dedupe_key: str,
        case: Case | None,
        context: dict[str, Any],
        *,
        role: str | None = None,
    ) -> list[dict[str, Any]]:
        """A notice to HQ: to the holders of `role`, else to the operational alert list."""
        now = self._clock.now()
        rendered = self._renderer.render(template, context)
        alerts = self._config.hq_roles.get(role or "") or self._config.hq_alerts_to
        # Issue 19: 200 forged bounces made 200 notices. Past the hourly cap of a kind they
        # are kept as held rows (nothing lost), and HQ gets one summary for the hour.
        status, summary = "queued", []
        if notices_in_last_hour(session, alerts[0], template, now) >= MAX_HQ_NOTICES_PER_HOUR:
            status = "held"
            if template != "hq_notices_held":
                summary = self.notify_hq(
                    session,
                    "hq_notices_held",
                    f"hq-limit:{template}:{now:%Y%m%d%H}",
                    None,
                    {"template": template, "limit": MAX_HQ_NOTICES_PER_HOUR},
                    role=role,
                )
        outgoing = OutgoingLetter(
            reply_kind="notice",
            template=template,
            sender=self._config.general_address,
            sender_name="partnerdesk",
            to=alerts[0],
            cc=tuple(alerts[1:]),
            rendered=rendered,
            dedupe_key=dedupe_key,
            auto_submitted="auto-generated",
        )
        row = queue(
            session,
            outgoing,
            case_id=case.id if case else None,
            letter_id=None,
            domain=self._config.domain,
            now=now,
            status=status,
        )
        if row is not None:
            note_notice(session, alerts[0], template)
        return ([reply_json(row)] if row is not None else []) + summary


def reply_json(row: OutboxMessage) -> dict[str, Any]:
    return {
        "to": row.to_addr,
        "cc": list(row.recipients[1:]),
        "subject": row.subject,
        "kind": row.reply_kind,
        "text": row.text,
        "message_id": row.message_id,
        "template": row.template,
        "status": row.status,
    }

"""HQ notices and alerts: letters to HQ's own mailboxes, capped per kind and hour (issue 19).

One of the reply writers (`bot.letters.writer`); partner replies live in letters_out. `ours()` is
here: HQ addresses are never a partner reply's recipient (R-NTF-3, R-MBX-7).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.apply_types import ApplierConfig
from bot.clock import Clock, as_utc
from bot.desk import labels
from bot.desk.alert_keys import BATCHED, sent_recently
from bot.desk.alert_policy import AT_ONCE, AT_SLOT, DIGEST, alert_type, delivery
from bot.letters.context import case_context
from bot.outbox.compose import OutgoingLetter
from bot.outbox.queue import key_used, queue
from bot.reply_guard import MAX_HQ_NOTICES_PER_HOUR, note_notice, notices_in_last_hour
from bot.rules.decide import Decision
from bot.store.models import Case, OutboxMessage
from replies.render import Renderer


class HqNotices:
    """Writes HQ's notices and alerts in the caller's transaction (transactional outbox)."""

    def __init__(self, config: ApplierConfig, renderer: Renderer, clock: Clock) -> None:
        self.config = config  # read by the tick's merge of batched alerts too
        self.renderer = renderer
        self._clock = clock

    def ours(self) -> frozenset[str]:
        """Our mailboxes and HQ: never the recipient of a partner reply (R-NTF-3, R-MBX-7)."""
        config = self.config
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
        self, session: Session, case: Case, decision: Decision, origin: str, *, held: bool = False
    ) -> list[dict[str, Any]]:
        """H-ALERT-* of a decision, to the holders of each role (R-HQ-8); `held`: see
        `notify_hq`."""
        out: list[dict[str, Any]] = []
        # R-HQ-8: a timer's alerts wait for the end of the tick (bot/desk/alert_batch.py).
        batch = origin.startswith("deadline:")
        for alert in decision.hq_alerts:
            context = {
                **case_context(session, case, self.config, self._clock.now()),
                **alert.context,
            }
            sort = alert.context.get("alert", "")
            what = f"alert:{case.id}:{alert.template}:{alert.role}:{sort}|"
            # R-HQ-8: one alert of a kind per case and digest period; the digest has the rest.
            if sent_recently(session, what, self._clock.now()):
                continue
            key = what + (alert.key or origin)
            # R-HQ-8: an event the spec does not list waits for the digest (R-HQ-7).
            deliver = delivery(alert.template, sort, self.config.alerts_24x7)
            out += self.notify_hq(
                session,
                alert.template,
                key,
                case,
                context,
                role=alert.role,
                batch=batch,
                deliver=deliver,
                held=held,
            )
        return out

    def _actor(self, role: str) -> str:
        """The --as address of the commands an alert suggests: the role's staff member."""
        staff = self.config.hq_staff
        holders = [a for a in self.config.hq_roles.get(role, ()) if a in staff]
        return (holders or list(staff) or ["ВАШ_АДРЕС"])[0]

    def notify_hq(
        self,
        session: Session,
        template: str,
        dedupe_key: str,
        case: Case | None,
        context: dict[str, Any],
        *,
        role: str | None = None,
        batch: bool = False,
        deliver: str | None = None,
        held: bool = False,
    ) -> list[dict[str, Any]]:
        """A notice to HQ: to the holders of `role`, else to the operational alert list;
        `batch`: left for the tick's merge, which the hourly cap then counts as one;
        `deliver`: DIGEST, AT_ONCE or AT_SLOT (R-CAL-13); by default an alert type R-HQ-8
        lists follows its slot and any other notice (quarantine, a command's answer) leaves
        at once; `held`: caused by a letter whose replies are held (issue 6), so what
        would be queued is held (a digest or batched row stays as it is)."""
        now = self._clock.now()
        if key_used(session, dedupe_key):  # one notice per event; nothing to render
            return []
        if deliver is None:
            kind = alert_type(template)
            at_once = kind is None or kind in self.config.alerts_24x7
            deliver = AT_ONCE if at_once else AT_SLOT
        # HQ's words, not codes, and a complete --as in every suggested command (R-HQ-8).
        words = {"flag_word": flag_text, "actor": self._actor(role or "admin")}
        state = case.state if case is not None else str(context.get("state", ""))
        words["hq_state"] = labels.state_word(state)
        rendered = self.renderer.render(template, {**words, **context})
        alerts = self.config.hq_roles.get(role or "") or self.config.hq_alerts_to
        # Issue 19: 200 forged bounces made 200 notices. Past the hourly cap of a kind they
        # are kept as held rows (nothing lost), and HQ gets one summary for the hour.
        status, summary = "queued", []
        if deliver == DIGEST:
            status = DIGEST  # kept, never sent: the next digest lists it
        elif batch:
            status = BATCHED
        elif notices_in_last_hour(session, alerts[0], template, now) >= MAX_HQ_NOTICES_PER_HOUR:
            status = "held"
            if template != "hq_notices_held":
                summary = self.notify_hq(
                    session,
                    "hq_notices_held",
                    f"hq-limit:{template}:{now:%Y%m%d%H}",
                    None,
                    {"template": template, "limit": MAX_HQ_NOTICES_PER_HOUR},
                    role=role,
                    held=held,
                )
        if held and status == "queued":
            status = "held"
        outgoing = OutgoingLetter(
            reply_kind="notice",
            template=template,
            sender=self.config.general_address,
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
            domain=self.config.domain,
            now=now,
            status=status,
        )
        slot = self.config.alert_slot
        if row is not None and deliver == AT_SLOT and slot is not None:
            row.next_attempt_at = slot(now)  # R-CAL-13: the sender takes it at the slot
        if row is not None and status not in {BATCHED, DIGEST}:
            note_notice(session, alerts[0], template)
        return ([reply_json(row)] if row is not None else []) + summary


def flag_text(flag: str) -> str:
    """A flag in HQ's words with its detail («no_sender:200 addresses»); an unnamed code as
    it is, so that nothing it says is lost."""
    code, _, detail = flag.partition(":")
    word = labels.FLAGS.get(code, code)
    return f"{word} ({detail})" if detail else word


def reply_json(row: OutboxMessage) -> dict[str, Any]:
    out: dict[str, Any] = {
        "to": row.to_addr,
        "cc": list(row.recipients[1:]),
        "subject": row.subject,
        "kind": row.reply_kind,
        "text": row.text,
        "message_id": row.message_id,
        "template": row.template,
        "status": row.status,
    }
    if row.next_attempt_at > row.created_at and row.status in {"queued", BATCHED}:
        out["send_at"] = as_utc(row.next_attempt_at).isoformat()  # R-CAL-10/13: a later slot
    return out

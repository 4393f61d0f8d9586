"""Letters the service writes for a case: partner replies in the thread (HQ notices and
alerts are in hq_notices).

One of the reply writers (`bot.letters.writer`): it renders the reply templates with the case's
context, applies the per-sender limit (R-MBX-4) and queues the rows in the caller's
transaction (transactional outbox).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.apply_types import ApplierConfig, CaseContext
from bot.case_history import CaseHistory
from bot.clock import Clock
from bot.desk.alert_policy import DIGEST
from bot.letters.context import case_context, reply_mailbox
from bot.letters.hq import HqNotices, reply_json
from bot.outbox.compose import OutgoingLetter
from bot.outbox.queue import key_used, queue, replies_in_last_hour
from bot.reply_guard import caused_in_last_hour, note_caused, partner_addresses, recipient_of
from bot.rules.decide import Decision, ReplyIntent
from bot.rules.hold import REPLIES_HELD
from bot.rules.recipients import MAX_UNKNOWN_TAGS, copied
from bot.store.models import Case
from replies.render import Renderer


class PartnerLetters:
    """Replies to partners, in their case's thread; HQ hears of what is held (`hq`)."""

    def __init__(
        self,
        config: ApplierConfig,
        renderer: Renderer,
        clock: Clock,
        history: CaseHistory,
        hq: HqNotices,
    ) -> None:
        self._config = config
        self._renderer = renderer
        self._clock = clock
        self._history = history
        self._hq = hq

    def reply_mailbox(self, case: Case) -> str:
        # R-NTF-2: From/Reply-To is the mailbox of the case's kind.
        return reply_mailbox(self._config, case)

    def _mailbox_of(self, role: str | None) -> str | None:
        if role is None:
            return None
        return self._config.support_address if role == "support" else self._config.general_address

    def common_context(self, session: Session, case: Case) -> dict[str, Any]:
        """The case as every reply template reads it (`bot.letters.context`)."""
        return case_context(session, case, self._config, self._clock.now())

    def flush_replies(
        self, session: Session, case: Case, ctx: CaseContext, decision: Decision
    ) -> list[dict[str, Any]]:
        """Replies to a partner letter: to its sender, in its thread (R-THR-3, R-NTF-3)."""
        letter = ctx.letter
        recipient = recipient_of(session, letter, ctx.identity, self._hq.ours())
        to, author = recipient.address, letter.from_addr
        flags = list(ctx.flags)
        if recipient.note:
            self._history.event(
                session,
                case,
                "reply-recipient",
                ctx.letter_row.id,
                {"rule": "R-NTF-3", "note": recipient.note},
            )
        if recipient.flag_hq:
            flags.append(f"no_reply: {recipient.note}")
        intents = decision.replies if to is not None else ()
        if intents and self.unclassified(case, ctx):
            # R-MBX-8: an unidentified letter at mail@ that matches no kind is not answered.
            self._history.event(
                session, case, "unclassified", ctx.letter_row.id, {"rule": "R-MBX-8"}
            )
            intents = ()
        # R-MBX-4: the author's replies are capped too, whichever of the partner's addresses
        # they went to; an unidentified author is only ever answered at their own address.
        reach = partner_addresses(session, ctx.identity) if intents and ctx.identity else None
        # R-NTF-3: the author's colleagues the letter was addressed to are copied.
        cc = (
            copied(
                to or "",
                [letter.header("to"), letter.header("cc")],
                ours=self._hq.ours(),
                partner_addresses=reach or frozenset(),
            )
            if intents
            else ()
        )
        out: list[dict[str, Any]] = []
        for intent in intents:
            assert to is not None
            context = {
                **self.common_context(session, case),
                "received_at": ctx.received_at,
                # R-THR-6: a quoted number that does not exist is named in the reply.
                "unknown_tags": list(ctx.unknown_tags[:MAX_UNKNOWN_TAGS]),
                "right_mailbox": self._mailbox_of(ctx.wrong_mailbox),
                **intent.context,
            }
            references = (
                (*letter.references, letter.message_id) if letter.message_id else letter.references
            )
            out += self.queue_reply(
                session,
                case,
                intent,
                context,
                to,
                dedupe_key=f"letter:{ctx.letter_row.id}:{intent.template}",
                letter_id=ctx.letter_row.id,
                in_reply_to=letter.message_id,
                references=tuple(references),
                auto_submitted="auto-replied",
                author=(author, reach) if reach is not None else None,
                cc=cc,
                held=ctx.held,
            )
        out += self._hq.alerts(
            session, case, decision, f"letter:{ctx.letter_row.id}", held=ctx.held
        )
        for flag in flags:
            out += self._hq.notify_hq(
                session,
                "hq_flag",
                f"flag:{ctx.letter_row.id}:{flag}",
                case,
                {**self.common_context(session, case), "flag": flag},
                role="admin",
                deliver=DIGEST,  # R-HQ-7 item 5: flags are read in the digest
                held=ctx.held,
            )
        return out

    def unclassified(self, case: Case, ctx: CaseContext) -> bool:
        """R-MBX-8 / D-36: an unidentified author at mail@ whose letter matches no kind."""
        return (
            not self._config.ack_unidentified_general_mail
            and case.kind == "inquiry"
            and case.mailbox == "general"
            and ctx.identity is None
        )

    def queue_reply(
        self,
        session: Session,
        case: Case,
        intent: ReplyIntent,
        context: dict[str, Any],
        to: str,
        *,
        dedupe_key: str,
        letter_id: int | None,
        in_reply_to: str | None,
        references: tuple[str, ...],
        auto_submitted: str,
        author: tuple[str, frozenset[str]] | None = None,
        cc: tuple[str, ...] = (),
        send_at: datetime | None = None,
        held: bool = False,
        attached: bytes | None = None,
    ) -> list[dict[str, Any]]:
        """`author`: who wrote the letter answered at another address, and that partner's
        addresses, so the author's replies are capped as well as the recipient's; `held`:
        the reply of a letter whose replies are held (issue 6), and so its notice too;
        `attached`: a letter sent along as message/rfc822 (R-PIN-26)."""
        now = self._clock.now()
        if key_used(session, dedupe_key):  # never twice (R-MBX-1); nothing to render
            return []
        # A letter HQ wrote (auto_submitted=no) carries no «сформировано автоматически».
        rendered = self._renderer.render(
            intent.template, {**context, "by_hq": auto_submitted == "no"}
        )
        status = "queued"
        limit = self._config.max_replies_per_hour
        # R-MBX-4: a capped number of auto-replies per address per hour; the rest are held.
        count = replies_in_last_hour(session, to, now)
        if author is not None:
            count = max(count, caused_in_last_hour(session, author[0], author[1], now, limit))
        # Issue 22 item 5: a letter HQ wrote (auto_submitted=no) is never held by the cap.
        over_limit = auto_submitted != "no" and count >= limit
        held_key = f"held:{to}:{now:%Y%m%d%H}"
        if over_limit and author is not None and not key_used(session, held_key):
            # The hour's first held reply to `to`: its HQ notice tells the replies this hour
            # (issue 19), which the count capped at the limit may understate.
            count = max(count, caused_in_last_hour(session, author[0], author[1], now, None))
        # A case imported from old mail without replies (IMAP backfill) stays silent.
        if over_limit or held or (case.attrs or {}).get(REPLIES_HELD):
            status = "held"
        outgoing = OutgoingLetter(
            reply_kind=intent.reply_kind,
            template=intent.template,
            sender=self.reply_mailbox(case),
            sender_name=self._config.company,
            to=to,
            cc=cc,
            rendered=rendered,
            dedupe_key=dedupe_key,
            in_reply_to=in_reply_to,
            references=references,
            auto_submitted=auto_submitted,
            extra_headers={"X-Partnerdesk-Case": case.number or ""},
            attached=attached,
        )
        row = queue(
            session,
            outgoing,
            case_id=case.id,
            letter_id=letter_id,
            domain=self._config.domain,
            now=now,
            status=status,
        )
        if row is None:
            return []
        if send_at is not None and send_at > now:
            row.next_attempt_at = send_at  # R-CAL-10: the sender takes it at the slot
        if author is not None:
            note_caused(session, author[0])
        self._history.remember(session, case, row.message_id, fresh=True)
        self._history.event(
            session,
            case,
            f"reply-{intent.reply_kind}",
            letter_id,
            {"template": intent.template, "to": to, "status": status, "message_id": row.message_id},
        )
        out = [reply_json(row)]
        if send_at is not None:
            out[0]["send_at"] = max(send_at, now).isoformat()
        if over_limit:
            out += self._hq.notify_hq(
                session,
                "hq_held_replies",
                held_key,
                case,
                # The replies this hour, this one included, not the limit (issue 19).
                {"address": to, "count": count + 1, "limit": limit},
                held=held,
            )
        return out

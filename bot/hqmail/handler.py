"""A letter from an HQ staff address: a command by reply, a forward, or a note (R-MBX-7, R-HQ-5).

The pipeline hands every letter whose From is a staff address here, inside its transaction.
Nothing is done unless our own mail server vouched for the sender (R-ID-5); a refused letter
is never answered (its From may be forged) and HQ is alerted instead. An authenticated
command runs through the same action layer as `partnerdesk case`, as of the letter's receipt
time, all commands of one letter or none; the staff member gets one answer in the thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.actions import ALL_ACTIONS, Actions
from bot.apply import Applier
from bot.clock import Clock
from bot.hqmail.auth import sender_unverified, staff_mail_refusal
from bot.hqmail.dkim_check import DnsFunc, dkim_refusal
from bot.hqmail.forward import forwarded_letter
from bot.hqmail.syntax import Command, SyntaxProblem, command_lines, parse_commands
from bot.letters.hq import reply_json
from bot.outbox.compose import OutgoingLetter
from bot.outbox.queue import queue
from bot.results import LetterResult
from bot.rules.action_base import ActionRefused
from bot.rules.pin.actions import PIN_ACTIONS
from bot.store.models import Case, Letter
from parsers.reading import Reading
from parsers.types import Kind, ParsedLetter
from replies.render import Renderer

KNOWN_ACTIONS = frozenset(ALL_ACTIONS) | frozenset(PIN_ACTIONS)


@dataclass(frozen=True, slots=True)
class HqMailConfig:
    trusted_authserv_ids: frozenset[str]
    reply_from: str  # the mailbox the answer to the staff member comes from
    company: str
    domain: str
    # R-ID-5: domains whose DKIM signatures the service verifies itself (dkimpy).
    dkim_domains: frozenset[str] = frozenset()
    dkim_dnsfunc: DnsFunc | None = None  # the DNS lookup; None: the system resolver


@dataclass(frozen=True, slots=True)
class HqOutcome:
    """Either a finished result, or a forward to process as its original sender's letter."""

    result: LetterResult | None = None
    case: Case | None = None
    forwarded: Reading | None = None
    forwarded_by: str | None = None


class HqMail:
    def __init__(
        self,
        actions: Actions,
        applier: Applier,
        renderer: Renderer,
        clock: Clock,
        config: HqMailConfig,
    ) -> None:
        self._actions = actions
        self._clock = clock
        self._applier = applier
        self._letters = applier.letters
        self._renderer = renderer
        self._config = config

    def unverified(self, letter: ParsedLetter) -> str | None:
        """R-ID-5: why a (partner's) letter counts as unidentified, or None."""
        return sender_unverified(letter, self._config.trusted_authserv_ids)

    def handle(
        self,
        session: Session,
        row: Letter,
        letter: ParsedLetter,
        case: Case | None,
        received_at: datetime,
        role: str | None,
    ) -> HqOutcome:
        forward = forwarded_letter(letter, role, received_at)
        commands: list[Command] = []
        problem: str | None = None
        if forward is None:
            try:
                commands = parse_commands(letter.new_text, KNOWN_ACTIONS)
            except SyntaxProblem as exc:
                problem = str(exc)
            if not command_lines(letter.new_text) or (
                case is None and (problem is not None or [c.action for c in commands] == ["reply"])
            ):
                # A note or a letter about no case: recorded, as any HQ letter (R-MBX-7).
                return self._done(session, row, letter, case, "letter from HQ staff: recorded")
        if not self._config.trusted_authserv_ids and not self._config.dkim_domains:
            # R-ID-5: no server of ours to vouch for staff mail, so the channel is off.
            reason = (
                "letter from HQ staff: recorded; commands and forwards by mail are off until "
                "hq.trusted_authserv_ids names our mail server or hq.dkim_verify_domains "
                "our domain (R-ID-5)"
            )
            return self._done(session, row, letter, case, reason)
        refusal = self._refusal(row, letter)
        if refusal is not None:
            return self._forged(session, row, letter, case, received_at, refusal)
        if forward is not None:
            return HqOutcome(forwarded=forward, forwarded_by=letter.from_addr)
        if problem is None and case is None:
            problem = (
                "the letter names no case: reply in the case's thread or put its number "
                "([TCM-000123]) in the subject"
            )
        if problem is not None:
            return self._answer(session, row, letter, case, "hq_cmd_refused", {"why": problem})
        return self._run(session, row, letter, case, commands, received_at)

    def _refusal(self, row: Letter, letter: ParsedLetter) -> str | None:
        """R-ID-5: vouched for by our server's header, or by a DKIM signature we verify."""
        refusal = staff_mail_refusal(letter, self._config.trusted_authserv_ids)
        if refusal is None or not self._config.dkim_domains:
            return refusal
        domain = (letter.from_addr or "").rpartition("@")[2]
        own = dkim_refusal(row.raw, domain, self._config.dkim_domains, self._config.dkim_dnsfunc)
        return None if own is None else f"{refusal}; {own}"

    def _run(
        self,
        session: Session,
        row: Letter,
        letter: ParsedLetter,
        case: Case | None,
        commands: list[Command],
        received_at: datetime,
    ) -> HqOutcome:
        assert case is not None
        done: list[dict[str, Any]] = []
        nested = session.begin_nested()
        for command in commands:
            try:
                result = self._actions.perform_in(
                    session,
                    case.number or "",
                    command.action,
                    command.params,
                    letter.from_addr,
                    received_at,
                    via=f"mail, letter {row.id}",
                )
            except ActionRefused as exc:
                # One letter, one decision: what went before in this letter is undone.
                nested.rollback()
                session.refresh(case)
                context = {"why": str(exc), "line": command.line, "undone": done}
                return self._answer(session, row, letter, case, "hq_cmd_refused", context)
            ours = self._letters.hq.ours()
            sent = [reply for reply in result.replies if reply["to"] not in ours]
            item = {"line": command.line, "action": command.action, "result": result}
            done.append({**item, "sent": sent})
        nested.commit()
        context = {"done": done, "state": case.state}
        return self._answer(session, row, letter, case, "hq_cmd_done", context)

    def _forged(
        self,
        session: Session,
        row: Letter,
        letter: ParsedLetter,
        case: Case | None,
        received_at: datetime,
        refusal: str,
    ) -> HqOutcome:
        """R-ID-5: nothing done, no answer to the From address, HQ alerted."""
        replies = self._letters.hq.notify_hq(
            session,
            "hq_cmd_forged",
            f"hq-cmd-forged:{row.id}",
            case,
            {
                "letter_id": row.id,
                "sender": letter.from_addr,
                "received_at": received_at,
                "letter_subject": letter.subject or "(без темы)",
                "case_number": case.number if case else None,
                "refusal": refusal,
            },
            role="admin",
        )
        reason = f"HQ command refused, sender not authenticated (R-ID-5): {refusal}"
        return self._done(session, row, letter, case, reason, replies, event="hq-command-refused")

    def _answer(
        self,
        session: Session,
        row: Letter,
        letter: ParsedLetter,
        case: Case | None,
        template: str,
        context: dict[str, Any],
    ) -> HqOutcome:
        """The one answer to the staff member, in the thread of their letter."""
        now = self._clock.now()
        rendered = self._renderer.render(
            template,
            {
                "case_number": case.number if case else None,
                "letter_subject": letter.subject or "(без темы)",
                "company": self._config.company,
                "line": None,
                "undone": [],
                "done": [],
                "state": case.state if case else None,
                **context,
            },
        )
        references = (*letter.references, letter.message_id) if letter.message_id else ()
        outgoing = OutgoingLetter(
            reply_kind="notice",
            template=template,
            sender=self._letters.partner.reply_mailbox(case) if case else self._config.reply_from,
            sender_name="partnerdesk",
            to=letter.from_addr,
            rendered=rendered,
            # Never twice for one letter (R-MBX-1: a redelivery finds the row).
            dedupe_key=f"hq-cmd:{row.id}",
            in_reply_to=letter.message_id,
            references=tuple(references),
            auto_submitted="auto-replied",
        )
        out = queue(
            session,
            outgoing,
            case_id=case.id if case else None,
            letter_id=row.id,
            domain=self._config.domain,
            now=now,
        )
        replies = [reply for item in context.get("done", []) for reply in item["result"].replies]
        if out is not None:
            replies.append(reply_json(out))
        if template == "hq_cmd_done":
            actions = ", ".join(item["action"] for item in context["done"])
            reason = f"HQ command by mail done: {actions}"
            event = "hq-command"
        else:
            reason = f"HQ command refused: {context['why']}"
            event = "hq-command-refused"
        return self._done(session, row, letter, case, reason, replies, event=event)

    def _done(
        self,
        session: Session,
        row: Letter,
        letter: ParsedLetter,
        case: Case | None,
        reason: str,
        replies: list[dict[str, Any]] | None = None,
        event: str = "hq-letter",
    ) -> HqOutcome:
        if case is not None:
            # R-HQ-6: who, by mail, and what came of it.
            details = {"by": letter.from_addr, "via": "mail", "outcome": reason}
            self._applier.attach(session, case, row, letter, event, details)
        result = LetterResult(
            row.id,
            Kind.HQ_COMMAND.value,
            case.number if case else None,
            case.state if case else None,
            replies=list(replies or []),
            status="processed",
            reason=reason,
        )
        return HqOutcome(result=result, case=case)

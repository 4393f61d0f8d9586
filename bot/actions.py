"""HQ actions on cases (R-HQ-5, R-HQ-6): authorised, checked against the state, recorded.

A thin shell over the pure rules: the CLI calls it today; a reply-to-digest command channel
is another adapter over the same `perform`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.account_register import register_accounts
from bot.apply import Applier
from bot.case_split import split_letter
from bot.clock import Clock
from bot.hqmail.permissions import StaffDirectory
from bot.lookups import SessionLookups
from bot.outages import OUTAGE_ACTIONS, outage_action
from bot.partners import RegistryError, find_partner, partner_json, upsert_partner
from bot.rules.account.accounts import ACCOUNT_ACTIONS
from bot.rules.account.accounts import APPROVED_EVENT as ACCOUNTS_APPROVED
from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.decide import Decision, ReplyIntent
from bot.rules.dispatch import Rules
from bot.rules.inquiry.inquiries import INQUIRY_ACTIONS
from bot.rules.inquiry.inquiries import TIMERS as INQUIRY_TIMERS
from bot.rules.license.actions import LICENSE_ACTIONS
from bot.rules.license.licenses import ALL_TIMERS as LICENSE_TIMERS
from bot.rules.resource.resources import RESOURCE_ACTIONS, REVIEW_DUE
from bot.rules.ticket.actions import TICKET_ACTIONS
from bot.settings import HQ_ROLES
from bot.store.case_views import view_of
from bot.store.models import Case, Partner, ThreadKey

GENERIC_ACTIONS = ("comment", "merge", "reassign", "reclassify", "reply", "split")
# Kinds whose rules decide `reply` and `comment` too: an inquiry's reply is HQ's answer (§5.5).
OWN_REPLY_KINDS = frozenset({"ticket", "inquiry"})
KINDS = ("pin_request", "license_request", "ticket", "resource", "sd_account", "inquiry")


@dataclass(frozen=True, slots=True)
class ActionResult:
    case: str
    state: str
    replies: list[dict[str, Any]]
    new_case: str | None = None  # R-THR-13: the case a `split` opened

    def as_json(self) -> dict[str, Any]:
        out = {"case": self.case, "state": self.state, "replies": self.replies}
        return {**out, "new_case": self.new_case} if self.new_case else out


class Actions:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        applier: Applier,
        rules: Rules,
        clock: Clock,
        hq_staff: frozenset[str],
        staff: StaffDirectory | None = None,
    ) -> None:
        self._sessions = sessions
        self._applier = applier
        self._rules = rules
        self._clock = clock
        # R-HQ-5: per-action role permissions; without a directory any staff member acts.
        self._staff = staff or StaffDirectory(frozenset(hq_staff))

    def perform(self, number: str, name: str, params: dict[str, Any], actor: str) -> ActionResult:
        with self._sessions.begin() as session:
            return self.perform_in(session, number, name, params, actor, self._clock.now())

    def perform_in(
        self,
        session: Session,
        number: str,
        name: str,
        params: dict[str, Any],
        actor: str,
        now: datetime,
        via: str = "cli",
    ) -> ActionResult:
        """The action in the caller's transaction, as of `now` (a command letter's receipt
        time); `via` names the channel in the audit log (R-HQ-6)."""
        actor = actor.lower()
        if refusal := self._staff.refusal(name, actor):
            # R-HQ-1, R-HQ-5: only staff act, and some actions only in some roles.
            raise ActionRefused(refusal)
        if name in OUTAGE_ACTIONS:
            # R-TKT-21: an outage is HQ's own record, not a partner's case.
            policy = self._rules.policy
            outage = outage_action(
                session, self._applier.letters.partner, policy, number, name, params, actor, now
            )
            return ActionResult(*outage)
        case = session.scalar(select(Case).where(Case.number == number.upper()))
        if case is None:
            raise ActionRefused(f"no case {number}; list cases with 'partnerdesk cases'")
        request = ActionRequest(name, actor, params)
        split_into: Case | None = None
        if name == "split":
            decision, split_into = split_letter(
                session, case, request, now, self._applier.number_format
            )
        else:
            decision = self._decide(session, case, request, now)
        if decision.event == ACCOUNTS_APPROVED and case.partner_id is not None:
            # R-ID-9: the approved e-mails become the partner's registered addresses.
            register_accounts(session, case.partner_id, decision.attrs["approved_accounts"], now)
        if decision.event == "partner-approved":
            # R-LIC-2: approve_partner creates the registry record of the applicant.
            partner = _register_applicant(
                session, decision.attrs["approved_partner"], now, merge=_yes(params, "merge")
            )
            case.partner_id = partner.id
        self._applier.transition(
            session,
            case,
            decision,
            actor=actor,
            details={"action": name, "params": params, "via": via},
            keep_findings=True,
        )
        case.attrs = {**case.attrs, "last_hq_action_at": now.isoformat()}
        # Letters caused by a person are not auto-submitted (RFC 3834 §5).
        origin = f"action:{case.id}:{now.isoformat()}:{name}"
        replies = self._applier.letters.cases.case_letters(
            session, case, decision, origin=origin, auto_submitted="no"
        )
        if decision.replies:
            # R-SLA-12: the first human HQ message (question, answer, resolution).
            case.attrs = {**case.attrs, "last_hq_message_at": now.isoformat()}
        if split_into is not None:
            # R-THR-12, R-HQ-9: the partner learns the new number and which thread is which.
            told = Decision(
                state=split_into.state,
                event="split-notice",
                fields=split_into.fields,
                replies=(ReplyIntent("notice", "case_split", {"source": case.number}),),
                rule_ids=("R-THR-13", "R-THR-12"),
            )
            replies += self._applier.letters.cases.case_letters(
                session, split_into, told, origin=f"{origin}:notice", auto_submitted="no"
            )
        new_case = split_into.number if split_into is not None else None
        return ActionResult(case.number or "", case.state, replies, new_case)

    def _decide(
        self, session: Session, case: Case, request: ActionRequest, now: datetime
    ) -> Decision:
        view = view_of(case)
        if request.name == "merge":
            return self._merge(session, case, request)
        if request.name == "reassign":
            return _reassign(case, request)
        if request.name == "reclassify":
            kind = request.params.get("kind")
            if kind not in KINDS:
                raise ActionRefused(f"reclassify needs --kind, one of {', '.join(KINDS)}")
            # R-MBX-9: the number stays; the kind changes.
            case.kind = kind
            return Decision(
                state=case.state,
                event="reclassified",
                fields=case.fields,
                attrs={"reclassified_from": view.kind},
                rule_ids=("R-MBX-9",),
            )
        if view.kind in OWN_REPLY_KINDS or request.name not in GENERIC_ACTIONS:
            # The kind's own rules decide; they refuse what their state machine does not allow.
            return self._rules.action(view, request, now, SessionLookups(session))
        if request.name == "comment":
            return Decision(
                state=case.state, event="comment", fields=case.fields, rule_ids=("R-HQ-6",)
            )
        text = request.params.get("text")
        if not text:
            raise ActionRefused("reply needs --text")
        return Decision(
            state=case.state,
            event="hq-reply",
            fields=case.fields,
            replies=(ReplyIntent("notice", "hq_reply", {"text": text}),),
            rule_ids=("R-HQ-10",),
        )

    def _merge(self, session: Session, case: Case, request: ActionRequest) -> Decision:
        """R-THR-13: the merged number stays an alias that routes later letters to the target."""
        target_number = str(request.params.get("into") or "").upper()
        target = session.scalar(select(Case).where(Case.number == target_number))
        if target is None or target.id == case.id:
            raise ActionRefused("merge needs --into with another existing case number")
        if target.partner_id != case.partner_id:
            raise ActionRefused("cases of different partners cannot be merged (R-THR-7)")
        for key in session.scalars(select(ThreadKey).where(ThreadKey.case_id == case.id)):
            key.case_id = target.id
        return Decision(
            state="merged",
            event="merged",
            fields=case.fields,
            attrs={"merged_into": target.number},
            replies=(ReplyIntent("notice", "merged", {"target": target.number}),),
            cancel_deadlines=tuple(_ALL_TIMERS),
            rule_ids=("R-THR-13",),
        )


def _reassign(case: Case, request: ActionRequest) -> Decision:
    """R-HQ-12: the case's owner role (whose digest shows it, who gets its alerts)."""
    role = str(request.params.get("role") or "")
    if role not in HQ_ROLES:
        raise ActionRefused(f"reassign needs --param role=ROLE, one of {', '.join(HQ_ROLES)}")
    old = (case.attrs or {}).get("owner_role")
    return Decision(
        state=case.state,
        event="reassigned",
        fields=case.fields,
        attrs={"owner_role": role, "owner_role_before": old},
        rule_ids=("R-HQ-12",),
    )


def _register_applicant(
    session: Session, record: dict[str, Any], now: datetime, *, merge: bool
) -> Partner:
    """A new registry record. A form naming a registered company (its INN or name) joins
    that record only when HQ says so (`--param merge=yes`), and never changes its role: a
    stranger could otherwise add himself to a partner with its INN (issue 19, R-LIC-2)."""
    existing = find_partner(session, record["inn"]) if record.get("inn") else None
    existing = existing or find_partner(session, record["name"])
    if existing is not None:
        current = partner_json(session, existing)
        applicant = ", ".join(record["addresses"])
        if not merge:
            raise ActionRefused(
                f"approve_partner: the form's INN or name belongs to the registered partner "
                f"{existing.name} (INN {existing.inn or '—'}); approving would add {applicant} "
                f"to that partner. If {applicant} works for it, repeat with --param merge=yes; "
                "otherwise reject the application. Nothing was changed"
            )
        if current["role"] and record["role"] != current["role"]:
            raise ActionRefused(
                f"approve_partner: {existing.name} is registered as {current['role']}, not "
                f"{record['role']}; repeat with --param role={current['role']} (change a "
                "partner's role with 'partnerdesk partners add'). Nothing was changed"
            )
        record = {**current, "addresses": [*current["addresses"], *record["addresses"]]}
    try:
        return upsert_partner(session, record, now)
    except RegistryError as exc:
        raise ActionRefused(f"approve_partner: {exc}; nothing was changed") from exc


def _yes(params: dict[str, Any], key: str) -> bool:
    return str(params.get(key) or "").strip().lower() in {"yes", "true", "1"}


_ALL_TIMERS = (
    "tkt_w_end",
    "tkt_info_timeout",
    "sla_at_risk",
    "sla_breach",
    "sla_soft",
    "tkt_autoclose",
    "clarification_reminder",
    *LICENSE_TIMERS,
    REVIEW_DUE,
    *INQUIRY_TIMERS,
)
ALL_ACTIONS = tuple(
    sorted(
        {
            *TICKET_ACTIONS,
            *LICENSE_ACTIONS,
            *RESOURCE_ACTIONS,
            *INQUIRY_ACTIONS,
            *ACCOUNT_ACTIONS,
            *GENERIC_ACTIONS,
            *OUTAGE_ACTIONS,
        }
    )
)

"""R-ID-8: a ticket is processed only inside a free or paid support period (seed 003). Pure.

003 «Бесплатная техподдержка»: three months from the registration of the protection key;
«Платная техподдержка»: renewal only by the number of an act of services that was not used
for a renewal before, with support from the letter that gives it. What HQ recorded for the
partner (key registration date, paid until) and the act numbers already used come through
read-only look-ups; a renewal this decision makes is written by the shell
(`Decision.support_acts`).
"""

from __future__ import annotations

import calendar as gregorian
import re
from dataclasses import replace
from datetime import date
from typing import Protocol

from bot.policy_support import SupportPeriodPolicy
from bot.rules.decide import Decision, ReplyIntent, SupportActEntry, iso
from bot.rules.kinds import SupportRecord
from bot.rules.ticket.states import REJECTED, TicketLetter
from bot.workcal import WorkCalendar

# «акт № 123», «номер акта: АБ-17/2026», «акт об оказании услуг № 45 от 01.02.2026».
_ACT = re.compile(
    r"(?i)(?:номер\s+акта|акт(?:а|е|у|ом)?(?:\s+об\s+оказании\s+услуг)?)\s*[:\-–—]?\s*"
    r"(?:№|N|No\.?|#)\s*([A-Za-zА-Яа-яЁё0-9][\w/\-]{0,58})"
    r"|номер\s+акта\s*[:\-–—]?\s*([A-Za-zА-Яа-яЁё0-9][\w/\-]{0,58})"
)


class SupportLookups(Protocol):
    def support_record(self, partner_id: int) -> SupportRecord | None: ...

    def act_used(self, number: str) -> bool: ...


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))


def normalise_act(number: str) -> str:
    return re.sub(r"\s+", "", number).upper()


def read_act_number(text: str) -> str | None:
    match = _ACT.search(text)
    if match is None:
        return None
    return normalise_act(match.group(1) or match.group(2))


def covered_until(record: SupportRecord | None, policy: SupportPeriodPolicy) -> date | None:
    """The last day of the partner's support: the free period or the paid one, the later."""
    if record is None:
        return None
    ends = [record.paid_until] if record.paid_until else []
    if record.key_registered_on is not None and policy.free_period_months:
        # «в течение трех месяцев с момента регистрации ключа»: the day before the same date.
        free_end = add_months(record.key_registered_on, policy.free_period_months)
        ends.append(date.fromordinal(free_end.toordinal() - 1))
    return max(ends) if ends else None


def check_support(
    letter: TicketLetter,
    text: str,
    partner_id: int | None,
    policy: SupportPeriodPolicy,
    calendar: WorkCalendar,
    lookups: SupportLookups | None,
) -> Decision | SupportActEntry | None:
    """None when the receipt date is covered (or the option is off); a renewal to record
    with the ticket; or the rejection `no_support_period` / `act_number_used`."""
    tier = letter.attrs_extra.get("support_tier")
    if not policy.required or partner_id is None or lookups is None:
        return None
    if tier in policy.exempt_tiers:
        return None
    received = calendar.local(letter.received_at).date()
    until = covered_until(lookups.support_record(partner_id), policy)
    if until is not None and received <= until:
        return None
    act = read_act_number(text) if policy.renewal_by_act else None
    if act is None:
        return _rejection(letter, "no_support_period", {"covered_until": until})
    if lookups.act_used(act):
        return _rejection(letter, "act_number_used", {"act_number": act})
    # 003: «техническая поддержка оказывается с момента предоставления номера акта».
    paid_until = date.fromordinal(add_months(received, policy.renewal_months).toordinal() - 1)
    return SupportActEntry(number=act, paid_from=received, paid_until=paid_until)


def with_renewal(decision: Decision, act: SupportActEntry) -> Decision:
    """The ticket's own decision, recording the act that renewed the support period."""
    return replace(
        decision,
        attrs={
            **decision.attrs,
            "support_act": act.number,
            "support_paid_until": act.paid_until.isoformat(),
        },
        support_acts=(*decision.support_acts, act),
        rule_ids=(*decision.rule_ids, "R-ID-8"),
    )


def _rejection(letter: TicketLetter, reason: str, context: dict[str, object]) -> Decision:
    shown = {k: (v.strftime("%d.%m.%Y") if isinstance(v, date) else v) for k, v in context.items()}
    return Decision(
        state=REJECTED,
        event=f"rejected-{reason.replace('_', '-')}",
        fields=letter.fields,
        attrs={
            "received_at": iso(letter.received_at),
            **letter.attrs_extra,
            "close_reason": reason,
            "closed_at": iso(letter.received_at),
        },
        replies=(ReplyIntent("rejection", "tkt_rej", {"reason": reason, "text": "", **shown}),),
        rule_ids=("R-ID-8",),
    )

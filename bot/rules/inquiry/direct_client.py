"""A client that writes to HQ directly while a partner holds it (R-PIN-26, seed 000 §3.4
case 1: «головной офис перенаправляет запрос представителю партнерской сети»). Pure.

The client is known as held when the letter names the INN of a pre-pinned or pinned client,
or comes from the domain of one of that client's contact persons in the holder's request
(D-15: the contacts are the client's). A public mail domain proves nothing. The letter gets
no commercial answer from us: HQ is alerted with the holder and the pin's number, and its
`redirect_to_partner` sends the letter to the holder (A-PIN-CLIENT-REDIRECTED).
"""

from __future__ import annotations

from typing import Any

from bot.rules import action_params as p
from bot.rules.action_base import ActionRefused, ActionRequest
from bot.rules.decide import CaseView, Decision, HqAlert, ReplyIntent, field_value, iso
from bot.rules.inquiry.states import CLOSED, OPEN, TIMERS, UNCLASSIFIED
from bot.rules.kinds import LetterFacts, RuleContext
from bot.rules.pin.registry import registry_cases
from bot.rules.pin.states import HOLDING

# Mailboxes anyone can open: a client's contact there says nothing about who else writes.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "mail.ru", "bk.ru", "inbox.ru", "list.ru", "internet.ru", "yandex.ru", "ya.ru",
        "yandex.com", "narod.ru", "rambler.ru", "lenta.ru", "autorambler.ru", "myrambler.ru",
        "ro.ru", "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com",
        "icloud.com", "me.com", "yahoo.com", "proton.me", "protonmail.com", "vk.com",
    }
)  # fmt: skip
TEMPLATE = "hq_alert_direct_client"  # H-REDIRECT


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


def _contact_domains(view: CaseView) -> set[str]:
    contacts = field_value(view.fields, "contacts") or []
    emails = [c.get("email") for c in contacts if isinstance(c, dict)]
    return {_domain(e) for e in emails if e and "@" in e} - PUBLIC_MAIL_DOMAINS


def holder_of(facts: LetterFacts, ctx: RuleContext) -> tuple[CaseView, str] | None:
    """The pin case that holds the client this letter is from or about, and how it was
    found ("inn" or "domain"); None when no holder is known."""
    inn = field_value(facts.fields, "client_inn")
    domain = _domain(facts.sender) if facts.sender else ""
    for view in registry_cases(ctx, HOLDING):
        if inn and view.attrs.get("client_inn") == inn:
            return view, "inn"
        if domain and domain not in PUBLIC_MAIL_DOMAINS and domain in _contact_domains(view):
            return view, "domain"
    return None


def direct_client(
    facts: LetterFacts, attrs: dict[str, Any], holder: CaseView, found_by: str, ctx: RuleContext
) -> Decision:
    """R-PIN-26: no answer to the client; HQ is alerted and decides on the redirect."""
    partner = holder.partner_id
    name = ctx.lookups.partner_name(partner) if ctx.lookups and partner is not None else None
    held_by = {
        "pin_case": holder.number,
        "partner_id": partner,
        "partner_name": name,
        "client_name": holder.attrs.get("client_name"),
        "client_inn": holder.attrs.get("client_inn"),
        "found_by": found_by,
    }
    flags = [*attrs.get("flags", []), f"direct_client:{holder.number}"]
    alert = HqAlert(
        "curator",
        TEMPLATE,
        {"held_by": held_by, "holder_name": name, "client_address": facts.sender},
    )
    return Decision(
        state=UNCLASSIFIED,
        event="direct-client",
        fields=facts.fields,
        attrs={**attrs, "direct_client": held_by, "flags": flags},
        hq_alerts=(alert,),
        rule_ids=("R-PIN-26", "R-HQ-8"),
    )


def redirect(case: CaseView, request: ActionRequest, ctx: RuleContext) -> Decision:
    """R-PIN-26: the client's letter goes to the partner holding it (A-PIN-CLIENT-REDIRECTED)
    and the inquiry closes; HQ carries on with the client through that partner."""
    p.need_state(case, "redirect_to_partner", {UNCLASSIFIED, OPEN})
    held_by = case.attrs.get("direct_client")
    if not held_by or not held_by.get("partner_id"):
        raise ActionRefused(
            "redirect_to_partner: no partner holds the client of this letter (R-PIN-26 found "
            "no pre-pinned or pinned client by its INN or its sender's domain); answer it "
            "with 'adopt' and 'reply', or 'discard' it"
        )
    attrs = {
        **case.attrs,
        "redirected_at": iso(ctx.now),
        "redirected_by": request.actor,
        "closed_at": iso(ctx.now),
        "close_reason": "redirected_to_partner",
    }
    context = {
        "pin_case": held_by["pin_case"],
        "client_name": held_by.get("client_name"),
        "client_inn": held_by.get("client_inn"),
        "client_address": case.requester,
    }
    reply = ReplyIntent(
        "notice",
        "pin_client_redirected",
        context,
        to_partner=int(held_by["partner_id"]),
        forward_case_letter=True,
        thread_case=held_by["pin_case"],
    )
    return Decision(
        state=CLOSED,
        event="redirected-to-partner",
        fields=case.fields,
        attrs=attrs,
        replies=(reply,),
        cancel_deadlines=TIMERS,
        rule_ids=("R-PIN-26",),
    )

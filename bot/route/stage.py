"""The route stage: which case a letter continues, how that was found and what HQ must hear.

It reads and never writes: no row is added, changed or flushed here. What a route means for
the case (its flags, its history, a reply) is written by the pipeline's apply stage.

The order is the regulation's (R-THR-4): the thread's references and the subject tag, a
merged number followed to its case (R-THR-13), a case number in the letter's own text
(step 3), the sender's own case only (R-THR-7), a license document's waiting case (step 5),
a new request of another kind split off (R-THR-8), a pin follow-up by the client it names
(step 4, R-PIN-21).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import parsers
from bot.partners import Identity, identify
from bot.route.followup_match import license_case_for
from bot.route.pin_targets import PIN_FOLLOWUPS, pin_targets
from bot.route.thread_refs import case_named_in_body, multiple_tags_flag
from bot.route.threads import ThreadMatch, match_thread
from bot.store.models import Case, ThreadKey
from parsers.types import NEW_CASE_KINDS, Classification, Kind, ParsedLetter, RequestData

# The letter's classification once the kind of the thread it arrived in is known.
ClassifyIn = Callable[[str | None], Classification]


@dataclass(frozen=True, slots=True)
class Thread:
    """The case the headers or the subject tag name (R-THR-4 steps 1–2), or None."""

    match: ThreadMatch
    case: Case | None


@dataclass(frozen=True, slots=True)
class PinMatch:
    """A pin follow-up without a thread that matched no case or several (R-THR-4 step 4):
    answered by the apply stage (R-PIN-21 combined report, or A-UNMATCHED)."""

    request: RequestData
    matched: tuple[Case, ...]
    candidates: tuple[Case, ...]


@dataclass(frozen=True, slots=True)
class Route:
    case: Case | None
    # "references", "subject-tag", "body", "license-document", "pin-reference" or "none".
    via: str
    classification: Classification
    identity: Identity | None
    # For HQ: auth_failed (R-ID-5), cross_partner_reference (R-THR-7), multiple_tags (R-THR-10).
    flags: tuple[str, ...]
    # R-THR-8: the case this letter arrived in but does not belong to, and why.
    previous_case: tuple[str, str] | None
    # R-THR-4 step 3 was tried: neither the headers nor the subject named a case.
    body_reference: bool
    unknown_tags: tuple[str, ...] = ()
    # R-MBX-6: the mailbox a new case's first reply names (None when the letter joins a case).
    wrong_mailbox: str | None = None
    pins: PinMatch | None = None


def thread_of(session: Session, letter: ParsedLetter, prefix: str, number_format: str) -> Thread:
    """In-Reply-To/References, then the subject tag; a merged number is an alias of the
    case it was merged into (R-THR-13)."""

    def by_ids(ids: Iterable[str]) -> int | None:
        ids = list(ids)
        rows = session.execute(
            select(ThreadKey.message_id, ThreadKey.case_id).where(ThreadKey.message_id.in_(ids))
        ).all()
        found = dict(rows)
        for message_id in ids:  # In-Reply-To first, then the newest reference
            if message_id in found:
                return found[message_id]
        return None

    def by_number(number: str) -> int | None:
        return session.scalar(select(Case.id).where(Case.number == number))

    match = match_thread(letter, by_ids, by_number, prefix, number_format)
    case = session.get(Case, match.case_id) if match.case_id else None
    while case is not None and (case.attrs or {}).get("merged_into"):
        case = session.scalar(select(Case).where(Case.number == case.attrs["merged_into"]))
    return Thread(match, case)


def same_owner(case: Case, identity: Identity | None, sender: str) -> bool:
    """R-THR-7: the case belongs to the writer: same partner, or the same unidentified
    address."""
    if case.partner_id is not None:
        return identity is not None and identity.partner_id == case.partner_id
    return sender == case.requester


def _as_in_thread(case: Case, classify: ClassifyIn) -> tuple[Classification, Kind]:
    """A letter placed on a pin by what it names is read as in the pin's thread: «снимите
    закрепление, перечень ПО не пришлём» is a withdrawal, not a software list (R-PIN-28)."""
    classification = classify(case.kind)
    return classification, classification.kind


def route(
    session: Session,
    letter: ParsedLetter,
    role: str | None,
    *,
    received_at: datetime,
    classify: ClassifyIn,
    prefix: str,
    number_format: str,
    unverified: str | None = None,
    thread: Thread | None = None,
) -> Route:
    """The route of a partner's letter. `unverified` is why its sender counts as nobody's
    partner (R-ID-5); `thread` is the thread when the caller already looked it up."""
    if thread is None:
        thread = thread_of(session, letter, prefix, number_format)
    match, case = thread.match, thread.case
    via = match.via
    body_ref = case is None and match.via == "none"
    if body_ref:
        # R-THR-4 step 3: «по заявке TCM-000123» in the text, for every kind.
        case = case_named_in_body(session, letter, prefix, number_format)
        via = "body"
    # R-ID-5: a sender our server says failed DMARC (or SPF and DKIM) is nobody's partner.
    identity = None if unverified else identify(session, letter.from_addr, role)
    flags: list[str] = [f"auth_failed: {unverified}"] if unverified else []
    if case is not None and not same_owner(case, identity, letter.from_addr):
        # R-THR-7: never attach a letter to another partner's case; HQ is told. A number
        # in the body only joins the sender's own case (step 3); otherwise a new case.
        if not body_ref:
            flags.append(f"cross_partner_reference:{case.number}")
        case = None
    if case is not None and (several := multiple_tags_flag(match.other_tags)):
        flags.append(several)  # R-THR-10: the first tag won; HQ is told
    classification = classify(case.kind if case else None)
    kind = classification.kind
    if case is None and kind == Kind.LICENSE_DOCUMENTS and identity is not None:
        # R-THR-4 step 5: the partner's one license case waiting for this document.
        text = f"{letter.subject}\n{letter.new_text}"
        case = license_case_for(session, identity.partner_id, text)
        via = "license-document"
    if case is None and classification.event == "withdrawal" and identity is not None:
        # R-PIN-28 without a thread: «просим снять закрепление по … (ИНН …)» withdraws the
        # partner's one active pin of that client (R-THR-4 step 4), read as a pin letter.
        request = parsers.extract(letter, kind, received_at=received_at)
        matched, _ = pin_targets(session, identity.partner_id, request, by_client=True)
        if len(matched) == 1:
            case, via = matched[0], "pin-reference"
            classification, kind = _as_in_thread(case, classify)
    previous_case: tuple[str, str] | None = None
    if case is not None and kind in NEW_CASE_KINDS and kind.value != case.kind:
        # R-THR-8: a new request of another kind in this thread gets its own case.
        previous_case = (case.number or "", "other_topic")
        case = None
    # R-MBX-6: processed as what it is; the first reply names the right mailbox.
    wrong_mailbox = classification.wrong_mailbox if case is None else None
    pins: PinMatch | None = None
    if case is None and kind in PIN_FOLLOWUPS and identity is not None:
        # R-THR-4 step 4: the partner's active pin case named by client INN or number.
        request = parsers.extract(letter, kind, received_at=received_at)
        matched, candidates = pin_targets(session, identity.partner_id, request)
        if len(matched) == 1:
            case, via = matched[0], "pin-reference"
            classification, kind = _as_in_thread(case, classify)
        else:
            pins = PinMatch(request, tuple(matched), tuple(candidates))
    return Route(
        case=case,
        via=via if case is not None else "none",
        classification=classification,
        identity=identity,
        flags=tuple(flags),
        previous_case=previous_case,
        body_reference=body_ref,
        unknown_tags=match.unknown_tags,
        wrong_mailbox=wrong_mailbox,
        pins=pins,
    )

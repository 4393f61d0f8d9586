"""Letter kind from the thread, the subject, the words and the attachments (R-MBX-9, §2.3–§2.4).

Order: (1) inside a case thread, a follow-up of that case unless the letter is clearly a
new request of another kind (R-THR-8); (2) an explicit kind marker in the subject; (3) a
score over the §2.3 signals of the subject, the new text and text attachments, with the
mailbox as a prior. Quoted history never counts (R-MBX-11). A tie is not guessed: the
letter becomes `inquiry` with `ambiguous=True` so that the service asks the partner.
"""

from __future__ import annotations

import re
from dataclasses import replace

from parsers.license_scan import looks_like_license_form_scan
from parsers.pin_followups import looks_like_extension, looks_like_withdrawal
from parsers.pin_software import looks_like_software_list
from parsers.signals import (
    EVENTS,
    FORM_MARKERS,
    FORM_MARKERS_FOLDED,
    FORM_OWN_MARKERS,
    PIN_INTENT,
    SIGNALS,
    SIGNALS_FOLDED,
    STATUS_QUERY,
    SUBJECT_MARKERS,
)
from parsers.signals_forward import inline_forward_text
from parsers.signals_hq import CASE_TAG, case_numbers
from parsers.types import AttachmentClass, Classification, Kind, ParsedLetter

NEW_REQUEST_KINDS = (
    Kind.PIN_REQUEST,
    Kind.LICENSE_REQUEST,
    Kind.TICKET,
    Kind.RESOURCE,
    Kind.SD_ACCOUNT,
)
FAMILY = {
    Kind.PIN_REQUEST: "pin",
    Kind.PIN_CONFIRMATION: "pin",
    Kind.PIN_EXTENSION: "pin",
    Kind.ANNUAL_REPORT: "pin",
    Kind.LICENSE_REQUEST: "license",
    Kind.LICENSE_DOCUMENTS: "license",
    Kind.TICKET: "ticket",
    Kind.RESOURCE: "resource",
    Kind.SD_ACCOUNT: "sd_account",
    Kind.INQUIRY: "inquiry",
}
GENERAL_KINDS = frozenset(
    k for k, f in FAMILY.items() if f in ("pin", "license", "resource", "sd_account")
)
MIN_SCORE = 3  # cfg:classify.min_score
SPLIT_SCORE = 6  # a new request inside another thread must be this clear (R-THR-8)
# Follow-up wording is read first and its words are not counted again for a new request:
# «продлить срок предварительного закрепления» is an extension, not a pin request (§2.4).
_FOLLOWUP_FIRST = (
    Kind.PIN_EXTENSION,
    Kind.PIN_CONFIRMATION,
    Kind.ANNUAL_REPORT,
    Kind.LICENSE_DOCUMENTS,
)
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|отв|ответ)\s*(?:\[\d+\])?\s*:", re.I)


def _case_reply(subject: str) -> bool:
    """«Re: [TCM-…] …»: the subject is the case's title from HQ's letter, not the partner's words.

    Like quoted history (R-MBX-11), it tells which case is answered, not what the answer is.
    """
    return bool(_REPLY_PREFIX.match(subject) and CASE_TAG.search(subject))


def _haystack(letter: ParsedLetter) -> str:
    """Subject, new text, text attachments and attached letters; never quoted history."""
    texts = [letter.subject if not _case_reply(letter.subject) else "", letter.new_text]
    texts.append(inline_forward_text(letter))
    texts += [
        a.text[:20000] for a in letter.attachments if a.text and a.cls == AttachmentClass.DOCUMENT
    ]
    texts.append(letter.forwarded_text[:20000])
    return "\n".join(texts)


def score(letter: ParsedLetter, mailbox_role: str | None) -> tuple[dict[Kind, int], list[str]]:
    """Points per kind and the reasons, in words HQ can read in `parse --json`."""
    text = _haystack(letter)
    scores: dict[Kind, int] = {}
    reasons: list[str] = []
    folded = text.lower()
    # Spans of the lowercased text are the original's when lowercasing kept every length
    # (always for Cyrillic and Latin); otherwise the case-insensitive patterns are used.
    same_spans = len(folded) == len(text)
    haystack, signals = (folded, SIGNALS_FOLDED) if same_spans else (text, SIGNALS)
    # Commas around words put in («Продлите, пожалуйста, закрепление») do not part the words
    # of a signal; a blank keeps every span.
    haystack = haystack.replace(",", " ")
    # Follow-up signals first, each claiming its words; the stronger first, so that a weak
    # phrase («со своей стороны») does not take the words of a strong one («соглашение
    # подписали со своей стороны»).
    ordered = sorted(signals, key=lambda signal: (signal[0] not in _FOLLOWUP_FIRST, -signal[1]))
    for kind, weight, pattern in ordered:
        if match := pattern.search(haystack):
            found = text[match.start() : match.end()]
            scores[kind] = scores.get(kind, 0) + weight
            reasons.append(f"{kind.value} +{weight}: «{' '.join(found.split())[:40]}»")
            if kind in _FOLLOWUP_FIRST:  # blanks keep the spans of the original text
                haystack = f"{haystack[: match.start()]}{' ' * len(found)}{haystack[match.end() :]}"
    subject_counts = not _case_reply(letter.subject)
    for kind, pattern in SUBJECT_MARKERS if subject_counts else ():
        if pattern.search(letter.subject):
            scores[kind] = scores.get(kind, 0) + 4
            reasons.append(f"{kind.value} +4: subject marker")
    found = [
        index
        for index, marker in enumerate(FORM_MARKERS_FOLDED if same_spans else FORM_MARKERS)
        if marker.search(haystack)
    ]
    markers = len(found)
    # Three markers, one of them the form's own: a company card alone is no form.
    if markers >= 3 and found[0] < FORM_OWN_MARKERS:
        scores[Kind.LICENSE_REQUEST] = scores.get(Kind.LICENSE_REQUEST, 0) + 6
        reasons.append(f"license_request +6: {markers} Appendix 1 form markers")
    # §2.3–§2.4 by the letter's structure: the signed Appendix 1 sent only as a scan, and a
    # list of programs with registration numbers (detectors of the license and pin readers).
    if looks_like_license_form_scan(letter):
        scores[Kind.LICENSE_REQUEST] = scores.get(Kind.LICENSE_REQUEST, 0) + 6
        reasons.append("license_request +6: signed Appendix 1 attached as a scan")
    if looks_like_extension(letter):
        scores[Kind.PIN_EXTENSION] = scores.get(Kind.PIN_EXTENSION, 0) + 3
        reasons.append("pin_extension +3: asks to extend the pre-pin")
    if looks_like_software_list(letter):
        scores[Kind.PIN_CONFIRMATION] = scores.get(Kind.PIN_CONFIRMATION, 0) + 3
        reasons.append("pin_confirmation +3: list of programs with registration numbers")
    classes = {a.cls for a in letter.attachments}
    if classes & {AttachmentClass.LOG, AttachmentClass.IMAGE}:
        scores[Kind.TICKET] = scores.get(Kind.TICKET, 0) + 1
        reasons.append("ticket +1: logs or screenshots attached")
    if mailbox_role == "support":
        scores[Kind.TICKET] = scores.get(Kind.TICKET, 0) + 2
        reasons.append("ticket +2: mailbox support@ prior")
    return scores, reasons


def _wrong_mailbox(kind: Kind, mailbox_role: str | None) -> str | None:
    """R-MBX-6: the mailbox this kind should have been sent to, when it was not."""
    if mailbox_role == "support" and kind in GENERAL_KINDS:
        return "general"
    if mailbox_role == "general" and kind == Kind.TICKET:
        return "support"
    return None


def _event(text: str) -> str | None:
    """What a reply in a thread says, by the §2.2 wording (status query, withdrawal …)."""
    return next((event for event, pattern in EVENTS if pattern.search(text)), None)


def _pin_event(letter: ParsedLetter) -> str | None:
    """§2.3 sub-kind: a letter that only asks whether a client is free (R-PIN-27)."""
    text = _haystack(letter)
    if not STATUS_QUERY.search(text):
        return None
    return None if PIN_INTENT.search(STATUS_QUERY.sub("", text)) else "pin_status_query"


def _family(thread_kind: str) -> str:
    """The case family of a thread; the service may name it by kind or by case type."""
    try:
        return FAMILY.get(Kind(thread_kind), thread_kind)
    except ValueError:
        return thread_kind  # "pin", "license", "ticket" … as in §2.2


def _in_thread(
    scores: dict[Kind, int],
    reasons: list[str],
    thread_kind: str,
    mailbox_role: str | None,
    new_text: str,
) -> Classification:
    family = _family(thread_kind)
    others = [(s, k) for k, s in scores.items() if k in NEW_REQUEST_KINDS and FAMILY[k] != family]
    if others:
        best_score, best = max(others, key=lambda item: item[0])
        if best_score >= SPLIT_SCORE:
            why = (*reasons, f"new {best.value} inside a {thread_kind} thread (R-THR-8)")
            return Classification(best, 0.8, why, _wrong_mailbox(best, mailbox_role))
    if family == "pin" and _event(new_text) == "withdrawal":
        # R-PIN-28: «снимите закрепление, перечень ПО присылать не будем» withdraws the pin;
        # the follow-up it names is the one it will not send.
        why = (*reasons, f"withdrawal in a {thread_kind} thread (R-PIN-28)")
        return Classification(Kind.FOLLOWUP, 0.9, why, event="withdrawal")
    followups = {
        "pin": (Kind.PIN_CONFIRMATION, Kind.PIN_EXTENSION, Kind.ANNUAL_REPORT),
        "license": (Kind.LICENSE_DOCUMENTS,),
    }.get(family, ())
    ranked = sorted(((scores.get(k, 0), k) for k in followups), key=lambda i: i[0], reverse=True)
    if ranked and ranked[0][0] >= MIN_SCORE:
        if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
            why = (*reasons, "tie between follow-up kinds")
            return Classification(Kind.FOLLOWUP, 0.4, why, None, True, (ranked[0][1], ranked[1][1]))
        kind = ranked[0][1]
        return Classification(
            kind,
            0.9,
            (*reasons, f"follow-up in a {thread_kind} thread"),
            _wrong_mailbox(kind, mailbox_role),
        )
    why = (*reasons, f"reply in a {thread_kind} thread")
    return Classification(Kind.FOLLOWUP, 0.9, why, event=_event(new_text))


def classify(
    letter: ParsedLetter, mailbox_role: str | None, *, thread_kind: str | None = None
) -> Classification:
    """Kind, confidence and reasons; `thread_kind` is the kind of the case thread, if any."""
    scores, reasons = score(letter, mailbox_role)
    if thread_kind:
        return _in_thread(scores, reasons, thread_kind, mailbox_role, letter.new_text)
    verdict = _outside_thread(letter, scores, reasons, mailbox_role)
    if verdict.kind == Kind.INQUIRY and verdict.event is None:
        # A status query or feedback naming its case outside the thread (R-THR-4 steps 2–3):
        # the service places it by the number; the kind of a new request does not apply.
        named = case_numbers(f"{letter.subject}\n{letter.new_text}", limit=1)
        event = _event(letter.new_text) if named else None
        if event is not None:
            why = (*verdict.reasons, f"{event} naming {named[0]}")
            return replace(verdict, reasons=why, event=event)
    return verdict


def _outside_thread(
    letter: ParsedLetter, scores: dict[Kind, int], reasons: list[str], mailbox_role: str | None
) -> Classification:
    # A withdrawal names the pin it withdraws, so the pin request's own words do not count
    # against it; a clear request of another kind does.
    new_requests = [
        s for k, s in scores.items() if k in NEW_REQUEST_KINDS and k != Kind.PIN_REQUEST
    ]
    withdrawal = _event(letter.new_text) == "withdrawal" or looks_like_withdrawal(letter)
    if withdrawal and max(new_requests, default=0) < SPLIT_SCORE:
        # R-PIN-28 withdraws a case; outside its thread HQ places it (§2.5, routed as inquiry).
        why = (*reasons, "withdrawal of a request outside its thread (R-PIN-28)")
        return Classification(Kind.INQUIRY, 0.6, why, event="withdrawal")
    if not scores:
        return Classification(Kind.INQUIRY, 0.3, ("no kind signals",))
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    best, best_score = ranked[0]
    if best_score < MIN_SCORE:
        return Classification(
            Kind.INQUIRY, 0.3, (*reasons, f"best score {best_score} below {MIN_SCORE}")
        )
    if len(ranked) > 1 and ranked[1][1] == best_score:
        tied = tuple(k for k, s in ranked if s == best_score)
        why = (*reasons, f"tie between {', '.join(k.value for k in tied)}: ask the partner")
        return Classification(Kind.INQUIRY, 0.4, why, None, True, tied)
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    confidence = round(min(0.99, 0.5 + (best_score - runner_up) / (2 * best_score)), 2)
    event = _pin_event(letter) if best == Kind.PIN_REQUEST else None
    return Classification(
        best, confidence, tuple(reasons), _wrong_mailbox(best, mailbox_role), event=event
    )

"""Who a reply to a partner letter goes to (R-NTF-3). Pure: header values in, an address out.

A reply goes to the letter's author. `Reply-To` is honoured only when it names the author
again or another registered address of the author's partner: anything else would let a
stranger make our mailboxes write to a third party (issue 19). Our own mailboxes and HQ
never receive a partner reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import getaddresses

# The most a reply ever quotes of a letter's subject (R-NTF-3, issue 19: a 590 KB subject).
MAX_QUOTED_SUBJECT = 200
# Unknown case numbers named in a reply and looked up at all (R-THR-6).
MAX_UNKNOWN_TAGS = 5


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str | None  # None: no reply at all
    # Why no reply, or why Reply-To was not followed, for the case history and HQ.
    note: str | None = None
    flag_hq: bool = False


def addresses_in(value: str | None) -> list[str]:
    """The addresses of one header value, lower-cased, in order, without repeats."""
    if not value:
        return []
    found = [addr.strip().lower() for _, addr in getaddresses([value]) if "@" in addr]
    return list(dict.fromkeys(found))


def reply_recipient(
    from_header: str | None,
    sender_header: str | None,
    reply_to_header: str | None,
    *,
    ours: frozenset[str],
    partner_addresses: frozenset[str] = frozenset(),
) -> Recipient:
    """The one address a reply to this letter may go to.

    `ours`: our mailboxes and HQ addresses; `partner_addresses`: the registered addresses of
    the partner the author was identified as (empty for an unidentified author).
    """
    authors = addresses_in(from_header)
    if not authors:
        return Recipient(None, "the letter names no author (From): nobody to answer", True)
    author = authors[0]
    if len(authors) > 1:
        # RFC 5322 §3.6.2: several authors need a Sender naming who actually sent it.
        named = addresses_in(sender_header)
        if not named or named[0] not in authors:
            return Recipient(
                None,
                f"From names {len(authors)} addresses and no Sender among them: nobody is answered",
                True,
            )
        author = named[0]
    if author in ours:
        return Recipient(None, f"the author {author} is our own or HQ's address", True)
    wanted = addresses_in(reply_to_header)
    if not wanted or wanted[0] == author:
        return Recipient(author)
    target = wanted[0]
    if target not in ours and target in partner_addresses:
        return Recipient(target)
    return Recipient(author, f"Reply-To {target} is not the partner's address: answered {author}")


def copied(
    to: str,
    header_values: list[str | None],
    *,
    ours: frozenset[str],
    partner_addresses: frozenset[str],
) -> tuple[str, ...]:
    """R-NTF-3: the Cc of a reply, the letter's other addresses (To, Cc) that are registered
    to the author's own partner. Another partner's address, a stranger and our own or HQ's
    mailboxes are never copied (R-NTF-9: it would show them this partner's case)."""
    found = [a for value in header_values for a in addresses_in(value)]
    keep = [a for a in found if a != to and a not in ours and a in partner_addresses]
    return tuple(dict.fromkeys(keep))


def scheduler_copy(to: str, official_email: str | None, *, ours: frozenset[str]) -> tuple[str, ...]:
    """R-NTF-3: a scheduler letter goes to the last correspondent and, in Cc, to the
    partner's registered official address (once, and never to our own mailboxes)."""
    official = (official_email or "").strip().lower()
    if not official or official == to.lower() or official in ours:
        return ()
    return (official,)


def bounded(text: str, limit: int = MAX_QUOTED_SUBJECT) -> str:
    """`text` cut to `limit` characters, marked as cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

"""Who really sent a letter, as our own mail server vouches for it (R-ID-5).

A From header proves nothing: anyone can write `From: hq@technocom.tech`. What counts is the
`Authentication-Results` header our border server adds (RFC 8601), recognised by its
authserv-id. Like Mailman's `trusted_authserv_ids`, only the topmost header is read, and only
when its authserv-id is one of ours: a header further down, or one naming another server, may
have been written by the sender. The headers are parsed with `authres` (RFC 8601 grammar,
comments and quoting included) rather than by regular expressions.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import authres

from parsers.types import ParsedLetter

AR_HEADER = "authentication-results"


@dataclass(frozen=True, slots=True)
class Results:
    """The methods of one Authentication-Results header: method → (result, properties)."""

    authserv_id: str
    methods: tuple[tuple[str, str, dict[str, str]], ...]

    def passed(self, method: str) -> list[dict[str, str]]:
        return [
            props for name, result, props in self.methods if name == method and result == "pass"
        ]

    def result_of(self, method: str) -> str | None:
        for name, result, _ in self.methods:
            if name == method:
                return result
        return None


def parse_results(value: str) -> Results | None:
    """One header value, or None when it does not follow RFC 8601."""
    try:
        header = authres.AuthenticationResultsHeader.parse_value(" ".join(value.split()))
    except (authres.AuthResError, ValueError, IndexError):
        return None
    methods = tuple(
        (
            str(result.method).lower(),
            str(result.result).lower(),
            {f"{p.type}.{p.name}".lower(): str(p.value).lower() for p in result.properties},
        )
        for result in header.results
    )
    return Results(str(header.authserv_id).lower(), methods)


def trusted_results(letter: ParsedLetter, trusted_ids: Collection[str]) -> Results | None:
    """The topmost Authentication-Results header, if one of our servers wrote it."""
    values = letter.header_all(AR_HEADER)
    if not values or not trusted_ids:
        return None
    results = parse_results(values[0])
    if results is None or results.authserv_id not in trusted_ids:
        return None
    return results


def _aligned(domain: str, author_domain: str) -> bool:
    """DMARC relaxed alignment, kept to what needs no public-suffix list: the same domain or
    one a subdomain of the other."""
    domain, author_domain = domain.lower().strip("."), author_domain.lower().strip(".")
    if not domain or not author_domain:
        return False
    return (
        domain == author_domain
        or domain.endswith("." + author_domain)
        or author_domain.endswith("." + domain)
    )


def staff_mail_refusal(letter: ParsedLetter, trusted_ids: Collection[str]) -> str | None:
    """Why a letter that says it is from HQ staff is not vouched for, or None when it is:
    a trusted server's header with an aligned DKIM pass (or SPF pass) and no DMARC fail."""
    author_domain = (letter.from_addr or "").rpartition("@")[2]
    if not trusted_ids:
        return (
            "no trusted mail server is configured (hq.trusted_authserv_ids), so no command by "
            "mail can be authenticated; act with 'partnerdesk case … --as'"
        )
    results = trusted_results(letter, trusted_ids)
    if results is None:
        found = letter.header_all(AR_HEADER)
        which = f"«{found[0][:80]}»" if found else "none"
        return (
            "the letter carries no Authentication-Results header from our mail server "
            f"({', '.join(sorted(trusted_ids))}); topmost header: {which}"
        )
    if results.result_of("dmarc") == "fail":
        return f"{results.authserv_id} reports dmarc=fail for {author_domain}"
    for props in results.passed("dkim"):
        if _aligned(props.get("header.d") or props.get("header.i", "").lstrip("@"), author_domain):
            return None
    for props in results.passed("spf"):
        mailfrom = props.get("smtp.mailfrom", "")
        if _aligned(mailfrom.rpartition("@")[2] or props.get("smtp.helo", ""), author_domain):
            return None
    return (
        f"{results.authserv_id} reports no DKIM or SPF pass aligned with {author_domain} "
        f"(dkim={results.result_of('dkim') or 'none'}, spf={results.result_of('spf') or 'none'})"
    )


def sender_unverified(letter: ParsedLetter, trusted_ids: Collection[str]) -> str | None:
    """R-ID-5 for partners: why the sender counts as unidentified — dmarc=fail, or SPF and
    DKIM both failing — or None. With trusted servers configured only their header is read;
    without, any header (a sender who adds a failing one only hurts himself)."""
    if trusted_ids:
        found = trusted_results(letter, trusted_ids)
        headers = [found] if found is not None else []
    else:
        headers = [parse_results(value) for value in letter.header_all(AR_HEADER)[:20]]
    for results in headers:
        if results is None:
            continue
        if results.result_of("dmarc") == "fail":
            return f"{results.authserv_id}: dmarc=fail"
        if results.result_of("spf") == "fail" and results.result_of("dkim") == "fail":
            return f"{results.authserv_id}: spf=fail and dkim=fail"
    return None

"""A DKIM signature the service verifies itself (R-ID-5), for the domains named in
`hq.dkim_verify_domains`: where no border server writes a trusted Authentication-Results
header, the staff member's own mail server signs, and we check that signature with dkimpy.

The key is looked up in DNS through `dnsfunc`, dkimpy's hook (tests publish a key of their
own). Only a signature whose d= is aligned with the From domain counts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection

DnsFunc = Callable[..., bytes | None]
_D_TAG = re.compile(rb"(?:^|;)\s*d\s*=\s*([^;\s]+)", re.I)
_quiet = logging.getLogger("partnerdesk.dkim")


def aligned(domain: str, author_domain: str) -> bool:
    """DMARC relaxed alignment without a public-suffix list: equal, or one under the other."""
    domain, author_domain = domain.lower().strip("."), author_domain.lower().strip(".")
    if not domain or not author_domain:
        return False
    return (
        domain == author_domain
        or domain.endswith("." + author_domain)
        or author_domain.endswith("." + domain)
    )


def dkim_refusal(
    raw: bytes,
    author_domain: str,
    domains: Collection[str],
    dnsfunc: DnsFunc | None = None,
) -> str | None:
    """None when a signature of `author_domain` verifies; else why not."""
    if author_domain.lower() not in domains:
        return f"{author_domain} is not among hq.dkim_verify_domains"
    import dkim  # here, not at the top: see the module's docstring

    checker = dkim.DKIM(raw, logger=_quiet)
    signatures = [value for name, value in checker.headers if name.lower() == b"dkim-signature"]
    if not signatures:
        return f"the letter carries no DKIM signature of {author_domain}"
    tried = []
    for index, value in enumerate(signatures):
        match = _D_TAG.search(value.replace(b"\r\n", b"").replace(b"\n", b""))
        domain = match.group(1).decode("ascii", "replace") if match else ""
        if not aligned(domain, author_domain):
            tried.append(f"d={domain or '?'} not aligned")
            continue
        try:
            ok = checker.verify(idx=index, dnsfunc=dnsfunc) if dnsfunc else checker.verify(index)
        except dkim.DKIMException as exc:
            tried.append(f"d={domain}: {exc}")
            continue
        if ok:
            return None
        tried.append(f"d={domain}: signature does not verify (body or headers changed)")
    return "DKIM verification failed: " + "; ".join(tried)

"""Which HQ alerts are sent, and when (R-HQ-8, R-CAL-13). Pure: names in, a delivery out.

R-HQ-8 lists the events worth an immediate letter; an alert a rule raises for anything else
(a pin awaiting review, a payment order received, a flag) is left to the next digest
(R-HQ-7), kept as an outbox row with status `digest` that the digest lists and the sender
never takes. An immediate alert leaves at once when its type is in `hq.alerts_24x7`,
otherwise at the next send slot of a working day (R-CAL-13).
"""

from __future__ import annotations

# (template, the alert's sort) → (alert type named in hq.alerts_24x7, the rule that lists it).
IMMEDIATE: dict[tuple[str, str], tuple[str, str]] = {
    ("hq_alert_urgent", ""): ("urgent_ticket", "R-TKT-7"),
    # R-TKT-19 asks for an alert when a partner asks for urgency on a non-urgent ticket.
    ("hq_alert_urgent_request", ""): ("urgent_request", "R-TKT-19"),
    ("hq_alert_deadline", "at_risk"): ("sla_deadline", "R-SLA-7"),
    ("hq_alert_deadline", "breached"): ("sla_deadline", "R-SLA-7"),
    ("hq_alert_deadline", "soft"): ("sla_deadline", "D-7"),
    ("hq_alert_deadline", "first_response"): ("sla_deadline", "R-SLA-12"),
    ("hq_license_alert", "hq_due_soon"): ("license_deadline", "R-LIC-4"),
    ("hq_license_alert", "hq_due"): ("license_deadline", "R-LIC-4"),
    ("hq_license_alert", "docs_due"): ("license_deadline", "R-LIC-9"),
    ("hq_license_alert", "originals_send_due"): ("license_deadline", "R-LIC-10"),
    ("hq_resource_alert", "review_due"): ("resource_deadline", "R-RES-3"),
    ("inq_alert_due", ""): ("inquiry_deadline", "R-HQ-4"),
    ("hq_alert_extension", "expiry_near"): ("extension_expiry", "R-PIN-17"),
    ("hq_alert_direct_client", ""): ("direct_client", "R-PIN-26"),
    # H-ACCOUNTING is the invoice accounting issues (R-RES-7), not a digest line.
    ("hq_accounting", ""): ("accounting", "R-RES-7"),
    # Notices the service writes itself, outside any rule's decision.
    ("hq_bounce", ""): ("bounce", "R-MBX-3"),
    ("hq_calendar_missing", ""): ("calendar_missing", "R-CAL-4"),
    ("hq_mailbox_outage", ""): ("mailbox_outage", "R-HQ-8"),
}
# Every type an HQ engineer may list in hq.alerts_24x7.
ALERT_TYPES = frozenset(kind for kind, _ in IMMEDIATE.values())
# The spec's default (R-CAL-13).
DEFAULT_24X7 = ("urgent_ticket",)

DIGEST = "digest"  # left to the next digest
LISTED = "listed"  # … and listed in a digest that was sent
AT_ONCE = "at_once"
AT_SLOT = "at_slot"


def alert_type(template: str, sort: str = "") -> str | None:
    """The R-HQ-8 type of an alert; None: not an immediate alert (the digest has it)."""
    found = IMMEDIATE.get((template, sort))
    return found[0] if found else None


def delivery(template: str, sort: str, always: frozenset[str]) -> str:
    """DIGEST, AT_ONCE or AT_SLOT for a rule's alert; `always`: hq.alerts_24x7."""
    kind = alert_type(template, sort)
    if kind is None:
        return DIGEST
    return AT_ONCE if kind in always else AT_SLOT

"""Reply templates: every one renders with its context, carries the tag, and fails loudly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jinja2 import UndefinedError

from replies.render import Renderer

AT = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
COMMON = {
    "case_number": "TCM-000123",
    "kind": "ticket",
    "state": "needs_info",
    "topic": "Сбой",
    "company": "ООО «ТЕХНОКОМ»",
    "phone": "(3452) 39-31-33",
    "reply_mailbox": "support@technocom.tech",
    "received_at": AT,
    "unknown_tags": [],
    "previous_case": None,
    "right_mailbox": None,
}
PARTNER = {
    "acceptance": {"warnings": []},
    "clarification": {
        "missing": ["client_inn"],
        "window_ends_at": AT,
        "invalid": [
            {"field": "inn", "reason": "контрольная сумма ИНН не сходится", "raw": "7204196796"}
        ],
    },
    "clarification_reminder": {"missing": ["contacts"], "invalid": [], "requested_at": AT},
    "followup_received": {"attachments": ["log.zip"]},
}


@pytest.mark.parametrize("name", sorted(PARTNER))
def test_r_ntf_2_partner_reply_carries_tag_number_thread_rule_and_contacts(name: str) -> None:
    reply = Renderer().render(name, {**COMMON, **PARTNER[name]})
    assert reply.subject.startswith("[TCM-000123] ")
    assert reply.text.startswith("Номер обращения: TCM-000123.")
    assert "отвечайте в этой переписке" in reply.text  # R-NTF-5 thread rule
    assert "Что дальше:" in reply.text  # R-NTF-5 next step
    assert "(3452) 39-31-33" in reply.text  # R-NTF-7 official phone only
    assert "<html" in reply.html and "TCM-000123" in reply.html


def test_r_ntf_4_deadlines_are_absolute_with_time_zone() -> None:
    reply = Renderer().render("clarification", {**COMMON, **PARTNER["clarification"]})
    assert "02.03.2026 10:00 (GMT+5)" in reply.text


def test_r_val_7_clarification_names_label_problem_and_example() -> None:
    reply = Renderer().render("clarification", {**COMMON, **PARTNER["clarification"]})
    assert "ИНН клиента — не указан. Пример: 7204196795" in reply.text
    assert "контрольная сумма ИНН не сходится (в письме: «7204196796»)" in reply.text


def test_html_alternative_escapes_partner_text() -> None:
    reply = Renderer().render(
        "acceptance", {**COMMON, "topic": "<script>x</script>", "warnings": []}
    )
    assert "<script>" not in reply.html and "&lt;script&gt;" in reply.html


def test_missing_variable_fails_loudly() -> None:
    with pytest.raises(UndefinedError):
        Renderer().render("clarification", COMMON)


@pytest.mark.parametrize(
    ("name", "context"),
    [
        (
            "hq_quarantine",
            {
                "letter_id": 7,
                "sha256": "ab" * 32,
                "sender": "x@y.ru",
                "received_at": AT,
                "reason": "boom",
                "letter_subject": "S",
                "case_number": None,
            },
        ),
        ("hq_held_replies", {"address": "x@y.ru", "count": 10, "limit": 10}),
        (
            "hq_bounce",
            {
                "letter_id": 7,
                "sender": "MAILER-DAEMON@x",
                "received_at": AT,
                "letter_subject": "Undelivered",
                "case_number": "TCM-000001",
            },
        ),
    ],
)
def test_hq_notices_say_what_to_do(name: str, context: dict) -> None:
    reply = Renderer().render(name, context)
    assert reply.subject.startswith("[partnerdesk]")
    assert "Что сделать" in reply.text

"""RFC 3834 loop guard (R-MBX-3)."""

import pytest

from bot.rules.loop_guard import automatic_reason, is_bounce
from parsers import parse_letter
from tests.support.letters import dsn, letter

OWN = frozenset({"mail@technocom.tech", "support@technocom.tech"})


@pytest.mark.parametrize(
    ("headers", "sender", "expected"),
    [
        ({"Auto-Submitted": "auto-replied"}, "ivan@partner.ru", "Auto-Submitted"),
        ({"Auto-Submitted": "auto-generated"}, "ivan@partner.ru", "Auto-Submitted"),
        ({"Precedence": "bulk"}, "ivan@partner.ru", "Precedence"),
        ({"Precedence": "list"}, "ivan@partner.ru", "Precedence"),
        ({"Precedence": "junk"}, "ivan@partner.ru", "Precedence"),
        ({"X-Autoreply": "yes"}, "ivan@partner.ru", "x-autoreply"),
        ({"X-Auto-Response-Suppress": "OOF"}, "ivan@partner.ru", "X-Auto-Response-Suppress"),
        ({"List-Unsubscribe": "<mailto:u@x.ru>"}, "ivan@partner.ru", "List-Unsubscribe"),
        ({"List-Id": "<partners.lists.example>"}, "ivan@partner.ru", "mailing list"),
        ({}, "MAILER-DAEMON@mx.partner.ru", "automatic sender"),
        ({}, "postmaster@partner.ru", "automatic sender"),
        ({}, "no-reply@partner.ru", "automatic sender"),
        ({}, "noreply@partner.ru", "automatic sender"),
        ({}, "support@technocom.tech", "our own address"),
    ],
)
def test_r_mbx_3_automatic_letters_get_no_reply(headers, sender, expected) -> None:
    reason = automatic_reason(parse_letter(letter(sender=sender, headers=headers)), OWN)
    assert reason is not None and expected in reason


def test_r_mbx_3_auto_submitted_no_is_a_person() -> None:
    parsed = parse_letter(letter(headers={"Auto-Submitted": "no"}))
    assert automatic_reason(parsed, OWN) is None


def test_r_mbx_3_dsn_is_automatic_and_a_bounce() -> None:
    parsed = parse_letter(dsn("<x@technocom.tech>"))
    assert automatic_reason(parsed, OWN) is not None
    assert is_bounce(parsed)


def test_ordinary_partner_letter_is_not_automatic() -> None:
    assert automatic_reason(parse_letter(letter()), OWN) is None

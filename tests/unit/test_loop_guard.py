"""RFC 3834 loop guard (R-MBX-3)."""

import pytest

from bot.rules.loop_guard import automatic_reason, is_bounce
from parsers import parse_letter
from parsers.reading import read_ahead
from tests.support.letters import dsn, letter

OWN = frozenset({"mail@technocom.tech", "support@technocom.tech"})


def _reason(raw: bytes) -> str | None:
    """As the guard stage asks: with what was read ahead of the letter (R-MBX-3)."""
    reading = read_ahead(raw, "support", None)
    assert reading.automatic_read
    return automatic_reason(reading.letter, OWN, reading.automatic)


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
    reason = _reason(letter(sender=sender, headers=headers))
    assert reason is not None and expected in reason


def test_r_mbx_3_auto_submitted_no_is_a_person() -> None:
    assert _reason(letter(headers={"Auto-Submitted": "no"})) is None


def test_r_mbx_3_dsn_is_automatic_and_a_bounce() -> None:
    assert _reason(dsn("<x@technocom.tech>")) is not None
    assert is_bounce(parse_letter(dsn("<x@technocom.tech>")))


def test_ordinary_partner_letter_is_not_automatic() -> None:
    assert _reason(letter()) is None

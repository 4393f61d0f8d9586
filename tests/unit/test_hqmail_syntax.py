"""The command syntax of an HQ reply and the sender checks, without a server (R-HQ-5, R-ID-5)."""

from __future__ import annotations

import pytest

from bot.hqmail.auth import sender_unverified, staff_mail_refusal
from bot.hqmail.handler import KNOWN_ACTIONS
from bot.hqmail.permissions import StaffDirectory
from bot.hqmail.syntax import SyntaxProblem, parse_commands
from bot.hqmail.wiring import staff_directory
from bot.settings import load_settings
from parsers import parse_letter
from tests.support.letters import letter

MX = frozenset({"mx.technocom.tech"})


@pytest.mark.parametrize(
    ("line", "action", "params"),
    [
        ("продлить 30", "approve_extension", {"days": "30"}),
        ("approve_extension 30", "approve_extension", {"days": "30"}),
        ("Продлить", "approve_extension", {}),
        ("отказать в продлении: нет оснований", "decline_extension", {"reason": "нет оснований"}),
        ("решено: исправлено", "resolve", {"text": "исправлено"}),
        ("вопрос: какая версия?", "request_info", {"text": "какая версия?"}),
        ("приоритет Срочный", "set_priority", {"priority": "urgent"}),
        ("set_priority low", "set_priority", {"priority": "low"}),
        ("трекер доработка", "set_tracker", {"tracker": "feature"}),
        ("отклонить: нет договора", "reject", {"reason": "нет договора"}),
        ("отклонить закрепление: клиент занят", "reject_pin", {"reason": "клиент занят"}),
        ("открепить: нет отчета", "unpin", {"reason": "нет отчета"}),
        ("согласовать", "approve_pin", {}),
        ("оплачено 2026-03-10", "mark_paid", {"payment_date": "2026-03-10"}),
        ("передать deputy_science", "reassign", {"role": "deputy_science"}),
        (
            "log_hours hours=12.5 date=2026-03-02",
            "log_hours",
            {"hours": "12.5", "date": "2026-03-02"},
        ),
        ("keep_pinned", "keep_pinned", {}),
    ],
)
def test_r_hq_5_command_words_russian_and_english(line: str, action: str, params: dict) -> None:
    [command] = parse_commands(f"{line}\n\nС уважением,\nИван", KNOWN_ACTIONS)
    assert (command.action, command.params) == (action, params)


def test_r_hq_5_several_commands_one_per_line_signature_cut() -> None:
    commands = parse_commands(
        "приоритет высокий\nкомментарий: звонили\n-- \nрешено: x", KNOWN_ACTIONS
    )
    assert [c.action for c in commands] == ["set_priority", "comment"]


@pytest.mark.parametrize(
    "text",
    ["продлить сорок", "приоритет", "решено", "приоритет высокий\nпросто текст", "do_magic", "ок"],
)
def test_r_hq_5_ambiguous_or_unknown_is_a_problem(text: str) -> None:
    with pytest.raises(SyntaxProblem):
        parse_commands(text, KNOWN_ACTIONS)


def _with_auth(value: str | None, sender: str = "hq@technocom.tech"):
    headers = {"Authentication-Results": value} if value else {}
    return parse_letter(letter(sender=sender, headers=headers))


def test_r_id_5_only_the_topmost_header_of_a_trusted_server_vouches() -> None:
    good = "mx.technocom.tech; dkim=pass header.d=technocom.tech; dmarc=pass"
    assert staff_mail_refusal(_with_auth(good), MX) is None
    spf = "mx.technocom.tech; spf=pass smtp.mailfrom=hq@technocom.tech"
    assert staff_mail_refusal(_with_auth(spf), MX) is None
    assert "no Authentication-Results" in (staff_mail_refusal(_with_auth(None), MX) or "")
    untrusted = good.replace("mx.technocom.tech", "mx.evil.example")
    assert staff_mail_refusal(_with_auth(untrusted), MX) is not None
    other_domain = "mx.technocom.tech; dkim=pass header.d=evil.example"
    assert "no DKIM or SPF pass aligned" in (staff_mail_refusal(_with_auth(other_domain), MX) or "")
    assert "trusted_authserv_ids" in (staff_mail_refusal(_with_auth(good), frozenset()) or "")


def test_r_id_5_partner_dmarc_fail_or_spf_and_dkim_fail_is_unverified() -> None:
    dmarc = "mx.technocom.tech; dmarc=fail header.from=partner.ru"
    both = "mx.technocom.tech; spf=fail smtp.mailfrom=a@partner.ru; dkim=fail header.d=partner.ru"
    one = "mx.technocom.tech; spf=fail smtp.mailfrom=a@partner.ru; dkim=pass header.d=partner.ru"
    for trusted in (MX, frozenset()):
        assert sender_unverified(_with_auth(dmarc, "ivan@partner.ru"), trusted)
        assert sender_unverified(_with_auth(both, "ivan@partner.ru"), trusted)
        assert sender_unverified(_with_auth(one, "ivan@partner.ru"), trusted) is None


def test_r_hq_5_default_permissions_limit_unpin_to_the_spec_roles(clean_env: None) -> None:
    settings = load_settings(
        hq={
            "staff": ["a@technocom.tech", "c@technocom.tech"],
            "roles": {"curator": ["c@technocom.tech"]},
        }
    )
    directory: StaffDirectory = staff_directory(settings)
    assert "allowed only to the roles" in (directory.refusal("unpin", "a@technocom.tech") or "")
    assert directory.refusal("unpin", "c@technocom.tech") is None
    assert directory.refusal("set_priority", "a@technocom.tech") is None
    assert "not HQ staff" in (directory.refusal("close", "x@partner.ru") or "")

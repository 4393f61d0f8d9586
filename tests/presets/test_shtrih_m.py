"""Seed 003 Shtrih-M as the preset config/policy/shtrih_m.toml, walked end to end on a
simulated clock: letters in through the pipeline, replies and deadlines out.

The seed has no numbered items; tests name its sections: «free» (Бесплатная техподдержка),
«paid» (Платная техподдержка), «certified» (Техподдержка сертифицированным партнерам).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import Service
from bot.cli import main
from bot.partners import upsert_partner
from bot.policy import load_policy
from bot.rules.ticket.support_period import (
    SupportRecord,
    add_months,
    covered_until,
    read_act_number,
)
from bot.store.support_models import PartnerSupport, SupportAct
from bot.support_registry import record_support
from tests.conftest import deliver
from tests.presets.conftest import HQ, at, preset_service, show
from tests.support.letters import COMPLETE_TICKET, letter

MSK = ZoneInfo("Europe/Moscow")
PRESET = Path(__file__).resolve().parents[2] / "config" / "policy" / "shtrih_m.toml"


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


@pytest.fixture
def shtrih(tmp_path: Path) -> Iterator[Service]:
    yield from preset_service(tmp_path, "shtrih_m")


def register(
    service: Service,
    address: str,
    inn: str,
    *,
    tier: str | None = None,
    key: str | None = None,
    paid: str | None = None,
) -> None:
    """A partner as `partners add … --support-tier --key-registered --support-until` adds it."""
    record = {
        "name": f"ООО «{address.split('@')[0]}»",
        "inn": inn,
        "role": "gold",
        "addresses": [address],
        "support_tier": tier,
        "key_registered_on": key,
        "support_paid_until": paid,
    }
    with service.sessions.begin() as session:
        partner = upsert_partner(session, record, service.clock.now())
        record_support(session, partner.id, record, service.clock.now())


def partner_replies(result) -> list[dict]:
    return [r for r in result.replies if r["to"] != HQ]


def test_003_free_r_id_8_three_months_from_key_registration_then_refused(shtrih) -> None:
    register(shtrih, "ivan@partner.ru", "7204196795", key="2026-01-12")
    at(shtrih, msk(2026, 4, 10, 12, 0))  # inside: 12.01 + 3 months = up to 11.04
    inside = deliver(shtrih, letter(body=COMPLETE_TICKET))
    assert inside.state == "open"
    at(shtrih, msk(2026, 4, 13, 12, 0))
    outside = deliver(shtrih, letter(body=COMPLETE_TICKET))
    assert outside.state == "rejected"
    [refusal] = partner_replies(outside)
    assert refusal["kind"] == "rejection" and refusal["template"] == "tkt_rej"
    # The reason and what 003 «Платная техподдержка» prescribes: renew by an act number.
    assert "нет оплаченного периода технической поддержки" in refusal["text"]
    assert "ваш период закончился 11.04.2026" in refusal["text"]
    assert "номером акта об оказании услуг" in refusal["text"]
    assert show(shtrih, outside.case)["attrs"]["close_reason"] == "no_support_period"


def test_003_free_r_id_8_partner_without_a_recorded_period_is_refused(shtrih) -> None:
    register(shtrih, "ivan@partner.ru", "7204196795")
    at(shtrih, msk(2026, 3, 2, 12, 0))
    refused = deliver(shtrih, letter(body=COMPLETE_TICKET))
    assert refused.state == "rejected"
    assert "ваш период закончился" not in partner_replies(refused)[0]["text"]


def test_003_paid_r_id_8_act_number_renews_once_and_is_refused_the_second_time(shtrih) -> None:
    register(shtrih, "ivan@partner.ru", "7204196795", key="2025-06-02")  # free ended 01.09.2025
    register(shtrih, "anna@other.ru", "7707083893", paid="2026-01-31")  # paid ended 31.01.2026
    at(shtrih, msk(2026, 3, 2, 12, 0))
    renewed = deliver(shtrih, letter(body=COMPLETE_TICKET + "Номер акта: АУ-0042/26\n"))
    assert renewed.state == "open"
    with shtrih.sessions() as session:
        [act] = session.scalars(select(SupportAct)).all()
        partner_support = session.get(PartnerSupport, act.partner_id)
    assert (act.number, act.paid_from) == ("АУ-0042/26", date(2026, 3, 2))
    # 003: support runs from the letter that gives the act, for renewal_months (12).
    assert partner_support.paid_until == date(2027, 3, 1)
    # The partner is now covered: the next ticket needs no act.
    assert deliver(shtrih, letter(body=COMPLETE_TICKET)).state == "open"
    # The same act from anyone again: «по которому ранее не продлевали» — refused.
    reused = deliver(
        shtrih, letter(sender="anna@other.ru", body=COMPLETE_TICKET + "по акту № ау-0042/26\n")
    )
    assert reused.state == "rejected"
    [refusal] = partner_replies(reused)
    assert "по этому акту техническая поддержка уже продлевалась" in refusal["text"]
    assert "по акту № АУ-0042/26" in refusal["text"]
    with shtrih.sessions() as session:
        assert len(session.scalars(select(SupportAct)).all()) == 1


@pytest.mark.parametrize(
    ("tier", "due"),
    [
        # Monday 02.03.2026 12:00 MSK; the office works 10:00–19:00 MSK (9 h a day).
        ("free", msk(2026, 3, 4, 18, 0)),  # 7 + 9 + 8 = 24 wh → Wednesday 18:00
        ("paid", msk(2026, 3, 3, 19, 0)),  # 7 + 9 = 16 wh → Tuesday 19:00
        ("certified_partner", msk(2026, 3, 3, 11, 0)),  # 7 + 1 = 8 wh → Tuesday 11:00
        (None, msk(2026, 3, 4, 18, 0)),  # no tier in the registry: the first one (free)
    ],
)
def test_003_r_sla_12_r_cal_14_first_response_24_16_8_working_hours_per_tier(
    shtrih, tier: str | None, due: datetime
) -> None:
    # A certified partner has no support period (003 gives it none): no dates recorded.
    paid = None if tier == "certified_partner" else "2026-12-31"
    register(shtrih, "ivan@partner.ru", "7204196795", tier=tier, paid=paid)
    at(shtrih, msk(2026, 3, 2, 12, 0))
    ticket = deliver(shtrih, letter(body=COMPLETE_TICKET))
    assert ticket.state == "open"
    attrs = show(shtrih, ticket.case)["attrs"]
    assert datetime.fromisoformat(attrs["first_response_due_at"]) == due
    at(shtrih, due - timedelta(minutes=1))
    assert not [r for r in shtrih.ticker.tick().replies if ticket.case in r["subject"]]
    at(shtrih, due)
    alerts = [r for r in shtrih.ticker.tick().replies if ticket.case in r["subject"]]
    assert any("Нет первого ответа" in alert["subject"] for alert in alerts)


def test_003_cli_partners_add_records_key_registration_and_paid_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARTNERDESK_POLICY_FILE", str(PRESET))
    args = ["partners", "add", "ООО «Партнер»", "--inn", "7204196795", "--address", "i@p.ru"]
    assert main([*args, "--key-registered", "2026-01-12"]) == 0
    assert json.loads(capsys.readouterr().out)["key_registered_on"] == "2026-01-12"
    # Only what is given changes: the key date stays when the paid period is added.
    assert main(["partners", "add", "ООО «Партнер»", "--support-until", "2026-12-31"]) == 0
    assert main(["partners", "show", "7204196795"]) == 0
    shown = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert (shown["key_registered_on"], shown["support_paid_until"]) == (
        "2026-01-12",
        "2026-12-31",
    )
    assert main(["partners", "add", "ООО «Партнер»", "--support-until", "31.12.2026"]) == 1
    assert "use YYYY-MM-DD" in capsys.readouterr().err
    rows = tmp_path / "partners.csv"
    rows.write_text(
        "name,inn,addresses,key_registered_on,support_paid_until\n"
        "ООО «Второй»,7707083893,a@b.ru,2026-02-01,\n",
        encoding="utf-8",
    )
    assert main(["partners", "import", str(rows)]) == 0
    assert main(["partners", "show", "7707083893"]) == 0
    shown = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert (shown["key_registered_on"], shown["support_paid_until"]) == ("2026-02-01", None)


def test_r_id_8_period_arithmetic_and_act_reading() -> None:
    policy = load_policy(PRESET).support_period
    assert covered_until(SupportRecord(date(2025, 11, 30)), policy) == date(2026, 2, 27)
    assert covered_until(SupportRecord(date(2026, 1, 12), date(2027, 1, 1)), policy) == date(
        2027, 1, 1
    )
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert read_act_number("Акт об оказании услуг № 15 от 01.02.2026") == "15"
    assert read_act_number("номер акта: ab-7") == "AB-7"
    assert read_act_number("Актуальная версия 5") is None


def test_r_cfg_4_technocom_has_no_support_period_and_one_tier() -> None:
    technocom = load_policy(None)
    assert technocom.support_period.required is False
    assert [(t.name, t.first_response_wh) for t in technocom.support_tiers] == [("partner", None)]

"""Policy keys of issue 23: unknown keys stop start-up, declared keys do something (R-CFG-2)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from bot.app import build
from bot.clock import FrozenClock
from bot.policy import Policy, PolicyError, load_policy
from bot.rules.action_base import ActionRefused
from bot.rules.decide import CaseView
from bot.rules.kinds import RuleContext
from bot.rules.license.licenses import originals_received
from bot.rules.pin.reports import first_due
from bot.settings import load_settings
from tests.conftest import T0, deliver, register_partner
from tests.presets.conftest import act
from tests.support.letters import COMPLETE_TICKET, letter

GMT5 = timezone(timedelta(hours=5))


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[ticket]\nreopen_windw_days = 3\n", "ticket.reopen_windw_days"),
        ("[pin]\nprepin_dayz = 30\n", "pin.prepin_dayz"),
        ('[[support_tiers]]\nname = "basic"\nfirst_respons_wh = 8\n', "first_respons_wh"),
        ("[sla.targets.bug]\nurgent = { breach_wd = 1, breach = 2 }\n", "urgent.breach"),
        ("vendorr = 1\n", "vendorr"),
    ],
)
def test_r_cfg_2_unknown_key_in_any_section_stops_start_up_naming_it(
    tmp_path: Path, toml: str, key: str
) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text(toml, encoding="utf-8")
    with pytest.raises(PolicyError, match="unknown key; remove it") as caught:
        load_policy(bad)
    assert key in str(caught.value)


def _ctx(rollover: bool, now: datetime) -> RuleContext:
    policy = Policy(calendar={"rollover_non_working": rollover})
    return RuleContext(policy.calendar.build(), policy, now)


@pytest.mark.parametrize(("rollover", "day"), [(False, 15), (True, 17)])
def test_r_cal_9_report_date_on_a_saturday_moves_to_monday_only_with_rollover(
    rollover: bool, day: int
) -> None:
    # 15 January 2028 is a Saturday: the partner's report is due Monday 17th with the option.
    ctx = _ctx(rollover, datetime(2027, 6, 1, 12, 0, tzinfo=GMT5))
    due = first_due(ctx.now, ctx)
    assert ctx.calendar.local(due).date() == date(2028, 1, day)
    assert ctx.calendar.local(due).time() == time(23, 59, 59, 999000)


@pytest.mark.parametrize(("rollover", "day"), [(False, 7), (True, 10)])
def test_r_cal_9_originals_return_term_ending_on_saturday_moves_to_monday(
    rollover: bool, day: int
) -> None:
    received = datetime(2026, 2, 28, 11, 0, tzinfo=GMT5)  # Saturday + 7 CD = Saturday 7 March
    ctx = _ctx(rollover, received)
    case = CaseView(1, "TCM-000001", "license_request", "awaiting_originals", "a@b.ru", {})
    decision = originals_received(case, {}, received, ctx, "partner")
    due = datetime.fromisoformat(decision.attrs["originals_return_due_at"])
    # 9 March 2026 is a public holiday (8 March moved): the next working day is Tuesday 10th.
    assert ctx.calendar.local(due).date() == date(2026, 3, day)


def test_r_tkt_17_reject_takes_only_the_policys_refusal_reasons(
    tmp_path: Path, clean_env: None
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[ticket]\nrefusal_reasons = ["out_of_scope", "unidentified"]\n')
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'pd.sqlite3'}",
        outbox={"maildir": str(tmp_path / "outbox")},
        smtp={"port": 0},
        policy_file=str(policy),
    )
    service = build(settings, clock=FrozenClock(T0))
    register_partner(service)
    ticket = deliver(service, letter(body=COMPLETE_TICKET))
    with pytest.raises(ActionRefused, match="use out_of_scope, unidentified"):
        act(service, ticket.case, "reject", reason="license_violation")
    assert act(service, ticket.case, "reject", reason="out_of_scope").state == "rejected"
    service.engine.dispose()


def test_r_tkt_17_an_unknown_refusal_reason_in_the_policy_stops_start_up(tmp_path: Path) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text('[ticket]\nrefusal_reasons = ["rude"]\n')
    with pytest.raises(PolicyError, match=r"ticket\.refusal_reasons\.0"):
        load_policy(bad)

"""Policy keys of issue 23: unknown keys stop start-up, declared keys do something (R-CFG-2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.policy import PolicyError, load_policy


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

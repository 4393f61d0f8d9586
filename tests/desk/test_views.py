"""HQ's views (issue 21 item 4): a filter on a value that cannot exist is refused (exit 2) with
the list of valid values, instead of answering "nothing" as if the desk were empty."""

from __future__ import annotations

import pytest

from bot.cli import main


@pytest.mark.parametrize(
    ("argv", "valid"),
    [
        (["cases", "--state", "bogus"], "needs_info"),
        (["cases", "--kind", "bogus"], "license_request"),
        (["outbox", "--status", "bogus"], "held"),
    ],
)
def test_unknown_filter_values_are_refused_with_the_valid_ones(
    tmp_path, clean_env, argv, valid, capsys
) -> None:
    db = f"sqlite:///{tmp_path / 'pd.sqlite3'}"
    assert main([*argv, "--db", db]) == 2
    err = capsys.readouterr().err
    assert "unknown" in err and "bogus" in err and valid in err


def test_known_filter_values_still_list(tmp_path, clean_env, capsys) -> None:
    db = f"sqlite:///{tmp_path / 'pd.sqlite3'}"
    assert main(["cases", "--state", "needs_info", "--db", db]) == 0
    assert "no cases" in capsys.readouterr().out

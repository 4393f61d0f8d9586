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
    assert main(["partners", "add", "ООО «Партнер»", "--db", db]) == 0  # creates it
    assert main(["cases", "--state", "needs_info", "--db", db]) == 0
    assert "no cases" in capsys.readouterr().out


def test_partners_add_on_an_existing_partner_changes_only_what_it_is_given(
    tmp_path, clean_env, capsys
) -> None:
    db = f"sqlite:///{tmp_path / 'pd.sqlite3'}"
    first = ["partners", "add", "ООО «Партнер»", "--inn", "7204196795", "--db", db]
    assert main([*first, "--role", "gold", "--domain", "partner.example"]) == 0
    assert (
        main(
            [
                "partners",
                "add",
                "ООО «Партнер»",
                "--inn",
                "7204196795",
                "--db",
                db,
                "--status",
                "suspended",
            ]
        )
        == 0
    )
    assert main([*first, "--address", "new@partner.example"]) == 0
    capsys.readouterr()
    assert main(["partners", "show", "7204196795", "--db", db]) == 0
    shown = capsys.readouterr().out
    assert '"gold"' in shown and "partner.example" in shown and "new@partner.example" in shown
    assert '"suspended"' in shown


@pytest.mark.parametrize(
    "argv",
    [
        ["cases"],
        ["show", "TCM-000001"],
        ["outbox"],
        ["status"],
        ["digest", "--role", "admin"],
        ["registry", "export"],
    ],
)
def test_read_only_commands_never_create_a_database(tmp_path, clean_env, argv, capsys) -> None:
    path = tmp_path / "elsewhere" / "pd.sqlite3"
    assert main([*argv, "--db", f"sqlite:///{path}"]) == 1
    assert f"no database at {path}" in capsys.readouterr().err
    assert not path.exists() and not path.parent.exists()

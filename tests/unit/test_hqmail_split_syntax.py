"""`split` and `merge` in an HQ reply (R-THR-13, issue 25): the letters' numbers are the value."""

from __future__ import annotations

import pytest

from bot.hqmail.handler import KNOWN_ACTIONS
from bot.hqmail.syntax import SyntaxProblem, parse_commands


@pytest.mark.parametrize(
    ("line", "action", "params"),
    [
        ("выделить 12", "split", {"letter": "12"}),
        ("Разделить 12", "split", {"letter": "12"}),
        ("выделить письмо № 12", "split", {"letter": "12"}),
        ("выделить письмо №12", "split", {"letter": "12"}),
        ("split 12", "split", {"letter": "12"}),
        ("split letter=12", "split", {"letter": "12"}),
        ("split: 12", "split", {"letter": "12"}),
        # R-THR-13 splits letters: several numbers make one new case.
        ("выделить 12 и 14", "split", {"letter": "12,14"}),
        ("выделить письма № 12, 14", "split", {"letter": "12,14"}),
        ("split 12,14", "split", {"letter": "12,14"}),
        # Without a number the action layer refuses and names the case's letters.
        ("выделить", "split", {}),
        ("объединить TCM-000123", "merge", {"into": "tcm-000123"}),
        ("merge TCM-000123", "merge", {"into": "tcm-000123"}),
    ],
)
def test_r_thr_13_split_and_merge_lines(line: str, action: str, params: dict) -> None:
    [command] = parse_commands(line, KNOWN_ACTIONS)
    assert (command.action, command.params, command.line) == (action, params, line)


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("выделить второе", "numbers in digits"),
        ("выделить 12 и второе", "numbers in digits"),
    ],
)
def test_r_thr_13_a_split_without_a_letter_number_is_asked_about(line: str, why: str) -> None:
    with pytest.raises(SyntaxProblem, match=why):
        parse_commands(line, KNOWN_ACTIONS)

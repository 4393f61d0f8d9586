"""Thread matching and case tags (R-THR-4, R-THR-5, R-THR-6)."""

from bot.route.threads import find_case_numbers, match_thread
from parsers import parse_letter
from tests.support.letters import letter

FMT = "TCM-{seq:06d}"


def test_r_thr_5_tag_tolerates_cyrillic_lookalikes_spaces_and_prefixes() -> None:
    subject = "Re: FW: Ответ: [ТСМ-000123] вопрос; также tcm 45 и TCM-№ 7"
    assert find_case_numbers(subject, "TCM-", FMT) == ["TCM-000123", "TCM-000045", "TCM-000007"]


def test_r_thr_5_tag_is_not_found_inside_other_words_or_numbers() -> None:
    assert find_case_numbers("ATCM-12 and TCM-1234567890", "TCM-", FMT) == []


def test_r_thr_4_references_win_over_subject_tag() -> None:
    parsed = parse_letter(
        letter(
            subject="[TCM-000002] x",
            in_reply_to="<ours@technocom.tech>",
            references=["<p1@partner.ru>", "<ours@technocom.tech>"],
        )
    )
    seen = {"<ours@technocom.tech>": 1}
    match = match_thread(
        parsed,
        lambda ids: next((seen[i] for i in ids if i in seen), None),
        lambda number: 2,
        "TCM-",
        FMT,
    )
    assert (match.case_id, match.via) == (1, "references")


def test_r_thr_4_subject_tag_when_references_unknown() -> None:
    parsed = parse_letter(letter(subject="Re: [TCM-000002] x", references=["<gone@x>"]))
    match = match_thread(
        parsed, lambda ids: None, lambda number: 2 if number == "TCM-000002" else None, "TCM-", FMT
    )
    assert (match.case_id, match.via) == (2, "subject-tag")


def test_r_thr_6_unknown_tag_is_ignored_and_reported() -> None:
    parsed = parse_letter(letter(subject="[TCM-000999] новый вопрос"))
    match = match_thread(parsed, lambda ids: None, lambda number: None, "TCM-", FMT)
    assert match.case_id is None
    assert match.unknown_tags == ("TCM-000999",)


def test_letter_with_neither_references_nor_tag_is_new() -> None:
    parsed = parse_letter(letter(subject="Вопрос"))
    match = match_thread(parsed, lambda ids: 1, lambda number: 1, "TCM-", FMT)
    assert match.case_id is None

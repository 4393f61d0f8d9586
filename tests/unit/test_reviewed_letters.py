"""Issue 24: every letter a partner reads, driven end to end through the service (letters,
HQ actions, scheduler ticks on a frozen clock), is the letter a reviewer read and recorded in
tests/data/reviewed_letters, and has what every partner letter must (R-NTF-2, R-NTF-4,
R-NTF-5): no code or English state, no empty list, nothing said twice, zoned moments, what to
do next and the thread rule."""

from __future__ import annotations

import difflib

import pytest

from replies.render import TEMPLATES
from tests.letter_review.collect import render_all
from tests.letter_review.desk import Reply
from tests.letter_review.properties import faults_of
from tests.letter_review.recorded import (
    NEEDS_REVIEW,
    NOT_READ,
    OK,
    Recorded,
    dump,
    load_all,
    parse,
    path_of,
    same_letter,
    updated,
)

RECORDED = load_all()
RECORD = "python -m tests.letter_review --record"
# Partner templates no real situation reaches: the generic clarification and its reminder
# serve kinds with no rules of their own (every kind has them today); inq_alert_due goes
# to HQ. hq_reply, HQ's own text to the partner (R-HQ-10), is in the set.
NOT_REACHED = frozenset({"clarification", "clarification_reminder", "inq_alert_due"})


@pytest.fixture(scope="module")
def rendered() -> dict[str, Reply]:
    return render_all()


def _diff(record: Recorded, letter: Reply) -> str:
    old = dump(record).splitlines()
    new = dump(Recorded(record.situation, *letter[:2], OK, "", *letter[2:])).splitlines()
    return "\n".join(difflib.unified_diff(old, new, "recorded", "rendered now", lineterm=""))


def test_every_situation_is_recorded_and_every_recording_rendered(rendered) -> None:
    new = sorted(set(rendered) - set(RECORDED))
    gone = sorted(set(RECORDED) - set(rendered))
    assert not new and not gone, (
        f"new letters {new}, letters no situation renders {gone}: run `{RECORD}`, then read "
        "each new letter and set its verdict"
    )


@pytest.mark.parametrize("situation", sorted(RECORDED))
def test_the_letter_is_the_one_a_reviewer_read(rendered, situation: str) -> None:
    record = RECORDED[situation]
    assert situation in rendered, f"{situation}: no situation renders it; run `{RECORD}`"
    letter = rendered[situation]
    assert same_letter(record, letter), (
        f"the letter changed: read it again and record your reading with `{RECORD}`\n"
        + _diff(record, letter)
    )
    assert record.verdict == OK and record.reading not in ("", NOT_READ), (
        f"{path_of(situation).name} is «{record.verdict}»: read the letter, write what you "
        "checked in `reading` and set `verdict: ok`"
    )


@pytest.mark.parametrize("situation", sorted(RECORDED))
def test_the_letter_has_what_every_partner_letter_must(rendered, situation: str) -> None:
    faults = {kind: found for kind, found in faults_of(rendered[situation]).items() if found}
    assert not faults, f"{situation}: {faults}"


def test_every_partner_template_is_in_the_reviewed_set(rendered) -> None:
    partner = {
        p.name.removesuffix(".txt.j2")
        for p in (TEMPLATES / "ru").glob("[!_]*.txt.j2")
        if not p.name.startswith("hq_") or p.name == "hq_reply.txt.j2"
    }
    shown = {letter.template for letter in rendered.values()}
    assert partner - NOT_REACHED - shown == set(), "add a situation for these templates"
    assert not NOT_REACHED & shown, "a template reached now: take it out of NOT_REACHED"


def test_record_mode_keeps_the_reading_and_asks_for_it_again() -> None:
    letter = Reply("tkt_ack", "ivan@partner.ru", "[TCM-000001] Тема", "Номер обращения: …\n")
    read = Recorded("s", *letter[:2], OK, "Прочитано: грамматика.\n\nДва абзаца.", *letter[2:])
    assert parse(dump(read)) == read  # the file says exactly what was recorded
    assert updated(read, "s", letter) is None  # an unchanged letter keeps its verdict
    changed = updated(read, "s", letter._replace(text="Номер обращения: … иначе.\n"))
    assert changed is not None
    assert (changed.verdict, changed.reading) == (NEEDS_REVIEW, read.reading)
    fresh = updated(None, "s", letter)
    assert fresh is not None and (fresh.verdict, fresh.reading) == (NEEDS_REVIEW, NOT_READ)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # The issue's examples, each as a letter once sent.
        ("• Перечень ПО — строка 1: registration_number: неверный формат.\n", "Latin words"),
        ("Статус: in_review.\n", "Latin words"),
        (
            "Причина: недостаточно информации.\nНе были получены данные:\n\n\nЧто дальше: …\n",
            "empty",
        ),
        (
            "Срок решения: срок выполнения не гарантирован.\nВыполнение доработки не "
            "гарантировано: оно зависит от загрузки команды разработки.\n",
            "denial",
        ),
        ("Ответьте до 30.04.2025 23:59.\n", "time zone"),
    ],
)
def test_the_checks_find_the_faults_the_issue_names(text: str, kind: str) -> None:
    letter = Reply("tkt_ack", "ivan@partner.ru", "[TCM-000001] Заявка: тема", "Номер:\n" + text)
    found = [name for name, faults in faults_of(letter).items() if faults]
    assert any(kind in name for name in found), found
    assert "layout" in found  # no «Что дальше», no thread rule

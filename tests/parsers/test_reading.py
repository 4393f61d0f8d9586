"""A reading made ahead of the database work (parsers/reading.py): its guesses of kind and
fields are those of a letter outside any thread, and are used only where they apply."""

from __future__ import annotations

from datetime import UTC, datetime

from parsers import classify, extract, parse_letter
from parsers.reading import read_ahead
from parsers.types import Kind
from tests.support.letters import COMPLETE_TICKET, letter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_guesses_are_those_of_a_letter_outside_any_thread() -> None:
    raw = letter(subject="Ошибка при сохранении", body=COMPLETE_TICKET)
    reading = read_ahead(raw, "support", NOW)
    parsed = parse_letter(raw)
    assert reading.letter == parsed
    assert reading.classification == classify(parsed, "support", thread_kind=None)
    assert reading.request == extract(parsed, Kind.TICKET, received_at=NOW)


def test_the_guesses_apply_only_to_the_same_role_thread_kind_and_receipt_time() -> None:
    reading = read_ahead(letter(body=COMPLETE_TICKET), "support", NOW)
    assert reading.classification_for("support", None) is reading.classification
    # In a thread the kind depends on the case; another mailbox is another question.
    assert reading.classification_for("support", "pin_request") is None
    assert reading.classification_for("general", None) is None
    assert reading.request_for(Kind.TICKET, NOW) is reading.request
    assert reading.request_for(Kind.PIN_REQUEST, NOW) is None
    assert reading.request_for(Kind.TICKET, datetime(2026, 3, 3, tzinfo=UTC)) is None


def test_a_failing_guess_leaves_the_step_to_the_pipeline(monkeypatch) -> None:
    import parsers.reading as reading_module

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug in classification")

    monkeypatch.setattr(reading_module, "classify", broken)
    reading = read_ahead(letter(body=COMPLETE_TICKET), "support", NOW)
    assert reading.letter.subject and reading.classification is None and reading.request is None
    assert reading.classification_for("support", None) is None

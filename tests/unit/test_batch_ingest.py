"""`Pipeline.ingest_many`: the IMAP watcher's batch path keeps every promise of `ingest`.

One commit stores a batch and one more processes it (issue 6 throughput); a duplicate, an
unreadable letter or a crash in one letter must still cost only that letter (R-MBX-1,
architecture §3).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import build
from bot.ingest import Arrival
from bot.pipeline import Pipeline
from bot.settings import load_settings
from bot.store.models import Case, Deadline, Letter, OutboxMessage
from parsers.types import ParsedLetter
from tests.conftest import register_partner
from tests.support.letters import COMPLETE_TICKET, INCOMPLETE_TICKET, letter


def _arrivals(service, *raws: bytes) -> list[Arrival]:
    now = service.clock.now()
    return [Arrival(raw=raw, received_at=now, source="test") for raw in raws]


def _count(service, model, *where) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _with_reader(service, reader) -> Pipeline:
    real = service.pipeline
    return Pipeline(
        real._sessions, real._clock, real._config, real._applier, real._rules, reader=reader
    )


def test_a_batch_opens_one_case_and_one_reply_per_letter_in_order(service) -> None:
    raws = [letter(subject=f"Ошибка №{n}", body=COMPLETE_TICKET) for n in range(5)]
    results = service.pipeline.ingest_many(_arrivals(service, *raws))
    assert [r.case for r in results] == [f"TCM-00000{n}" for n in range(1, 6)]
    assert all(r.status == "processed" and len(r.replies) == 1 for r in results)
    assert _count(service, OutboxMessage) == 5
    assert _count(service, Letter, Letter.status == "processed") == 5


def test_r_mbx_1_a_letter_repeated_within_a_batch_is_processed_once(service) -> None:
    raw = letter(message_id="<same@partner.ru>", body=COMPLETE_TICKET)
    first, again = service.pipeline.ingest_many(_arrivals(service, raw, raw))
    assert first.status == "processed" and not first.duplicate
    assert again.duplicate and again.status == "duplicate"
    assert (_count(service, Letter), _count(service, Case), _count(service, OutboxMessage)) == (
        1,
        1,
        1,
    )


def test_r_mbx_1_a_batch_stores_each_letter_with_its_bytes_and_every_mailbox(service) -> None:
    """R-MBX-1: the same letter reaching both mailboxes, in one batch or in two, is one
    letter recording both; the bytes are kept apart from the row (0007) and read back."""
    # Blind copies: only the envelope says which mailbox each copy reached.
    raw = letter(to="it@partner.ru", message_id="<both@partner.ru>", body=COMPLETE_TICKET)
    other = letter(to="it@partner.ru", message_id="<other@partner.ru>", body=INCOMPLETE_TICKET)
    now = service.clock.now()
    to = lambda raw, box: Arrival(raw=raw, received_at=now, rcpt_tos=(box,))  # noqa: E731
    first = service.pipeline.ingest_many(
        [
            to(raw, "support@technocom.tech"),
            to(other, "support@technocom.tech"),
            to(other, "mail@technocom.tech"),
        ]
    )
    assert [r.duplicate for r in first] == [False, False, True]
    again = service.pipeline.ingest_many([to(raw, "mail@technocom.tech")])
    assert again[0].duplicate and again[0].case == first[0].case
    with service.sessions() as session:
        rows = {row.message_id: row for row in session.scalars(select(Letter))}
        assert rows["<both@partner.ru>"].mailboxes == ["support", "general"]
        assert rows["<other@partner.ru>"].mailboxes == ["support", "general"]
        assert rows["<both@partner.ru>"].raw == raw and rows["<other@partner.ru>"].raw == other


def test_r_mbx_1_a_letter_seen_in_an_earlier_batch_is_a_duplicate(service) -> None:
    raw = letter(message_id="<once@partner.ru>", body=COMPLETE_TICKET)
    service.pipeline.ingest_many(_arrivals(service, raw))
    [again] = service.pipeline.ingest_many(_arrivals(service, raw))
    assert again.duplicate and again.case == "TCM-000001"
    assert _count(service, OutboxMessage) == 1


def test_a_reply_later_in_the_same_batch_joins_the_case_opened_earlier_in_it(service) -> None:
    first = letter(message_id="<start@partner.ru>", body=INCOMPLETE_TICKET)
    answer = letter(subject="Re: Ошибка", body="Дополняю", in_reply_to="<start@partner.ru>")
    opened, followed = service.pipeline.ingest_many(_arrivals(service, first, answer))
    assert followed.case == opened.case == "TCM-000001"
    assert _count(service, Case) == 1


def test_an_unreadable_letter_is_quarantined_and_the_rest_of_the_batch_goes_on(service) -> None:
    results = service.pipeline.ingest_many(
        _arrivals(service, letter(body=COMPLETE_TICKET), b"   \r\n", letter(body=COMPLETE_TICKET))
    )
    assert [r.status for r in results] == ["processed", "quarantined", "processed"]
    assert "cannot read the letter" in results[1].reason
    assert [r.template for r in _hq_notices(service)] == ["hq_quarantine"]


def test_a_crash_in_one_letter_rolls_the_batch_back_and_costs_only_that_letter(service) -> None:
    from parsers import parse_letter

    def exploding(raw: bytes) -> ParsedLetter:
        if b"BOOM" in raw:
            raise RuntimeError("parser exploded")
        return parse_letter(raw)

    pipeline = _with_reader(service, exploding)
    raws = [
        letter(subject="Первое", body=COMPLETE_TICKET),
        letter(subject="BOOM", body="BOOM"),
        letter(subject="Третье", body=COMPLETE_TICKET),
    ]
    results = pipeline.ingest_many(_arrivals(service, *raws))
    assert [r.status for r in results] == ["processed", "quarantined", "processed"]
    assert "parser exploded" in results[1].reason
    # The rolled-back first attempt left nothing behind: one case and one reply each.
    assert _count(service, Case) == 2
    partner_replies = _count(service, OutboxMessage, OutboxMessage.reply_kind != "notice")
    assert partner_replies == 2
    assert [r.template for r in _hq_notices(service)] == ["hq_quarantine"]


def test_held_replies_follow_each_letter_of_the_batch(service) -> None:
    raws = [letter(body=COMPLETE_TICKET), letter(body=COMPLETE_TICKET)]
    results = service.pipeline.ingest_many(_arrivals(service, *raws), [True, False])
    assert [r.replies[0]["status"] for r in results] == ["held", "queued"]


def _hq_notices(service) -> list[OutboxMessage]:
    with service.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.reply_kind == "notice")
        return list(session.scalars(query))


def test_r_mbx_4_the_hourly_cap_counts_replies_queued_earlier_in_the_same_batch(service) -> None:
    limit = service.settings.mail.max_auto_replies_per_sender_per_hour
    service.pipeline.ingest_many(_arrivals(service, letter(body=COMPLETE_TICKET)))
    raws = [letter(body=COMPLETE_TICKET) for _ in range(limit + 1)]
    results = service.pipeline.ingest_many(_arrivals(service, *raws))
    statuses = [r.replies[0]["status"] for r in results]
    assert statuses == ["queued"] * (limit - 1) + ["held", "held"]


def test_a_batch_of_new_letters_asks_the_database_the_same_whatever_its_size(service) -> None:
    from sqlalchemy import event

    def selects_for(count: int, start: int) -> int:
        seen: list[str] = []

        def note(_conn, _cursor, statement, *_args) -> None:
            seen.append(statement)

        raws = [
            letter(body=COMPLETE_TICKET, sender=f"user{start + n}@partner.ru") for n in range(count)
        ]
        event.listen(service.engine, "before_cursor_execute", note)
        try:
            results = service.pipeline.ingest_many(_arrivals(service, *raws))
        finally:
            event.remove(service.engine, "before_cursor_execute", note)
        assert all(r.status == "processed" for r in results)
        return sum(s.lstrip().upper().startswith("SELECT") for s in seen)

    selects_for(1, 1000)  # the very first case also sets up the id counter
    # Senders, reply counts and reply keys are read once per batch, not once per letter.
    assert selects_for(3, 0) == selects_for(9, 100)


def test_r_mbx_1_the_header_block_ends_at_the_first_blank_line_of_either_kind(service) -> None:
    """Message-ID and subject (the duplicate key) come from the header block only: it ends
    at the first blank line, CRLF or bare LF, whichever comes first."""
    lf_letter = (
        b"From: a@partner.ru\nSubject: lf\nMessage-ID: <lf@partner.ru>\n\n"
        b"body\r\n\r\nSubject: not a header\r\n"
    )
    crlf_letter = (
        b"From: a@partner.ru\r\nSubject: crlf\r\nMessage-ID: <crlf@partner.ru>\r\n\r\n"
        b"body\n\nMessage-ID: <not-a-header@partner.ru>\n"
    )
    service.pipeline.ingest_many(_arrivals(service, lf_letter, crlf_letter))
    with service.sessions() as session:
        rows = session.execute(select(Letter.message_id, Letter.subject))
        assert sorted(rows.all()) == [("<crlf@partner.ru>", "crlf"), ("<lf@partner.ru>", "lf")]


@pytest.mark.both_databases
def test_a_thread_whose_follow_ups_share_its_batch_is_done_in_one_pass(service, caplog) -> None:
    """A batch is correct by construction (issue 20): a ticket still missing data, its
    follow-ups (by In-Reply-To and by tag, still incomplete), a repeat and an auto-reply of
    the same thread in one batch give the timers, cases and replies of letter by letter,
    without the batch failing and being redone (it wrote each case's timers twice)."""
    first = letter(message_id="<t1@partner.ru>", subject="Сбой", body=INCOMPLETE_TICKET)
    by_reference = letter(
        subject="Re: Сбой", body="Логи пришлю позже.", in_reply_to="<t1@partner.ru>"
    )
    by_tag = letter(subject="Re: [TCM-000001] Сбой", body="Еще уточнение: версия 4.2")
    auto_reply = letter(
        subject="Автоответ: [TCM-000001] Сбой",
        body="Я в отпуске до 10.03.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    batch = [first, by_reference, by_tag, first, auto_reply]
    with caplog.at_level("ERROR", logger="bot.pipeline"):
        results = service.pipeline.ingest_many(_arrivals(service, *batch))
    assert "one by one" not in caplog.text
    assert [r.case for r in results] == ["TCM-000001"] * 5
    with service.sessions() as session:
        timers = session.execute(select(Deadline.kind, Deadline.due_at, Deadline.status)).all()
    assert len(timers) == len(set(timers))  # no twin timer of one kind and moment
    assert _count(service, Case) == 1


def test_a_batch_gives_the_timers_of_letter_by_letter(service, tmp_path, frozen_clock) -> None:
    """The same thread through ingest_many and through ingest one letter at a time."""
    first = letter(message_id="<t2@partner.ru>", subject="Сбой", body=INCOMPLETE_TICKET)
    follow = letter(subject="Re: Сбой", body="Дополняю позже.", in_reply_to="<t2@partner.ru>")
    service.pipeline.ingest_many(_arrivals(service, first, follow))
    single = build(
        load_settings(
            database_url=f"sqlite:///{tmp_path / 'single.sqlite3'}",
            outbox={"maildir": str(tmp_path / "single-outbox")},
            smtp={"port": 0},
        ),
        clock=frozen_clock,
    )
    register_partner(single)
    for raw in (first, follow):
        single.pipeline.ingest(_arrivals(single, raw)[0])

    def timers(svc) -> list[tuple]:
        with svc.sessions() as session:
            rows = session.execute(select(Deadline.kind, Deadline.due_at, Deadline.status))
            return sorted(rows.all())

    assert timers(service) == timers(single)
    single.engine.dispose()

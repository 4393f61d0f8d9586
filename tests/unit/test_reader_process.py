"""Letters read in a child process (bot/reader_process.py, issue 6).

The child must give the same readings as this process, and a letter that kills or hangs it
must cost that letter only: quarantined with a reason that says what to do, the rest read
by a fresh child (architecture §3: bad input never crashes the service, never is lost).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

import bot.reader_process as reader_process
from bot.ingest import Arrival
from bot.reader_process import ReaderFailed, ReaderProcess
from bot.store.models import Letter
from parsers import UnreadableLetter, parse_letter
from parsers.reading import read_ahead
from parsers.types import Kind
from tests.support.letters import COMPLETE_TICKET, letter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _misbehaving(raw: bytes, role, received_at):
    """The child's reading, except for letters that say how to misbehave."""
    if b"KILL-THE-READER" in raw:
        os._exit(3)
    if b"HANG-THE-READER" in raw:
        time.sleep(60)
    if b"UNPICKLABLE-ERROR" in raw:
        raise _Unpicklable()
    return read_ahead(raw, role, received_at)


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("cannot pickle this one")


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch):
    # Patched before the fork, so the child runs it.
    monkeypatch.setattr(reader_process, "read_ahead", _misbehaving)
    started = ReaderProcess(timeout_seconds=2)
    started.start()
    yield started
    started.close()


def _ticket_letter(n: int, marker: str = "") -> bytes:
    return letter(subject=f"Ошибка №{n} {marker}".strip(), body=COMPLETE_TICKET)


def test_the_child_reads_what_this_process_reads_and_guesses_the_kind(reader) -> None:
    assert sorted(map(int, os.listdir(f"/proc/{reader.pid}/fd")))[:3] == [0, 1, 2]
    raws = [_ticket_letter(n) for n in range(5)]
    tickets = reader.submit([(raw, "support", NOW) for raw in raws])
    readings = [reader.wait(ticket) for ticket in tickets]
    assert reader.pid not in (None, os.getpid())
    assert [r.letter for r in readings] == [parse_letter(raw) for raw in raws]
    assert all(r.classification and r.classification.kind == Kind.TICKET for r in readings)
    assert readings[0].request == read_ahead(raws[0], "support", NOW).request
    assert reader.restarts == 0


def test_r_mbx_unreadable_letters_fail_as_themselves_and_the_child_stays(reader) -> None:
    pid = reader.pid
    bad, good = reader.submit([(b"", None, None), (_ticket_letter(1), None, None)])
    with pytest.raises(UnreadableLetter, match="empty") as caught:
        reader.wait(bad)
    assert not isinstance(caught.value, ReaderFailed)
    assert reader.wait(good).letter.subject == "Ошибка №1"
    assert (reader.pid, reader.restarts) == (pid, 0)


def test_an_error_that_cannot_cross_the_pipe_arrives_as_its_text(reader) -> None:
    (ticket,) = reader.submit([(_ticket_letter(1, "UNPICKLABLE-ERROR"), None, None)])
    with pytest.raises(RuntimeError, match="_Unpicklable"):
        reader.wait(ticket)
    assert reader.restarts == 0


def test_a_letter_that_kills_the_child_fails_alone_and_a_new_child_reads_the_rest(
    reader,
) -> None:
    first_pid = reader.pid
    raws = [_ticket_letter(1), _ticket_letter(2, "KILL-THE-READER"), _ticket_letter(3)]
    before, killer, after = reader.submit([(raw, None, None) for raw in raws])
    assert reader.wait(before).letter.subject == "Ошибка №1"
    with pytest.raises(ReaderFailed, match=r"died on it twice.*answer the sender by hand"):
        reader.wait(killer)
    # Tried once more alone, so two children died on it; the third reads on.
    assert reader.wait(after).letter.subject == "Ошибка №3"
    assert reader.restarts == 2 and reader.pid != first_pid


def test_a_letter_read_after_the_child_died_between_batches_is_read_by_a_new_one(
    reader,
) -> None:
    listening = socket.create_server(("127.0.0.1", 0))  # like the SMTP endpoint's
    old = reader.pid
    os.kill(old, 9)
    deadline = time.monotonic() + 10
    while reader._process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    reading = reader.read(_ticket_letter(7), "support", NOW)
    assert reading.letter.subject == "Ошибка №7"
    assert reader.pid != old and reader.restarts == 1
    # Forked from a service with sockets open, the new child keeps none of them: only its
    # end of the pipe besides stdin, stdout and stderr.
    assert len(os.listdir(f"/proc/{reader.pid}/fd")) == 4
    listening.close()


def test_a_letter_that_hangs_the_child_is_stopped_after_the_timeout(reader) -> None:
    hang, after = reader.submit(
        [(_ticket_letter(1, "HANG-THE-READER"), None, None), (_ticket_letter(2), None, None)]
    )
    with pytest.raises(ReaderFailed, match="longer than 2 s"):
        reader.wait(hang)
    assert reader.wait(after).letter.subject == "Ошибка №2"
    assert reader.restarts == 1


def test_big_letters_and_an_unstarted_reader_read_in_this_process() -> None:
    raw = _ticket_letter(1)
    unstarted = ReaderProcess()
    (ticket,) = unstarted.submit([(raw, "support", NOW)])
    assert ticket.seq == 0 and unstarted.pid is None
    # Read here without guesses: the pipeline classifies only what it needs.
    reading = unstarted.wait(ticket)
    assert reading.letter == parse_letter(raw) and reading.classification is None
    small = ReaderProcess(max_bytes=len(raw) - 1)
    small.start()
    try:
        (ticket,) = small.submit([(raw, "support", NOW)])
        assert ticket.seq == 0 and small.wait(ticket).letter == parse_letter(raw)
    finally:
        small.close()


def test_the_child_leaves_when_the_service_is_killed(tmp_path) -> None:
    script = (
        "import sys, time\n"
        "from bot.reader_process import ReaderProcess\n"
        "r = ReaderProcess(); r.start(); print(r.pid, flush=True); time.sleep(60)\n"
    )
    service = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=os.getcwd(), text=True
    )
    try:
        child = int(service.stdout.readline())
        service.kill()
        service.wait(10)
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child), "the reading process outlived a killed service"
    finally:
        service.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_batch_with_a_letter_that_kills_the_reader_quarantines_only_that_letter(
    service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader_process, "read_ahead", _misbehaving)
    service.reader.start()
    try:
        raws = [_ticket_letter(1), _ticket_letter(2, "KILL-THE-READER"), _ticket_letter(3)]
        arrivals = [Arrival(raw=raw, received_at=NOW, source="test") for raw in raws]
        results = service.pipeline.ingest_many(arrivals)
    finally:
        service.reader.close()
    assert [r.status for r in results] == ["processed", "quarantined", "processed"]
    assert [r.case for r in results][::2] == ["TCM-000001", "TCM-000002"]
    with service.sessions() as session:
        reason = session.scalar(select(Letter.reason).where(Letter.id == results[1].letter_id))
    assert "reading process died on it twice" in reason


def test_answers_nobody_waited_for_do_not_block_the_next_batch(reader) -> None:
    # Duplicates are never read: their answers, more than a socket buffer holds, must not
    # leave the child blocked on sending while the next batch waits for it to receive.
    raws = [_ticket_letter(n) + b"x" * 20_000 for n in range(60)]
    reader.submit([(raw, None, None) for raw in raws])
    outcome: list[str] = []

    def next_batch() -> None:
        # Bigger than the socket's buffer: sending it needs the child to be receiving.
        (ticket,) = reader.submit([(_ticket_letter(99) + b"y" * 2_000_000, None, None)])
        outcome.append(reader.wait(ticket).letter.subject)

    worker = threading.Thread(target=next_batch, daemon=True)
    worker.start()
    worker.join(20)
    assert outcome == ["Ошибка №99"], "the next batch never got its reading"

"""Letters are read (parsed, classified, extracted) in a child process.

Why: reading is about a third of the CPU a letter costs and needs no database, so the child
reads the next letters of an IMAP batch on the second core while this process records the
previous ones; and a letter that makes the parser spin or die costs the child, not the
service: that letter is quarantined with the reason and a fresh child reads the rest.

The child is forked once at start-up, before any thread exists, from a process that has
imported everything already, so it shares those pages instead of holding its own copy;
`gc.freeze()` keeps either collector from touching (and so copying) them. Without `start()`
(tests, one-shot commands) or for letters above `max_bytes` (their copies through the pipe
would cost more memory than the reading saves time), letters are read in this process.

The exchange is one socket pair and strict order: a batch of letters goes over in one
message, readings come back one message per letter in the same order. concurrent.futures'
process pool was measured first: its queues and threads cost this process 0.55 ms of CPU
per letter, half of what the reading itself costs.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any

from parsers.errors import UnreadableLetter
from parsers.letter import parse_letter
from parsers.reading import Reading, read_ahead

log = logging.getLogger(__name__)

Job = tuple[bytes, str | None, datetime | None]  # raw, mailbox role, received at (UTC)


class ReaderFailed(UnreadableLetter):
    """The child died or hung on this letter; the letter is quarantined, the service goes on."""


@dataclass(slots=True)
class Ticket:
    """A letter handed to the reader; `seq` 0 means it is read in this process."""

    job: Job
    seq: int = 0
    generation: int = 0


class ReaderProcess:
    def __init__(self, *, timeout_seconds: float = 120, max_bytes: int = 4 * 1024 * 1024) -> None:
        self.timeout_seconds = timeout_seconds
        self.max_bytes = max_bytes
        self.restarts = 0
        self._process: Any = None  # multiprocessing's fork Process
        self._conn: Connection | None = None
        self._generation = 0
        self._seq = 0
        self._pending: deque[int] = deque()  # sent, answer not read yet, in order
        self._lock = threading.Lock()  # SMTP and IMAP letters may ask from two threads

    @property
    def pid(self) -> int | None:
        """The child's process id; None when letters are read in this process."""
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Fork the child now. Call before the service starts threads or opens sockets."""
        if self._process is None:
            gc.freeze()
            self._spawn()

    def close(self) -> None:
        with self._lock:
            self._stop_child()

    def submit(self, jobs: Sequence[Job]) -> list[Ticket]:
        """Send letters to be read; their readings are collected in order with `wait`."""
        tickets = [Ticket(job) for job in jobs]
        with self._lock:
            if self._conn is None:
                return tickets
            sent = [t for t in tickets if len(t.job[0]) <= self.max_bytes]
            if not sent:
                return tickets
            if self._pending:
                # Answers nobody waited for (duplicates, a batch redone one by one): read
                # them first, or a child blocked on sending them would never read this.
                self._answer(self._pending[-1])
            for ticket in sent:
                self._seq += 1
                ticket.seq = self._seq
            message = pickle.dumps([(t.seq, *t.job) for t in sent], pickle.HIGHEST_PROTOCOL)
            try:
                self._send(message)
            except OSError:  # twice: these letters are read here
                for ticket in sent:
                    ticket.seq = 0
                return tickets
            for ticket in sent:
                ticket.generation = self._generation
            self._pending.extend(t.seq for t in sent)
        return tickets

    def wait(self, ticket: Ticket) -> Reading:
        """The reading; UnreadableLetter (incl. ReaderFailed) or the parser's own error."""
        if ticket.seq == 0:  # read here: no guesses, the pipeline classifies as needed
            return Reading(parse_letter(ticket.job[0]), *ticket.job[1:])
        outcome = self._collect(ticket)
        if outcome == "died":  # on this letter or an earlier one: one more try, alone
            (retry,) = self.submit([ticket.job])
            if retry.seq == 0:
                return self.wait(retry)
            outcome = self._collect(retry)
            if outcome == "died":
                raise ReaderFailed(
                    "the reading process died on it twice; the letter is kept as received: "
                    "read it from the quarantine and answer the sender by hand"
                )
        if outcome == "hung":
            raise ReaderFailed(
                f"reading it took longer than {self.timeout_seconds:g} s and was stopped; "
                "the letter is kept as received: read it from the quarantine and answer "
                "the sender by hand"
            )
        assert isinstance(outcome, Reading)
        return outcome

    def _collect(self, ticket: Ticket) -> Reading | str:
        """The reading, "died" or "hung"; the child's error is raised as itself."""
        with self._lock:
            if ticket.generation == self._generation and ticket.seq in self._pending:
                ok, value = self._answer(ticket.seq)
            else:
                ok, value = False, None  # lost with a child that died on an earlier letter
        if ok:
            return value
        if isinstance(value, BaseException):
            raise value
        return value or "died"

    def read(
        self, raw: bytes, role: str | None = None, received_at: datetime | None = None
    ) -> Reading:
        return self.wait(self.submit([(raw, role, received_at)])[0])

    def _send(self, message: bytes) -> None:
        assert self._conn is not None
        try:
            self._conn.send_bytes(message)
        except OSError:  # the child died between letters: a fresh one takes them
            self._respawn("died")
            self._conn.send_bytes(message)

    def _answer(self, seq: int) -> tuple[bool, Any]:
        """Read answers up to `seq` (earlier ones nobody waits for any more are dropped)."""
        assert self._conn is not None
        while self._pending:
            expected = self._pending[0]
            try:
                if not self._conn.poll(self.timeout_seconds):
                    if expected != seq:  # stuck on a letter nobody waits for: that is not ours
                        self._respawn("hung")
                        return False, None
                    self._respawn("hung")
                    return False, "hung"
                got, ok, value = pickle.loads(self._conn.recv_bytes())
            except (EOFError, OSError):
                self._respawn("died")
                return False, "died"
            self._pending.popleft()
            if got == seq:
                return ok, value
        return False, "died"

    def _spawn(self) -> None:
        ours, theirs = multiprocessing.Pipe(duplex=True)
        process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(theirs, os.getpid()), name="partnerdesk-reader", daemon=True
        )
        process.start()
        theirs.close()
        self._process, self._conn = process, ours
        self._generation += 1
        self._pending.clear()

    def _stop_child(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        self._pending.clear()
        if conn is not None:
            conn.close()  # the child reads EOF and leaves
        if process is not None:
            process.join(1)
            if process.is_alive():
                process.kill()
                process.join(1)

    def _respawn(self, why: str) -> None:
        self.restarts += 1
        log.warning("the letter reading process %s; starting a new one", why)
        process = self._process
        if process is not None and process.is_alive():
            process.kill()
        self._stop_child()
        self._spawn()


def _serve(conn: Connection, parent: int) -> None:
    """The child: read batches of letters, answer one message per letter, in order."""
    # A child forked again later inherits the service's sockets (IMAP, SMTP, this pipe's
    # other end): holding them would keep connections the service closes open.
    _close_all_but(conn.fileno())
    # Ctrl-C reaches the whole process group: the service stops the child, not the signal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the service's asyncio handler
    signal.set_wakeup_fd(-1)
    threading.Thread(target=_leave_when_orphaned, args=(parent,), daemon=True).start()
    # Answers leave through a thread of their own: a pipe holds about one reading, and a
    # child waiting for the service to take it would not read ahead (issue 20).
    answers: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    threading.Thread(target=_send_answers, args=(conn, answers), daemon=True).start()
    while True:
        try:
            jobs = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        for seq, raw, role, received_at in jobs:
            try:
                answer: tuple[int, bool, Any] = (seq, True, read_ahead(raw, role, received_at))
            except Exception as exc:
                answer = (seq, False, exc)
            try:
                data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # an exception that cannot cross: its text can
                data = pickle.dumps((seq, False, RuntimeError(f"{answer[2]!r} ({exc})")))
            answers.put(data)


def _send_answers(conn: Connection, answers: queue.SimpleQueue[bytes]) -> None:
    while True:
        data = answers.get()
        try:
            conn.send_bytes(data)
        except OSError:  # the service is gone or replaced this child
            return


def _leave_when_orphaned(parent: int) -> None:
    # A service killed with SIGKILL cannot stop its child: the child notices and leaves.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _close_all_but(keep: int) -> None:
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: every possible descriptor
        fds = list(range(3, os.sysconf("SC_OPEN_MAX")))
    for fd in fds:
        if fd > 2 and fd != keep:
            with contextlib.suppress(OSError):
                os.close(fd)

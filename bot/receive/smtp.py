"""SMTP/LMTP endpoint (aiosmtpd): a thin handler in front of `Pipeline.ingest`.

RCPT rejects addresses that are not watched mailboxes early (550 5.1.1); DATA answers 250
only once the raw letter is committed, and 451 when it could not be, so the MTA retries
instead of the letter being lost (architecture example 4).

Memory (issue 19: ten concurrent 60 MB letters peaked at 1.8 GiB): the bytes of large
letters in flight share one budget. A large letter beyond it is refused with a temporary
error, at MAIL when the client declares its SIZE (before the bytes are sent), else after
DATA, and the MTA delivers it later.

Storing is all that 250 waits for (issue 19): the letter is then processed by a thread of
the endpoint's own, in the order the letters were stored, under the process's writer lock.
The endpoint so answers while the IMAP watchers or the recovery of stranded letters hold that
lock; a letter stored but not yet processed when the service stops or crashes is finished by
that recovery, at once at the next start on this host (the letter names the process that
stored it, and that process is gone).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.clock import Clock
from bot.ingest import Arrival
from bot.pipeline import Pipeline
from bot.results import LetterResult
from bot.writer_lock import WriterLock

log = logging.getLogger(__name__)

MIB = 1024 * 1024
# Letters below this are never refused for memory: ordinary mail always goes through.
LARGE_LETTER = 1 * MIB
BUSY = "451 4.3.1 Too many large letters in progress here, try again later"
RAW_KEPT = 8  # letters stored and waiting to be processed whose bytes stay in memory


class DataBudget:
    """Bytes of large letters in flight (declared at MAIL or received), across sessions.

    One letter is always admitted when nothing else is in flight, so a letter bigger than
    the budget (but within max_message_size) still gets through, alone.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.in_flight = 0
        self._lock = threading.Lock()  # released from finalizers, possibly any thread
        self._held: weakref.WeakKeyDictionary[object, weakref.finalize] = (
            weakref.WeakKeyDictionary()
        )

    def reserve(self, size: int, holder: object) -> bool:
        """Reserve `size` bytes for `holder` (an SMTP session) until it is released: after
        DATA, at RSET, QUIT and a lost connection, or at the latest when it is collected."""
        if size < LARGE_LETTER:
            return True
        with self._lock:
            if self.in_flight and self.in_flight + size > self.max_bytes:
                return False
            self.in_flight += size
        self._held[holder] = weakref.finalize(holder, self._release, size)
        return True

    def release(self, holder: object) -> None:
        finalizer = self._held.pop(holder, None)
        if finalizer is not None:
            finalizer()  # runs once: a later collection of the holder does nothing

    def _release(self, size: int) -> None:
        with self._lock:
            self.in_flight -= size


def _declared_size(mail_options: list[str]) -> int:
    for option in mail_options:
        key, _, value = option.partition("=")
        if key.upper() == "SIZE" and value.isdigit():
            return int(value)
    return 0


class IngestHandler:
    def __init__(
        self,
        pipeline: Pipeline,
        clock: Clock,
        mailboxes: frozenset[str],
        on_ingested: Callable[[LetterResult], None] | None = None,
        lmtp: bool = False,
        lock: WriterLock | None = None,
        budget: DataBudget | None = None,
    ) -> None:
        self._pipeline = pipeline
        self._clock = clock
        self._mailboxes = mailboxes
        self._on_ingested = on_ingested
        self._lmtp = lmtp
        # SQLite has one writer; letters are processed one at a time per process (the lock
        # is shared with the IMAP watchers and the recovery of stranded letters).
        self._lock = lock or WriterLock()
        # One thread: letters are processed in the order they were stored.
        self._processing = ThreadPoolExecutor(1, thread_name_prefix="smtp-processing")
        # The bytes of a few waiting letters are kept to be read; past these, a letter is
        # read back from the database, so a backlog (the lock held long) costs no memory.
        self._raw_slots = threading.BoundedSemaphore(RAW_KEPT)
        self._budget = budget or DataBudget(96 * MIB)

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        # RFC 1870: a declared SIZE lets a large letter wait before its bytes are sent.
        self._budget.release(session)
        if not self._budget.reserve(_declared_size(mail_options), session):
            return BUSY
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.lower() not in self._mailboxes:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        # What MAIL reserved is exchanged for the size received (SIZE may be absent or low).
        self._budget.release(session)
        if not self._budget.reserve(len(raw), session):
            return self._status(BUSY, envelope)
        try:
            return await self._ingest(raw, envelope)
        finally:
            self._budget.release(session)

    async def handle_RSET(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self._budget.release(session)
        return "250 OK"

    async def handle_QUIT(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self._budget.release(session)
        return "221 Bye"

    def release(self, session: Session | None) -> None:
        """A session's share of the budget, given back (its connection was lost)."""
        if session is not None:
            self._budget.release(session)

    async def _ingest(self, raw: bytes, envelope: Envelope) -> str:
        arrival = Arrival(
            raw=raw,
            received_at=self._clock.now(),
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            source="lmtp" if self._lmtp else "smtp",
        )
        try:
            stored = await asyncio.to_thread(self._pipeline.store, arrival)
        except Exception:
            log.exception("could not store a letter from %s", envelope.mail_from)
            return self._status(
                "451 4.3.0 Temporary failure storing the message, try again later", envelope
            )
        # A duplicate is read as it was first stored, not from these bytes.
        keep = not stored.duplicate and self._raw_slots.acquire(blocking=False)
        self._processing.submit(self._process, stored.letter_id, raw if keep else None)
        return self._status(f"250 2.0.0 Stored as letter {stored.letter_id}", envelope)

    def _process(self, letter_id: int, raw: bytes | None) -> None:
        try:
            result = self._lock.call(self._pipeline.process, letter_id, raw=raw)
        except Exception:  # the letter is stored: the recovery on the next ticks finishes it
            log.exception(
                "letter %s is stored but could not be processed now; the recovery of stranded "
                "letters processes it within minutes (check the database if this repeats)",
                letter_id,
            )
            return
        finally:
            if raw is not None:
                self._raw_slots.release()
        if self._on_ingested is not None:
            self._on_ingested(result)

    def close(self) -> None:
        """The endpoint stopped: the letter being processed is finished; those still waiting
        are stored, and the recovery of stranded letters processes them."""
        self._processing.shutdown(wait=True, cancel_futures=True)

    def _status(self, line: str, envelope: Envelope) -> str:
        # RFC 2033: after DATA an LMTP server answers once per accepted recipient.
        if self._lmtp and len(envelope.rcpt_tos) > 1:
            return "\r\n".join([line] * len(envelope.rcpt_tos))
        return line


class _ReleasingSMTP(SMTP):
    """A session that drops its connection mid-letter gives its budget share back at once."""

    def connection_lost(self, error: Exception | None) -> None:
        session = self.session
        super().connection_lost(error)
        if isinstance(self.event_handler, IngestHandler):
            self.event_handler.release(session)


class _ReleasingLMTP(_ReleasingSMTP, LMTP):
    pass


class SMTPController(Controller):
    def factory(self) -> SMTP:
        return _ReleasingSMTP(self.handler, **self.SMTP_kwargs)


class LMTPController(Controller):
    def factory(self) -> LMTP:
        return _ReleasingLMTP(self.handler, **self.SMTP_kwargs)


def make_controller(
    handler: IngestHandler, host: str, port: int, *, lmtp: bool, max_message_size: int
) -> Controller:
    """The endpoint; the handler's DataBudget bounds large letters in flight."""
    kwargs = {"data_size_limit": max_message_size, "decode_data": False}
    cls = LMTPController if lmtp else SMTPController
    return cls(handler, hostname=host, port=port, server_kwargs=kwargs)

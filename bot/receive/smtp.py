"""SMTP/LMTP endpoint (aiosmtpd): a thin handler in front of `Pipeline.ingest`.

RCPT rejects addresses that are not watched mailboxes early (550 5.1.1); DATA answers 250
only once the raw letter is committed, and 451 when it could not be, so the MTA retries
instead of the letter being lost (architecture example 4).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.clock import Clock
from bot.ingest import Arrival
from bot.pipeline import Pipeline
from bot.results import LetterResult

log = logging.getLogger(__name__)


class IngestHandler:
    def __init__(
        self,
        pipeline: Pipeline,
        clock: Clock,
        mailboxes: frozenset[str],
        on_ingested: Callable[[LetterResult], None] | None = None,
        lmtp: bool = False,
        lock: asyncio.Lock | None = None,
    ) -> None:
        self._pipeline = pipeline
        self._clock = clock
        self._mailboxes = mailboxes
        self._on_ingested = on_ingested
        self._lmtp = lmtp
        # SQLite has one writer; letters are ingested one at a time per process (the lock
        # is shared with the IMAP watchers).
        self._lock = lock or asyncio.Lock()

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
        arrival = Arrival(
            raw=raw,
            received_at=self._clock.now(),
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            source="lmtp" if self._lmtp else "smtp",
        )
        try:
            async with self._lock:
                result = await asyncio.to_thread(self._pipeline.ingest, arrival)
        except Exception:
            log.exception("could not store a letter from %s", envelope.mail_from)
            return self._status(
                "451 4.3.0 Temporary failure storing the message, try again later", envelope
            )
        if self._on_ingested is not None:
            self._on_ingested(result)
        return self._status(f"250 2.0.0 Stored as letter {result.letter_id}", envelope)

    def _status(self, line: str, envelope: Envelope) -> str:
        # RFC 2033: after DATA an LMTP server answers once per accepted recipient.
        if self._lmtp and len(envelope.rcpt_tos) > 1:
            return "\r\n".join([line] * len(envelope.rcpt_tos))
        return line


class LMTPController(Controller):
    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


def make_controller(
    handler: IngestHandler, host: str, port: int, *, lmtp: bool, max_message_size: int
) -> Controller:
    kwargs = {"data_size_limit": max_message_size, "decode_data": False}
    cls = LMTPController if lmtp else Controller
    return cls(handler, hostname=host, port=port, server_kwargs=kwargs)

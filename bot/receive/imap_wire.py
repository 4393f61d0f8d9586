"""aioimaplib glue for the watcher: a protocol that notices new mail, FETCH parsing, UID sets.

Kept apart from `imap.py` so the watcher reads as the exactly-once procedure it is.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from aioimaplib import aioimaplib

_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_INTERNALDATE = re.compile(rb'\bINTERNALDATE "([^"]+)"')
_FETCH_START = re.compile(rb"\d+ FETCH \(")


class ImapError(Exception):
    """The server refused something we need; the watcher reconnects after a backoff."""


@dataclass(frozen=True, slots=True)
class Fetched:
    uid: int
    internaldate: datetime | None
    raw: bytes


class ImapProtocol(aioimaplib.IMAP4ClientProtocol):
    """aioimaplib's protocol, plus a flag raised by every untagged EXISTS.

    aioimaplib drops untagged responses that arrive while an unrelated command runs (an
    EXISTS during a UID FETCH, say). A letter delivered at that moment would then wait for
    the next IDLE timeout; watching EXISTS here closes that gap.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, conn_lost_cb=None) -> None:
        super().__init__(loop, conn_lost_cb)
        self.new_mail = asyncio.Event()

    def data_received(self, d: bytes) -> None:
        # aioimaplib's own formats every chunk for a debug line ("Received : %s" % d) before
        # the logger is asked: a repr of each letter's bytes, about 5 % of the service's
        # CPU per letter. The same handling, without that line.
        try:
            self._handle_responses(
                self.incomplete_line + d, self._handle_line, self.current_command
            )
            self.incomplete_line = b""
            self.current_command = None
        except aioimaplib.IncompleteRead as incomplete_read:
            self.current_command = incomplete_read.cmd
            self.incomplete_line = incomplete_read.data

    def _untagged_response(self, line: bytes):
        if line.endswith(b" EXISTS"):
            self.new_mail.set()
        return super()._untagged_response(line)


class ImapClient(aioimaplib.IMAP4):
    protocol: ImapProtocol

    def create_client(self, host, port, loop, conn_lost_cb=None, ssl_context=None) -> None:
        local_loop = loop if loop is not None else asyncio.get_running_loop()
        self.protocol = ImapProtocol(local_loop, conn_lost_cb)
        self._client_task = local_loop.create_task(
            local_loop.create_connection(lambda: self.protocol, host, port, ssl=ssl_context)
        )


def uid_set(uids: Iterable[int]) -> str:
    """1,2,3,5,7,8 → "1:3,5,7:8" (short commands for big batches)."""
    ordered = sorted(set(uids))
    parts: list[str] = []
    start = prev = ordered[0]
    for uid in ordered[1:]:
        if uid != prev + 1:
            parts.append(f"{start}:{prev}" if start != prev else str(start))
            start = uid
        prev = uid
    parts.append(f"{start}:{prev}" if start != prev else str(start))
    return ",".join(parts)


def parse_internaldate(value: bytes) -> datetime | None:
    try:
        return datetime.strptime(value.decode("ascii").strip(), "%d-%b-%Y %H:%M:%S %z").astimezone(
            UTC
        )
    except ValueError:
        return None


def parse_fetch(lines: list) -> list[Fetched]:
    """FETCH items carrying a body literal; unsolicited FETCHes (flag changes) are skipped.

    aioimaplib returns `[b'1 FETCH (UID 7 INTERNALDATE "…" BODY[] {n}', bytearray(literal),
    b')', …, b'Fetch completed']`: the literal is the one bytearray in each item.
    """
    found: list[Fetched] = []
    meta = b""
    literal: bytearray | None = None

    def flush() -> None:
        uid = _UID.search(meta)
        if literal is not None and uid:
            date = _INTERNALDATE.search(meta)
            found.append(
                Fetched(
                    int(uid.group(1)),
                    parse_internaldate(date.group(1)) if date else None,
                    bytes(literal),
                )
            )

    for line in lines[:-1]:  # the last line is the tagged status text
        if isinstance(line, bytearray):
            literal = line
        elif _FETCH_START.match(line):
            flush()
            meta, literal = line, None
        else:
            meta += line
    flush()
    return found


def parse_search(lines: list) -> list[int]:
    """UIDs from `* SEARCH 3 4 9`: aioimaplib hands over `3 4 9` (it strips `* SEARCH `)."""
    found: list[int] = []
    for line in lines[:-1]:
        if isinstance(line, bytes):
            tokens = line.removeprefix(b"SEARCH").split()
            if tokens and all(token.isdigit() for token in tokens):
                found += [int(token) for token in tokens]
    return found


def parse_sizes(lines: list) -> list[tuple[int, int]]:
    out = []
    for line in lines[:-1]:
        if isinstance(line, bytes):
            uid, size = _UID.search(line), _SIZE.search(line)
            if uid and size:
                out.append((int(uid.group(1)), int(size.group(1))))
    return out


def batches(items: list[tuple[int, int]], count: int, size: int) -> Iterable[list[int]]:
    """UIDs grouped so a batch holds at most `count` letters and about `size` bytes."""
    batch: list[int] = []
    total = 0
    for uid, length in items:
        if batch and (len(batch) >= count or total + length > size):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += length
    if batch:
        yield batch


def backoff_delay(attempt: int, initial: float, maximum: float) -> float:
    """Exponential backoff with equal jitter, so many watchers do not reconnect in step."""
    ceiling = min(maximum, initial * 2 ** max(0, attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def quote(name: str) -> str:
    return aioimaplib.quoted(name)


def ok(response: aioimaplib.Response, what: str) -> aioimaplib.Response:
    if response.result != "OK":
        text = b" ".join(x for x in response.lines if isinstance(x, bytes))[:300]
        raise ImapError(f"{what}: {response.result} {text.decode(errors='replace')}")
    return response


def server_trouble(push: asyncio.Future) -> str | None:
    """An untagged NO/BAD/BYE pushed during IDLE, as text; None when all is well."""
    if not push.done() or push.cancelled() or push.exception() is not None:
        return None
    for line in push.result():
        if isinstance(line, bytes) and line.split(b" ", 1)[0] in (b"NO", b"BAD", b"BYE"):
            return line.decode("utf-8", "replace")[:300]
    return None


def describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "timed out waiting for the server"
    if isinstance(exc, aioimaplib.CommandTimeout):
        return "command timed out"
    text = str(exc) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}"[:500]

"""The service, run as a process of its own, whose SMTP endpoint stores letters and answers
`250` but never gets to process them: the processing thread stops at the letter's door, says
so on stdout (`processing <letter id>`) and waits there until the test kills the process.
That is the crash between the `250` and the processing (issue 20 item 3).

    python -m tests.support.stalled_endpoint DATABASE_URL PORT MAILDIR NOW_ISO8601
"""

from __future__ import annotations

import asyncio
import sys
import threading
from datetime import datetime

from bot.app import build
from bot.clock import FrozenClock
from bot.results import LetterResult
from bot.runner import run_service
from bot.settings import load_settings


def main(url: str, port: str, maildir: str, now: str) -> None:
    settings = load_settings(
        database_url=url,
        outbox={"maildir": maildir, "poll_seconds": 0.1},
        smtp={"port": int(port)},
        scheduler={"tick_seconds": 0.2},
    )
    service = build(settings, clock=FrozenClock(datetime.fromisoformat(now)))
    never = threading.Event()

    def stalled(letter_id: int, **_kwargs: object) -> LetterResult:
        print(f"processing {letter_id}", flush=True)
        never.wait()  # the process is killed here, the letter stored and unprocessed
        raise AssertionError("unreachable")

    service.pipeline.process = stalled  # type: ignore[method-assign]
    asyncio.run(run_service(service))


if __name__ == "__main__":
    main(*sys.argv[1:])

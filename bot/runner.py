"""The running service: the SMTP/LMTP endpoint, the IMAP watchers, the outbox sender and the
scheduler (APScheduler) on one event loop, until SIGINT/SIGTERM. `bot.app` builds what runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import Service, imap_watchers
from bot.outbox.sender import Sender
from bot.receive.smtp import DataBudget, IngestHandler, make_controller

log = logging.getLogger("partnerdesk")
DELIVERY_ROUND = 100  # replies claimed and delivered per round


async def deliver_forever(
    sender: Sender, wake: asyncio.Event, stop: asyncio.Event, poll_seconds: float
) -> None:
    """Deliver due replies; a full round goes again at once, otherwise wait for a letter
    (`wake`) or the poll interval. A burst (an IMAP batch of 200) is not paced at one round
    of `DELIVERY_ROUND` replies per interval."""
    while not stop.is_set():
        # Clear before delivering: a letter ingested meanwhile wakes the next round.
        wake.clear()
        try:
            delivered = await sender.deliver_due(DELIVERY_ROUND)
        except Exception:
            log.exception("outbox delivery round failed")
            delivered = 0
        if delivered >= DELIVERY_ROUND:
            await asyncio.sleep(0)  # more may be due: let the watchers run, then go on
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=poll_seconds)


async def run_service(service: Service, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or `stop` is set): SMTP endpoint, sender loop, scheduler."""
    settings = service.settings
    if settings.reading.child_process:
        # First of all: the child is forked before any thread or socket exists.
        service.reader.start()
    stop = stop or asyncio.Event()
    wake = asyncio.Event()
    loop = asyncio.get_running_loop()
    # SQLite has one writer: SMTP and IMAP letters are processed one at a time.
    ingest_lock = service.writer_lock
    # Built before anything starts, so a missing IMAP password fails fast and cleanly.
    # A watcher reports a batch's letters together once the batch is committed, on this
    # loop: one delivery round a batch, started at once (`wake` is set once per round).
    watchers = imap_watchers(service, ingest_lock, on_ingested=lambda _result: wake.set())
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    controller = None
    if settings.smtp.enabled:
        handler = IngestHandler(
            service.pipeline,
            service.clock,
            settings.own_addresses,
            on_ingested=lambda _result: loop.call_soon_threadsafe(wake.set),
            lmtp=settings.smtp.lmtp,
            lock=ingest_lock,
            budget=DataBudget(settings.smtp.max_data_bytes_in_flight),
        )
        controller = make_controller(
            handler,
            settings.smtp.host,
            settings.smtp.port,
            lmtp=settings.smtp.lmtp,
            max_message_size=settings.smtp.max_message_size,
        )
        controller.start()
        protocol = "LMTP" if settings.smtp.lmtp else "SMTP"
        print(
            f"partnerdesk: {protocol} endpoint on {controller.hostname}:{controller.port} "
            f"for {', '.join(sorted(settings.own_addresses))}",
            flush=True,
        )
    print(f"partnerdesk: database {service.engine.url.render_as_string()}", flush=True)
    print(f"partnerdesk: replies go to {service.transport.describe()}", flush=True)

    async def tick_job() -> None:
        # Timers take no writer lock: a backlog of letters never holds them up (issue 19).
        if (await asyncio.to_thread(service.ticker.tick)).replies:
            wake.set()

    async def recover_job() -> None:
        # Letters a crash left stored but unprocessed are finished (nothing is lost), under
        # the writer lock like any other letter; the endpoint goes on storing meanwhile.
        if await ingest_lock.run(service.pipeline.recover_unprocessed):
            wake.set()

    scheduler = AsyncIOScheduler()
    for job, name in ((tick_job, "tick"), (recover_job, "recover")):
        scheduler.add_job(
            job,
            "interval",
            seconds=settings.scheduler.tick_seconds,
            id=name,
            max_instances=1,
            coalesce=True,
        )
    # Catch up on anything that fell due while the service was down, before the interval
    # starts: a slow catch-up overlapped the first interval tick, and both sent the digest.
    await tick_job()
    scheduler.start()
    recovering = asyncio.create_task(recover_job())

    sender_task = asyncio.create_task(
        deliver_forever(service.sender, wake, stop, settings.outbox.poll_seconds)
    )
    watcher_tasks = [asyncio.create_task(w.run(stop), name=w.config.name) for w in watchers]
    for watcher in watchers:
        cfg = watcher.config
        print(
            f"partnerdesk: watching IMAP {cfg.user}@{cfg.host}:{cfg.port}/{cfg.folder} "
            f"as {cfg.name} ({cfg.address})",
            flush=True,
        )
    try:
        await stop.wait()
    finally:
        wake.set()
        sender_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender_task
        if watcher_tasks:
            # Watchers see `stop` and log out; a letter being ingested finishes first.
            _done, slow = await asyncio.wait(watcher_tasks, timeout=10)
            for task in slow:
                task.cancel()
            await asyncio.gather(*watcher_tasks, return_exceptions=True)
        scheduler.shutdown(wait=False)
        if controller is not None:
            controller.stop()
            # The letter being processed is finished; those waiting are stored, and the
            # recovery at the next start processes them at once (their storer is gone).
            handler.close()
        try:
            await recovering
        except Exception:
            log.exception(
                "recovering stranded letters failed; it runs again on every tick (check the "
                "database if this repeats)"
            )
        service.reader.close()
        service.engine.dispose()
        print("partnerdesk: stopped", flush=True)

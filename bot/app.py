"""Build every object from Settings, and run the service: endpoint, sender and scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.apply import Applier, ApplierConfig
from bot.clock import Clock, SystemClock
from bot.outbox import MaildirTransport, RelayTransport, RetryPolicy, Sender, Transport
from bot.pipeline import Pipeline, PipelineConfig
from bot.scheduler import Ticker
from bot.settings import Settings
from bot.store.db import open_database
from replies.render import Renderer

log = logging.getLogger("partnerdesk")


@dataclass(slots=True)
class Service:
    settings: Settings
    clock: Clock
    engine: Engine
    sessions: sessionmaker[Session]
    pipeline: Pipeline
    applier: Applier
    ticker: Ticker
    sender: Sender
    transport: Transport


def make_transport(settings: Settings) -> Transport:
    relay = settings.relay
    if relay.host:
        return RelayTransport(
            relay.host,
            relay.port,
            username=relay.username,
            password=relay.password,
            starttls=relay.starttls,
            use_tls=relay.use_tls,
            timeout=relay.timeout_seconds,
        )
    return MaildirTransport(settings.outbox.maildir)


def build(
    settings: Settings, clock: Clock | None = None, transport: Transport | None = None
) -> Service:
    clock = clock or SystemClock()
    engine, sessions = open_database(settings.database_url)
    boxes = settings.mailboxes
    applier = Applier(
        ApplierConfig(
            number_format=settings.case.number_format,
            general_address=boxes.general_address,
            support_address=boxes.support_address,
            domain=boxes.domain,
            company=settings.hq.company,
            phone=settings.hq.phone,
            hq_alerts_to=tuple(settings.hq.alerts_to),
            max_replies_per_hour=settings.mail.max_auto_replies_per_sender_per_hour,
        ),
        Renderer(),
        clock,
    )
    pipeline = Pipeline(
        sessions,
        clock,
        PipelineConfig(
            own_addresses={boxes.general_address: "general", boxes.support_address: "support"},
            hq_staff=frozenset(settings.hq.staff),
            case_prefix=settings.case.prefix,
            number_format=settings.case.number_format,
            clarification_window_hours=settings.ticket.clarification_window_hours,
        ),
        applier,
    )
    transport = transport or make_transport(settings)
    outbox = settings.outbox
    sender = Sender(
        sessions,
        transport,
        clock,
        RetryPolicy(outbox.max_attempts, outbox.retry_base_seconds, outbox.retry_max_seconds),
        worker=settings.instance_name,
    )
    ticker = Ticker(sessions, applier, clock, worker=settings.instance_name)
    return Service(settings, clock, engine, sessions, pipeline, applier, ticker, sender, transport)


async def run_service(service: Service, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or `stop` is set): SMTP endpoint, sender loop, scheduler."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.receive.smtp import IngestHandler, make_controller

    settings = service.settings
    stop = stop or asyncio.Event()
    wake = asyncio.Event()
    loop = asyncio.get_running_loop()
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
        result = await asyncio.to_thread(service.ticker.tick)
        if result.replies:
            wake.set()

    scheduler = AsyncIOScheduler()
    scheduler.add_job(
        tick_job,
        "interval",
        seconds=settings.scheduler.tick_seconds,
        id="tick",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    await tick_job()  # catch up on anything that fell due while the service was down
    service.sender.recover_stale_claims()

    async def sender_loop() -> None:
        while not stop.is_set():
            # Clear before delivering: a letter ingested meanwhile wakes the next round.
            wake.clear()
            try:
                await service.sender.deliver_due()
            except Exception:
                log.exception("outbox delivery round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=settings.outbox.poll_seconds)

    sender_task = asyncio.create_task(sender_loop())
    try:
        await stop.wait()
    finally:
        wake.set()
        sender_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender_task
        scheduler.shutdown(wait=False)
        if controller is not None:
            controller.stop()
        service.engine.dispose()
        print("partnerdesk: stopped", flush=True)

"""Build every object from Settings, and run the service: endpoint, sender and scheduler."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.apply import Applier
from bot.apply_types import ApplierConfig
from bot.clock import Clock, SystemClock
from bot.desk.digest_send import DigestDesk
from bot.hqmail.wiring import hq_mail_for
from bot.letters.hq import HqNotices
from bot.letters.writer import Letters
from bot.outbox.sender import MaildirTransport, RelayTransport, RetryPolicy, Sender, Transport
from bot.pipeline import Pipeline, PipelineConfig
from bot.policy import Policy, load_policy
from bot.reader_process import ReaderProcess
from bot.receive.imap import MailboxWatcher
from bot.receive.imap_lease import Holder
from bot.receive.imap_session import WatcherConfig
from bot.results import LetterResult
from bot.rules.account.accounts import AccountRules
from bot.rules.dispatch import Rules
from bot.rules.inquiry.inquiries import InquiryRules
from bot.rules.license.rules import LicenseRules
from bot.rules.pin.pins import PinRules
from bot.rules.resource.resources import ResourceRules
from bot.rules.send_slots import send_moment
from bot.rules.ticket.refusals import ScopedTicketRules
from bot.schedule.ticker import Ticker
from bot.settings import Settings
from bot.store.claims import DEFAULT_LEASE
from bot.store.db import open_database
from bot.store.models import Case, OutboxMessage
from bot.workcal import WorkCalendar
from bot.writer_lock import WriterLock
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
    policy: Policy
    calendar: WorkCalendar
    rules: Rules
    reader: ReaderProcess
    # This service as named in the IMAP mailbox leases (bot/receive/imap_lease.py).
    holder: str
    # Letters are processed one at a time, whichever thread or event loop asks.
    writer_lock: WriterLock = field(default_factory=WriterLock)

    @property
    def letters(self) -> Letters:
        """The reply writer the Applier was given."""
        return self.applier.letters


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
    policy = load_policy(settings.policy_file)
    calendar = policy.calendar.build()
    engine, sessions = open_database(settings.database_url)
    boxes = settings.mailboxes
    rules = Rules(
        policy,
        calendar,
        by_kind={
            "pin_request": PinRules(),
            "license_request": LicenseRules(),
            "resource": ResourceRules(),
            "ticket": ScopedTicketRules(),  # R-TKT-17: out-of-scope topics flagged
            "inquiry": InquiryRules(),
            "sd_account": AccountRules(),
        },
        send_slot=settings.mail.send_slot,
    )
    config = ApplierConfig(
        number_format=settings.case.number_format,
        general_address=boxes.general_address,
        support_address=boxes.support_address,
        domain=boxes.domain,
        # Issue 23 item 3: a preset's [vendor] signs the letters; else the settings.
        company=policy.vendor.company or settings.hq.company,
        phone=policy.vendor.phone or settings.hq.phone,
        hq_alerts_to=tuple(settings.hq.alerts_to),
        max_replies_per_hour=settings.mail.max_auto_replies_per_sender_per_hour,
        hq_roles={role: tuple(addrs) for role, addrs in settings.hq.roles.items()},
        at_risk_ratio=policy.sla.at_risk_ratio,
        hq_staff=tuple(settings.hq.staff),
        ack_unidentified_general_mail=settings.mail.ack_unidentified_general_mail,
        alerts_24x7=frozenset(settings.hq.alerts_24x7),
        alert_slot=partial(send_moment, calendar=calendar, slot=settings.mail.send_slot),
    )
    renderer = Renderer(timezone=calendar.primary.tz, preset=policy.vendor.templates)
    # The reply writer is built here and passed in: the Applier writes a decision's case rows,
    # the writer its letters (issue: `apply` is the only writer of a decision).
    letters = Letters.build(config, renderer, clock)
    applier = Applier(config, clock, letters=letters)
    reader = ReaderProcess(
        timeout_seconds=settings.reading.timeout_seconds,
        max_bytes=settings.reading.child_max_bytes,
    )
    pipeline = Pipeline(
        sessions,
        clock,
        PipelineConfig(
            own_addresses={boxes.general_address: "general", boxes.support_address: "support"},
            hq_staff=frozenset(settings.hq.staff),
            case_prefix=settings.case.prefix,
            number_format=settings.case.number_format,
        ),
        applier,
        rules,
        reader_process=reader,
        hq_mail=hq_mail_for(settings, sessions, applier, rules, clock, calendar.primary.tz),
        worker=settings.instance_name,
    )
    transport = transport or make_transport(settings)
    outbox = settings.outbox
    sender = Sender(
        sessions,
        transport,
        clock,
        RetryPolicy(outbox.max_attempts, outbox.retry_base_seconds, outbox.retry_max_seconds),
        worker=settings.instance_name,
        # A hand-over to the relay is claimed for a few of its timeouts (issue 19).
        lease=max(DEFAULT_LEASE, timedelta(seconds=settings.relay.timeout_seconds * 4)),
        on_unconfirmed=lambda session, row: _tell_unconfirmed(letters.hq, session, row),
    )
    digests = None
    if settings.hq.digest_enabled:
        digests = DigestDesk(sessions, settings, calendar, policy)
    ticker = Ticker(sessions, applier, rules, clock, worker=settings.instance_name, digests=digests)
    return Service(
        settings,
        clock,
        engine,
        sessions,
        pipeline,
        applier,
        ticker,
        sender,
        transport,
        policy=policy,
        calendar=calendar,
        rules=rules,
        reader=reader,
        holder=str(Holder.this_process(settings.instance_name)),
    )


def imap_watchers(
    service: Service,
    lock: WriterLock,
    on_ingested: Callable[[LetterResult], None] | None = None,
    only: Sequence[str] = (),
) -> list[MailboxWatcher]:
    """One watcher per configured IMAP mailbox (`only`: just these names)."""
    settings = service.settings
    watchers = []
    for box in settings.imap.mailboxes:
        if only and box.name not in only:
            continue
        if box.tls == "none" and box.host not in ("127.0.0.1", "::1", "localhost"):
            log.warning(
                "imap %s: tls = none sends the password to %s in clear text", box.name, box.host
            )
        config = WatcherConfig(
            name=box.name,
            address=settings.imap_address(box),
            host=box.host,
            port=box.effective_port,
            tls=box.tls,
            user=box.user,
            password=box.secret(),
            folder=box.folder,
            tls_verify=box.tls_verify,
            ca_file=box.ca_file,
            processed_action=box.processed_action,
            processed_folder=box.processed_folder,
            quarantine_folder=box.quarantine_folder,
            keyword=box.keyword,
            existing_letters=box.existing_letters,
            idle=box.idle,
            poll_seconds=box.poll_seconds,
            idle_timeout_seconds=box.idle_timeout_seconds,
            command_timeout_seconds=box.command_timeout_seconds,
            backoff_initial_seconds=box.backoff_initial_seconds,
            backoff_max_seconds=box.backoff_max_seconds,
            batch_size=box.batch_size,
            batch_bytes=box.batch_bytes,
            lease_seconds=settings.imap.lease_seconds,
        )
        watchers.append(
            MailboxWatcher(
                config,
                service.pipeline,
                service.sessions,
                service.clock,
                lock,
                service.holder,
                on_ingested=on_ingested,
                on_outage=lambda name, since, error, _box=box: _alert_outage(
                    service, name, f"{_box.host}:{_box.effective_port}", since, error
                ),
                outage_minutes=settings.imap.outage_alert_minutes,
            )
        )
    return watchers


def _tell_unconfirmed(hq: HqNotices, session: Session, row: OutboxMessage) -> None:
    """A reply a crash interrupted while the relay was taking it: HQ checks and releases it
    (bot/outbox/sender.py)."""
    case = session.get(Case, row.case_id) if row.case_id is not None else None
    hq.notify_hq(
        session,
        "hq_outbox_unconfirmed",
        f"outbox-unconfirmed:{row.id}:{row.attempts}",
        case,
        {
            "id": row.id,
            "to": row.to_addr,
            "reply_subject": row.subject,
            "message_id": row.message_id,
            "case_number": case.number if case else None,
        },
    )


def _alert_outage(service: Service, name: str, server: str, since: datetime, error: str) -> None:
    """R-HQ-8: one HQ notice per outage of a watched mailbox."""
    with service.sessions.begin() as session:
        service.letters.hq.notify_hq(
            session,
            "hq_mailbox_outage",
            f"mailbox-outage:{name}:{since:%Y%m%d%H%M%S}",
            None,
            {
                "mailbox": name,
                "server": server,
                "down_since": since,
                "minutes": int(service.settings.imap.outage_alert_minutes),
                "error": error,
            },
        )

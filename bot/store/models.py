"""SQLAlchemy models. Portable SQL only: the same schema runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session

from bot.store import letter_bytes


class UtcDateTime(TypeDecorator[datetime]):
    """Instants stored in UTC and read back aware (R-CAL-1).

    SQLite keeps a datetime's wall-clock digits and drops its offset, so 09:00+05:00 would
    come back as 09:00 UTC; converting on the way in and marking UTC on the way out keeps
    both databases exact.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware instant")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UtcDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Letter(Base):
    """An incoming letter, stored raw before anything else happens to it."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    # R-MBX-1: processed at most once per Message-ID (or content hash without one).
    dedupe_key: Mapped[str] = mapped_column(String(512), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    mailboxes: Mapped[list[Any]] = mapped_column(default=list)
    envelope: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Indexed for the digest's «new letters since the last digest» (R-HQ-7).
    received_at: Mapped[datetime] = mapped_column(index=True)
    stored_at: Mapped[datetime]
    # received → processed | ignored | quarantined
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    kind: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    from_addr: Mapped[str | None] = mapped_column(String(320))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    processed_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @property
    def raw(self) -> bytes:
        """The letter's bytes, read when asked for: most work on a letter never needs them."""
        session = object_session(self)
        if session is None:
            raise ValueError(f"letter {self.id} is detached: read its bytes in a session")
        return letter_bytes.get_bytes(session, self.id)


class LetterRaw(Base):
    """A letter's bytes, apart from its row (0007): the row is updated as the letter is
    processed, and SQLite rewrites a whole row on every update, bytes included."""

    __tablename__ = "letter_raw"

    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), primary_key=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)


class Case(Base):
    """One thread, one question, one number (seed 001 items 9–10)."""

    __tablename__ = "cases"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 - numbers never reused

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(40), index=True)
    mailbox: Mapped[str] = mapped_column(String(20))
    requester: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    missing: Mapped[list[Any]] = mapped_column(default=list)
    invalid: Mapped[list[Any]] = mapped_column(default=list)
    quarantine_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The sender's partner (R-ID-1); None for unidentified senders.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    # Kind-specific attributes (tracker, priority, clock start, deadline …, spec §5).
    # The server default is 0003's, which gave existing cases empty attributes.
    attrs: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    # R-CFG-3: the policy version in force when the case was created.
    policy_version: Mapped[str | None] = mapped_column(String(60))


class ThreadKey(Base):
    """Every Message-ID a case has seen, the partner's and ours, for threading (R-THR-4)."""

    __tablename__ = "thread_keys"

    message_id: Mapped[str] = mapped_column(String(998), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)


class CaseEvent(Base):
    """Append-only case history (R-HQ-6): who or what, when, old and new state, details."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(320))
    event: Mapped[str] = mapped_column(String(60))
    old_state: Mapped[str | None] = mapped_column(String(40))
    new_state: Mapped[str | None] = mapped_column(String(40))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OutboxMessage(Base):
    """A reply written in the same transaction as the case change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # R-MBX-4 counts an address's replies of the last hour: the time bounds the read, not
        # the address's whole history (migration 0012).
        Index("ix_outbox_to_addr_created", "to_addr", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One reply per (letter, kind) or per deadline: a unique key makes a second one impossible.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    reply_kind: Mapped[str] = mapped_column(String(30))
    template: Mapped[str] = mapped_column(String(60))
    sender: Mapped[str] = mapped_column(String(320))
    # The main recipient, indexed with created_at for the per-sender reply limit (R-MBX-4).
    to_addr: Mapped[str] = mapped_column(String(320))
    recipients: Mapped[list[Any]] = mapped_column()
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    text: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    # queued → sending → sent | failed; held = over the per-sender limit (R-MBX-4)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # The claim's lease: past it, any sender takes the row back (0008,
    # issue 19); columns added by a migration come last, as it adds them.
    claim_until: Mapped[datetime | None]
    # Set before a hand-over to a relay, cleared with its outcome: a recovered row with it
    # set may have reached the relay, and is held for HQ instead of sent blindly again.
    attempt_started_at: Mapped[datetime | None]


class Deadline(Base):
    """A timer as a row: restart-safe, and claimable by one of several instances."""

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_due", "status", "due_at"),
        UniqueConstraint("case_id", "kind", "due_at", name="uq_deadline_case_kind_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    rule_id: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[datetime]
    # pending → running → done | cancelled
    status: Mapped[str] = mapped_column(String(20), default="pending")
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The claim's lease: past it (or once its claimant's process is gone), any tick runs
    # the timer again (0008, issue 19).
    claim_until: Mapped[datetime | None]


class Partner(Base):
    """A partner of the registry (000 §1, §3): company requisites, role, mail domains."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    inn: Mapped[str | None] = mapped_column(String(12), unique=True)
    kpp: Mapped[str | None] = mapped_column(String(9))
    ogrn: Mapped[str | None] = mapped_column(String(15))
    # authorized | gold (alias official, D-1); None until HQ sets it (R-ID-6)
    role: Mapped[str | None] = mapped_column(String(20))
    # active | suspended | terminated: only active partners' requests are accepted (R-ID-3)
    status: Mapped[str] = mapped_column(String(20), default="active")
    domains: Mapped[list[Any]] = mapped_column(default=list)
    official_email: Mapped[str | None] = mapped_column(String(320))
    curator: Mapped[str | None] = mapped_column(String(320))
    support_tier: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PartnerAddress(Base):
    """A registered e-mail of a partner employee: a Service Desk account or a contact (R-ID-1)."""

    __tablename__ = "partner_addresses"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="sd_account")  # sd_account | contact
    full_name: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]

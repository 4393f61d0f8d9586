"""The partner registry and sender identification (R-ID-1 … R-ID-3, R-ID-6)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ru import inn as stdnum_inn

from bot.identity import Identity
from bot.partner_csv import UnknownColumns, csv_records
from bot.store.models import Partner, PartnerAddress
from bot.store.txn_cache import cache_of

ROLES = {"authorized": "authorized", "gold": "gold", "official": "gold"}  # D-1 alias
STATUSES = ("active", "suspended", "terminated")


class RegistryError(Exception):
    """A partner record cannot be accepted; the message names the field and what to fix."""


def _list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.replace(",", ";").split(";") if item.strip()]
    return [str(item).strip() for item in value if str(item).strip()]


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    name = str(record.get("name") or "").strip()
    if not name:
        raise RegistryError("name is required (the partner's company name)")
    inn = str(record.get("inn") or "").strip() or None
    if inn is not None:
        try:
            inn = stdnum_inn.validate(inn)
        except StdnumError as exc:
            raise RegistryError(f"inn {inn!r} of {name} is not a valid INN: {exc}") from exc
    role = str(record.get("role") or "").strip().lower() or None
    if role is not None and role not in ROLES:
        raise RegistryError(f"role {role!r} of {name}: use authorized, gold or official")
    status = str(record.get("status") or "active").strip().lower()
    if status not in STATUSES:
        raise RegistryError(f"status {status!r} of {name}: use {', '.join(STATUSES)}")
    addresses = [a.lower() for a in _list(record.get("addresses"))]
    for address in addresses:
        if "@" not in address:
            raise RegistryError(f"address {address!r} of {name} is not an e-mail address")
    return {
        "name": name,
        "inn": inn,
        "kpp": str(record.get("kpp") or "").strip() or None,
        "ogrn": str(record.get("ogrn") or "").strip() or None,
        "role": ROLES.get(role) if role else None,
        "status": status,
        "domains": [d.lower().lstrip("@") for d in _list(record.get("domains"))],
        "official_email": (str(record.get("official_email") or "").strip().lower() or None),
        "curator": str(record.get("curator") or "").strip().lower() or None,
        "support_tier": str(record.get("support_tier") or "").strip() or None,
        "addresses": addresses,
    }


def upsert_partner(
    session: Session, record: dict[str, Any], now: datetime, *, only_given: bool = False
) -> Partner:
    """Add a partner or update the one with the same INN (or name); addresses accumulate.
    `only_given` (`partners add`): an update changes only the fields the record gives; an
    import row is the whole record."""
    data = _clean(record)
    addresses = data.pop("addresses")
    partner = None
    if data["inn"]:
        partner = session.scalar(select(Partner).where(Partner.inn == data["inn"]))
    if partner is None:
        partner = session.scalar(select(Partner).where(Partner.name == data["name"]))
    if partner is None:
        partner = Partner(created_at=now, updated_at=now, **data)
        session.add(partner)
    else:
        for key, value in data.items():
            if not only_given or record.get(key) not in (None, "", []):
                setattr(partner, key, value)
        partner.updated_at = now
    session.flush()
    for address in addresses:
        existing = session.get(PartnerAddress, address)
        if existing is not None and existing.partner_id != partner.id:
            raise RegistryError(
                f"address {address} already belongs to another partner (id "
                f"{existing.partner_id}); remove it there first"
            )
        if existing is None:
            session.add(PartnerAddress(email=address, partner_id=partner.id, created_at=now))
    session.flush()
    return partner


def read_records(path: Path) -> list[dict[str, Any]]:
    """Partner records from CSV (header row) or JSON (a list of objects)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RegistryError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RegistryError(f"{path} is not valid JSON: {exc}") from exc
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise RegistryError(f"{path} must hold a JSON list of partner objects")
        return data
    try:
        return csv_records(text)
    except UnknownColumns as exc:
        raise RegistryError(
            f"{path}: unknown column(s) {exc}; 'partnerdesk partners import --help' lists "
            "the columns"
        ) from exc


# Per batch transaction (`preload_senders`): the registry as far as the batch needs it.
# Processing letters never changes the registry, so it can be read once per batch.


def preload_senders(session: Session, addresses: set[str]) -> None:
    """Identify a batch's senders with two queries instead of one or two per letter."""
    addresses = {address.lower() for address in addresses}
    known: dict[str, Identity | None] = dict.fromkeys(addresses)
    rows = session.execute(
        select(PartnerAddress.email, Partner)
        .join(Partner, Partner.id == PartnerAddress.partner_id)
        .where(PartnerAddress.email.in_(addresses))
    ).all()
    for email, partner in rows:
        known[email] = _identity(partner, "address")
    cache_of(session).senders = known


def identify(session: Session, address: str, mailbox_role: str | None) -> Identity | None:
    """R-ID-1: an exact registered address first; the domain only for mail@ kinds."""
    address = address.lower()
    senders = cache_of(session).senders
    if senders is not None and address in senders:
        found = senders[address]
    else:
        registered = session.get(PartnerAddress, address)
        partner = session.get(Partner, registered.partner_id) if registered else None
        found = _identity(partner, "address") if partner is not None else None
    if found is not None:
        return found
    if mailbox_role != "general" or "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1]
    for domains, identity in _partners_by_domain(session):
        if domain in domains:
            return identity
    return None


def contact_addresses(session: Session, partner: Partner) -> list[str]:
    """Where a letter to the partner itself goes (001 item 15 «указанной в качестве
    контактной»; R-PIN-26): its official address, else its contact addresses, else its first."""
    if partner.official_email:
        return [partner.official_email.lower()]
    addresses = session.scalars(
        select(PartnerAddress)
        .where(PartnerAddress.partner_id == partner.id)
        .order_by(PartnerAddress.created_at, PartnerAddress.email)
    ).all()
    chosen = [a.email for a in addresses if a.kind == "contact"] or [a.email for a in addresses[:1]]
    return [a.lower() for a in chosen if a]


def partner_name(session: Session, partner_id: int) -> str | None:
    """A partner's name, read once per transaction (a reply names it; R-NTF-3)."""
    names = cache_of(session).partner_names
    if partner_id not in names:
        with session.no_autoflush:  # processing letters never writes the registry
            partner = session.get(Partner, partner_id)
        names[partner_id] = partner.name if partner is not None else None
    return names[partner_id]


def _partners_by_domain(session: Session) -> list[tuple[list[str], Identity]]:
    cache = cache_of(session)
    cached = cache.by_domain
    if cached is None:
        cached = [
            (list(partner.domains or ()), _identity(partner, "domain"))
            for partner in session.scalars(select(Partner).order_by(Partner.id))
        ]
        if cache.senders is not None:  # a batch: keep it for the batch's other letters
            cache.by_domain = cached
    return cached


def _identity(partner: Partner, via: str) -> Identity:
    return Identity(
        partner_id=partner.id,
        partner_name=partner.name,
        role=partner.role,
        active=partner.status == "active",
        via=via,
        curator=partner.curator,
        support_tier=partner.support_tier,
        inn=partner.inn,
    )


def partner_json(session: Session, partner: Partner) -> dict[str, Any]:
    addresses = session.scalars(
        select(PartnerAddress.email).where(PartnerAddress.partner_id == partner.id)
    ).all()
    return {
        "id": partner.id,
        "name": partner.name,
        "inn": partner.inn,
        "kpp": partner.kpp,
        "ogrn": partner.ogrn,
        "role": partner.role,
        "status": partner.status,
        "domains": partner.domains,
        "official_email": partner.official_email,
        "curator": partner.curator,
        "support_tier": partner.support_tier,
        "addresses": sorted(addresses),
    }


def find_partner(session: Session, key: str) -> Partner | None:
    """By id, INN or exact name."""
    if key.isdigit() and len(key) < 10:
        return session.get(Partner, int(key))
    return session.scalar(select(Partner).where((Partner.inn == key) | (Partner.name == key)))

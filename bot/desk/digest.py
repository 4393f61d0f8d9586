"""The daily digest as a read model over cases, timers and hours (R-HQ-7, R-HQ-3).

Only open cases, cases created since the last digest and flagged rejections are read. The
last two go by indexed columns; the open cases are found by state, which PostgreSQL scans in
parallel (about 0.1 s per million cases; every role's digest over a million cases takes
0.5 s, `bench/bench_digest.py`). A partial index on open states would remove that scan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import as_utc
from bot.desk import labels
from bot.desk.digest_held import held_alerts
from bot.desk.digest_queries import hours_by_partner, letters_since, next_dues, partner_names
from bot.store.models import Case

SECTIONS = (
    ("action", "Требуют действия"),
    ("sla", "Сроки Service Desk (SLA)"),
    ("partner", "Сроки партнеров"),
    ("new", "Новые с прошлого дайджеста"),
    ("flags", "Отметки"),
    ("hours", "Часы сотрудников по партнерам"),
)
ADMIN = "admin"
_ACTION_STATES = {
    "awaiting_hq",
    "in_review",
    "awaiting_license_docs",
    "unpin_pending",
    "extension_pending",
    "hq_question_pending",
}


@dataclass(slots=True)
class Line:
    number: str
    kind: str
    partner: str
    state: str
    due: str
    whose: str
    note: str = ""
    commands: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Digest:
    role: str
    at: datetime
    sections: dict[str, list[Line]] = field(default_factory=lambda: defaultdict(list))
    hours: list[dict[str, Any]] = field(default_factory=list)
    listed: dict[str, str] = field(default_factory=dict)  # case number → first section
    held: list[int] = field(default_factory=list)  # alerts left to the digest it lists

    @property
    def empty(self) -> bool:
        return not any(self.sections.values()) and not self.hours

    def as_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "at": self.at.isoformat(),
            "sections": {
                code: [vars_of(line) for line in self.sections.get(code, [])]
                for code, _ in SECTIONS[:5]
            },
            "hours": self.hours,
        }


def vars_of(line: Line) -> dict[str, Any]:
    return {name: getattr(line, name) for name in Line.__slots__}


@dataclass(frozen=True, slots=True)
class DigestConfig:
    owners: Mapping[str, str]  # kind → owner role (R-HQ-3, settings hq.owners)
    actor: str  # the --as address printed in the commands
    hours_limit: Mapping[str, float]  # partner role → hours a year (R-RES-5)
    local: Callable[[datetime], str]  # an instant in primary-office local time
    # R-HQ-1: who holds each role, to file an alert left to the digest under its role.
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    staff: frozenset[str] = frozenset()  # HQ's addresses: their letters are not news


def owner_role(case: Case, owners: Mapping[str, str]) -> str:
    """R-HQ-12: a reassigned case keeps its owner; otherwise the kind's default (R-HQ-3)."""
    return str((case.attrs or {}).get("owner_role") or owners.get(case.kind, ADMIN))


def build_digests(
    session: Session, now: datetime, since: datetime, config: DigestConfig
) -> dict[str, Digest]:
    """Every role's digest as of `now`; `since` is the previous digest's moment."""
    cases = _cases(session, since)
    held = held_alerts(session, now, config.roles, ADMIN)
    by_id = {case.id: case for case in cases}
    for case_id in {h.case_id for h in held if h.case_id and h.case_id not in by_id}:
        by_id[case_id] = session.get_one(Case, case_id)
    partners = partner_names(session, {c.partner_id for c in by_id.values() if c.partner_id})
    dues = next_dues(session, list(by_id))
    digests: dict[str, Digest] = {}

    def add(role: str, section: str, line: Line, names: Iterable[str] = ()) -> None:
        for name in names or {role, ADMIN}:
            digest = digests.setdefault(name, Digest(name, now))
            # A case in several sections carries its commands once, in the first.
            first = digest.listed.setdefault(line.number, section) == section
            digest.sections[section].append(line if first else replace(line, commands=[]))

    wrote = letters_since(session, since, now, config.staff)
    for case in cases:
        role = owner_role(case, config.owners)
        for section, note in _placements(case, now, since):
            add(role, section, _line(now, case, partners, dues, note, config))
        # A partner's new letter in a case already open is news for its owner (R-HQ-7).
        later = [at for at in wrote.get(case.id, ()) if at > _at(case.created_at)]
        if later and case.state not in labels.TERMINAL:
            note = "новое письмо партнера" + (f" ({len(later)})" if len(later) > 1 else "")
            if not _noted(digests, {role, ADMIN}, "action", case.number, note):
                add(role, "action", _line(now, case, partners, dues, note, config))
    # R-HQ-8: an alert left to the digest joins its case's line, or makes one.
    for alert in held:
        case = by_id.get(alert.case_id or 0)
        number = case.number if case is not None else None
        wanted = {alert.role, ADMIN}
        names = wanted - _noted(digests, wanted, alert.section, number, alert.note)
        if case is None or number is None:
            add(alert.role, alert.section, Line("—", "—", "—", "—", "—", "—", alert.note), names)
        elif names:
            add(
                alert.role,
                alert.section,
                _line(now, case, partners, dues, alert.note, config),
                names,
            )
    if held and ADMIN in digests:
        digests[ADMIN].held = [alert.row_id for alert in held]  # the admin reads them all
    hours = hours_by_partner(session, now.year, config.hours_limit)
    for role in ("deputy_science", ADMIN):
        if hours:
            digests.setdefault(role, Digest(role, now)).hours = hours
    return {role: d for role, d in sorted(digests.items()) if not d.empty}


def _noted(
    digests: dict[str, Digest], names: set[str], section: str, number: str | None, note: str
) -> set[str]:
    """Those of `names` whose `section` lists case `number`, the note now added to its line."""
    found = set()
    for name in names & digests.keys():
        for line in digests[name].sections.get(section, []) if number else []:
            if line.number == number:
                if note not in line.note:
                    line.note = "; ".join(filter(None, (line.note, note)))
                found.add(name)
    return found


def _cases(session: Session, since: datetime) -> list[Case]:
    terminal = sorted(labels.TERMINAL)
    open_cases = select(Case).where(Case.state.not_in(terminal), Case.number.is_not(None))
    recent = select(Case).where(Case.created_at >= since, Case.state.in_(terminal))
    # R-PIN-4: a rejection for a client pinned by another partner is shown once, as a flag.
    flagged = select(Case).where(
        Case.state == "rejected", Case.updated_at >= since, Case.kind == "pin_request"
    )
    seen: dict[int, Case] = {}
    for query in (open_cases, recent, flagged):
        for case in session.scalars(query):
            seen.setdefault(case.id, case)
    return sorted(seen.values(), key=lambda c: c.id)


def _placements(case: Case, now: datetime, since: datetime) -> Iterable[tuple[str, str]]:
    """The sections a case appears in, each with why (R-HQ-7 items)."""
    attrs, state, kind = case.attrs or {}, case.state, case.kind
    if state in _ACTION_STATES or attrs.get("extension_pending"):
        yield "action", ""
    elif kind == "resource" and state == "open":
        yield "action", "рассмотреть запрос ресурса"
    elif kind == "inquiry" and case.partner_id is None and state not in labels.TERMINAL:
        yield "action", "неопознанное письмо: принять в работу или отклонить"
    if kind == "ticket" and state not in labels.TERMINAL:
        yield from _sla(attrs, state, now)
    yield from _partner_deadlines(kind, state, attrs, now)
    if _at(case.created_at) >= since:
        yield "new", ""
    flags = [str(f) for f in attrs.get("flags") or []]
    if flags and (state not in labels.TERMINAL or _at(case.updated_at) >= since):
        yield "flags", "; ".join(labels.flag_word(f) for f in flags)


def _sla(attrs: dict[str, Any], state: str, now: datetime) -> Iterable[tuple[str, str]]:
    deadline, at_risk = _when(attrs, "deadline_at"), _when(attrs, "at_risk_at")
    if state == "needs_info" and _when(attrs, "w_ends_at"):
        yield "sla", "ждем данные; окно уточнения W до срока в строке"
    elif deadline and now >= deadline:
        yield "sla", "срок решения НАРУШЕН"
    elif at_risk and now >= at_risk:
        yield "sla", "срок решения под угрозой"
    elif attrs.get("priority") == "urgent":
        yield "sla", "срочная заявка"


def _partner_deadlines(
    kind: str, state: str, attrs: dict[str, Any], now: datetime
) -> Iterable[tuple[str, str]]:
    expires, report = _when(attrs, "prepin_expires_at"), _when(attrs, "report_due_at")
    if state == "pre_pinned" and expires and expires - now <= timedelta(days=14):
        yield "partner", "предварительное закрепление истекает"
    elif state == "pinned" and report and report - now <= timedelta(days=30):
        yield "partner", "срок годового отчета"
    elif state == "report_overdue":
        yield "partner", "отчет просрочен: предупреждение и открепление по сроку"
    if kind == "license_request":
        late = [f for f in attrs.get("flags") or [] if str(f).endswith("_overdue")]
        if late:
            yield "partner", "просрочено: " + ", ".join(labels.flag_word(f) for f in late)


def _line(
    now: datetime,
    case: Case,
    partners: dict[int, str],
    dues: dict[int, datetime],
    note: str,
    config: DigestConfig,
) -> Line:
    due = dues.get(case.id) or _attr_due(case.attrs or {})
    assert case.number is not None
    return Line(
        number=case.number,
        kind=labels.kind_word(case.kind),
        partner=partners.get(case.partner_id or 0, "не опознан: " + case.requester),
        state=labels.state_word(case.state),
        due=(config.local(due) + (" (просрочен)" if due <= now else "")) if due else "—",
        whose=labels.whose_move(case.state),
        note=note,
        commands=labels.commands(case.number, case.kind, case.state, config.actor),
    )


# Where a passed deadline is kept once its timer has run: the due shown as overdue.
_DUE_ATTRS = (
    "hq_due_at",
    "deadline_at",
    "review_due_at",
    "scans_due_at",
    "payment_due_at",
    "license_docs_due_at",
    "originals_return_due_at",
    "report_due_at",
    "prepin_expires_at",
    "w_ends_at",
)


def _attr_due(attrs: dict[str, Any]) -> datetime | None:
    return next((due for key in _DUE_ATTRS if (due := _when(attrs, key))), None)


def _when(attrs: dict[str, Any], key: str) -> datetime | None:
    value = attrs.get(key)
    return _at(datetime.fromisoformat(value)) if value else None


def _at(value: datetime) -> datetime:
    return as_utc(value)

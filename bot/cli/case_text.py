"""HQ's text views of cases (issue 21 item 4, issue 25): `cases` as a work list sorted by
due, and `show` with everything `show --json` has, in the primary office's local time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import as_utc
from bot.desk import labels
from bot.desk.digest import _attr_due  # the digest's own rules
from bot.desk.digest_queries import next_dues, partner_names
from bot.store.models import Case
from bot.terminal_text import printable

Local = Callable[[datetime], str]


def work_list(
    sessions: sessionmaker[Session],
    state: str | None,
    kind: str | None,
    limit: int,
    local: Local,
) -> list[dict[str, Any]]:
    """The newest `limit` cases (filtered), each with partner, Russian state, next deadline
    and whose move it is, sorted by due (cases without one last)."""
    with sessions() as session:
        query = select(Case).order_by(Case.id.desc()).limit(limit)
        if state:
            query = query.where(Case.state == state)
        if kind:
            query = query.where(Case.kind == kind)
        cases = list(session.scalars(query))
        dues = next_dues(session, [c.id for c in cases])
        partners = partner_names(session, {c.partner_id for c in cases if c.partner_id})
        rows = []
        for c in cases:
            due = dues.get(c.id) or _attr_due(c.attrs or {})
            rows.append(
                {
                    "case": c.number,
                    "kind": c.kind,
                    "kind_title": labels.kind_word(c.kind),
                    "state": c.state,
                    "state_title": labels.state_word(c.state),
                    "partner": partners.get(c.partner_id or 0),
                    "requester": c.requester,
                    "subject": c.subject,
                    "due_at": as_utc(due).isoformat() if due else None,
                    "due_local": local(as_utc(due)) if due else None,
                    "whose_move": labels.whose_move(c.state),
                    "created_at": as_utc(c.created_at).isoformat(),
                    "quarantine_reason": c.quarantine_reason,
                }
            )
    rows.sort(key=lambda r: (r["due_at"] is None, r["due_at"] or ""))
    return rows


def format_work_list(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{r['case']:<11} {r['due_local'] or '—':<24} {r['whose_move']:<14} "
        f"{r['kind_title']:<24} {r['state_title']:<30} "
        f"{r['partner'] or 'не опознан: ' + r['requester']}  {r['subject']}"
        for r in rows
    ]
    return "\n".join(printable(line) for line in lines)


def _when(value: str | None, local: Local) -> str:
    return local(datetime.fromisoformat(value)) if value else "—"


def _value(value: Any) -> str:
    """A field value on one line: lists and tables as items separated by «; »."""
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list):
        return "; ".join(_value(v) for v in value)
    return str(value)


def format_case(details: dict[str, Any], local: Local) -> str:
    """`show` as text: what the JSON has, times local and to the minute."""
    attrs = details["attrs"]
    lines = [
        f"{details['case']}  {labels.kind_word(details['kind'])} ({details['kind']})  "
        f"{labels.state_word(details['state'])} ({details['state']})",
        f"  requester: {details['requester']}   mailbox: {details['mailbox']}",
        f"  subject:   {details['subject']}",
        f"  opened {_when(details['created_at'], local)}, "
        f"changed {_when(details['updated_at'], local)}",
    ]
    if details["quarantine_reason"]:
        lines.append(f"  QUARANTINED: {details['quarantine_reason']}")
    for item in details["missing"] or []:
        lines.append(f"  missing: {_value(item)}")
    for item in details["invalid"] or []:
        lines.append(f"  invalid: {_value(item)}")
    for code in details.get("uncertain") or []:
        item = details["fields"][code]
        lines.append(
            f"  check: {code} read with low confidence as «{item.get('raw') or item.get('value')}»"
            f" (from: {item.get('evidence') or 'no evidence'})"
        )
    if flags := [f for f in attrs.get("flags") or [] if f]:
        lines.append(f"  flags: {', '.join(flags)}")
    # Every field read from the letters (license requisites among them), with its status.
    lines.append("  fields:")
    for code, item in details["fields"].items():
        shown = item.get("value") if item.get("value") not in (None, "") else item.get("raw")
        reason = f" — {item['reason']}" if item.get("reason") else ""
        lines.append(f"    {code} [{item.get('status')}]: {_value(shown or '—')}{reason}")
    # Lists the case keeps apart from its fields, e.g. a pin's software list (R-PIN-10).
    for key, value in attrs.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"  {key}:")
            lines += [f"    {n}. {_value(v)}" for n, v in enumerate(value, start=1)]
    lines.append("  letters:")
    lines += [
        f"    #{lt['id']} {_when(lt['received_at'], local)} {lt['from']} "
        f"[{lt['kind']}/{lt['status']}] {lt['subject']}"
        for lt in details["letters"]
    ]
    lines.append("  replies:")
    lines += [
        f"    #{r['id']} {r['kind']} → {r['to']} [{r['status']}] {r['subject']}"
        for r in details["replies"]
    ]
    lines.append("  deadlines:")
    lines += [
        f"    {d['kind']} due {_when(d['due_at'], local)} ({d['rule']}) [{d['status']}]"
        for d in details["deadlines"]
    ]
    lines.append("  history:")
    lines += [
        f"    {_when(e['at'], local)} {e['actor']}: {e['event']} "
        f"{e['old_state'] or '-'}→{e['new_state'] or '-'}"
        for e in details["history"]
    ]
    # Issue 19: a subject or name may carry terminal escapes; one value never makes two lines.
    return "\n".join(printable(line) for line in lines)

"""Engineer hours per partner and year (R-RES-5 … R-RES-7): what a partner's role allows, what
is used, the forecast of a request, and booking hours — the entry that first crosses the
yearly limit sends accounting the invoice letter and tells the partner."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.rules.decide import CaseView, HqAlert, ReplyIntent
from bot.rules.kinds import RuleContext

REVIEWER = "deputy_science"  # R-RES-3: Deputy CEO for Science


def hours_used(ctx: RuleContext, partner_id: int | None, year: int) -> float:
    if ctx.lookups is None or partner_id is None:
        return 0.0
    return ctx.lookups.hours_used(partner_id, year)


def hours_limit(ctx: RuleContext, role: str | None) -> float | None:
    return ctx.policy.resource.hours_limit.get(role or "")


def forecast(ctx: RuleContext, role: str | None, partner_id: int | None, year: int, est: float):
    """R-RES-6: used, limit, and the expected excess if this estimate is spent."""
    used = hours_used(ctx, partner_id, year)
    limit = hours_limit(ctx, role)
    excess = max(0.0, used + est - limit) if limit is not None else None
    return {"year": year, "used": used, "limit": limit, "estimated": est, "excess": excess}


def book_hours(
    case: CaseView, ctx: RuleContext, hours: float, day: date
) -> tuple[dict[str, Any], tuple[ReplyIntent, ...], tuple[HqAlert, ...]]:
    """R-RES-6/7: book hours; the entry that first crosses the yearly limit is reported."""
    role = case.attrs.get("partner_role")
    used_before = hours_used(ctx, case.partner_id, day.year)
    used = used_before + hours
    limit = hours_limit(ctx, role)
    balance = {"year": day.year, "used": used, "limit": limit, "hours": hours}
    balance["excess"] = max(0.0, used - limit) if limit is not None else None
    attrs = {
        **case.attrs,
        "hours_logged": round(float(case.attrs.get("hours_logged") or 0) + hours, 2),
        "balance": balance,
    }
    if limit is None or not used_before <= limit < used:
        return attrs, (), ()
    # H-ACCOUNTING to accounting, copied to the Deputy CEO for Science; the partner is told.
    related = {case.number}
    if ctx.lookups is not None and case.partner_id is not None:
        others = ctx.lookups.cases(kind="resource", partner_id=case.partner_id)
        related |= {c.number for c in others if float(c.attrs.get("hours_logged") or 0) > 0}
    context = {"balance": balance, "cases": sorted(related)}
    alerts = tuple(
        HqAlert(role_, "hq_accounting", context, key=str(day.year))
        for role_ in ("accounting", REVIEWER)
    )
    return attrs, (ReplyIntent("notice", "res_overlimit", {"balance": balance}),), alerts

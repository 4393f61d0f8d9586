"""Building the HQ mail channel and the staff directory from the settings."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.actions import Actions
from bot.apply import Applier
from bot.clock import Clock
from bot.hqmail.handler import HqMail, HqMailConfig
from bot.hqmail.permissions import StaffDirectory
from bot.rules.dispatch import Rules
from bot.settings import Settings
from replies.render import Renderer


def staff_directory(settings: Settings) -> StaffDirectory:
    """hq.staff, hq.roles and hq.permissions (R-HQ-1, R-HQ-5), for every channel."""
    hq = settings.hq
    return StaffDirectory.of(hq.staff, hq.roles, hq.permissions)


def hq_actions(
    settings: Settings,
    sessions: sessionmaker[Session],
    applier: Applier,
    rules: Rules,
    clock: Clock,
) -> Actions:
    directory = staff_directory(settings)
    return Actions(sessions, applier, rules, clock, directory.staff, staff=directory)


def hq_mail_for(
    settings: Settings,
    sessions: sessionmaker[Session],
    applier: Applier,
    rules: Rules,
    clock: Clock,
    timezone: str,
) -> HqMail:
    boxes = settings.mailboxes
    config = HqMailConfig(
        trusted_authserv_ids=frozenset(settings.hq.trusted_authserv_ids),
        reply_from=boxes.general_address,
        company=settings.hq.company,
        domain=boxes.domain,
        dkim_domains=frozenset(settings.hq.dkim_verify_domains),
    )
    actions = hq_actions(settings, sessions, applier, rules, clock)
    return HqMail(actions, applier, Renderer(timezone=timezone), clock, config)

"""A service on a throwaway SQLite database and a frozen clock, driven the way a partner and
HQ drive it: letters through ingest, HQ actions, scheduler ticks. Each situation of the
reviewed-letters set (issue 24) runs on a desk of its own, so case numbers and dates are the
same on every run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select

from bot.actions import ActionResult, Actions
from bot.app import Service, build
from bot.clock import FrozenClock
from bot.ingest import Arrival
from bot.partners import upsert_partner
from bot.results import LetterResult
from bot.settings import load_settings
from bot.store.models import Letter

GMT5 = timezone(timedelta(hours=5))
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=GMT5)  # Monday, a working day
HQ = "hq@technocom.tech"
OURS = "@technocom.tech"  # HQ's staff and role mailboxes: their letters are not reviewed here
GENERAL = "mail@technocom.tech"
# Two registered partners: ours writes from partner.ru, the stored letters of tests/letters
# come from geopartner.ru (R-ID-1).
PARTNER = {
    "name": "ООО «Партнер»",
    "inn": "7204196795",
    "role": "gold",
    "domains": ["partner.ru"],
    "addresses": ["ivan@partner.ru", "petr@partner.ru"],
    "official_email": "office@partner.ru",
}
GEO = {
    "name": "ООО «ГеоПартнер»",
    "inn": "7700000009",
    "role": "authorized",
    "domains": ["geopartner.ru"],
    "addresses": ["petrov@geopartner.ru"],
    "official_email": "office@geopartner.ru",
}


class Reply(NamedTuple):
    """One letter as the partner receives it."""

    template: str
    to: str
    subject: str
    text: str


class Desk:
    def __init__(
        self, root: Path, policy_file: Path | None = None, overrides: dict | None = None
    ) -> None:
        settings = load_settings(
            database_url=f"sqlite:///{root / 'pd.sqlite3'}",
            outbox={"maildir": str(root / "outbox")},
            smtp={"port": 0},
            **(overrides or {}),
        )
        if policy_file is not None:
            settings = settings.model_copy(update={"policy_file": policy_file})
        self.clock = FrozenClock(T0)
        self.service: Service = build(settings, clock=self.clock)
        for record in (PARTNER, GEO):
            with self.service.sessions.begin() as session:
                upsert_partner(session, record, self.clock.now())
        self._actions = Actions(
            self.service.sessions,
            self.service.applier,
            self.service.rules,
            self.clock,
            frozenset(self.service.settings.hq.staff),
        )

    def at(self, *moment: int) -> None:
        """Move the clock to a local (GMT+5) moment: year, month, day, hour, minute…"""
        self.clock.set(datetime(*moment, tzinfo=GMT5))

    def write(self, raw: bytes, to: tuple[str, ...] = ()) -> LetterResult:
        """A partner's letter arrives now."""
        arrival = Arrival(raw=raw, received_at=self.clock.now(), rcpt_tos=to, source="test")
        return self.service.pipeline.ingest(arrival)

    def letter_id(self, message_id: str) -> int:
        """The stored id of a letter, as `partnerdesk show` lists it (for `split`)."""
        with self.service.sessions() as session:
            found = session.scalar(select(Letter.id).where(Letter.message_id == message_id))
        assert found is not None, message_id
        return found

    def act(self, case: str, action: str, **params: Any) -> list[dict[str, Any]]:
        """An HQ action; the letters it sends."""
        return self.perform(case, action, **params).replies

    def perform(self, case: str, action: str, **params: Any) -> ActionResult:
        """An HQ action; its result (the case a declared outage got, the letters)."""
        return self._actions.perform(case, action, params, HQ)

    def tick(self) -> list[dict[str, Any]]:
        """One scheduler run at the clock's moment; the letters it sends."""
        return self.service.ticker.tick().replies

    def close(self) -> None:
        self.service.engine.dispose()


def partner_letters(replies: list[dict[str, Any]] | LetterResult) -> list[Reply]:
    """The letters among `replies` that go to a partner (HQ's own notices left out)."""
    rows = replies.replies if isinstance(replies, LetterResult) else replies
    return [
        Reply(r["template"], r["to"], r["subject"], r["text"])
        for r in rows
        if not r["to"].endswith(OURS)
    ]


@contextmanager
def clean_environment() -> Iterator[None]:
    """No PARTNERDESK_* variable of the shell changes the letters (as tests' clean_env)."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("PARTNERDESK_")}
    for key in saved:
        if key != "PARTNERDESK_SHARED":
            del os.environ[key]
    try:
        yield
    finally:
        os.environ.update(saved)


class Keep:
    """The letters a situation keeps for review, each under a stable name."""

    def __init__(self) -> None:
        self.letters: dict[str, Reply] = {}

    def __call__(
        self,
        name: str,
        replies: list[dict[str, Any]] | LetterResult,
        template: str,
        case: str | None = None,
        to: str | None = None,
    ) -> Reply:
        """Keep the one partner letter of `template` (about `case`, to `to`) in `replies`."""
        found = [
            r
            for r in partner_letters(replies)
            if r.template == template
            and (case is None or f"[{case}]" in r.subject)
            and (to is None or r.to == to)
        ]
        sent = [r.template for r in partner_letters(replies)]
        if len(found) != 1:
            raise AssertionError(f"{name}: one {template} letter expected, the partner got {sent}")
        if name in self.letters:
            raise AssertionError(f"{name}: two situations of the same name")
        self.letters[name] = found[0]
        return found[0]

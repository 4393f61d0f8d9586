"""Marking letters on the server (issue 6): flagging or moving the letters stored, and,
after a UIDVALIDITY change, recognising by Message-ID the letters already held so they are
marked again instead of downloaded. The half of the folder sync (bot/receive/imap_sync.py)
that tells the server what became of its letters.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.receive import imap_state
from bot.receive.imap_session import ImapSession, WatcherConfig
from bot.receive.imap_wire import ok, parse_fetch, uid_set
from bot.store.models import Letter

_MESSAGE_ID = re.compile(rb"<[^<>\s]+>")


class FolderMarks:
    """Needs the watcher's settings, database, clock and lease holder name."""

    config: WatcherConfig
    _sessions: sessionmaker[Session]
    _clock: Clock
    _me: str

    async def _skip_known(self, imap: ImapSession, uidvalidity: int, batch: list[int]) -> list[int]:
        """After a UIDVALIDITY change: letters whose Message-ID we hold are not downloaded;
        they are flagged or moved as they were, and the rest returned."""
        response = ok(
            await imap.uid("fetch", uid_set(batch), "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"),
            "UID FETCH",
        )
        ids: dict[int, str] = {}
        for item in parse_fetch(response.lines):
            found = _MESSAGE_ID.search(item.raw)
            if found:
                ids[item.uid] = found.group(0).decode("ascii", "replace")
        states = await asyncio.to_thread(self._known_states, set(ids.values()))
        known = {uid for uid, mid in ids.items() if mid in states}
        if known:
            bad = [uid for uid in known if states[ids[uid]] == "quarantined"]
            good = [uid for uid in known if uid not in bad]
            await asyncio.to_thread(
                imap_state.commit,
                self._sessions,
                self.config.name,
                uidvalidity,
                0,  # the high-water mark moves only with the letters actually ingested
                good,
                bad,
                0,
                self._clock.now(),
                self._me,
            )
            await self._apply(imap, uidvalidity, good, bad)
        return [uid for uid in batch if uid not in known]

    def _known_states(self, message_ids: set[str]) -> dict[str, str]:
        if not message_ids:
            return {}
        keys = [f"mid:{mid[:500]}" for mid in message_ids]
        with self._sessions() as session:
            rows = session.execute(
                select(Letter.dedupe_key, Letter.status).where(Letter.dedupe_key.in_(keys))
            ).all()
        return {key.removeprefix("mid:"): status for key, status in rows}

    async def _apply(
        self,
        imap: ImapSession,
        uidvalidity: int,
        processed: Iterable[int],
        quarantine: Iterable[int],
    ) -> None:
        """Flag or move stored letters, then forget the owed actions."""
        cfg = self.config
        processed, quarantine = list(processed), list(quarantine)
        if quarantine:
            uids = uid_set(quarantine)
            flags = f"({cfg.keyword}Quarantine)"
            await imap.uid("store", uids, "+FLAGS.SILENT", flags)
            if cfg.quarantine_folder:
                await imap.move(uids, cfg.quarantine_folder)
        if processed:
            uids = uid_set(processed)
            ok(
                await imap.uid("store", uids, "+FLAGS.SILENT", f"(\\Seen {cfg.keyword})"),
                "UID STORE",
            )
            if cfg.processed_action == "move":
                await imap.move(uids, cfg.processed_folder)
        if processed or quarantine:
            await asyncio.to_thread(
                imap_state.done,
                self._sessions,
                cfg.name,
                uidvalidity,
                {*processed, *quarantine},
                self._me,
            )

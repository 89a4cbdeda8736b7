"""Updates from Telegram, kept in SQLite from the moment they arrive until they are handled.

In long polling, python-telegram-bot's updater confirms a batch of updates to Telegram by
asking for the next one (`getUpdates` with a higher offset); Telegram then forgets them. If
the bot died with a confirmed update still in memory, that message was lost without a
trace. So every batch is written here as it arrives, in one statement, before the updater
even sees it: `InboxBot` is the Application's bot (the library's documented way to extend
it, a subclass passed to `ApplicationBuilder.bot`) and stores what `get_updates` returns.
Webhook updates are stored before they are handled too.

The updater then puts the whole batch into the update queue without a pause, as before;
the queue (`bot.telegram.update_order.UpdateBacklog`) drops the ones seen before. An update
counts as handled once its replies are in the outbox: storing its last reply
marks it, in the same statement (the outbox table's trigger; `Sender.store`); an update
that needs no reply is marked when its handler returns. At start-up, updates stored and
not marked are handled again, before anything new. A second delivery of an update (a
webhook retry, or a batch fetched again after a crash) finds its number here and is
dropped.

What is kept: the update as Telegram sent it (the message, the sender's name and id) only
until it is handled — normally a fraction of a second — then only its number, for a day.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.ext import ExtBot

from bot.storage.database import Database, values

#: How long the numbers of handled updates are kept to recognise a second delivery:
#: Telegram keeps an unconfirmed update (and retries a webhook) for at most a day.
KEEP_HANDLED_SECONDS = 86400


class Inbox:
    """Made with the bot, before the database is open; `open` gives it the database."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._db: Database | None = None
        self._clock = clock
        #: Updates marked handled by the sender; their handler's end needs no second write.
        self._marked: set[int] = set()
        #: Updates stored by `add_all` and not yet let into the update queue.
        self._new: set[int] = set()

    def open(self, db: Database) -> None:
        self._db = db

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("updates arrived before the database was opened")
        return self._db

    async def add(self, update: Update) -> bool:
        """Store a new update; False if this update came before (drop it then)."""
        return bool(await self._insert([update]))

    async def add_all(self, updates: Sequence[Update]) -> None:
        """Store a fetched batch in one statement; `is_new` then tells which are new."""
        if updates:
            self._new.update(await self._insert(updates))

    def is_new(self, update: Update) -> bool:
        """Whether a fetched update was stored just now, not at an earlier delivery."""
        if update.update_id in self._new:
            self._new.discard(update.update_id)
            return True
        return False

    async def _insert(self, updates: Sequence[Update]) -> list[int]:
        now = self._clock()
        rows = await self.db.fetchall(
            "INSERT INTO inbox(update_id, payload, received_at) VALUES "
            + values(3, len(updates)) + " ON CONFLICT(update_id) DO NOTHING "
            "RETURNING update_id",
            [value for update in updates for value in (update.update_id, update.to_json(), now)],
        )
        return [int(row[0]) for row in rows]

    async def mark_handled(self, update_id: int) -> None:
        """Drop the stored update, keeping its number: it was handled, with no reply."""
        await self.db.execute(
            "UPDATE inbox SET payload = NULL WHERE update_id = ? AND payload IS NOT NULL",
            (update_id,))
        self._marked.add(update_id)

    def handled_by_reply(self, update_id: int) -> None:
        """Storing the update's last reply marked it (the outbox's trigger)."""
        self._marked.add(update_id)

    async def handled(self, update: object) -> None:
        """The update's handler returned (or the update was dropped on purpose)."""
        if not isinstance(update, Update):
            return
        if update.update_id in self._marked:
            self._marked.discard(update.update_id)
            return
        await self.db.execute(
            "UPDATE inbox SET payload = NULL WHERE update_id = ? AND payload IS NOT NULL",
            (update.update_id,))

    async def unfinished(self, bot: Bot) -> list[Update]:
        """Updates stored and not handled (the bot stopped or died meanwhile), oldest first."""
        rows = await self.db.fetchall(
            "SELECT payload FROM inbox WHERE payload IS NOT NULL ORDER BY update_id")
        return [update for (payload,) in rows
                if (update := Update.de_json(json.loads(payload), bot)) is not None]

    async def prune(self) -> int:
        """Forget the numbers of updates handled more than a day ago; returns how many."""
        written = await self.db.execute(
            "DELETE FROM inbox WHERE payload IS NULL AND received_at < ?",
            (self._clock() - KEEP_HANDLED_SECONDS,))
        return max(written.rowcount, 0)


class InboxBot(ExtBot[Any]):
    """The Application's bot, storing each fetched batch of updates in the inbox before
    returning it to the updater (which confirms it to Telegram by its next call)."""

    def __init__(self, inbox: Inbox, *args: Any, **kwargs: Any) -> None:
        self._inbox = inbox  # before the library freezes the bot's attributes
        super().__init__(*args, **kwargs)

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await super().get_updates(*args, **kwargs)
        await self._inbox.add_all(updates)
        return updates

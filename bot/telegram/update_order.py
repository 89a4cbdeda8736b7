"""Handle many users at once, each chat's messages strictly one after another, and do not
let one chat or a flood of updates crowd out everyone else.

python-telegram-bot processes updates one at a time by default, which makes one slow
reply hold up everyone. Processing them concurrently is safe only if a person's own
messages stay in order (a question and its follow-up, a button press and the next text),
so updates of the same chat wait for each other and nothing else does.

Two limits keep a flood from hurting other people:

* An update waiting for its own chat does not take one of the slots for running updates
  (the library's semaphore would: 32 queued messages from one person used to stop every
  other chat). A chat with `MAX_WAITING_PER_CHAT` updates already waiting has the next
  ones dropped, with a log line: that is someone flooding, not writing. So that a person
  who pasted a long text in thirty messages is not left wondering, the first drop of a
  flood is replaced by `flood_notice` (the Telegram front end says what happened, in
  their language), queued behind the updates that were kept.
* `UpdateBacklog`, the Application's update queue, holds the updater back while
  `MAX_UNFINISHED_UPDATES` updates are unfinished. Updates then wait at Telegram instead of
  in this process: an overloaded bot fetches them in full batches (a fetch per update cost
  a quarter of its CPU in benchmarks/load.py), and fewer of them sit in the inbox to be
  handled again after a crash.

Nothing fetched is lost in a crash: each batch is stored before the updater sees it
(bot/telegram/inbox.py), and `UpdateBacklog.put` lets in only updates that `admit` says
were stored for the first time (a batch fetched again after a crash is not handled twice).
When an update is finished (handled, or dropped as part of a flood), `finished` is told,
so that it is not handled again after a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

#: How many updates may run at once across all chats. Enough to overlap Telegram round
#: trips at its full rate (30/s × ~0.1 s ≈ 3 in flight) many times over.
MAX_CONCURRENT_UPDATES = 32
#: Updates of one chat that may wait behind the one running; more are dropped. Telegram
#: sends an album of up to 10 photos as 10 updates at once.
MAX_WAITING_PER_CHAT = 20
#: Updates fetched and not yet finished, across all chats, before fetching pauses.
MAX_UNFINISHED_UPDATES = 256
#: The library's own semaphore only bounds tasks here; `MAX_CONCURRENT_UPDATES` bounds
#: the updates that run.
_TASK_LIMIT = MAX_UNFINISHED_UPDATES + 1


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


FloodNotice = Callable[[Update], Awaitable[None]]
Finished = Callable[[object], Awaitable[None]]
Admit = Callable[[Update], bool]


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
                 flood_notice: FloodNotice | None = None,
                 finished: Finished | None = None) -> None:
        # The library's `max_concurrent_updates` is then the task bound; updates running at
        # once are `running_limit`.
        super().__init__(_TASK_LIMIT)
        self.running_limit = max_concurrent_updates
        self.flood_notice = flood_notice
        self.finished = finished
        self._running = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        #: Chats told of their flood since they last had nothing waiting.
        self._told: set[int] = set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await self._in_order(update, coroutine)
        # Not in a `finally`: an update interrupted by a stop is handled again next time.
        if self.finished is not None:
            await self.finished(update)

    async def _in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        waiting = self._waiting.get(key, 0)
        if waiting > MAX_WAITING_PER_CHAT:  # one running, the rest waiting
            log.warning("chat %s sent more than %d updates at once; dropping one", key,
                        MAX_WAITING_PER_CHAT)
            _discard(coroutine)
            if (self.flood_notice is None or key in self._told
                    or not isinstance(update, Update)):
                return
            self._told.add(key)
            coroutine = self.flood_notice(update)  # once, after the updates kept
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = waiting + 1
        try:
            async with lock, self._running:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else queued for this chat: forget it
                del self._waiting[key]
                del self._locks[key]
                self._told.discard(key)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _discard(coroutine: Awaitable[Any]) -> None:
    """Close a coroutine that will never run (so Python does not warn it was not awaited)."""
    close = getattr(coroutine, "close", None)
    if callable(close):
        close()


class UpdateBacklog(asyncio.Queue[object]):
    """The Application's update queue, which makes the updater wait while `limit` updates
    are unfinished: queued, or being handled (the Application calls `task_done` for each
    when it is finished)."""

    def __init__(self, limit: int = MAX_UNFINISHED_UPDATES) -> None:
        super().__init__()
        self.limit = limit
        #: Whether an update is new (not delivered before); set once the database is open.
        self.admit: Admit | None = None
        self._unfinished = 0
        self._room = asyncio.Event()
        self._room.set()

    async def put(self, item: object) -> None:
        while self._unfinished >= self.limit:
            self._room.clear()
            await self._room.wait()
        if self.admit is not None and isinstance(item, Update) and not self.admit(item):
            log.info("update %s came a second time; dropped", item.update_id)
            return
        self.put_nowait(item)

    def put_nowait(self, item: object) -> None:
        super().put_nowait(item)
        self._unfinished += 1

    def task_done(self) -> None:
        super().task_done()
        self._unfinished -= 1
        if self._unfinished < self.limit:
            self._room.set()

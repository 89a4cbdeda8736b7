"""Handle many users at once, but each chat's messages strictly one after another.

python-telegram-bot processes updates one at a time by default, which makes one slow
reply hold up everyone. Processing them concurrently is safe only if a person's own
messages stay in order (a question and its follow-up, a button press and the next text),
so updates of the same chat wait for each other and nothing else does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

#: How many updates may be in progress at once across all chats. Enough to overlap
#: Telegram round trips at its full rate (30/s × ~0.1 s ≈ 30 in flight); more only slows
#: the HTTP connection pool down (measured with benchmarks/load.py).
MAX_CONCURRENT_UPDATES = 32


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else queued for this chat: forget its lock
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

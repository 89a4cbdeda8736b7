"""The parts every front end shares, opened and closed together.

Like the rules-bot's search class, this has async `initialize`/`shutdown` hooks that the
Telegram Application runs from `post_init`/`post_shutdown` and the console runs itself.
"""

from __future__ import annotations

import secrets

from bot.config import Settings
from bot.conversation import Conversation
from bot.handoff import Handoff
from bot.i18n import I18n
from bot.knowledge import Knowledge
from bot.languages import native_name
from bot.storage import MEMORY, Storage, load_or_create_key
from bot.tickets import TicketStore


class Neuvo:
    def __init__(self, settings: Settings, *, handoff: bool) -> None:
        self.settings = settings
        self.handoff_enabled = handoff
        self._conversation: Conversation | None = None

    @property
    def conversation(self) -> Conversation:
        if self._conversation is None:
            raise RuntimeError("Neuvo.initialize() has not been called")
        return self._conversation

    @property
    def i18n(self) -> I18n:
        return self.conversation.i18n

    @property
    def handoff(self) -> Handoff:
        handoff = self.conversation.handoff
        if handoff is None:
            raise RuntimeError("hand-off is not enabled")
        return handoff

    async def initialize(self) -> None:
        """Load and check everything before the first user is served; fail loudly if not."""
        settings = self.settings
        knowledge = Knowledge.load(settings.content_dir)
        # An in-memory database lives only for this run, so its pseudonyms need no lasting key.
        key = (secrets.token_bytes(32) if settings.db_path == MEMORY
               else load_or_create_key(settings.key_path))
        storage = Storage(settings.db_path, key)
        await storage.open()
        i18n = I18n.load()
        handoff = None
        if self.handoff_enabled:
            handoff = Handoff(storage, TicketStore(storage.db), i18n, settings.adviser_hours,
                              settings.adviser_lang, settings.drafts_dir, native_name)
        self._conversation = Conversation(knowledge, storage, i18n, handoff)

    async def shutdown(self) -> None:
        if self._conversation is not None:
            await self._conversation.storage.close()
            self._conversation = None

"""The parts every front end shares, opened and closed together.

Like the rules-bot's search class, this has async `initialize`/`shutdown` hooks that the
Telegram Application runs from `post_init`/`post_shutdown` and the console runs itself.
"""

from __future__ import annotations

import logging
import secrets

from bot.config import Settings
from bot.conversation.conversation import Conversation
from bot.handoff.handoff import Handoff
from bot.handoff.tickets import TicketStore
from bot.i18n import texts
from bot.i18n.catalogs import I18n
from bot.i18n.languages import native_name
from bot.i18n.replies import Message, escape
from bot.knowledge.knowledge import Knowledge
from bot.knowledge.reloader import ContentReloader
from bot.process.memory import share_one_arena
from bot.storage.storage import MEMORY, Storage, load_or_create_key
from bot.storage.usage import ReachStats, Usage

log = logging.getLogger(__name__)
#: Validation errors put into one advisers' group message; the log has all of them.
MAX_ERRORS_SHOWN = 15


def _published(stats: ReachStats) -> dict[str, str]:
    """The report's headline numbers for the advisers' /stats. The report module (and the
    template engine it brings) is imported at the first /stats, not at start: 4 MB that a
    bot serving users would otherwise hold all its life."""
    from bot.tools.report import published

    return published(stats)


class Neuvo:
    def __init__(
        self, settings: Settings, *, handoff: bool, knowledge: Knowledge | None = None
    ) -> None:
        """`knowledge`, when given, is used instead of loading `settings.content_dir`."""
        self.settings = settings
        self.handoff_enabled = handoff
        self._preloaded = knowledge
        self._conversation: Conversation | None = None
        self._reloader: ContentReloader | None = None

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
        share_one_arena()  # before the answer and SQLite threads exist
        settings = self.settings
        knowledge = self._preloaded or Knowledge.load(settings.content_dir, settings.vectors_dir)
        knowledge.matcher.encoder.load()
        # An in-memory database lives only for this run, so its pseudonyms need no lasting key.
        key = (secrets.token_bytes(32) if settings.db_path == MEMORY
               else load_or_create_key(settings.key_path))
        storage = Storage(settings.db_path, key)
        await storage.open()
        i18n = I18n.load()
        usage = Usage(storage.db)
        handoff = None
        if self.handoff_enabled:
            handoff = Handoff(storage, TicketStore(storage.db), usage, i18n,
                              settings.adviser_hours, settings.adviser_lang,
                              settings.drafts_dir, native_name, _published)
        self._conversation = Conversation(knowledge, storage, i18n, usage, handoff,
                                          settings.retention_days)
        self._reloader = ContentReloader(settings.content_dir, self._swap, settings.vectors_dir)

    @property
    def reloader(self) -> ContentReloader:
        if self._reloader is None:
            raise RuntimeError("Neuvo.initialize() has not been called")
        return self._reloader

    def _swap(self, knowledge: Knowledge) -> None:
        """Content, matcher and directory are replaced together, in one assignment."""
        self.conversation.knowledge = knowledge

    async def reload(self, force: bool = False) -> Message | None:
        """Look for edited content (or re-read it all when forced, as `/reload` does).

        Returns a message for the advisers when something was read, None otherwise.
        """
        result = await self.reloader.check(force)
        desk = self.i18n(self.settings.adviser_lang)
        if result is None:
            return None
        if result.knowledge is not None:
            log.info("content reloaded from %s", self.settings.content_dir)
            return Message(desk.html(
                texts.RELOAD_OK, entries=str(len(result.knowledge.content.entries)),
                activities=str(len(result.knowledge.directory.activities)),
            ))
        assert result.report is not None
        errors = [str(p) for p in result.report.errors]
        log.warning("content not reloaded, %d errors:\n%s", len(errors), "\n".join(errors))
        shown = "\n".join(errors[:MAX_ERRORS_SHOWN])
        if len(errors) > MAX_ERRORS_SHOWN:
            shown += f"\n… (+{len(errors) - MAX_ERRORS_SHOWN})"
        return Message(desk.html(texts.RELOAD_FAILED, errors=f"<pre>{escape(shown)}</pre>"))

    async def expire(self) -> int:
        """The nightly job: old logs go; finished months' counters are tidied."""
        await self.conversation.usage.roll_over()
        return await self.conversation.storage.expire(self.settings.retention_days)

    async def shutdown(self) -> None:
        if self._conversation is not None:
            await self._conversation.usage.close()
            await self._conversation.storage.close()
            self._conversation.close()
            self._conversation = None

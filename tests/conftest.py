"""Shared fixtures: the bundled content, a Bot API stand-in, and a running bot on it."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import Neuvo
from bot.config import DEFAULT_ADVISER_HOURS, DEFAULT_BASE_URL, Settings
from bot.handoff.opening_hours import OpeningHours
from bot.knowledge.knowledge import Knowledge
from bot.storage.storage import MEMORY
from bot.telegram.frontend import ALLOWED_UPDATES, build_application
from tests.botapi import BotApiStandIn
from tests.paths import FAQ, VECTORS

ADVISERS = -100777


def make_settings(tmp_path: Path | None = None, **changes: Any) -> Settings:
    """Settings for a test, independent of the environment the tests run in."""
    settings = Settings(
        token=None,
        base_url=DEFAULT_BASE_URL,
        content_dir=FAQ,
        db_path=str(tmp_path / "neuvo.sqlite3") if tmp_path else MEMORY,
        key_path=(tmp_path or Path("/nonexistent")) / "neuvo.key",
        adviser_chat_id=None,
        adviser_hours=OpeningHours.parse(DEFAULT_ADVISER_HOURS),
        adviser_lang="en",
        drafts_dir=(tmp_path or Path("/nonexistent")) / "drafts",
        retention_days=180,
        reload_seconds=0,
        vectors_dir=VECTORS,
    )
    return replace(settings, **changes)


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    server = BotApiStandIn()
    await server.start()
    yield server
    await server.stop()


def pytest_configure(config: pytest.Config) -> None:
    """Encode the bundled content's vectors once, before the test workers start: on a fresh
    clone every worker, and every console subprocess, would otherwise encode it at once."""
    if not hasattr(config, "workerinput"):  # the controller (or a run without workers)
        Knowledge.load(FAQ, VECTORS)


@functools.cache
def bundled_knowledge() -> Knowledge:
    """The bundled content, loaded once: tests that do not change it share it."""
    return Knowledge.load(FAQ, VECTORS)


def make_neuvo(settings: Settings, handoff: bool) -> Neuvo:
    shared = bundled_knowledge() if settings.content_dir == FAQ else None
    return Neuvo(settings, handoff=handoff, knowledge=shared)


class RunningBot:
    """The real Application polling the stand-in, as `run_polling` would run it."""

    def __init__(self, standin: BotApiStandIn, settings: Settings) -> None:
        self.standin = standin
        settings = replace(settings, token=standin.token, base_url=standin.base_url)
        self.neuvo = make_neuvo(settings, handoff=settings.adviser_chat_id is not None)
        self.app: Application[Any, Any, Any, Any, Any, Any] = build_application(
            self.neuvo, settings
        )

    async def start(self) -> None:
        await self.app.initialize()
        assert self.app.post_init is not None
        await self.app.post_init(self.app)
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1,
                                             allowed_updates=ALLOWED_UPDATES)
        await self.app.start()

    async def stop(self) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        assert self.app.post_shutdown is not None
        await self.app.post_shutdown(self.app)
        await self.app.shutdown()


@pytest.fixture
async def bot(standin: BotApiStandIn, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = RunningBot(standin, make_settings(tmp_path))
    await running.start()
    yield running
    await running.stop()

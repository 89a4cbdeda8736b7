"""Telegram failing: every reply still arrives, exactly once, and in order."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from tests.botapi import BotApiStandIn
from tests.conftest import ADVISERS, RunningBot, make_settings

KELA = "Miten saan Kela-kortin?"


def every_third_fails(kinds: tuple[int, ...] = (500, 429, 502)) -> Any:
    counter = itertools.count()
    statuses = itertools.cycle(kinds)

    def fault(method: str, params: dict[str, Any]) -> tuple[int, str] | None:
        if method != "sendMessage" or next(counter) % 3 != 0:
            return None
        status = next(statuses)
        return status, "Too Many Requests: retry after 1" if status == 429 else "Bad Gateway"

    return fault


async def test_a_third_of_sends_fail_yet_every_reply_arrives_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    standin.fault = every_third_fails()
    running = RunningBot(standin, make_settings(tmp_path))
    await running.start()
    try:
        users = range(101, 107)
        for user in users:
            standin.push_message(user, "/help", language_code="en")
            standin.push_message(user, KELA, language_code="fi")
        for user in users:
            sent = await standin.wait_for("sendMessage", count=2, chat_id=user, timeout=30)
            assert len(sent) == 2  # exactly once each
            assert "/menu" in sent[0].params["text"]  # and in order: help, then the answer
            assert "Kela-kortti" in sent[1].params["text"]
        assert standin.sent(failed=True, method="sendMessage") != standin.sent()
    finally:
        await running.stop()


async def test_undelivered_messages_survive_a_restart(standin: BotApiStandIn,
                                                      tmp_path: Path) -> None:
    settings = make_settings(tmp_path, adviser_chat_id=ADVISERS)
    standin.fault = lambda method, params: (
        (502, "Bad Gateway") if method == "sendMessage" else None)
    running = RunningBot(standin, settings)
    await running.start()
    standin.push_message(201, KELA, language_code="fi")
    await standin.wait_for("sendMessage", chat_id=201, failed=True)  # tried, and failed
    await running.stop()
    assert standin.sent(chat_id=201) == []
    # Telegram is back and the bot restarts: the stored reply goes out, once.
    standin.fault = None
    again = RunningBot(standin, settings)
    await again.start()
    try:
        sent = await standin.wait_for("sendMessage", chat_id=201, timeout=15)
        assert len(sent) == 1 and "Kela-kortti" in sent[0].params["text"]
    finally:
        await again.stop()

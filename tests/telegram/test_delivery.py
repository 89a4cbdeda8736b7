"""Delivery when Telegram refuses: an edit that changes nothing, an advisers' group that
refuses the bot, a split post, and updates that come twice."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.handoff.opening_hours import OpeningHours
from tests.botapi import BotApiStandIn, Call
from tests.conftest import ADVISERS, RunningBot, make_settings

USER = 8001
ADVISER = 8101
#: What Telegram answers when the bot was removed from the group.
KICKED = (403, "Forbidden: bot was kicked from the supergroup chat")
ALWAYS = "mon-sun 00:00-23:59"


def callback_data(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


async def test_pressing_the_same_button_twice_is_not_an_error(bot: RunningBot,
                                                              standin: BotApiStandIn) -> None:
    standin.push_message(USER, "/forget", language_code="en")
    [prompt] = await standin.wait_for("sendMessage", chat_id=USER)
    for _ in range(2):
        standin.push_button(USER, "fg:no", prompt.params["message_id"], language_code="en")
    edits = await standin.wait_for("editMessageText", count=2, failed=True)
    assert [edit.status for edit in edits] == [200, 400]  # Telegram: "not modified"
    standin.push_message(USER, "/help", language_code="en")  # handled after both presses
    await standin.wait_for("sendMessage", chat_id=USER,
                           where=lambda call: "/menu" in call.params["text"])
    assert not [c for c in standin.sent(USER) if "went wrong" in c.params["text"]]


async def ask_adviser(standin: BotApiStandIn, question: str) -> None:
    """Ask an adviser and consent; returns once the user is told the question was sent."""
    standin.push_message(USER, "/adviser", language_code="en")
    standin.push_message(USER, question, language_code="en")
    consent = await standin.wait_for("sendMessage", chat_id=USER,
                                     where=lambda call: "adv:send" in callback_data(call))
    standin.push_button(USER, "adv:send", consent[0].params["message_id"], language_code="en")
    await standin.wait_for("sendMessage", chat_id=USER,
                           where=lambda call: "Its number is #1" in call.params["text"])


def bot_with_desk(standin: BotApiStandIn, tmp_path: Path) -> RunningBot:
    return RunningBot(standin, make_settings(tmp_path, adviser_chat_id=ADVISERS,
                                             adviser_hours=OpeningHours.parse(ALWAYS)))


async def test_a_group_that_refuses_the_bot_gets_every_post_once_it_is_back(
        standin: BotApiStandIn, tmp_path: Path) -> None:
    refusing = True

    def group_refuses(method: str, params: dict[str, Any]) -> tuple[int, str] | None:
        return KICKED if refusing and params.get("chat_id") == ADVISERS else None

    standin.fault = group_refuses
    running = bot_with_desk(standin, tmp_path)
    await running.start()
    try:
        await ask_adviser(standin, "Where is my residence permit?")  # told: sent, #1
        standin.push_message(USER, "It was sent in May.", language_code="en")
        await standin.wait_for("sendMessage", chat_id=USER,
                               where=lambda call: "Sent to the adviser (#1)" in call.params["text"])
        await standin.wait_for("sendMessage", count=2, chat_id=ADVISERS, failed=True)
        assert standin.sent(ADVISERS) == []
        db = running.neuvo.conversation.storage.db
        assert await db.fetchall(f"SELECT COUNT(*) FROM outbox WHERE chat_id = {ADVISERS}") \
            == [(2,)]  # both kept, neither dropped

        refusing = False  # the bot is added back to the group
        posts = await standin.wait_for("sendMessage", count=3, chat_id=ADVISERS, timeout=30)
        assert "residence permit" in posts[0].params["text"]
        assert "sent in May" in posts[1].params["text"]
        assert "could not post" in posts[2].params["text"]  # advisers are told
        assert callback_data(posts[0])  # the ticket's buttons came with it
    finally:
        await running.stop()


async def test_every_part_of_a_split_post_leads_to_the_ticket(standin: BotApiStandIn,
                                                              tmp_path: Path) -> None:
    running = bot_with_desk(standin, tmp_path)
    await running.start()
    try:
        # Escaped, 1,400 characters of "a<&>" are 4,900: the post comes in three parts.
        await ask_adviser(standin, "a<&>" * 350)
        parts = await standin.wait_for("sendMessage", count=3, chat_id=ADVISERS)
        assert callback_data(parts[-1]) and not callback_data(parts[0])
        db = running.neuvo.conversation.storage.db
        for _ in range(200):  # until the bot has recorded every part
            if await db.fetchall("SELECT COUNT(*) FROM group_posts") == [(3,)]:
                break
            await asyncio.sleep(0.01)
        for number, part in enumerate(parts, start=1):
            standin.push_message(ADVISER, f"Answer {number}", chat_type="supergroup",
                                 chat_id=ADVISERS, reply_to=part)
        answers = await standin.wait_for(
            "sendMessage", count=3, chat_id=USER,
            where=lambda call: "Answer from an adviser" in call.params["text"])
        assert [f"Answer {n}" in a.params["text"] for n, a in enumerate(answers, 1)] == [True] * 3
    finally:
        await running.stop()

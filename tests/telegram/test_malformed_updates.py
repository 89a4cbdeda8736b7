"""Malformed and unexpected updates through the real Application and the Bot API stand-in.

Telegram sends far more than private text messages: edits, channel posts, stickers, polls,
membership changes, button presses on messages the bot can no longer see, messages in
groups the bot was added to. For each, the bot answers politely or stays silent; it never
crashes, never leaves a button press unanswered, never sends HTML Telegram would refuse,
and afterwards still answers a normal question.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import TypeHandler

from bot.handoff.opening_hours import OpeningHours
from bot.i18n import texts
from bot.telegram.frontend import ALLOWED_UPDATES
from tests.botapi import BOT_USER, BotApiStandIn, Call
from tests.conftest import ADVISERS, RunningBot, make_settings
from tests.test_properties import assert_telegram_html

USER = 8001
#: The handler group that sees each update after the bot's own handlers.
DONE_GROUP = 99
OTHER_GROUP = -100555
CHANNEL = -100666
ALWAYS = OpeningHours.parse("mon-sun 00:00-23:59")
KELA = "Miten saan Kela-kortin?"


@pytest.fixture
async def desk_bot(standin: BotApiStandIn, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot with an advisers' group, so group handling is at its most complex."""
    running = RunningBot(standin, make_settings(tmp_path, adviser_chat_id=ADVISERS,
                                                adviser_hours=ALWAYS))
    await running.start()
    yield running
    await running.stop()


def user(user_id: int = USER, language_code: str | None = "en") -> dict[str, Any]:
    tg_user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Test"}
    if language_code:
        tg_user["language_code"] = language_code
    return tg_user


def private_message(**fields: Any) -> dict[str, Any]:
    return {"message_id": 500, "date": int(time.time()),
            "chat": {"id": USER, "type": "private", "first_name": "Test"},
            "from": user(), **fields}


def group_message(**fields: Any) -> dict[str, Any]:
    return {"message_id": 501, "date": int(time.time()),
            "chat": {"id": OTHER_GROUP, "type": "supergroup", "title": "Somewhere else"},
            "from": user(), **fields}


def callback(data: str | None, message: dict[str, Any] | None = None,
             **fields: Any) -> dict[str, Any]:
    query: dict[str, Any] = {"id": f"cq{time.monotonic_ns()}", "from": user(),
                             "chat_instance": "ci", **fields}
    if data is not None:
        query["data"] = data
    if message is not None:
        query["message"] = message
    return {"callback_query": query}


def bot_message(chat_id: int = USER, chat_type: str = "private") -> dict[str, Any]:
    return {"message_id": 1000, "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type}, "from": BOT_USER, "text": "…"}


STICKER = {"file_id": "s1", "file_unique_id": "us1", "type": "regular", "width": 512,
           "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}
PHOTO = [{"file_id": "p1", "file_unique_id": "up1", "width": 90, "height": 90}]
VOICE = {"file_id": "v1", "file_unique_id": "uv1", "duration": 3}
DOCUMENT = {"file_id": "d1", "file_unique_id": "ud1", "file_name": "<b>hakemus</b>.pdf"}
FLOOD = ("<b>&" * 1024)[:4096]


class Probe:
    """Pushes one update at a time and checks what the bot did about it.

    A handler in a group after the bot's own sees every update once the bot is done with
    it (replies sent, errors handled), whatever chat it came from.
    """

    def __init__(self, bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
        self.standin = bot.standin
        self.bot = bot
        self.caplog = caplog
        caplog.set_level(logging.WARNING)
        self.handled: set[int] = set()
        self._changed = asyncio.Condition()
        bot.app.add_handler(TypeHandler(Update, self._record), group=DONE_GROUP)

    async def _record(self, update: Update, context: object) -> None:
        async with self._changed:
            self.handled.add(update.update_id)
            self._changed.notify_all()

    async def push(self, label: str, update: dict[str, Any]) -> list[Call]:
        """Push `update`, wait until it was handled; the calls it caused, checked."""
        standin = self.standin
        before = len(standin.calls)
        if not any(kind in update for kind in ALLOWED_UPDATES):
            # The bot asks Telegram only for what it handles; others never reach it.
            standin.push_raw(update)
            await self.still_answers()
            assert [c for c in standin.calls[before:] if c.method != "sendMessage"
                    or c.params.get("chat_id") != USER] == [], label
            return []
        update_id = standin.push_raw(update)
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: update_id in self.handled),
                                   10)
        caused = standin.calls[before:]
        errors = [r.getMessage() for r in self.caplog.records if r.levelno >= logging.ERROR]
        assert not errors, f"{label}: {errors}"
        for call in caused:
            # An edit to what a message already shows is refused ("not modified") and is
            # no error for the bot (any other refusal would be logged as one, above).
            unchanged = call.method == "editMessageText" and call.status == 400
            assert call.status == 200 or unchanged, f"{label}: {call}"
            if call.method in ("sendMessage", "editMessageText"):
                assert_telegram_html(call.params["text"])
                for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
                    for button in row:
                        assert len(button["callback_data"].encode()) <= 64, (label, button)
            if call.method == "answerCallbackQuery" and call.params.get("text"):
                toast = call.params["text"]  # shown as plain text: no markup, no entities
                assert not re.search(r"<[a-z/]|&#?\w+;", toast), (label, toast)
        query = update.get("callback_query")
        if query is not None:
            answers = [c for c in caused if c.method == "answerCallbackQuery"
                       and c.params.get("callback_query_id") == query["id"]]
            assert len(answers) == 1, f"{label}: the button press must be answered once"
        return caused

    async def silent(self, label: str, update: dict[str, Any]) -> None:
        caused = await self.push(label, update)
        said = [c for c in caused if c.method != "answerCallbackQuery"]
        assert said == [], f"{label}: expected silence, got {said}"

    async def polite(self, label: str, update: dict[str, Any], expected: str) -> str:
        """Exactly one message to the user, containing the English text `expected`."""
        caused = await self.push(label, update)
        replies = [c for c in caused if c.method == "sendMessage"]
        assert len(replies) == 1 and replies[0].params["chat_id"] == USER, (label, caused)
        text: str = replies[0].params["text"]
        assert self.english(expected) in text, (label, text)
        assert self.english(texts.ERROR) not in text
        return text

    def english(self, message: str) -> str:
        return self.bot.neuvo.i18n("en").html(message)

    async def still_answers(self) -> None:
        count = len(self.standin.sent(USER))
        self.standin.push_message(USER, KELA, language_code="fi")
        sent = await self.standin.wait_for("sendMessage", count=count + 1, chat_id=USER)
        assert "Kela-kortti" in sent[-1].params["text"]


def ignored_updates() -> list[tuple[str, dict[str, Any]]]:
    """Updates the bot must not answer: not for it, or nothing to say (as Bot API 9.6)."""
    now = int(time.time())
    channel = {"id": CHANNEL, "type": "channel", "title": "News"}
    post = {"message_id": 7, "date": now, "chat": channel, "text": "/help <b>&"}
    advisers = {"id": ADVISERS, "type": "supergroup", "title": "Advisers"}
    member = {"status": "member", "user": BOT_USER}
    kicked = {"status": "kicked", "user": BOT_USER, "until_date": 0}
    option = {"persistent_id": "o1", "text": "a", "voter_count": 1}
    return [
        ("channel post", {"channel_post": post}),
        ("edited channel post", {"edited_channel_post": post | {"edit_date": now}}),
        *((f"other group: {text}", {"message": group_message(text=text)})
          for text in ("Miten saan Kela-kortin?", "/help", "/help@neuvo_test_bot",
                       "/start@neuvo_test_bot", "/adviser", "/tickets", "<b>&")),
        ("other group: photo", {"message": group_message(photo=PHOTO)}),
        ("other group: anonymous admin", {"message": group_message(
            text="/help", sender_chat={"id": OTHER_GROUP, "type": "supergroup",
                                       "title": "x"})}),
        ("small group", {"message": group_message(
            chat={"id": -555, "type": "group", "title": "Family"}, text="Kela?")}),
        ("bot added to a group", {"message": group_message(new_chat_members=[BOT_USER])}),
        ("advisers chatting", {"message": group_message(chat=advisers, text="hi <b>&")}),
        ("edited advisers' message", {"edited_message": group_message(
            chat=advisers, text="hi", edit_date=now)}),
        ("user blocked the bot", {"my_chat_member": {
            "chat": {"id": USER, "type": "private"}, "from": user(), "date": now,
            "old_chat_member": member, "new_chat_member": kicked}}),
        ("poll", {"poll": {
            "id": "p1", "question": "<b>?</b>", "options": [option], "total_voter_count": 1,
            "is_closed": False, "is_anonymous": True, "type": "regular",
            "allows_multiple_answers": False, "allows_revoting": True,
            "members_only": False}}),
        ("poll answer", {"poll_answer": {"poll_id": "p1", "user": user(), "option_ids": [0],
                                         "option_persistent_ids": ["o1"]}}),
        ("inline query", {"inline_query": {"id": "iq1", "from": user(), "query": "<b>kela",
                                           "offset": ""}}),
        ("join request", {"chat_join_request": {
            "chat": {"id": OTHER_GROUP, "type": "supergroup", "title": "x"}, "from": user(),
            "user_chat_id": USER, "date": now}}),
        ("reaction", {"message_reaction": {
            "chat": {"id": USER, "type": "private"}, "message_id": 1000, "user": user(),
            "date": now, "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}),
        ("an update type from the future", {"quantum_entanglement": {"id": 1}}),
        ("button in another group", callback("menu:main", bot_message(OTHER_GROUP,
                                                                      "supergroup"))),
        ("button on an inline message", callback("menu:main", inline_message_id="im1")),
    ]


async def test_updates_for_elsewhere_are_ignored(desk_bot: RunningBot,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    probe = Probe(desk_bot, caplog)
    for label, update in ignored_updates():
        await probe.silent(label, update)
    await probe.still_answers()


async def test_odd_private_messages_get_a_polite_answer(
    desk_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    probe = Probe(desk_bot, caplog)
    for kind, fields in (("nothing at all", {}), ("sticker", {"sticker": STICKER}),
                         ("photo", {"photo": PHOTO, "caption": "<b>&"}),
                         ("voice", {"voice": VOICE}), ("document", {"document": DOCUMENT}),
                         ("contact", {"contact": {"phone_number": "+358401234567",
                                                  "first_name": "<i>x"}}),
                         ("dice", {"dice": {"emoji": "🎲", "value": 3}})):
        await probe.polite(kind, {"message": private_message(**fields)}, texts.EMPTY_MESSAGE)
    for text in ("\u200b\u202e\u2066", "&<>", "\x00\x07"):
        await probe.polite(f"no letters: {text!r}", {"message": private_message(text=text)},
                           texts.EMPTY_MESSAGE)
    # An emoji alone is a reaction: small talk, answered in kind.
    await probe.polite("emoji", {"message": private_message(text="👍🏽🇫🇮")}, texts.SMALLTALK_ACK)
    for text in ("/help@neuvo_test_bot", "/HELP", "/help extra <b>words</b>"):
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await probe.polite(text, {"message": private_message(text=text, entities=entities)},
                           texts.HELP)
    for text in ("/", "/no_such_command@neuvo_test_bot", "/<b>"):
        entities = [{"type": "bot_command", "offset": 0, "length": len(text)}]
        await probe.polite(text, {"message": private_message(text=text, entities=entities)},
                           texts.UNKNOWN_COMMAND)
    start = "/start@neuvo_test_bot"
    greeting = await probe.polite(start, {"message": private_message(
        text=start, entities=[{"type": "bot_command", "offset": 0, "length": len(start)}])},
        texts.CHOOSE_LANGUAGE)
    assert greeting
    # No language_code: the question's own language decides the answer's.
    caused = await probe.push("no language_code", {"message": private_message(
        text="How do I get a Kela card?", **{"from": user(language_code=None)})})
    [answer] = [c for c in caused if c.method == "sendMessage"]
    assert "Kela card" in answer.params["text"]
    caused = await probe.push("forwarded question", {"message": private_message(
        text=KELA, forward_origin={"type": "hidden_user", "date": 1,
                                   "sender_user_name": "<b>x</b>"})})
    assert [c for c in caused if c.method == "sendMessage"]
    await probe.silent("edited question", {"edited_message": private_message(
        text="<b>&", edit_date=int(time.time()))})
    await probe.still_answers()


UNEXPECTED_DATA = [
    "", "zzz", "x" * 64, "lang:xx", "lang:", "menu:", "menu:nowhere", "topic:nowhere",
    "q:no-such-entry", "s:abc:kela-card", "s:1:no-such-entry", "s::", "nm:", "nm:abc",
    "fb:1:1", "fb:1:2", "fb:x:1", "fg:", "fg:maybe", "adv:", "adv:send", "adv:done:999",
    "adv:done:", "adv:file:1", "adv:nonsense", "mun:p:x:act", "act:nothing:a:0", "act:*:a:x",
    "act:*:a:0:nowhere", "tk:take:1", "tk:close:1",
    # Not "mun:s:nowhere:act": its answer has a location keyboard, which the stand-in echoes
    # back as the sent message's reply_markup (Telegram only echoes inline keyboards) and
    # python-telegram-bot cannot parse. The conversation-level property covers that data.
    "<b>&", "\u202e\u200b", "👍" * 16,
]


async def test_unexpected_button_data_is_answered_politely(
    desk_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    probe = Probe(desk_bot, caplog)
    for data in UNEXPECTED_DATA:
        caused = await probe.push(f"button {data!r}", callback(data, bot_message()))
        said = [c for c in caused if c.method != "answerCallbackQuery"]
        assert all(c.params.get("chat_id") in (USER, None) for c in said), (data, said)
    await probe.push("a game button without data", callback(None, bot_message(),
                                                            game_short_name="g"))
    for data in ("tk:", "tk:take:", "tk:take:x", "tk:nothing:1", "tk:take:999", "menu:main"):
        caused = await probe.push(f"desk button {data!r}", callback(
            data, bot_message(ADVISERS, "supergroup")))
        assert all(c.params.get("chat_id") in (ADVISERS, None) for c in caused), (data, caused)
    await probe.still_answers()


async def test_flood_of_markup_is_never_echoed_as_markup(
    desk_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    probe = Probe(desk_bot, caplog)
    assert len(FLOOD) == 4096
    await probe.push("4096 characters of <b>&", {"message": private_message(text=FLOOD)})
    # Through the hand-off, where the user's text is shown back and relayed to the advisers.
    await probe.push("/adviser", {"message": private_message(
        text="/adviser", entities=[{"type": "bot_command", "offset": 0, "length": 8}])})
    caused = await probe.push("the question", {"message": private_message(text=FLOOD)})
    consent = [c for c in caused if c.method == "sendMessage"][-1]
    assert "&lt;b&gt;&amp;" in consent.params["text"]
    caused = await probe.push("send it", callback("adv:send", bot_message()))
    posts = [c for c in caused if c.params.get("chat_id") == ADVISERS
             and c.method == "sendMessage"]
    assert any("&lt;b&gt;&amp;" in post.params["text"] for post in posts)
    caused = await probe.push("a follow-up", {"message": private_message(
        text="</i></b><u>" + FLOOD)})
    relayed = [c for c in caused if c.params.get("chat_id") == ADVISERS]
    assert any("&lt;/i&gt;&lt;/b&gt;&lt;u&gt;" in call.params["text"] for call in relayed)
    await probe.push("a follow-up file", {"message": private_message(document=DOCUMENT)})


async def test_button_on_a_message_too_old_to_see(
    desk_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram sends a message too old to show without its content and date (date 0)."""
    probe = Probe(desk_bot, caplog)
    old = {"message_id": 3, "date": 0, "chat": {"id": USER, "type": "private"}}
    caused = await probe.push("language button on an old message", callback("lang:fi", old))
    shown = [c for c in caused if c.method in ("sendMessage", "editMessageText")]
    assert any("suomi" in c.params["text"].lower() for c in shown)  # the confirmation
    welcome = [c for c in shown if c.method == "sendMessage"][-1]
    assert "menu:ask" in str(welcome.params.get("reply_markup"))
    caused = await probe.push("forget button on an old message", callback("fg:no", old))
    assert [c for c in caused if c.method in ("sendMessage", "editMessageText")]
    await probe.still_answers()

"""Hand-off to advisers through the real Application, with a user and an advisers' group."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.handoff.opening_hours import DAYS, OpeningHours
from bot.i18n.finnish_time import HELSINKI
from tests.botapi import BotApiStandIn, Call
from tests.conftest import ADVISERS, RunningBot, make_settings

USER = 6001
ADVISER = 7001
ALWAYS = OpeningHours.parse("mon-sun 00:00-23:59")


def data_of(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


@asynccontextmanager
async def running_bot(standin: BotApiStandIn, tmp_path: Path,
                      **changes: Any) -> AsyncIterator[RunningBot]:
    """The bot with an advisers' group (open at all hours unless ``changes`` say otherwise),
    stopped however the test ends."""
    settings = make_settings(tmp_path, adviser_chat_id=ADVISERS,
                             **({"adviser_hours": ALWAYS} | changes))
    running = RunningBot(standin, settings)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def desk_bot(standin: BotApiStandIn, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(standin, tmp_path) as running:
        yield running


async def open_ticket(bot: RunningBot, question: str, username: str | None = None,
                      share_name: bool = False) -> Call:
    """The user asks for an adviser and consents; returns the advisers' group post.

    Returns once the bot has also recorded which group message is the ticket's, as it
    does right after Telegram confirms the post (advisers reply later than that).
    """
    standin = bot.standin
    before_user = len(standin.sent(USER))
    standin.push_message(USER, "/adviser", language_code="en")
    await standin.wait_for("sendMessage", count=before_user + 1, chat_id=USER)
    standin.push_message(USER, question, language_code="en", username=username)
    sent = await standin.wait_for("sendMessage", count=before_user + 2, chat_id=USER)
    consent = sent[-1]
    assert "adv:send" in data_of(consent)
    before_group = len(standin.sent(ADVISERS))
    standin.push_button(USER, "adv:name" if share_name else "adv:send",
                        consent.params["message_id"], language_code="en", username=username)
    posts = await standin.wait_for("sendMessage", count=before_group + 1, chat_id=ADVISERS)
    store = bot.neuvo.handoff.store
    for _ in range(200):
        ticket = await store.open_ticket_of(bot.neuvo.conversation.storage.pseudonym(
            f"telegram:{USER}"))
        if ticket is not None and ticket.group_message_id is not None:
            break
        await asyncio.sleep(0.01)
    return posts[-1]


async def test_round_trip_with_masking_and_restart(
    desk_bot: RunningBot, standin: BotApiStandIn, tmp_path: Path
) -> None:
    post = await open_ticket(
        desk_bot, "My hetu is 131052-308T and phone 040 1234567. Where is my permit?")
    text = post.params["text"]
    assert "#1" in text and "English" in text
    assert "131052-308T" not in text and "1234567" not in text
    assert "[henkilötunnus]" in text
    assert {"tk:take:1", "tk:close:1", "tk:faq:1"} <= set(data_of(post))
    confirmation = standin.sent(USER)[-1]
    assert "#1" in confirmation.params["text"]

    # The adviser answers by replying to the ticket's message.
    standin.push_message(ADVISER, "Check Enter Finland <b>today</b>.", chat_type="supergroup",
                         chat_id=ADVISERS, reply_to=post)
    [*_, answer] = await standin.wait_for("sendMessage", count=4, chat_id=USER)
    assert "Answer from an adviser (question #1)" in answer.params["text"]
    assert "&lt;b&gt;today&lt;/b&gt;" in answer.params["text"]

    # The user's follow-up lands in the same ticket, as a reply to its message.
    standin.push_message(USER, "Thanks, and what about my wife?", language_code="en")
    group = await standin.wait_for("sendMessage", count=2, chat_id=ADVISERS)
    follow_up = group[-1]
    assert "#1" in follow_up.params["text"] and "my wife" in follow_up.params["text"]
    assert follow_up.params["reply_parameters"]["message_id"] == post.params["message_id"]

    # Restart the bot on the same database: a reply to the follow-up still reaches the user.
    await desk_bot.stop()
    async with running_bot(standin, tmp_path):
        standin.push_message(ADVISER, "She can apply too.", chat_type="supergroup",
                             chat_id=ADVISERS, reply_to=follow_up)
        sent = await standin.wait_for("sendMessage", count=6, chat_id=USER)
        assert "She can apply too." in sent[-1].params["text"]
        await desk_bot.start()  # the fixture stops it again


async def test_sharing_the_name_shows_it_to_advisers(desk_bot: RunningBot,
                                                     standin: BotApiStandIn) -> None:
    post = await open_ticket(desk_bot, "Can someone call me about housing?", username="amina_k",
                             share_name=True)
    assert "@amina_k" in post.params["text"]


async def test_no_command_from_outside_the_group_changes_a_ticket(
    desk_bot: RunningBot, standin: BotApiStandIn
) -> None:
    post = await open_ticket(desk_bot, "Question about my permit")
    standin.push_message(USER, "/close 1", language_code="en")
    standin.push_message(USER, "/ban 1", language_code="en")
    standin.push_message(ADVISER, "/close 1", chat_type="supergroup", chat_id=-100999)
    standin.push_button(USER, "tk:close:1", message_id=post.params["message_id"])
    standin.push_button(ADVISER, "tk:close:1", message_id=1, chat_id=-100999)
    standin.push_message(USER, "/tickets", language_code="en")
    await standin.wait_for("answerCallbackQuery", count=2)
    await standin.wait_for("sendMessage", count=7, chat_id=USER)
    assert standin.sent(-100999) == []
    store = desk_bot.neuvo.handoff.store
    ticket = await store.get(1)
    assert ticket is not None and ticket.status == "open"
    assert not await store.is_banned(ticket.pid)


async def test_group_commands_close_ban_and_list(desk_bot: RunningBot,
                                                 standin: BotApiStandIn) -> None:
    await open_ticket(desk_bot, "Where do I find a doctor?")
    standin.push_message(ADVISER, "/tickets", chat_type="supergroup", chat_id=ADVISERS)
    group = await standin.wait_for("sendMessage", count=2, chat_id=ADVISERS)
    assert "#1" in group[-1].params["text"]
    standin.push_message(ADVISER, "/close 1", chat_type="supergroup", chat_id=ADVISERS)
    sent = await standin.wait_for("sendMessage", count=4, chat_id=USER)
    assert "#1 is closed" in sent[-1].params["text"]
    standin.push_message(ADVISER, "/ban 1", chat_type="supergroup", chat_id=ADVISERS)
    group = await standin.wait_for("sendMessage", count=4, chat_id=ADVISERS)
    assert "can no longer" in group[-1].params["text"]
    standin.push_message(USER, "/adviser", language_code="en")
    sent = await standin.wait_for("sendMessage", count=5, chat_id=USER)
    assert "not available" in sent[-1].params["text"]
    standin.push_message(ADVISER, "/stats", chat_type="supergroup", chat_id=ADVISERS)
    group = await standin.wait_for("sendMessage", count=5, chat_id=ADVISERS)
    assert "1" in group[-1].params["text"]


async def test_files_are_forwarded_only_after_confirmation(desk_bot: RunningBot,
                                                           standin: BotApiStandIn) -> None:
    await open_ticket(desk_bot, "I got a letter from Migri")
    standin.push_message(USER, None, language_code="en", photo=True)
    sent = await standin.wait_for("sendMessage", count=4, chat_id=USER)
    assert data_of(sent[-1]) == ["adv:file:1", "adv:file:0"]
    assert standin.sent(method="copyMessage") == []
    standin.push_button(USER, "adv:file:1", sent[-1].params["message_id"], language_code="en")
    [copy] = await standin.wait_for("copyMessage")
    assert copy.params["chat_id"] == ADVISERS and copy.params["from_chat_id"] == USER


async def test_outside_opening_hours_the_user_is_told_when(standin: BotApiStandIn,
                                                           tmp_path: Path) -> None:
    today = dt.datetime.now(HELSINKI).weekday()
    other_day = DAYS[(today + 2) % 7]
    hours = OpeningHours.parse(f"{other_day} 10:00-12:00")
    async with running_bot(standin, tmp_path, adviser_hours=hours) as running:
        await open_ticket(running, "Can I get help with a Kela form?")
        sent = await standin.wait_for("sendMessage", count=4, chat_id=USER)
        assert "usually answer" in sent[-1].params["text"]
        assert "10:00" in sent[-1].params["text"]


async def test_forum_topics(standin: BotApiStandIn, tmp_path: Path) -> None:
    standin.forum = True
    async with running_bot(standin, tmp_path) as running:
        post = await open_ticket(running, "Question in a forum group")
        [topic] = standin.sent(method="createForumTopic")
        thread = post.params["message_thread_id"]
        assert topic.params["name"] == "#1"
        # Inside the topic the adviser just writes; no reply needed.
        standin.push_message(ADVISER, "Answer inside the topic", chat_type="supergroup",
                             chat_id=ADVISERS, thread_id=thread)
        sent = await standin.wait_for("sendMessage", count=4, chat_id=USER)
        assert "Answer inside the topic" in sent[-1].params["text"]


async def test_faq_draft_from_a_ticket(desk_bot: RunningBot, standin: BotApiStandIn,
                                       tmp_path: Path) -> None:
    post = await open_ticket(desk_bot, "How do I renew my passport? hetu 131052-308T")
    standin.push_message(ADVISER, "Contact your country's embassy.", chat_type="supergroup",
                         chat_id=ADVISERS, reply_to=post)
    await standin.wait_for("sendMessage", count=4, chat_id=USER)
    standin.push_message(ADVISER, "/faq 1", chat_type="supergroup", chat_id=ADVISERS)
    group = await standin.wait_for("sendMessage", count=2, chat_id=ADVISERS)
    assert "ticket-1.yaml" in group[-1].params["text"]
    draft = (tmp_path / "drafts" / "ticket-1.yaml").read_text(encoding="utf-8")
    assert "renew my passport" in draft and "embassy" in draft
    assert "131052-308T" not in draft


async def test_forget_with_an_open_question_tells_the_advisers(
    desk_bot: RunningBot, standin: BotApiStandIn
) -> None:
    post = await open_ticket(desk_bot, "My residence permit expires, what do I do?")
    before_group, before_user = len(standin.sent(ADVISERS)), len(standin.sent(USER))
    standin.push_message(USER, "/forget", language_code="en")
    [*_, confirm] = await standin.wait_for("sendMessage", chat_id=USER, count=before_user + 1)
    assert "fg:yes" in data_of(confirm)
    standin.push_button(USER, "fg:yes", confirm.params["message_id"], language_code="en")
    posts = await standin.wait_for("sendMessage", count=before_group + 1, chat_id=ADVISERS)
    note = posts[-1].params
    assert "/forget" in note["text"] and "closed" in note["text"]
    assert (note.get("reply_parameters") or {}).get("message_id") == post.params["message_id"]

"""After 👎, and under a long personal story the FAQ does not answer for sure, a person is
offered; crisis messages never reach the question log."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.content.loader import load_content
from bot.conversation.conversation import Conversation, User
from bot.knowledge.knowledge import Knowledge
from bot.matching.matcher import Candidate, MatchResult
from tests.conftest import ADVISERS, make_neuvo, make_settings
from tests.conversation.test_conversation import ScriptedMatcher, all_buttons
from tests.paths import FAQ, VECTORS

STORY = ("I lost my job last month and my residence permit is tied to that job. I have money "
         "for one more month, my children go to school here and I cannot sleep at night. I do "
         "not know what to do first or who to ask about all of this.")


@pytest.fixture
async def conv() -> AsyncIterator[Conversation]:
    neuvo = make_neuvo(make_settings(adviser_chat_id=ADVISERS), handoff=True)
    await neuvo.initialize()
    yield neuvo.conversation
    await neuvo.shutdown()


async def test_thumbs_down_offers_an_adviser(conv: Conversation) -> None:
    user = User("down", platform_lang="en", chat_id=1)
    outcome = await conv.text(user, "How do I get a Kela card?")
    feedback = next(d for _, d in all_buttons(outcome) if d.endswith(":0"))
    sorry = await conv.button(user, feedback)
    assert "adv:start" in [d for _, d in all_buttons(sorry)]


async def test_a_long_story_with_only_suggestions_offers_an_adviser(conv: Conversation) -> None:
    content = load_content(FAQ)
    matcher = ScriptedMatcher.from_content(content, VECTORS)
    matcher.result = MatchResult(
        "suggest", ("residence-permit-extension", "unemployment-benefit"),
        (Candidate("residence-permit-extension", 0.5), Candidate("unemployment-benefit", 0.4)),
        "en",
    )
    conv.knowledge = Knowledge(content, matcher, conv.knowledge.directory,
                               conv.knowledge.crisis, conv.knowledge.safety)
    user = User("story", platform_lang="en", chat_id=2)
    long_reply = await conv.text(user, STORY)
    assert "adv:ask" in [d for _, d in all_buttons(long_reply)]
    short_reply = await conv.text(user, "permit job")
    assert "adv:ask" not in [d for _, d in all_buttons(short_reply)]


async def test_crisis_messages_are_not_logged(conv: Conversation) -> None:
    user = User("crisis-log", platform_lang="en", chat_id=3)
    await conv.text(user, "I keep thinking about suicide")
    await conv.text(user, "How do I get a Kela card?")
    rows = await conv.storage.db.fetchall("SELECT entry_id FROM questions")
    assert [tuple(r) for r in rows] == [("kela-card",)]

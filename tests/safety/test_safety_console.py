"""The safety step as a person meets it: a console conversation per language, each route.

Messages are written for these tests (never taken from a benchmark). They use plain words
the patterns know, so the tests check the wiring and the replies, not encoder thresholds.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest

from bot.console.chat import ConsoleChat
from bot.conversation.conversation import Conversation, User
from bot.i18n import texts
from bot.i18n.replies import html_to_text
from tests.conftest import make_neuvo, make_settings

#: lang -> (suicidal thoughts, greeting, "are you a bot", "I want a human")
MESSAGES = {
    "en": ("I keep thinking about suicide", "hello", "are you a robot?",
           "can I speak with a real person?"),
    "fi": ("ajattelen itsemurhaa koko ajan", "moi", "ootko botti?",
           "voinko puhua ihmisen kanssa"),
    "sv": ("jag tänker på självmord hela tiden", "hej", "är du en robot?",
           "kan jag prata med en människa"),
    "ru": ("постоянно думаю о самоубийстве", "привет", "ты бот?",
           "хочу поговорить с человеком"),
    "uk": ("постійно думаю про самогубство", "привіт", "ти бот?",
           "хочу поговорити з людиною"),
    "ar": ("أفكر في الانتحار كل الوقت", "مرحبا", "انت بوت؟", "أريد التحدث مع موظف"),
    "fa": ("همش به خودکشی فکر میکنم", "سلام", "تو رباتی؟", "میخوام با مشاور حرف بزنم"),
    "ckb": ("هەمیشە بیر لە خۆکوژی دەکەمەوە", "سڵاو", "تۆ کێیت؟",
            "دەمەوێت لەگەڵ ڕاوێژکارێک قسە بکەم"),
    "so": ("waxaan rabaa inaan is dilo", "salaan", "robot ma tahay?",
           "waxaan rabaa inaan la hadlo qof dhab ah"),
}


@pytest.fixture
async def conversation() -> AsyncIterator[Conversation]:
    neuvo = make_neuvo(make_settings(), handoff=False)
    await neuvo.initialize()
    yield neuvo.conversation
    await neuvo.shutdown()


@pytest.fixture
async def with_handoff() -> AsyncIterator[Conversation]:
    neuvo = make_neuvo(make_settings(adviser_chat_id=-100777), handoff=True)
    await neuvo.initialize()
    yield neuvo.conversation
    await neuvo.shutdown()


def plain(conversation: Conversation, lang: str, message: str) -> str:
    return html_to_text(conversation.i18n(lang).html(message))


@pytest.mark.parametrize("lang", sorted(MESSAGES))
async def test_console_conversation_each_route(conversation: Conversation, lang: str) -> None:
    crisis, greeting, bot, human = MESSAGES[lang]
    question = conversation.knowledge.content.entries["kela-card"].texts[lang].question
    out = io.StringIO()
    chat = ConsoleChat(conversation, out, lang=lang)
    await chat.run([crisis, greeting, bot, human, question])
    shown = out.getvalue()
    card = conversation.knowledge.crisis.card("suicide", lang)
    assert card.splitlines()[0] in shown and "112" in shown and "09 2525 0111" in shown
    assert plain(conversation, lang, texts.SMALLTALK_GREETING) in shown
    assert plain(conversation, lang, texts.SMALLTALK_BOT) in shown
    assert plain(conversation, lang, texts.HUMAN_IN_PERSON) in shown
    assert plain(conversation, lang, texts.NO_ANSWER).splitlines()[0] not in shown
    kela = conversation.knowledge.content.entries["kela-card"].texts[lang].answer
    assert kela.splitlines()[0] in shown
    route = conversation.knowledge.safety.route
    assert [route(m).name for m in (crisis, greeting, bot, human)] == [
        "crisis:suicide", "smalltalk", "smalltalk", "human"]


async def test_crisis_card_offers_an_adviser_and_then_answers_the_question(
    with_handoff: Conversation,
) -> None:
    user = User("crisis-user", chat_id=5)
    await with_handoff.set_language(user, "en")
    outcome = await with_handoff.text(
        user, "How do I get a tax card? My husband hits me.")
    card, answer = outcome.messages
    assert "080 005 005" in card.html
    assert [b.data for row in card.buttons for b in row] == ["adv:urgent"]
    assert "tax card" in answer.html
    # Crisis messages are never logged: no feedback buttons point at a logged question.
    assert not any(b.data.startswith("fb:") for row in answer.buttons for b in row)


async def test_asking_for_a_human_starts_the_handoff(with_handoff: Conversation) -> None:
    user = User("human-user", chat_id=6)
    await with_handoff.set_language(user, "ar")
    outcome = await with_handoff.text(user, "ممكن احكي مع مستشار؟")
    assert plain(with_handoff, "ar", texts.ADVISER_INTRO) in html_to_text(
        outcome.messages[0].html)


async def test_an_emoji_alone_is_small_talk(conversation: Conversation) -> None:
    outcome = await conversation.text(User("emoji", platform_lang="fi"), "👍")
    assert plain(conversation, "fi", texts.SMALLTALK_ACK) in html_to_text(
        outcome.messages[0].html)

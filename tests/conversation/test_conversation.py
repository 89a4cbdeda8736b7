"""The transport-free conversation: language choice, answers, suggestions, topics."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.content.loader import load_content
from bot.conversation.conversation import Conversation, User
from bot.i18n import texts
from bot.i18n.replies import Message, Outcome
from bot.knowledge.knowledge import Knowledge
from bot.matching.embedding import Vectors
from bot.matching.matcher import Candidate, Matcher, MatchResult
from tests.conftest import make_neuvo, make_settings
from tests.paths import FAQ, VECTORS

RLM = "\u200f"


class ScriptedMatcher(Matcher):
    """The real matcher, except that `match` returns a result the test chose."""

    result: MatchResult

    def match(
        self, text: str, lang: str | None = None, *, vector: Vectors | None = None
    ) -> MatchResult:
        return self.result


@pytest.fixture
async def conv() -> AsyncIterator[Conversation]:
    neuvo = make_neuvo(make_settings(), handoff=False)
    await neuvo.initialize()
    yield neuvo.conversation
    await neuvo.shutdown()


def all_buttons(outcome: Outcome) -> Iterator[tuple[str, str]]:
    for message in outcome.messages + ([outcome.edit] if outcome.edit else []):
        for row in message.buttons:
            for button in row:
                yield button.label, button.data


def only(outcome: Outcome) -> Message:
    [message] = outcome.messages
    return message


async def test_reply_language_order(conv: Conversation) -> None:
    kela_fi = "Miten saan Kela-kortin?"
    # No choice, no platform language: the message's own language decides.
    reply = only(await conv.text(User("a"), "How do I get a Kela card?"))
    assert "Kela card" in reply.html
    # Telegram's language_code beats detection.
    reply = only(await conv.text(User("b", platform_lang="sv"), kela_fi))
    assert "FPA" in reply.html or "Kela-kort" in reply.html
    assert "Kela-kortti näyttää" not in reply.html
    # The user's choice beats both.
    await conv.set_language(User("c"), "uk")
    reply = only(await conv.text(User("c", platform_lang="sv"), kela_fi))
    assert any(ch in reply.html for ch in "іїєґ")


async def test_missing_translation_falls_back_to_finnish_and_english(conv: Conversation) -> None:
    content = conv.knowledge.content
    entry = next(e for e in content.entries.values() if "ar" not in e.texts)
    user = User("ar-user")
    await conv.set_language(user, "ar")
    outcome = await conv.button(user, f"q:{entry.id}")
    html = only(outcome).html
    assert entry.texts["fi"].question in html and entry.texts["en"].question in html
    lines = html.split("\n")
    assert lines[0].startswith(RLM)  # the note is in Arabic, right-to-left
    finnish_line = next(line for line in lines if entry.texts["fi"].question in line)
    assert not finnish_line.startswith(RLM)  # Finnish and English stay left-to-right


async def test_suggestion_offers_choices_and_records_the_pick(conv: Conversation) -> None:
    content = load_content(FAQ)
    matcher = ScriptedMatcher.from_content(content, VECTORS)
    matcher.result = MatchResult(
        "suggest", ("kela-card", "tax-card"),
        (Candidate("kela-card", 0.5), Candidate("tax-card", 0.45)), "en",
    )
    conv.knowledge = Knowledge(content, matcher, conv.knowledge.directory)
    user = User("s", platform_lang="en")
    outcome = await conv.text(user, "card")
    message = only(outcome)
    assert message.html.startswith("I am not sure")
    data = [d for _, d in all_buttons(outcome)]
    assert data[0].startswith("s:") and data[0].endswith(":kela-card")
    assert data[-1].startswith("nm:")
    answer = only(await conv.button(user, data[0]))
    assert "Kela card" in answer.html
    storage = conv.storage
    rows = await storage.db.fetchall("SELECT decision, entry_id FROM questions")
    assert [tuple(r) for r in rows] == [("suggest", "kela-card")]
    nothing = only(await conv.button(user, data[-1]))
    assert "do not know" in nothing.html


async def test_topics_lead_to_entries(conv: Conversation) -> None:
    user = User("t", platform_lang="en")
    topics = await conv.button(user, "menu:topics")
    topic_data = [d for _, d in all_buttons(topics)]
    assert "topic:kela" in topic_data
    entries = await conv.button(user, "topic:kela")
    entry_data = [d for _, d in all_buttons(entries)]
    assert "q:kela-card" in entry_data and entry_data[-1] == "menu:topics"
    answer = only(await conv.button(user, "q:kela-card"))
    assert "How do I get a Kela card?" in answer.html


async def test_every_button_fits_telegram(conv: Conversation) -> None:
    user = User("x" * 20, platform_lang="ckb")
    outcomes = [await conv.start(user), await conv.button(user, "menu:topics")]
    for topic in conv.knowledge.content.topics:
        outcomes.append(await conv.button(user, f"topic:{topic}"))
    for entry in conv.knowledge.content.entries:
        outcomes.append(await conv.button(user, f"q:{entry}"))
    for outcome in outcomes:
        for label, data in all_buttons(outcome):
            assert len(data.encode()) <= 64
            # Each label reads in the direction of its own text: Sorani labels right-to-left,
            # a Finnish fallback question or the name "Suomi" left-to-right.
            rtl = any("\u0600" <= ch <= "\u06ff" for ch in label)
            assert label.startswith(RLM) == rtl, label
            assert len(label) <= 64


async def test_empty_long_and_expired_input(conv: Conversation) -> None:
    user = User("e", platform_lang="en")
    assert only(await conv.text(user, "  🙂 ")).html == texts.EMPTY_MESSAGE
    outcome = await conv.text(user, "Kela " * 1000)
    assert outcome.messages[0].html == texts.TOO_LONG
    expired = only(await conv.button(user, "q:no-such-entry"))
    assert expired.html.startswith("This button is no longer valid")


async def test_logged_questions_are_masked(conv: Conversation) -> None:
    await conv.text(User("m", platform_lang="fi"), "hetuni on 131052-308T, missä Kela-kortti?")
    [(text,)] = await conv.storage.db.fetchall("SELECT text FROM questions")
    assert "131052-308T" not in text and "[henkilötunnus]" in text


async def test_feedback_buttons(conv: Conversation) -> None:
    user = User("f", platform_lang="fi")
    answer = await conv.text(user, "Miten saan Kela-kortin?")
    up = next(d for _, d in all_buttons(answer) if d.endswith(":1"))
    down = up[:-1] + "0"
    thanks = await conv.button(user, up)
    assert thanks.toast and not thanks.messages
    sorry = await conv.button(user, down)
    assert sorry.messages  # a 👎 gets advice on what to do next
    stranger = await conv.button(User("other", platform_lang="fi"), up)
    assert stranger.toast is None  # nobody else can vote on this answer


def test_knowledge_loads_from_bundled_content() -> None:
    knowledge = Knowledge.load(FAQ, VECTORS)
    assert not knowledge.directory.is_empty
    assert knowledge.matcher.match("Miten saan Kela-kortin?", "fi").ids[:1] == ("kela-card",)

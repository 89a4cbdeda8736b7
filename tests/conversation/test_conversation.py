"""The transport-free conversation: language choice, answers, suggestions, topics."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.content.loader import load_content
from bot.conversation.conversation import Conversation, User
from bot.i18n import texts
from bot.i18n.replies import Message, Outcome, escape
from bot.knowledge.knowledge import Knowledge
from bot.matching.embedding import Vectors
from bot.matching.matcher import Candidate, Matcher, MatchResult
from tests.conftest import make_neuvo, make_settings
from tests.matching.counting import CountingEncoder
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


async def test_missing_translation_falls_back_to_finnish_and_english(
    tmp_path: Path,
) -> None:
    content = tmp_path / "faq"
    shutil.copytree(FAQ, content)
    entry = content / "entries" / "kela-card.yaml"
    text = entry.read_text(encoding="utf-8")
    start = text.index("\nar:\n") + 1
    end = re.compile(r"^\S", re.M).search(text, start + 4)
    entry.write_text(text[:start] + (text[end.start():] if end else ""), encoding="utf-8")
    neuvo = make_neuvo(make_settings(content_dir=content), handoff=False)
    await neuvo.initialize()
    conv = neuvo.conversation
    try:
        kela = conv.knowledge.content.entries["kela-card"]
        assert "ar" not in kela.texts
        user = User("ar-user")
        await conv.set_language(user, "ar")
        outcome = await conv.button(user, "q:kela-card")
        html = only(outcome).html
        assert kela.texts["fi"].question in html and kela.texts["en"].question in html
        lines = html.split("\n")
        assert lines[0].startswith(RLM)  # the note is in Arabic, right-to-left
        finnish_line = next(line for line in lines if kela.texts["fi"].question in line)
        assert not finnish_line.startswith(RLM)  # Finnish and English stay left-to-right
    finally:
        await neuvo.shutdown()


async def test_suggestion_offers_choices_and_records_the_pick(conv: Conversation) -> None:
    content = load_content(FAQ)
    matcher = ScriptedMatcher.from_content(content, VECTORS)
    matcher.result = MatchResult(
        "suggest", ("kela-card", "tax-card"),
        (Candidate("kela-card", 0.5), Candidate("tax-card", 0.45)), "en",
    )
    conv.knowledge = Knowledge(content, matcher, conv.knowledge.directory,
                               conv.knowledge.crisis, conv.knowledge.safety)
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
    assert only(await conv.text(user, "  ?! ")).html == texts.EMPTY_MESSAGE
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


async def test_help_lists_every_command() -> None:
    neuvo = make_neuvo(make_settings(), handoff=True)
    await neuvo.initialize()
    try:
        reply = only(await neuvo.conversation.command(User("h", "en"), "help"))
    finally:
        await neuvo.shutdown()
    for command in ("/start", "/menu", "/language", "/adviser", "/help", "/privacy",
                    "/forget"):
        assert f"{command} – " in reply.html, command


async def test_after_an_arabic_question_commands_answer_in_arabic(conv: Conversation) -> None:
    user = User("ar-detected")
    only(await conv.text(user, "كيف أحصل على بطاقة كيلا؟"))
    prompt = only(await conv.command(user, "language"))
    assert sum("\u0600" <= ch <= "\u06ff" for ch in prompt.html) > 5
    assert "Choose your language" not in prompt.html and "Valitse" not in prompt.html


async def test_checked_dates_use_the_digits_of_persian_and_sorani(conv: Conversation) -> None:
    entry = conv.knowledge.content.entries["kela-card"]
    for lang, digits in (("fa", "۰۱۲۳۴۵۶۷۸۹"), ("ckb", "٠١٢٣٤٥٦٧٨٩")):
        await conv.set_language(User(lang), lang)
        reply = only(await conv.button(User(lang), f"q:{entry.id}"))
        source_line = reply.html.rsplit("\n\n", 1)[1]
        assert any(d in source_line for d in digits), source_line
        assert not any(d in source_line.split("</a>")[1] for d in "0123456789"), source_line


def card_buttons(message: Message) -> dict[str, str]:
    return {button.data.split(":")[0]: button.data for row in message.buttons for button in row}


async def test_an_answer_in_another_language_switches_to_plain_finnish_and_back(
    conv: Conversation,
) -> None:
    user = User("card", "ar")
    answer = only(await conv.text(user, "كيف أحصل على بطاقة كيلا؟"))
    buttons = card_buttons(answer)
    assert buttons["fi"].startswith("fi:kela-card:") and "fb" in buttons
    finnish = await conv.button(user, buttons["fi"])
    assert finnish.edit is not None and not finnish.messages
    assert "Kela-kortti näyttää" in finnish.edit.html
    assert "Lähde:" in finnish.edit.html or "Lähde" in finnish.edit.html
    # Feedback still works on the Finnish card; the way back is the user's language.
    assert card_buttons(finnish.edit)["fb"] == buttons["fb"]
    back = await conv.button(user, card_buttons(finnish.edit)["tr"])
    assert back.edit is not None and back.edit.html == answer.html
    # Finnish answers, and fallbacks already in Finnish, get no such button.
    assert "fi" not in card_buttons(only(await conv.text(User("fi", "fi"),
                                                         "Miten saan Kela-kortin?")))
    # Crafted data (no such entry, not a number) gets the "button no longer valid" menu.
    for crafted in ("fi:no-such-entry:1", "fi:kela-card:x"):
        assert (await conv.button(user, crafted)).edit is None


async def test_an_outdated_translation_says_only_the_finnish_is_up_to_date(
    conv: Conversation,
) -> None:
    from dataclasses import replace

    content = conv.knowledge.content
    entry = content.entries["kela-card"]
    ar = entry.texts["ar"]
    assert ar.translated is not None
    old = replace(entry, texts={**entry.texts, "ar": replace(
        ar, translated=entry.reviewed.replace(year=entry.reviewed.year - 1))})
    user = User("outdated", "ar")
    fresh = only(await conv.button(user, "q:kela-card"))
    stale = conv._answer(conv.i18n("ar"), old, None)
    note = conv.i18n("ar")(texts.TRANSLATION_OUTDATED)
    assert note not in fresh.html and note in stale.html


@pytest.fixture
def counting(conv: Conversation, monkeypatch: pytest.MonkeyPatch) -> CountingEncoder:
    encoder = CountingEncoder()
    monkeypatch.setattr(conv.knowledge.matcher, "_encoder", encoder)
    return encoder


async def test_the_safety_step_and_the_matcher_share_one_encoder_pass(
    conv: Conversation, counting: CountingEncoder,
) -> None:
    user = User("once", platform_lang="en")
    # No pattern names it: only the meaning, from the vector the matcher uses too, finds it.
    crisis = "nobody would miss me if I was gone, I have been thinking about it for weeks"
    outcome = await conv.text(user, crisis)
    assert escape(conv.knowledge.crisis.card("suicide", "en")) in outcome.messages[0].html
    assert len(counting.queries_in) == 1
    question = "how do I get the kela card when I have just moved to Finland from abroad"
    assert "Kela card" in only(await conv.text(user, question)).html
    assert len(counting.queries_in) == 2
    # A pattern sends it to a person: nothing to encode.
    await conv.text(user, "can I talk to a real person please")
    assert len(counting.queries_in) == 2

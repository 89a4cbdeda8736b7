"""The real python-telegram-bot Application against the local Bot API stand-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.i18n.languages import LANGUAGES
from tests.botapi import BotApiStandIn
from tests.conftest import RunningBot, make_settings

USER = 5001


def buttons(call_params: dict[str, Any]) -> list[tuple[str, str]]:
    markup = call_params.get("reply_markup") or {"inline_keyboard": []}
    return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


async def test_start_registers_commands_per_language(bot: RunningBot,
                                                     standin: BotApiStandIn) -> None:
    calls = standin.sent(method="setMyCommands")
    codes = {c.params.get("language_code") for c in calls}
    assert codes == {None, "fi", "sv", "en", "ru", "uk", "ar", "fa", "ku", "so"}
    finnish = next(c for c in calls if c.params.get("language_code") == "fi")
    assert [c["command"] for c in finnish.params["commands"]] == [
        "start", "menu", "language", "help", "privacy", "forget"]
    english = next(c for c in calls if c.params.get("language_code") == "en")
    assert finnish.params["commands"][0]["description"] != \
        english.params["commands"][0]["description"]


async def test_start_shows_language_keyboard_and_button_sets_language(
    bot: RunningBot, standin: BotApiStandIn
) -> None:
    standin.push_message(USER, "/start", language_code="fi")
    [greeting] = await standin.wait_for("sendMessage", chat_id=USER)
    assert greeting.params["parse_mode"] == "HTML"
    keyboard = buttons(greeting.params)
    assert [data for _, data in keyboard] == [f"lang:{lang}" for lang in LANGUAGES]
    assert ("العربية" in label for label, _ in keyboard)
    assert all(len(data.encode()) <= 64 for _, data in keyboard)

    standin.push_button(USER, "lang:ar", message_id=greeting.params.get("message_id", 1000),
                        language_code="fi")
    sent = await standin.wait_for("sendMessage", count=2, chat_id=USER)
    [edit] = await standin.wait_for("editMessageText")
    assert "العربية" in edit.params["text"]
    await standin.wait_for("answerCallbackQuery")
    menu = sent[1].params
    assert menu["text"].startswith("\u200f")  # RTL lines start right-to-left
    assert all(label.startswith("\u200f") for label, _ in buttons(menu))

    # The choice is remembered: /start again greets with the menu in Arabic.
    standin.push_message(USER, "/start", language_code="fi")
    sent = await standin.wait_for("sendMessage", count=3, chat_id=USER)
    assert "menu:ask" in [data for _, data in buttons(sent[2].params)]


async def test_deep_link_presets_language(bot: RunningBot, standin: BotApiStandIn) -> None:
    standin.push_message(USER, "/start lang-uk", language_code="en")
    [welcome] = await standin.wait_for("sendMessage", chat_id=USER)
    assert "menu:ask" in [data for _, data in buttons(welcome.params)]
    standin.push_message(USER, "/help", language_code="en")
    sent = await standin.wait_for("sendMessage", count=2, chat_id=USER)
    assert any(ch in sent[1].params["text"] for ch in "іїєґ")  # Ukrainian letters


async def test_finnish_question_gets_the_finnish_answer(bot: RunningBot,
                                                        standin: BotApiStandIn) -> None:
    standin.push_message(USER, "Miten saan Kela-kortin?", language_code="fi")
    [answer] = await standin.wait_for("sendMessage", chat_id=USER)
    text = answer.params["text"]
    assert "Kela-kortti" in text
    assert "kela.fi" in text
    data = [d for _, d in buttons(answer.params)]
    assert any(d.startswith("fb:") and d.endswith(":1") for d in data)


async def test_arabic_question_gets_the_arabic_answer(bot: RunningBot,
                                                      standin: BotApiStandIn) -> None:
    # No Telegram language: the reply language comes from the message itself.
    standin.push_message(USER, "كيف أحصل على بطاقة كيلا؟")
    [answer] = await standin.wait_for("sendMessage", chat_id=USER)
    text = answer.params["text"]
    arabic_letters = sum("\u0600" <= ch <= "\u06ff" for ch in text)
    assert arabic_letters > 40
    assert "Kela-kortti näyttää" not in text  # not the Finnish fallback


async def test_unknown_question_gets_an_honest_no(bot: RunningBot,
                                                  standin: BotApiStandIn) -> None:
    standin.push_message(USER, "What is the best pizza topping in Rome?", language_code="en")
    [reply] = await standin.wait_for("sendMessage", chat_id=USER)
    assert "do not know" in reply.params["text"]
    assert "menu:topics" in [d for _, d in buttons(reply.params)]


async def test_thumbs_up_is_stored(bot: RunningBot, standin: BotApiStandIn) -> None:
    standin.push_message(USER, "Miten saan Kela-kortin?", language_code="fi")
    [answer] = await standin.wait_for("sendMessage", chat_id=USER)
    [up] = [d for _, d in buttons(answer.params) if d.startswith("fb:") and d.endswith(":1")]
    standin.push_button(USER, up, message_id=1000, language_code="fi")
    [ack] = await standin.wait_for("answerCallbackQuery")
    assert ack.params.get("text")
    storage = bot.neuvo.conversation.storage
    rows = await storage.db.fetchall("SELECT entry_id, feedback FROM questions")
    assert [tuple(r) for r in rows] == [("kela-card", 1)]


async def test_user_html_is_escaped_and_bot_survives_odd_input(
    bot: RunningBot, standin: BotApiStandIn
) -> None:
    standin.push_message(USER, "<b>hi</b> & <script>", language_code="en")
    standin.push_button(USER, "nonsense:data", message_id=1, language_code="en")
    standin.push_message(USER, "/nosuchcommand", language_code="en")
    sent = await standin.wait_for("sendMessage", count=3, chat_id=USER)
    assert all("<script>" not in c.params["text"] for c in sent)
    standin.push_message(USER, "Miten saan Kela-kortin?", language_code="fi")
    sent = await standin.wait_for("sendMessage", count=4, chat_id=USER)
    assert "Kela" in sent[3].params["text"]


async def test_group_messages_are_ignored(bot: RunningBot, standin: BotApiStandIn) -> None:
    standin.push_message(USER, "Miten saan Kela-kortin?", chat_type="group", chat_id=-100)
    standin.push_message(USER, "/help", language_code="en")
    await standin.wait_for("sendMessage", chat_id=USER)
    assert standin.sent(chat_id=-100) == []


async def test_activities_from_menu_to_results(bot: RunningBot, standin: BotApiStandIn) -> None:
    standin.push_message(USER, "/menu", language_code="so")
    [menu] = await standin.wait_for("sendMessage", chat_id=USER)
    assert "menu:act" in [d for _, d in buttons(menu.params)]
    standin.push_button(USER, "menu:act", menu.params["message_id"], language_code="so")
    sent = await standin.wait_for("sendMessage", count=3, chat_id=USER)
    picker, location = sent[1].params, sent[2].params
    assert "mun:s:iisalmi:act" in [d for _, d in buttons(picker)]
    assert location["reply_markup"]["keyboard"][0][0]["request_location"] is True
    standin.push_button(USER, "mun:s:iisalmi:act", picker["message_id"], language_code="so")
    sent = await standin.wait_for("sendMessage", count=5, chat_id=USER)
    assert sent[3].params["reply_markup"] == {"remove_keyboard": True}  # location keyboard gone
    assert "act:language-cafe:a:0" in [d for _, d in buttons(sent[4].params)]
    standin.push_button(USER, "act:language-cafe:a:0", sent[4].params["message_id"],
                        language_code="so")
    sent = await standin.wait_for("sendMessage", count=6, chat_id=USER)
    results = sent[5].params["text"]
    assert "Kafeega luqadda" in results and "🗓" in results
    assert not any(month in results for month in ("November", "December", "January"))


async def test_polling_survives_network_loss(standin: BotApiStandIn, tmp_path: Path) -> None:
    failures = iter(range(4))
    standin.fault = lambda method, params: (
        (502, "Bad Gateway") if method == "getUpdates" and next(failures, None) is not None
        else None)
    running = RunningBot(standin, make_settings(tmp_path))
    await running.start()
    try:
        standin.push_message(USER, "Miten saan Kela-kortin?", language_code="fi")
        [answer] = await standin.wait_for("sendMessage", chat_id=USER, timeout=30)
        assert "Kela-kortti" in answer.params["text"]
        assert len(standin.sent(method="getUpdates", failed=True)) >= 4
    finally:
        await running.stop()


async def test_a_flood_gets_its_replies_and_one_notice(bot: RunningBot,
                                                      standin: BotApiStandIn) -> None:
    """Someone pastes a long text as 30 messages: the first 21 are answered, then the bot
    says once, in their language, that it skipped the rest."""
    for _ in range(30):  # no await in between: the bot fetches them together
        standin.push_message(USER, "?", language_code="fi")
    sent = await standin.wait_for("sendMessage", count=22, chat_id=USER)
    assert len({c.params["text"] for c in sent[:21]}) == 1  # "?" is answered the same way
    assert "yhdessä viestissä" in sent[21].params["text"]  # the notice, in Finnish, last
    standin.push_message(USER, "?", language_code="fi")
    sent = await standin.wait_for("sendMessage", count=23, chat_id=USER)
    assert sent[22].params["text"] == sent[0].params["text"]  # nothing else came between


async def test_an_arabic_answer_switches_to_plain_finnish_and_back_in_place(
    bot: RunningBot, standin: BotApiStandIn
) -> None:
    standin.push_message(USER, "كيف أحصل على بطاقة كيلا؟", language_code="ar")
    [answer] = await standin.wait_for("sendMessage", chat_id=USER)
    [finnish] = [d for label, d in buttons(answer.params) if "suomeksi" in label]
    assert finnish.startswith("fi:kela-card:") and len(finnish.encode()) <= 64
    standin.push_button(USER, finnish, message_id=answer.params.get("message_id", 1000),
                        language_code="ar")
    [edit] = await standin.wait_for("editMessageText")
    assert "Kela-kortti näyttää" in edit.params["text"]
    [back] = [d for label, d in buttons(edit.params) if "العربية" in label]
    assert back.startswith("tr:kela-card:")
    standin.push_button(USER, back, message_id=answer.params.get("message_id", 1000),
                        language_code="ar")
    edits = await standin.wait_for("editMessageText", count=2)
    assert "Kela-kortti näyttää" not in edits[1].params["text"]
    assert sum("\u0600" <= ch <= "\u06ff" for ch in edits[1].params["text"]) > 40

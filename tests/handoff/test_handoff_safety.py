"""Hand-off keeps every message written before Send; a crisis ticket is marked urgent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.handoff.opening_hours import DAYS, OpeningHours
from bot.i18n.finnish_time import HELSINKI
from tests.botapi import BotApiStandIn
from tests.conftest import ADVISERS
from tests.handoff.test_handoff import USER, data_of, running_bot


async def test_all_messages_before_send_reach_the_advisers_in_order(
    standin: BotApiStandIn, tmp_path: Path,
) -> None:
    async with running_bot(standin, tmp_path):
        standin.push_message(USER, "/adviser", language_code="en")
        await standin.wait_for("sendMessage", count=1, chat_id=USER)
        standin.push_message(USER, "My residence permit decision is late, 8 months now.",
                             language_code="en")
        await standin.wait_for("sendMessage", count=2, chat_id=USER)
        standin.push_message(USER, "Also my wife is worried, call 040 1234567",
                             language_code="en")
        sent = await standin.wait_for("sendMessage", count=3, chat_id=USER)
        consent = sent[-1]
        assert "8 months" in consent.params["text"] and "wife" in consent.params["text"]
        standin.push_button(USER, "adv:send", consent.params["message_id"],
                            language_code="en")
        [post] = await standin.wait_for("sendMessage", count=1, chat_id=ADVISERS)
        text = post.params["text"]
        assert text.index("8 months") < text.index("wife is worried")
        assert "1234567" not in text  # masked as before
        assert "URGENT" not in text


async def test_a_crisis_ticket_is_urgent_and_after_hours_the_person_gets_the_lines(
    standin: BotApiStandIn, tmp_path: Path,
) -> None:
    other_day = DAYS[(dt.datetime.now(HELSINKI).weekday() + 2) % 7]
    hours = OpeningHours.parse(f"{other_day} 10:00-12:00")
    async with running_bot(standin, tmp_path, adviser_hours=hours):
        standin.push_message(USER, "my husband beats me and I am afraid",
                             language_code="en")
        card = (await standin.wait_for("sendMessage", count=1, chat_id=USER))[0]
        assert "080 005 005" in card.params["text"]
        assert data_of(card) == ["adv:urgent"]
        standin.push_button(USER, "adv:urgent", card.params["message_id"],
                            language_code="en")
        [consent] = await standin.wait_for(
            "sendMessage", chat_id=USER, where=lambda c: "adv:send" in data_of(c))
        assert "afraid" in consent.params["text"]
        standin.push_button(USER, "adv:send", consent.params["message_id"],
                            language_code="en")
        [post] = await standin.wait_for("sendMessage", count=1, chat_id=ADVISERS)
        assert post.params["text"].startswith("🚨 URGENT")
        await standin.wait_for("sendMessage", chat_id=USER,
                               where=lambda c: "call 112 now" in c.params["text"])


async def test_an_urgent_ticket_posted_again_after_a_restart_is_still_urgent(
    standin: BotApiStandIn, tmp_path: Path,
) -> None:
    # The bot died after storing the ticket and before its post was queued: at the next
    # start the post is made again from the stored ticket, and the urgent mark with it.
    async with running_bot(standin, tmp_path) as running:
        store = running.neuvo.handoff.store
        await store.create("pid-1", USER, "en", None, None, "I am afraid of my husband",
                           urgent=True)
        await store.create("pid-2", USER + 1, "en", None, None, "My permit is late")
    async with running_bot(standin, tmp_path):
        posts = await standin.wait_for("sendMessage", count=2, chat_id=ADVISERS)
        [urgent] = [p for p in posts if "afraid" in p.params["text"]]
        [ordinary] = [p for p in posts if "permit" in p.params["text"]]
        assert urgent.params["text"].startswith("🚨 URGENT")
        assert "URGENT" not in ordinary.params["text"]


async def test_a_crisis_written_to_an_adviser_gets_the_card_at_once_and_an_urgent_ticket(
    standin: BotApiStandIn, tmp_path: Path,
) -> None:
    async with running_bot(standin, tmp_path):
        standin.push_message(USER, "/adviser", language_code="en")
        await standin.wait_for("sendMessage", count=1, chat_id=USER)
        standin.push_message(USER, "My husband beats me and I am afraid to go home",
                             language_code="en")
        card, consent = (await standin.wait_for("sendMessage", count=3, chat_id=USER))[1:]
        assert "080 005 005" in card.params["text"]  # the card first, not only the draft
        assert "afraid" in consent.params["text"] and "adv:send" in data_of(consent)
        standin.push_button(USER, "adv:send", consent.params["message_id"],
                            language_code="en")
        [post] = await standin.wait_for("sendMessage", count=1, chat_id=ADVISERS)
        assert post.params["text"].startswith("🚨 URGENT")
        # A crisis in a follow-up to the open ticket: the card again, and it is relayed.
        before = len(standin.sent(USER))
        standin.push_message(USER, "he is hitting me now", language_code="en")
        sent = await standin.wait_for("sendMessage", count=before + 2, chat_id=USER)
        assert "112" in sent[before].params["text"]
        await standin.wait_for("sendMessage", count=2, chat_id=ADVISERS)

"""Abuse limits of the hand-off, on the transport-free service."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.handoff.handoff import (
    MAX_MESSAGES_PER_WINDOW,
    MAX_RELAY_CHARS,
    MAX_TICKETS_PER_DAY,
    Handoff,
)
from bot.handoff.opening_hours import OpeningHours
from bot.handoff.tickets import TicketStore
from bot.i18n import texts
from bot.i18n.catalogs import I18n, Translator
from bot.i18n.languages import native_name
from bot.i18n.replies import Outcome
from bot.storage.storage import MEMORY, Storage
from bot.storage.usage import Usage
from bot.tools.report import published
from tests.paths import LOCALES

NOW = [1_800_000_000.0]


@pytest.fixture
async def handoff(tmp_path) -> AsyncIterator[Handoff]:  # type: ignore[no-untyped-def]
    storage = Storage(MEMORY, b"k" * 32, clock=lambda: NOW[0])
    await storage.open()
    yield Handoff(storage, TicketStore(storage.db, clock=lambda: NOW[0]),
                  Usage(storage.db, clock=lambda: NOW[0]), I18n.load(LOCALES),
                  OpeningHours.parse("mon-sun 00:00-23:59"), "fi", tmp_path, native_name,
                  published)
    await storage.close()


async def write(handoff: Handoff, pid: str, t: Translator, text: str) -> Outcome | None:
    """A text from the person, as the conversation passes it: to the hand-off if it holds
    the person's next text, else None (the FAQ's)."""
    holder = await handoff.holder(pid, await handoff.storage.pending(pid))
    return None if holder is None else await handoff.intercept_text(pid, 1, t, text, holder)


async def create(handoff: Handoff, pid: str, question: str) -> str:
    t = handoff.i18n("en")
    await handoff.ask(pid, t)
    await write(handoff, pid, t, question)
    outcome = await handoff.button(pid, 1, None, "iisalmi", "Iisalmi", t, "send")
    return (outcome.edit or outcome.messages[-1]).html


async def test_one_open_ticket_per_user(handoff: Handoff) -> None:
    await create(handoff, "p", "first")
    outcome = await handoff.ask("p", handoff.i18n("en"))
    assert "already have an open question (#1)" in outcome.messages[0].html


async def test_tickets_per_day_limit(handoff: Handoff) -> None:
    for _ in range(MAX_TICKETS_PER_DAY):
        await create(handoff, "p", "again")
        ticket = await handoff.store.open_ticket_of("p")
        assert ticket is not None
        await handoff.store.set_status(ticket.id, "closed")
    assert "many questions today" in await create(handoff, "p", "one more")
    NOW[0] += 86400 + 1
    assert "was sent" in await create(handoff, "p", "next day")


async def test_message_rate_limit(handoff: Handoff) -> None:
    await create(handoff, "q", "start")
    t = handoff.i18n("en")
    replies = []
    for i in range(MAX_MESSAGES_PER_WINDOW + 2):
        outcome = await write(handoff, "q", t, f"message {i}")
        assert outcome is not None
        replies.append(outcome)
    assert replies[0].to_advisers
    assert not replies[-1].to_advisers
    assert replies[-1].messages[0].html == t(texts.TOO_MANY_MESSAGES)


async def test_long_messages_are_cut_with_a_note(handoff: Handoff) -> None:
    await create(handoff, "r", "start")
    outcome = await write(handoff, "r", handoff.i18n("en"), "x" * 5000)
    assert outcome is not None
    assert str(MAX_RELAY_CHARS) in outcome.messages[0].html
    assert len(outcome.to_advisers[0].message.html) < MAX_RELAY_CHARS + 200


async def test_consent_can_be_cancelled(handoff: Handoff) -> None:
    t = handoff.i18n("en")
    await handoff.ask("s", t)
    await write(handoff, "s", t, "my question")
    cancelled = await handoff.button("s", 1, None, None, None, t, "cancel")
    assert cancelled.edit is not None and not cancelled.to_advisers
    assert await write(handoff, "s", t, "a normal question") is None
    assert await handoff.store.open_ticket_of("s") is None


async def test_a_ban_stops_the_open_ticket_and_outlives_forget(handoff: Handoff) -> None:
    await create(handoff, "p", "first question")
    ticket = await handoff.store.open_ticket_of("p")
    assert ticket is not None
    await handoff.desk_command("ban", str(ticket.id))
    t = handoff.i18n("en")
    outcome = await write(handoff, "p", t, "one more thing")
    assert outcome is not None and not outcome.to_advisers  # not relayed
    assert outcome.messages[0].html == t.html(texts.ADVISER_UNAVAILABLE)
    assert await handoff.store.messages(ticket.id) == [("user", "first question")]
    await handoff.forget("p")
    await handoff.storage.forget("p")
    assert await handoff.store.is_banned("p")  # /forget does not lift it
    outcome = await handoff.ask("p", t, "again")
    assert outcome.messages[0].html == t.html(texts.ADVISER_UNAVAILABLE)


async def test_forget_does_not_reset_the_daily_limit(handoff: Handoff) -> None:
    for n in range(MAX_TICKETS_PER_DAY):
        await create(handoff, "p", f"question {n}")
        await handoff.desk_command("close", str(n + 1))
        await handoff.storage.forget("p")
    assert "many questions today" in await create(handoff, "p", "one more")
    NOW[0] += 86400 + 1
    await handoff.storage.expire(180)
    assert "was sent" in await create(handoff, "p", "the next day")


async def test_numbers_are_masked_also_when_the_name_is_shared(handoff: Handoff) -> None:
    t = handoff.i18n("en")
    await handoff.ask("q", t)
    await write(handoff, "q", t, "Call me: 040 123 4567")
    outcome = await handoff.button("q", 1, "Amina (@amina)", None, None, t, "name")
    [post] = outcome.to_advisers
    assert "Amina (@amina)" in post.message.html and "123 4567" not in post.message.html


async def test_faq_drafts_are_private_and_go_with_forget(handoff: Handoff) -> None:
    await create(handoff, "d", "How do I renew my passport?")
    await handoff.store.add_message(1, "adviser", "Ask your embassy.")
    await handoff.desk_command("faq", "1")
    draft = handoff.drafts_dir / "ticket-1.yaml"
    assert "renew my passport" in draft.read_text(encoding="utf-8")
    assert draft.stat().st_mode & 0o777 == 0o600
    await handoff.forget("d")
    assert not draft.exists()


async def test_a_number_across_the_cut_is_masked_whole(handoff: Handoff) -> None:
    question = "a" * (MAX_RELAY_CHARS - 8) + " +358 40 123 4567 please call"
    await create(handoff, "c", question)
    ticket = await handoff.store.open_ticket_of("c")
    assert ticket is not None
    [(_, stored)] = await handoff.store.messages(ticket.id)
    assert "[phone]" in stored and "358" not in stored

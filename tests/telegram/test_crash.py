"""SIGKILL during load: the database stays sound, no ticket and no pending reply is lost."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

from tests.botapi import BotApiStandIn
from tests.paths import FAQ, ROOT, VECTORS

ADVISERS = -100555
USERS = range(301, 341)


def bot_env(standin: BotApiStandIn, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEUVO_"))}
    env.update(TELEGRAM_BOT_TOKEN=standin.token, TELEGRAM_BASE_URL=standin.base_url,
               NEUVO_DB=str(db), NEUVO_CONTENT=str(FAQ), NEUVO_VECTORS=str(VECTORS),
               ADVISER_CHAT_ID=str(ADVISERS),
               NEUVO_RELOAD_SECONDS="0", NEUVO_ADVISER_HOURS="mon-sun 00:00-23:59")
    return env


async def start_bot(standin: BotApiStandIn, db: Path, log: Path) -> asyncio.subprocess.Process:
    before = len(standin.sent(method="setMyCommands"))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "run_bot.py", cwd=ROOT, env=bot_env(standin, db),
        stdin=asyncio.subprocess.DEVNULL, stdout=log.open("ab"), stderr=asyncio.subprocess.STDOUT,
    )
    await standin.wait_for("setMyCommands", count=before + 11, timeout=60)  # started
    return process


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


async def test_sigkill_during_load(standin: BotApiStandIn, tmp_path: Path) -> None:
    db, log = tmp_path / "neuvo.sqlite3", tmp_path / "bot.log"
    # Telegram is down for sends: every reply has to wait in the outbox.
    standin.fault = lambda method, params: (502, "Bad Gateway") if method in (
        "sendMessage", "createForumTopic") else None
    process = await start_bot(standin, db, log)
    for user in USERS:
        standin.push_message(user, "Miten saan Kela-kortin?", language_code="fi")
    for user in USERS[:10]:
        standin.push_message(user, "/adviser Where is my residence permit?", language_code="en")
        standin.push_button(user, "adv:send", message_id=1, language_code="en")
    # Kill the bot while it is still working through the load.
    for _ in range(600):  # until some tickets exist, while replies are still being made
        if db.exists() and rows(db, "SELECT COUNT(*) FROM tickets")[0][0] >= 5:
            break
        await asyncio.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    await process.wait()

    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    pending = rows(db, "SELECT chat_id, COUNT(*) FROM outbox GROUP BY chat_id")
    tickets_before = rows(db, "SELECT COUNT(*) FROM tickets")[0][0]
    assert pending, "replies were waiting in the outbox when the bot was killed"
    assert tickets_before > 0, "tickets were created before the kill"
    ticket_posts = rows(db, f"SELECT COUNT(*) FROM outbox WHERE chat_id = {ADVISERS}")[0][0]

    # Telegram works again and the bot restarts: every stored reply goes out exactly once.
    standin.fault = None
    process = await start_bot(standin, db, log)
    try:
        # (Updates fetched and not handled before the kill are handled now too, so more
        # than these replies arrive: wait for each chat's own.)
        for chat_id, count in pending:
            await standin.wait_for("sendMessage", count=count, chat_id=chat_id, timeout=60)
        await asyncio.sleep(0.5)  # would any duplicate show up?
        delivered: dict[int, int] = {}
        for call in standin.sent():
            delivered[call.params["chat_id"]] = delivered.get(call.params["chat_id"], 0) + 1
        for chat_id, count in pending:
            assert delivered.get(chat_id, 0) >= count
        for chat_id in delivered:
            texts = [c.params["text"] for c in standin.sent(chat_id)]
            assert len(texts) == len(set(texts)), f"a message to {chat_id} was sent twice"
        for _ in range(600):  # the replies to the updates handled again go out too
            if rows(db, "SELECT COUNT(*) FROM outbox") == [(0,)]:
                break
            await asyncio.sleep(0.05)
        assert rows(db, "SELECT COUNT(*) FROM outbox") == [(0,)]
        assert rows(db, "SELECT COUNT(*) FROM tickets")[0][0] >= tickets_before
        # Every ticket created before the kill reached the advisers, and is mapped to its post.
        assert len(standin.sent(ADVISERS)) >= ticket_posts
        unmapped = "SELECT COUNT(*) FROM tickets WHERE group_message_id IS NULL"
        for _ in range(200):  # mapped right after Telegram confirms the post
            if rows(db, unmapped) == [(0,)]:
                break
            await asyncio.sleep(0.05)
        assert rows(db, unmapped) == [(0,)]
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]


#: When the bot is killed in each round, counted from the moment the round's burst is sent.
KILL_AFTER = (0.3, 0.8, 1.5)
#: Each user's messages in each round (40 users: 200 messages), and who asks an adviser.
QUESTIONS = (("Miten saan Kela-kortin?", "Mikä on henkilötunnus?"),
             ("How do I get a tax card?", "Where do I register my address?"),
             ("Mistä saan lääkärin?",))
ASKERS = (USERS[:5], USERS[5:10], ())


async def test_sigkill_at_any_moment_loses_no_message(standin: BotApiStandIn,
                                                      tmp_path: Path) -> None:
    """Bursts of questions and hand-offs, the bot killed mid-way in each round and
    restarted: every update gets its reply, every ticket is made once and reaches the
    advisers."""
    db, log = tmp_path / "neuvo.sqlite3", tmp_path / "bot.log"
    standin.latency = 0.02  # Telegram answers slowly: replies are in flight when killed
    expected = dict.fromkeys(USERS, 0)
    for questions, askers, delay in zip(QUESTIONS, ASKERS, KILL_AFTER, strict=True):
        process = await start_bot(standin, db, log)
        for text in questions:
            for user in USERS:
                standin.push_message(user, text, language_code="fi")
                expected[user] += 1
        for user in askers:
            standin.push_message(user, "/adviser Missä on oleskelulupani?", language_code="fi")
            standin.push_button(user, "adv:send", message_id=1, language_code="fi")
            expected[user] += 2  # the consent question, then "sent"
        await asyncio.sleep(delay)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        assert rows(db, "PRAGMA integrity_check") == [("ok",)]

    process = await start_bot(standin, db, log)
    try:
        for user, count in expected.items():
            await standin.wait_for("sendMessage", count=count, chat_id=user, timeout=90)
        for _ in range(600):  # until every ticket's post reached the advisers
            posted = rows(db, "SELECT COUNT(*) FROM tickets WHERE group_message_id IS NOT NULL")
            if posted == [(10,)]:
                break
            await asyncio.sleep(0.05)
        tickets = rows(db, "SELECT pid, group_message_id FROM tickets")
        assert len(tickets) == 10 and len({pid for pid, _ in tickets}) == 10  # none twice
        assert all(message_id is not None for _, message_id in tickets)  # all reached advisers
        assert rows(db, "SELECT COUNT(*) FROM inbox WHERE payload IS NOT NULL") == [(0,)]
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)

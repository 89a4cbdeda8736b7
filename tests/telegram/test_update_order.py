"""Concurrency across chats, order within a chat, and floods that must not crowd others out."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update

from bot.telegram.update_order import MAX_WAITING_PER_CHAT, PerChatUpdateProcessor, UpdateBacklog


def _update(chat_id: int, update_id: int = 1) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": "hei",
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "A"}}}, None)


async def test_a_chat_with_a_backlog_does_not_hold_up_another() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    gate = asyncio.Event()
    done: list[tuple[int, int]] = []

    async def handle(chat: int, n: int, wait: bool) -> None:
        if wait:
            await gate.wait()
        done.append((chat, n))

    busy = [asyncio.create_task(processor.process_update(
        _update(1, n), handle(1, n, wait=True))) for n in range(10)]
    await asyncio.sleep(0.01)
    # Nine updates of chat 1 wait behind its first; they must not take the running slots.
    await asyncio.wait_for(processor.process_update(_update(2), handle(2, 0, wait=False)),
                           timeout=1)
    assert done == [(2, 0)]
    gate.set()
    await asyncio.gather(*busy)
    assert [n for chat, n in done if chat == 1] == list(range(10))  # in order


async def test_a_flood_from_one_chat_is_cut() -> None:
    processor = PerChatUpdateProcessor()
    gate = asyncio.Event()
    ran: list[int] = []

    async def handle(n: int) -> None:
        await gate.wait()
        ran.append(n)

    sent = MAX_WAITING_PER_CHAT + 10
    tasks = [asyncio.create_task(processor.process_update(_update(1, n), handle(n)))
             for n in range(sent)]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(*tasks)
    assert ran == list(range(MAX_WAITING_PER_CHAT + 1))


async def test_a_flood_is_told_once_after_what_was_kept() -> None:
    told: list[int] = []
    ran: list[int] = []
    gate = asyncio.Event()

    async def notice(update: Update) -> None:
        told.append(update.update_id)
        ran.append(-1)

    processor = PerChatUpdateProcessor(flood_notice=notice)

    async def handle(n: int) -> None:
        await gate.wait()
        ran.append(n)

    async def flood(first: int) -> None:
        gate.clear()
        tasks = [asyncio.create_task(processor.process_update(_update(1, n), handle(n)))
                 for n in range(first, first + MAX_WAITING_PER_CHAT + 10)]
        await asyncio.sleep(0.01)
        gate.set()
        await asyncio.gather(*tasks)

    await flood(0)
    kept = list(range(MAX_WAITING_PER_CHAT + 1))
    assert ran == [*kept, -1]  # one notice, for the first update dropped, after the rest
    assert told == [MAX_WAITING_PER_CHAT + 1]
    ran.clear()
    await flood(100)  # once everything was handled, a new flood is told again
    assert ran == [*(100 + n for n in kept), -1]


async def test_the_backlog_holds_the_updater_back_until_updates_finish() -> None:
    queue = UpdateBacklog(limit=2)
    await queue.put("a")
    await queue.put("b")
    third: asyncio.Task[Any] = asyncio.create_task(queue.put("c"))
    await asyncio.sleep(0.01)
    assert not third.done()
    assert await queue.get() == "a"
    await asyncio.sleep(0.01)
    assert not third.done()  # taken off the queue is not finished: it may still be handled
    queue.task_done()
    await asyncio.wait_for(third, timeout=1)
    assert queue.qsize() == 2

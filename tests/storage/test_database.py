"""The shared connection and the in-memory caches in front of it: fewer trips, same truth."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.handoff.tickets import TicketStore
from bot.i18n.replies import Message
from bot.storage.database import Database, Grouped, Params, Written, values
from bot.storage.storage import PENDING_SECONDS, Storage
from bot.telegram.outbox import Outbox, Parcel


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(str(tmp_path / "t.sqlite3"))
    await database.open("PRAGMA journal_mode=WAL")
    await database.execute("CREATE TABLE t (n INTEGER)")
    yield database
    await database.close()


async def test_a_statement_commits_itself(db: Database, tmp_path: Path) -> None:
    await db.execute("INSERT INTO t VALUES (1)")
    other = Database(str(tmp_path / "t.sqlite3"))
    await other.open()
    assert await other.fetchall("SELECT n FROM t") == [(1,)]
    await other.close()


async def test_others_wait_for_a_transaction_and_survive_its_rollback(db: Database) -> None:
    inside = asyncio.Event()
    release = asyncio.Event()

    async def failing() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO t VALUES (1)")
            inside.set()
            await release.wait()
            raise RuntimeError("boom")

    task = asyncio.create_task(failing())
    await inside.wait()
    outsider = asyncio.create_task(db.execute("INSERT INTO t VALUES (2)"))
    await asyncio.sleep(0.05)
    assert not outsider.done()  # it waits: it must not become part of the transaction
    release.set()
    with pytest.raises(RuntimeError):
        await task
    await outsider
    assert await db.fetchall("SELECT n FROM t") == [(2,)]


async def test_storage_cache_is_dropped_by_forget_and_expiry(tmp_path: Path) -> None:
    clock = Clock()
    storage = Storage(str(tmp_path / "s.sqlite3"), b"k" * 32, clock=clock)
    await storage.open()
    await storage.set_language("p", "so")
    await storage.set_pending("p", "consent", "kysymys")
    assert (await storage.touch_user("p")).lang == "so"
    assert (await storage.pending("p")) is not None
    await storage.forget("p")
    assert (await storage.touch_user("p")).lang is None
    assert await storage.pending("p") is None

    await storage.set_pending("q", "consent", "x")
    clock.now += PENDING_SECONDS + 1  # a cached request ages like a stored one
    assert await storage.pending("q") is None
    clock.now += 2 * 86400
    assert await storage.expire(180) >= 1
    assert await storage.db.fetchall("SELECT pid FROM pending") == []
    await storage.close()


async def test_a_new_process_sees_what_the_last_one_stored(tmp_path: Path) -> None:
    path = str(tmp_path / "s.sqlite3")
    first = Storage(path, b"k" * 32)
    await first.open()
    await first.set_municipality("p", "kuopio")
    created = (await first.touch_user("p")).created_at
    tickets = TicketStore(first.db)
    ticket = await tickets.create("p", 42, "fi", "kuopio", None, "apua")
    row, behind = await Outbox(first.db).put(Parcel(42, Message("odottaa")))
    assert not behind
    await first.close()

    again = Storage(path, b"k" * 32)
    await again.open()
    record = await again.touch_user("p")
    assert (record.municipality, record.created_at) == ("kuopio", created)
    store = TicketStore(again.db)
    assert (found := await store.open_ticket_of("p")) is not None and found.id == ticket.id
    assert await store.open_ticket_of("someone-else") is None
    outbox = Outbox(again.db)
    later, behind = await outbox.put(Parcel(42, Message("uusi")))
    assert behind and later > row  # the message left over from before goes first
    await outbox.done(row, 42)
    _, behind = await outbox.put(Parcel(43, Message("muu keskustelu")))
    assert not behind
    await again.close()


async def test_closed_and_forgotten_tickets_are_not_open(tmp_path: Path) -> None:
    storage = Storage(str(tmp_path / "s.sqlite3"), b"k" * 32)
    await storage.open()
    store = TicketStore(storage.db)
    assert await store.open_ticket_of("p") is None
    ticket = await store.create("p", 42, "fi", None, None, "apua")
    assert await store.open_ticket_of("p") is not None
    await store.set_status(ticket.id, "closed")
    assert await store.open_ticket_of("p") is None
    await store.create("p", 42, "fi", None, None, "taas")  # a new one after the closed one
    assert await store.open_ticket_of("p") is not None
    await storage.forget("p")
    assert await store.open_ticket_of("p") is None
    await storage.close()


class CountingDatabase(Database):
    """Counts the statements sent to SQLite: each is one trip to the connection's thread."""

    statements: list[str]

    async def execute(self, sql: str, params: Params = ()) -> Written:
        self.statements.append(sql)
        return await super().execute(sql, params)


def _insert(n: int) -> str:
    return "INSERT INTO t(n) VALUES " + values(1, n)


@pytest.fixture
async def counting(tmp_path: Path) -> AsyncIterator[CountingDatabase]:
    database = CountingDatabase(str(tmp_path / "g.sqlite3"))
    database.statements = []
    await database.open("PRAGMA journal_mode=WAL")
    await database.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")
    yield database
    await database.close()


async def test_rows_written_at_the_same_moment_go_in_one_statement(
        counting: CountingDatabase, tmp_path: Path) -> None:
    db = counting
    grouped = Grouped(db, _insert)
    db.statements.clear()
    await asyncio.gather(*(grouped.write(n) for n in range(150)))
    # All 150 were waiting when the writer began: as many per statement as allowed.
    assert db.statements == [_insert(64), _insert(64), _insert(22)]
    other = sqlite3.connect(tmp_path / "g.sqlite3")  # every row committed, none twice
    assert other.execute("SELECT COUNT(*), SUM(n) FROM t").fetchone() == (150, sum(range(150)))

    # A statement that fails fails for every row in it, as each would alone; the next
    # rows are written as usual.
    results = await asyncio.gather(grouped.write(1000), grouped.write(1000),
                                   return_exceptions=True)
    assert all(isinstance(r, sqlite3.IntegrityError) for r in results)
    await grouped.write(1001)
    assert other.execute("SELECT MAX(n) FROM t").fetchone() == (1001,)

    # Inside a transaction, a row belongs to it (and is rolled back with it) instead of
    # waiting for it to end.
    with pytest.raises(RuntimeError):
        async with db.transaction():
            async with asyncio.timeout(5):  # not wait_for: that would be another task
                await grouped.write(2000)
            raise RuntimeError("changed my mind")
    assert other.execute("SELECT COUNT(*) FROM t WHERE n = 2000").fetchone() == (0,)
    other.close()


async def test_numbers_of_delivered_rows_are_not_used_again(tmp_path: Path) -> None:
    """Outbox rows and questions are numbered by the bot: after a restart it goes on from
    the highest number ever given, as SQLite's AUTOINCREMENT would, even when those rows
    are gone (delivered, forgotten)."""
    path = str(tmp_path / "n.sqlite3")
    first = Storage(path, b"k" * 32)
    await first.open()
    outbox = Outbox(first.db)
    rows = [(await outbox.put(Parcel(42, Message(str(n)))))[0] for n in range(3)]
    question = await first.log_question("p", "kela?", "fi", "answer", "kela-card", 0.9)
    for row in rows:
        await outbox.done(row, 42)
    await first.forget("p")
    await first.close()

    again = Storage(path, b"k" * 32)
    await again.open()
    later, behind = await Outbox(again.db).put(Parcel(42, Message("uusi")))
    assert later > max(rows) and not behind
    assert await again.log_question("q", "vero?", "fi", "none", None, None) > question
    await again.close()

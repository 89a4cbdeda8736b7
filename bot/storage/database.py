"""The bot's one SQLite connection, shared by every update being handled at the same time.

Every aiosqlite call is a trip to its worker thread and back, and at hundreds of updates a
second those trips, not SQLite, were the bot's largest cost (about 25 per question). So
the connection runs in autocommit mode: a statement commits itself in the same trip, and
each method here is exactly one trip. With WAL and synchronous=NORMAL a commit is an
append to the log, without an fsync.

Several statements that must succeed or fail together go in `transaction()`. While one
runs, other coroutines' statements wait for it: they can neither slip into it (and be
committed or rolled back with it) nor see it half done.

Still, a trip costs about 50 µs of CPU on top of SQLite's 15 µs for a small insert, and
every update that the bot handles wrote the same few rows: its question, its reply into the
outbox and the reply out again. `Grouped` writes such rows for all the coroutines that want
to at the same moment in one multi-row statement (group commit): while one write is on its
way, the rows that arrive wait and go together in the next. Each caller still returns only
once its row is committed, so nothing is promised before it is stored.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiosqlite

Params = Sequence[Any] | Mapping[str, Any]


@dataclass(frozen=True)
class Written:
    """What a write statement did."""

    rowcount: int
    lastrowid: int | None


class Database:
    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: aiosqlite.Connection | None = None
        self._tx_lock = asyncio.Lock()
        #: The task inside `transaction()`, whose own statements must not wait for it.
        self._tx_owner: asyncio.Task[Any] | None = None
        self._no_tx = asyncio.Event()
        self._no_tx.set()

    async def open(self, *pragmas: str) -> None:
        # isolation_level=None: no implicit BEGIN; see the module docstring. `Grouped`
        # statements come in up to MAX_GROUP sizes: room to keep them all prepared.
        self._conn = await aiosqlite.connect(self.path, isolation_level=None,
                                             cached_statements=512)
        for pragma in pragmas:
            await self._conn.execute(pragma)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    def in_own_transaction(self) -> bool:
        """Whether the running task is inside `transaction()` (its statements go in it)."""
        return self._tx_owner is not None and self._tx_owner is asyncio.current_task()

    async def _ready(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("the database is not open")
        while not self._no_tx.is_set() and not self.in_own_transaction():
            await self._no_tx.wait()
        return self._conn

    async def execute(self, sql: str, params: Params = ()) -> Written:
        """One write statement (or a PRAGMA): committed when this returns."""
        conn = await self._ready()
        cursor = await conn.execute(sql, params)
        return Written(cursor.rowcount, cursor.lastrowid)

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """One statement for many rows, in one trip (inside `transaction()`, one commit)."""
        conn = await self._ready()
        await conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Rows of a query (or of a write with RETURNING), read to the end in one trip, so
        no statement is left open on the shared connection."""
        conn = await self._ready()
        return list(await conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def executescript(self, script: str) -> None:
        """Statements without parameters (migrations); the script does its own BEGIN."""
        conn = await self._ready()
        await conn.executescript(script)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Statements in this block commit together, or not at all if it raises."""
        async with self._tx_lock:
            conn = await self._ready()
            self._tx_owner = asyncio.current_task()
            self._no_tx.clear()
            try:
                await conn.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    await conn.rollback()
                    raise
                await conn.commit()
            finally:
                self._tx_owner = None
                self._no_tx.set()


#: Most rows in one `Grouped` statement (SQLite allows 32,766 parameters in one).
MAX_GROUP = 64


class Grouped:
    """One statement written for many rows at once; see the module docstring.

    `statement(n)` is the SQL for `n` rows, taking the rows' parameters one row after the
    other: a multi-row INSERT, or a DELETE … WHERE id IN (…).
    """

    def __init__(self, db: Database, statement: Callable[[int], str]) -> None:
        self.db = db
        self._statement = functools.lru_cache(maxsize=MAX_GROUP)(statement)
        self._waiting: list[tuple[Sequence[Any], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, *params: Any) -> None:
        """Store one row; returns once it is committed."""
        if self.db.in_own_transaction():
            # Inside the caller's transaction the row must be part of it, and the writer
            # would wait for that transaction to end.
            await self.db.execute(self._statement(1), params)
            return
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((params, done))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_waiting())
        await done

    async def _write_waiting(self) -> None:
        rows: list[tuple[Sequence[Any], asyncio.Future[None]]] = []
        try:
            while self._waiting:
                rows, self._waiting = self._waiting[:MAX_GROUP], self._waiting[MAX_GROUP:]
                try:
                    await self.db.execute(self._statement(len(rows)),
                                          [value for params, _ in rows for value in params])
                except Exception as exc:  # every row's caller hears of it, as if alone
                    _settle(rows, exc)
                else:
                    _settle(rows, None)
                rows = []
        except BaseException:  # cancelled (the bot is stopping): nobody may wait for ever
            for _, done in rows + self._waiting:
                done.cancel()
            self._waiting = []
            raise
        finally:
            self._writer = None


def _settle(rows: list[tuple[Sequence[Any], asyncio.Future[None]]],
            error: Exception | None) -> None:
    for _, done in rows:
        if done.done():  # its caller was cancelled meanwhile
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)


def values(columns: int, rows: int) -> str:
    """`(?, ?), (?, ?)` for a multi-row INSERT of `rows` rows."""
    one = "(" + ", ".join(["?"] * columns) + ")"
    return ", ".join([one] * rows)

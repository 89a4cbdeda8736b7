"""Messages on their way out, kept in SQLite until Telegram has accepted them.

A reply or an adviser's answer is written here before it is sent and removed once
Telegram confirms it, so a network failure, a flood limit or a crash of the bot delays a
message but never loses it. Delivery is retried with back-off, oldest first, by the
sender; one row is one message, so a delivered row is never sent again.

Rows are numbered here, not by SQLite, so that the rows of replies being sent at the same
moment can be stored together, and removed together, in one statement each
(`bot.storage.database.Grouped`); one bot process owns a database file.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass

from bot.i18n.replies import AdviserPost, Button, Message
from bot.storage.database import Database, Grouped, values

#: Back-off between delivery attempts of one row, in seconds (the last value repeats).
BACKOFF = (2, 5, 15, 60, 300)
#: A new row belongs to the sender that wrote it for this long: the periodic flush leaves
#: it alone meanwhile, so a message is never sent by both at once. After a crash, the
#: start-up recovery takes every row at once.
LEASE_SECONDS = 60


@dataclass(frozen=True)
class Parcel:
    """One message for one chat, with what is needed to send it later."""

    chat_id: int
    message: Message
    reply_to: int | None = None
    thread_id: int | None = None
    #: Set for posts to the advisers' group: their message id is mapped to the ticket.
    post: AdviserPost | None = None


def _message_from(data: dict[str, object]) -> Message:
    buttons = data.get("buttons") or []
    assert isinstance(buttons, list)
    return Message(
        html=str(data["html"]),
        buttons=tuple(tuple(Button(**b) for b in row) for row in buttons),
        location_button=data.get("location_button"),  # type: ignore[arg-type]
        remove_keyboard=bool(data.get("remove_keyboard")),
    )


def encode(parcel: Parcel) -> str:
    return json.dumps(asdict(parcel), ensure_ascii=False)


def decode(text: str) -> Parcel:
    data = json.loads(text)
    post = data.get("post")
    return Parcel(
        chat_id=int(data["chat_id"]),
        message=_message_from(data["message"]),
        reply_to=data.get("reply_to"),
        thread_id=data.get("thread_id"),
        post=None if post is None else AdviserPost(
            ticket_id=int(post["ticket_id"]),
            message=_message_from(post["message"]),
            reply_to=post.get("reply_to"),
            thread_id=post.get("thread_id"),
            copy_from=tuple(post["copy_from"]) if post.get("copy_from") else None,
            message_row=post.get("message_row"),
        ),
    )


def _put_rows(n: int) -> str:
    return ("INSERT INTO outbox(id, chat_id, payload, created_at, attempts, next_at, handles) "
            "VALUES " + values(7, n))


def _done_rows(n: int) -> str:
    return "DELETE FROM outbox WHERE id IN (" + ", ".join(["?"] * n) + ")"


class Outbox:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock
        #: Rows per chat, so that keeping a chat's order needs no query per message. Read
        #: once from the table, then kept by `put` and `done`, the only writers of rows.
        self._per_chat: Counter[int] | None = None
        #: The rows stored and not yet delivered, and the number the next row gets.
        self._rows: set[int] = set()
        self._next_row = 0
        self._loading = asyncio.Lock()
        self._puts = Grouped(db, _put_rows)
        self._dones = Grouped(db, _done_rows)

    async def _counts(self) -> Counter[int]:
        if self._per_chat is None:
            async with self._loading:
                if self._per_chat is None:
                    rows = await self.db.fetchall("SELECT id, chat_id FROM outbox")
                    # AUTOINCREMENT's counter: numbers of delivered rows are not used again.
                    last = await self.db.fetchone(
                        "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")
                    self._rows = {int(row) for row, _ in rows}
                    self._next_row = max([int(last[0]) if last else 0, *self._rows]) + 1
                    self._per_chat = Counter(int(chat) for _, chat in rows)
        return self._per_chat

    async def put(self, parcel: Parcel, handles: int | None = None) -> tuple[int, bool]:
        """Store a message; returns its row and whether an older message to the same chat
        is still undelivered (then this one must wait for it, to keep the order).

        `handles`: the update whose last reply this is; the same statement marks it handled
        in the inbox (bot/telegram/inbox.py), by the table's trigger.
        """
        counts = await self._counts()
        behind = counts[parcel.chat_id] > 0
        counts[parcel.chat_id] += 1  # before the write: a concurrent put must see this row
        row = self._next_row
        self._next_row += 1
        now = self._clock()
        try:
            await self._puts.write(row, parcel.chat_id, encode(parcel), now, 0,
                                   now + LEASE_SECONDS, handles)
        except BaseException:
            self._forget_one(counts, parcel.chat_id)
            raise
        self._rows.add(row)
        return row, behind

    def reload(self) -> None:
        """Rows were deleted behind its back (/forget): read the counts afresh when next
        needed."""
        self._per_chat = None

    async def release(self, row: int) -> None:
        """Hand a new row over to the flush at once (its sender will not deliver it)."""
        await self.db.execute("UPDATE outbox SET next_at = ? WHERE id = ?", (self._clock(), row))

    async def update(self, row: int, parcel: Parcel) -> None:
        await self.db.execute("UPDATE outbox SET payload = ? WHERE id = ?", (encode(parcel), row))

    async def done(self, row: int, chat_id: int) -> None:
        counts = await self._counts()
        await self._dones.write(row)
        if row in self._rows:
            self._rows.discard(row)
            self._forget_one(counts, chat_id)

    @staticmethod
    def _forget_one(counts: Counter[int], chat_id: int) -> None:
        counts[chat_id] -= 1
        if counts[chat_id] <= 0:
            del counts[chat_id]

    async def failed(self, row: int, retry_after: float | None = None) -> None:
        """Try this row again later: after `retry_after` if Telegram said so, else back off."""
        found = await self.db.fetchone("SELECT attempts FROM outbox WHERE id = ?", (row,))
        attempts = int(found[0]) + 1 if found else 1
        delay = retry_after if retry_after is not None else BACKOFF[
            min(attempts, len(BACKOFF)) - 1]
        await self.db.execute(
            "UPDATE outbox SET attempts = ?, next_at = ? WHERE id = ?",
            (attempts, self._clock() + delay, row),
        )

    async def has_ticket_post(self, ticket_id: int) -> bool:
        """Whether a new ticket's first post is already waiting here."""
        return await self.db.fetchone(
            "SELECT 1 FROM outbox WHERE json_extract(payload, '$.post.ticket_id') = ? "
            "AND json_extract(payload, '$.post.reply_to') IS NULL LIMIT 1",
            (ticket_id,),
        ) is not None

    async def wake(self, after_restart: bool = False) -> None:
        """Make waiting rows due now: Telegram is reachable again, or we restarted.

        While running, only rows that already failed are woken; new rows stay with the
        sender that is delivering them. After a restart no sender holds any row.
        """
        now = self._clock()
        await self.db.execute(
            "UPDATE outbox SET next_at = ? WHERE next_at > ? AND (attempts > 0 OR ?)",
            (now, now, after_restart),
        )

    async def due(self, limit: int = 50) -> list[tuple[int, Parcel]]:
        """Rows ready to be tried again, oldest first; none that would overtake an earlier
        row of its chat still waiting for its own turn."""
        now = self._clock()
        rows = await self.db.fetchall(
            "SELECT id, payload FROM outbox AS o WHERE next_at <= ? AND NOT EXISTS ("
            "SELECT 1 FROM outbox AS e WHERE e.chat_id = o.chat_id AND e.id < o.id "
            "AND e.next_at > ?) ORDER BY id LIMIT ?",
            (now, now, limit),
        )
        return [(row[0], decode(row[1])) for row in rows]

    async def pending(self) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM outbox")
        return int(row[0]) if row else 0

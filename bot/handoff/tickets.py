"""Hand-off tickets in SQLite: the bot's own record of who asked what and where replies go.

The mapping from an advisers' group message (or forum topic) to a ticket is stored here,
never read back from Telegram's `forward_from`, which users' privacy settings hide. So an
adviser's reply finds its user after any restart, and advisers never see who the user is.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.storage.database import Database

OPEN_STATES = ("open", "taken")
#: The same, for SQL.
_IS_OPEN = "status IN (" + ", ".join(f"'{state}'" for state in OPEN_STATES) + ")"


@dataclass(frozen=True)
class Ticket:
    id: int
    pid: str
    chat_id: int | None
    lang: str
    municipality: str | None
    status: str
    contact: str | None
    group_message_id: int | None
    group_thread_id: int | None
    created_at: int
    first_reply_at: int | None
    #: Asked from a crisis card (see `Handoff.ask`).
    urgent: bool = False

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


_TICKET_COLUMNS = (
    "id, pid, chat_id, lang, municipality, status, contact, group_message_id, "
    "group_thread_id, created_at, first_reply_at, urgent"
)


def _ticket(row: sqlite3.Row) -> Ticket:
    """A row of `_TICKET_COLUMNS`; SQLite keeps the urgent flag as 0 or 1."""
    ticket = Ticket(*row)
    return replace(ticket, urgent=bool(ticket.urgent))


class TicketStore:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock
        #: Everyone who may have an open ticket (a superset: closed ones drop out when
        #: looked up). Every message asks whether its sender has one, and almost nobody does.
        self._maybe_open: set[str] | None = None
        self._loading = asyncio.Lock()
        self._creations = 0

    def now(self) -> int:
        return int(self._clock())

    async def _one(self, where: str, *args: object) -> Ticket | None:
        row = await self.db.fetchone(f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE {where}", args)
        return _ticket(row) if row else None

    async def create(
        self, pid: str, chat_id: int, lang: str, municipality: str | None, contact: str | None,
        text: str, urgent: bool = False,
    ) -> Ticket:
        now = self.now()
        maybe_open = await self._maybe_open_pids()
        self._creations += 1
        maybe_open.add(pid)
        async with self.db.transaction():
            written = await self.db.execute(
                "INSERT INTO tickets(pid, chat_id, lang, municipality, status, contact, "
                "created_at, updated_at, urgent) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?)",
                (pid, chat_id, lang, municipality, contact, now, now, int(urgent)),
            )
            assert written.lastrowid is not None
            await self.db.execute(
                "INSERT INTO ticket_messages(ticket_id, direction, text, at) "
                "VALUES (?, 'user', ?, ?)",
                (written.lastrowid, text, now),
            )
            await self.db.execute("INSERT INTO ticket_starts(pid, at) VALUES (?, ?)",
                                  (pid, now))
        ticket = await self.get(written.lastrowid)
        assert ticket is not None
        return ticket

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self._one("id = ?", ticket_id)

    async def _maybe_open_pids(self) -> set[str]:
        """Read once from the table, then kept by `create` and `open_ticket_of`."""
        if self._maybe_open is None:
            async with self._loading:
                if self._maybe_open is None:
                    rows = await self.db.fetchall(
                        f"SELECT DISTINCT pid FROM tickets WHERE {_IS_OPEN}")
                    self._maybe_open = {row[0] for row in rows}
        return self._maybe_open

    async def open_ticket_of(self, pid: str) -> Ticket | None:
        maybe_open = await self._maybe_open_pids()
        if pid not in maybe_open:
            return None
        creations = self._creations
        ticket = await self._one(
            f"pid = ? AND {_IS_OPEN} ORDER BY id DESC LIMIT 1", pid
        )
        if ticket is None and creations == self._creations:
            maybe_open.discard(pid)
        return ticket

    async def by_group_message(self, message_id: int) -> Ticket | None:
        """The ticket that a message of the advisers' group (any part of a post) shows."""
        return await self._one(
            "id = (SELECT ticket_id FROM group_posts WHERE message_id = ?)", message_id)

    async def by_thread(self, thread_id: int) -> Ticket | None:
        return await self._one("group_thread_id = ?", thread_id)

    async def record_post(self, ticket_id: int, message_id: int, thread_id: int | None) -> None:
        """Remember the ticket's first post in the advisers' group (and its forum topic):
        the first part of it, when a long post came in several parts."""
        await self.db.execute(
            "UPDATE tickets SET group_message_id = COALESCE(group_message_id, ?), "
            "group_thread_id = COALESCE(group_thread_id, ?) WHERE id = ?",
            (message_id, thread_id, ticket_id),
        )

    async def map_post(self, ticket_id: int, message_id: int) -> None:
        """A message in the advisers' group shows this ticket: replies to it go there."""
        await self.db.execute(
            "INSERT OR REPLACE INTO group_posts(message_id, ticket_id) VALUES (?, ?)",
            (message_id, ticket_id),
        )

    async def ids_of(self, pid: str) -> list[int]:
        """The numbers of every ticket this person has (for /forget)."""
        rows = await self.db.fetchall("SELECT id FROM tickets WHERE pid = ?", (pid,))
        return [int(row[0]) for row in rows]

    async def add_message(
        self, ticket_id: int, direction: str, text: str, group_message_id: int | None = None
    ) -> int:
        now = self.now()
        async with self.db.transaction():
            written = await self.db.execute(
                "INSERT INTO ticket_messages(ticket_id, direction, text, at, group_message_id) "
                "VALUES (?, ?, ?, ?, ?)",
                (ticket_id, direction, text, now, group_message_id),
            )
            if direction == "adviser":
                await self.db.execute(
                    "UPDATE tickets SET first_reply_at = COALESCE(first_reply_at, ?), "
                    "updated_at = ? WHERE id = ?",
                    (now, now, ticket_id),
                )
            else:
                await self.db.execute(
                    "UPDATE tickets SET updated_at = ? WHERE id = ?", (now, ticket_id)
                )
        assert written.lastrowid is not None
        return written.lastrowid

    async def messages(self, ticket_id: int) -> list[tuple[str, str]]:
        rows = await self.db.fetchall(
            "SELECT direction, text FROM ticket_messages WHERE ticket_id = ? ORDER BY id",
            (ticket_id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def set_status(self, ticket_id: int, status: str) -> None:
        now = self.now()
        closing = status == "closed"
        await self.db.execute(
            "UPDATE tickets SET status = ?, updated_at = ?, "
            "closed_at = CASE WHEN ? THEN ? ELSE closed_at END, "
            # The chat id is only needed to deliver replies; a closed ticket drops it.
            "chat_id = CASE WHEN ? THEN NULL ELSE chat_id END WHERE id = ?",
            (status, now, closing, now, closing, ticket_id),
        )

    async def open_tickets(self) -> list[Ticket]:
        rows = await self.db.fetchall(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE {_IS_OPEN} "
            "ORDER BY id"
        )
        return [_ticket(row) for row in rows]

    async def created_since(self, pid: str, since: int) -> int:
        """Tickets opened since then, /forget or not (`ticket_starts` outlives it)."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM ticket_starts WHERE pid = ? AND at >= ?", (pid, since)
        )
        return int(row[0]) if row else 0

    async def user_messages_since(self, pid: str, since: int) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id "
            "WHERE t.pid = ? AND m.direction = 'user' AND m.at >= ?",
            (pid, since),
        )
        return int(row[0]) if row else 0

    async def ban(self, pid: str) -> None:
        await self.db.execute(
            "INSERT OR IGNORE INTO bans(pid, at) VALUES (?, ?)", (pid, self.now())
        )

    async def unban(self, pid: str) -> None:
        await self.db.execute("DELETE FROM bans WHERE pid = ?", (pid,))

    async def is_banned(self, pid: str) -> bool:
        return await self.db.fetchone("SELECT 1 FROM bans WHERE pid = ?", (pid,)) is not None

    async def stats(self, since: int) -> dict[str, float | int | None]:
        row = await self.db.fetchone(
            "SELECT COUNT(*), SUM(status != 'closed'), "
            "AVG(CASE WHEN first_reply_at IS NOT NULL THEN first_reply_at - created_at END) "
            "FROM tickets WHERE created_at >= ?",
            (since,),
        )
        assert row is not None
        return {"tickets": row[0], "open": row[1] or 0, "avg_reply_seconds": row[2]}

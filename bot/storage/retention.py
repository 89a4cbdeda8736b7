"""Deleting personal data: a user's own request, and the expiry of old logs and of people
who stopped using the bot.

Deletion is complete: every row that carries the user's pseudonym goes, in one
transaction, so a crash cannot leave half of a person behind — with the messages still
waiting to be sent to them or about their tickets (the outbox), and, as SQLite is told to
overwrite deleted content (`secure_delete`) and the write-ahead log is emptied afterwards,
without old copies left in the file. Anonymous aggregate counters (bot/storage/usage.py)
carry no pseudonym and stay, which is what keeps reports possible.

Two abuse limits stay on purpose, apart from the person's data and under the same
pseudonym: a ban (until advisers lift it) and the tickets opened in the last day (for the
daily limit, deleted after a day). Without them, /forget would undo a ban or reset the
limit; `/privacy` says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.storage.database import Database

#: Default for how long question logs are kept (configurable: NEUVO_RETENTION_DAYS).
DEFAULT_RETENTION_DAYS = 180
#: Pending requests are ignored after an hour; the nightly job deletes those over a day old.
PENDING_DAYS = 1
#: Ticket openings are counted for the daily limit, then deleted.
TICKET_LIMIT_DAYS = 1

# Every table with personal rows, and how to find a user's rows in it. Ticket messages
# go with their tickets (ON DELETE CASCADE needs foreign keys on: Storage enables them).
_USER_ROWS = (
    ("ticket_messages", "ticket_id IN (SELECT id FROM tickets WHERE pid = ?)"),
    ("tickets", "pid = ?"),
    ("questions", "pid = ?"),
    ("pending", "pid = ?"),
    ("users", "pid = ?"),
)
#: Messages not yet delivered: to the person's chat, or to advisers about their tickets.
_UNSENT = ("DELETE FROM outbox WHERE chat_id = ? OR json_extract(payload, '$.post.ticket_id') "
           "IN (SELECT id FROM tickets WHERE pid = ?)")


async def forget_user(db: Database, pid: str, chat_id: int | None) -> None:
    """Delete everything stored under this pseudonym (the user asked for it), and what
    waits for delivery to `chat_id`, their chat.

    Called through `Storage.forget`, which also drops what it keeps in memory.
    """
    async with db.transaction():
        await db.execute(_UNSENT, (chat_id, pid))
        for table, where in _USER_ROWS:
            await db.execute(f"DELETE FROM {table} WHERE {where}", (pid,))
    # Old page images in the write-ahead log still hold the deleted text: empty the log.
    await db.fetchall("PRAGMA wal_checkpoint(TRUNCATE)")


async def rows_about(db: Database, pid: str) -> int:
    """How many rows still mention this pseudonym (0 after `forget_user`)."""
    total = 0
    for table, where in _USER_ROWS:
        row = await db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE {where}", (pid,))
        total += int(row[0]) if row else 0
    return total


async def expire_logs(db: Database, days: int, clock: Callable[[], float] = time.time) -> int:
    """Delete question logs and closed tickets older than `days`, and the people not seen
    for `days` (their language and municipality) unless a ticket of theirs is still kept;
    returns rows deleted. Someone who comes back after that starts afresh."""
    now = int(clock())
    cutoff = now - days * 86400
    deleted = 0
    statements = (
        ("DELETE FROM questions WHERE at < ?", cutoff),
        ("DELETE FROM ticket_messages WHERE ticket_id IN "
         "(SELECT id FROM tickets WHERE status = 'closed' AND closed_at < ?)", cutoff),
        ("DELETE FROM tickets WHERE status = 'closed' AND closed_at < ?", cutoff),
        # Half-finished requests (a question awaiting consent) live an hour at most.
        ("DELETE FROM pending WHERE at < ?", now - PENDING_DAYS * 86400),
        ("DELETE FROM ticket_starts WHERE at < ?", now - TICKET_LIMIT_DAYS * 86400),
        # last_seen is written at most hourly (bot/storage/storage.py): far finer than `days`.
        ("DELETE FROM users WHERE last_seen < ? AND pid NOT IN (SELECT pid FROM tickets)",
         cutoff),
    )
    async with db.transaction():
        for sql, before in statements:
            deleted += max((await db.execute(sql, (before,))).rowcount, 0)
    return deleted

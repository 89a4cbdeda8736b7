"""What the bot remembers, in SQLite, and nothing more than it needs.

Users are stored under a pseudonym: a keyed hash (HMAC-SHA256) of their platform id. The
key lives in its own file beside the database, outside the repository, so a copy of the
database alone cannot be turned back into Telegram accounts by hashing every possible id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cachetools import LRUCache

from bot.storage.database import Database, Grouped, values
from bot.storage.files import make_private, private_file
from bot.storage.privacy import mask_personal_data
from bot.storage.retention import expire_logs, forget_user

MEMORY = ":memory:"
#: How long a half-finished request (a question awaiting consent, a municipality being
#: chosen) is kept in mind.
PENDING_SECONDS = 3600

# Each step moves the schema one version up; never edit a step that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE users (
        pid TEXT PRIMARY KEY,
        lang TEXT,
        created_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
    );
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        pid TEXT NOT NULL,
        at INTEGER NOT NULL,
        lang TEXT NOT NULL,
        text TEXT NOT NULL,
        decision TEXT NOT NULL,
        entry_id TEXT,
        score REAL,
        feedback INTEGER
    );
    CREATE INDEX questions_at ON questions(at);
    CREATE INDEX questions_pid ON questions(pid);
    """,
    """
    ALTER TABLE users ADD COLUMN municipality TEXT;
    CREATE TABLE tickets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        pid TEXT NOT NULL,
        -- Where replies go. Needed only while the ticket is open; cleared when it closes.
        chat_id INTEGER,
        lang TEXT NOT NULL,
        municipality TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'taken', 'closed')),
        -- The user's Telegram name, only when they consented to share it.
        contact TEXT,
        group_message_id INTEGER,
        group_thread_id INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        first_reply_at INTEGER,
        closed_at INTEGER
    );
    CREATE INDEX tickets_pid ON tickets(pid, status);
    CREATE INDEX tickets_group_message ON tickets(group_message_id);
    CREATE INDEX tickets_thread ON tickets(group_thread_id);
    CREATE TABLE ticket_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        direction TEXT NOT NULL CHECK (direction IN ('user', 'adviser')),
        text TEXT NOT NULL,
        at INTEGER NOT NULL,
        group_message_id INTEGER
    );
    CREATE INDEX ticket_messages_group ON ticket_messages(group_message_id);
    CREATE TABLE bans (pid TEXT PRIMARY KEY, at INTEGER NOT NULL);
    -- What a user is in the middle of: a question waiting for consent, a file to forward.
    CREATE TABLE pending (
        pid TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        text TEXT,
        message_id INTEGER,
        at INTEGER NOT NULL
    );
    """,
    """
    -- Messages not yet confirmed by Telegram (bot/telegram/outbox.py).
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id INTEGER NOT NULL,
        payload TEXT NOT NULL,
        created_at REAL NOT NULL,
        attempts INTEGER NOT NULL,
        next_at REAL NOT NULL
    );
    CREATE INDEX outbox_due ON outbox(next_at);
    CREATE INDEX outbox_chat ON outbox(chat_id, id);
    """,
    """
    -- Anonymous usage counters for reports (bot/storage/usage.py): no pid, no text, so they
    -- outlive /forget and the question log's retention.
    CREATE TABLE usage_counts (
        month TEXT NOT NULL,
        event TEXT NOT NULL,
        dimension TEXT NOT NULL,
        value TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (month, event, dimension, value)
    ) WITHOUT ROWID;
    -- Who was active in a month that is not over yet (a hash, not the pid), to count each
    -- person once; folded into usage_counts and deleted when the month is over.
    CREATE TABLE usage_active (
        month TEXT NOT NULL,
        marker TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('new', 'returning')),
        lang TEXT NOT NULL,
        municipality TEXT NOT NULL,
        PRIMARY KEY (month, marker)
    ) WITHOUT ROWID;
    """,
    """
    -- Updates from Telegram, stored before Telegram is told they arrived and kept until
    -- handled (bot/telegram/inbox.py). Once handled, only the number stays (payload NULL),
    -- a day long, so that a second delivery of the same update is recognised.
    CREATE TABLE inbox (
        update_id INTEGER PRIMARY KEY,
        payload TEXT,
        received_at REAL NOT NULL
    );
    CREATE INDEX inbox_unfinished ON inbox(update_id) WHERE payload IS NOT NULL;
    -- The update whose last reply a row is: storing that row marks the update handled, in
    -- the same statement (so in group commit with other chats' replies, and atomically).
    ALTER TABLE outbox ADD COLUMN handles INTEGER;
    CREATE TRIGGER outbox_handles AFTER INSERT ON outbox WHEN NEW.handles IS NOT NULL
    BEGIN
        UPDATE inbox SET payload = NULL WHERE update_id = NEW.handles;
    END;
    -- Tickets opened, for the daily limit: kept a day, and not erased by /forget, so that
    -- forgetting cannot reset the limit (bot/handoff/tickets.py).
    CREATE TABLE ticket_starts (pid TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE INDEX ticket_starts_pid ON ticket_starts(pid, at);
    -- Every message of the advisers' group that shows a ticket (a long post is split into
    -- several), so that a reply to any of them finds the ticket.
    CREATE TABLE group_posts (
        message_id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE
    );
    INSERT OR IGNORE INTO group_posts(message_id, ticket_id)
        SELECT group_message_id, id FROM tickets WHERE group_message_id IS NOT NULL;
    INSERT OR IGNORE INTO group_posts(message_id, ticket_id)
        SELECT group_message_id, ticket_id FROM ticket_messages
        WHERE group_message_id IS NOT NULL;
    """,
    """
    -- Asked from a crisis card: the advisers' post says so, also when it is sent again
    -- after a restart (bot/handoff/handoff.py).
    ALTER TABLE tickets ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
    """,
)


@dataclass(frozen=True)
class UserRecord:
    pid: str
    #: The language the user chose; None until they choose one.
    lang: str | None
    municipality: str | None = None
    #: First contact (Unix time): usage counts tell new people from returning ones by it.
    created_at: int = 0


@dataclass(frozen=True)
class Pending:
    kind: str
    text: str | None
    message_id: int | None
    at: int


def load_or_create_key(path: Path) -> bytes:
    """The pseudonym key: created once with owner-only permissions, then reused."""
    if path.is_file():
        return bytes.fromhex(path.read_text().strip())
    key = secrets.token_bytes(32)
    with private_file(path, exclusive=True) as fh:
        fh.write(key.hex())
    return key


#: People seen recently, whose record and pending request are kept in memory as well: every
#: message reads both, and a conversation is several messages in a row. Writes go to the
#: database first and then here, so the database stays the truth after a crash.
CACHED_USERS = 20_000
#: `users.last_seen` is written at most this often per person (it only needs the day).
LAST_SEEN_STEP = 3600
_USER_UPSERT = (
    "INSERT INTO users(pid, lang, municipality, created_at, last_seen) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT(pid) DO UPDATE SET last_seen = excluded.last_seen, "
    "lang = COALESCE(excluded.lang, lang), "
    "municipality = COALESCE(excluded.municipality, municipality) "
    "RETURNING lang, municipality, created_at"
)


def _question_rows(n: int) -> str:
    return ("INSERT INTO questions(id, pid, at, lang, text, decision, entry_id, score) VALUES "
            + values(8, n))


class Storage:
    """The bot's database. One bot process owns a database file: questions are numbered
    here, not by SQLite, so that the questions of many people arriving at the same moment
    are stored in one statement (`bot.storage.database.Grouped`)."""

    def __init__(self, path: str, key: bytes, clock: Callable[[], float] = time.time) -> None:
        self._key = key
        self._clock = clock
        self.db = Database(path)
        self._questions = Grouped(self.db, _question_rows)
        self._next_question = 0
        #: pid → (record, when last_seen was written).
        self._users: LRUCache[str, tuple[UserRecord, int]] = LRUCache(CACHED_USERS)
        #: pid → their pending request, None meaning "known to have none".
        self._pending: LRUCache[str, Pending | None] = LRUCache(CACHED_USERS)
        #: Called after a /forget, for whoever keeps rows of the database in memory (the
        #: outbox's per-chat counts).
        self.forgotten: list[Callable[[], None]] = []

    async def open(self) -> None:
        if self.db.path != MEMORY:
            make_private(Path(self.db.path))
        await self.db.open(
            "PRAGMA journal_mode=WAL",
            # With WAL, NORMAL loses no committed data when the bot process dies (only on a
            # power cut, the last transactions), and spares an fsync on every commit.
            "PRAGMA synchronous=NORMAL",
            "PRAGMA foreign_keys=ON",
            # Deleted rows are overwritten, not just unlinked: /forget leaves no copy.
            "PRAGMA secure_delete=ON",
            "PRAGMA busy_timeout=5000",
        )
        await self._migrate()
        # AUTOINCREMENT's counter: numbers of deleted questions are not used again.
        last = await self.db.fetchone("SELECT seq FROM sqlite_sequence WHERE name = 'questions'")
        self._next_question = (int(last[0]) if last else 0) + 1

    async def close(self) -> None:
        await self.db.close()

    async def schema_version(self) -> int:
        row = await self.db.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        version = await self.schema_version()
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # The version bump rides in the same transaction as the step, so a crash never
            # leaves a half-applied step marked as done.
            await self.db.executescript(
                f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )

    def pseudonym(self, external_id: str | int) -> str:
        digest = hmac.new(self._key, str(external_id).encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def _now(self) -> int:
        return int(self._clock())

    async def touch_user(self, pid: str) -> UserRecord:
        """Record that the user was seen now, creating them on first contact."""
        now = self._now()
        cached = self._users.get(pid)
        if cached is not None and now - cached[1] < LAST_SEEN_STEP:
            return cached[0]
        return await self._upsert(pid, now)

    async def _upsert(self, pid: str, now: int, lang: str | None = None,
                      municipality: str | None = None) -> UserRecord:
        row = await self.db.fetchone(_USER_UPSERT, (pid, lang, municipality, now, now))
        assert row is not None
        record = UserRecord(pid, row[0], row[1], int(row[2]))
        self._users[pid] = (record, now)
        return record

    async def set_language(self, pid: str, lang: str) -> UserRecord:
        return await self._upsert(pid, self._now(), lang=lang)

    async def set_municipality(self, pid: str, municipality: str) -> UserRecord:
        return await self._upsert(pid, self._now(), municipality=municipality)

    async def log_question(
        self,
        pid: str,
        text: str,
        lang: str,
        decision: str,
        entry_id: str | None,
        score: float | None,
    ) -> int:
        question_id = self._next_question
        self._next_question += 1
        await self._questions.write(question_id, pid, self._now(), lang, text, decision,
                                    entry_id, score)
        return question_id

    async def set_feedback(self, question_id: int, pid: str, helpful: bool) -> bool:
        """Store 👍/👎 on the user's own logged question; False if it is not theirs."""
        written = await self.db.execute(
            "UPDATE questions SET feedback = ? WHERE id = ? AND pid = ?",
            (1 if helpful else -1, question_id, pid),
        )
        return written.rowcount == 1

    async def question_entry(self, question_id: int, pid: str) -> str | None:
        row = await self.db.fetchone(
            "SELECT entry_id FROM questions WHERE id = ? AND pid = ?", (question_id, pid)
        )
        return row[0] if row else None

    async def resolve_suggestion(self, question_id: int, pid: str, entry_id: str) -> None:
        """Remember which "did you mean" choice answered the user's question."""
        await self.db.execute(
            "UPDATE questions SET entry_id = ? WHERE id = ? AND pid = ?",
            (entry_id, question_id, pid),
        )

    async def set_pending(
        self, pid: str, kind: str, text: str | None = None, message_id: int | None = None
    ) -> None:
        # Masked like the question log: this may be a question that is never sent.
        masked = mask_personal_data(text) if text is not None else None
        pending = Pending(kind, masked, message_id, self._now())
        await self.db.execute(
            "INSERT OR REPLACE INTO pending(pid, kind, text, message_id, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (pid, pending.kind, pending.text, pending.message_id, pending.at),
        )
        self._pending[pid] = pending

    async def pending(self, pid: str) -> Pending | None:
        """What the user is in the middle of; anything older than an hour counts as nothing.

        Old rows are deleted by the nightly expiry job (bot/storage/retention.py), not here: this
        runs on every message.
        """
        if pid in self._pending:
            pending = self._pending[pid]
        else:
            row = await self.db.fetchone(
                "SELECT kind, text, message_id, at FROM pending WHERE pid = ?", (pid,)
            )
            pending = self._pending[pid] = Pending(*row) if row else None
        if pending is None or pending.at < self._now() - PENDING_SECONDS:
            return None
        return pending

    async def clear_pending(self, pid: str) -> None:
        await self.db.execute("DELETE FROM pending WHERE pid = ?", (pid,))
        self._pending[pid] = None

    async def forget(self, pid: str, chat_id: int | None = None) -> None:
        """Delete everything stored under this pseudonym (the user asked for it), and the
        messages waiting to be sent to `chat_id`; then tell `forgotten` listeners."""
        await forget_user(self.db, pid, chat_id)
        self._users.pop(pid, None)
        self._pending.pop(pid, None)
        for listener in self.forgotten:
            listener()

    async def expire(self, retention_days: int) -> int:
        """The nightly expiry of old logs (bot/storage/retention.py); returns rows deleted."""
        deleted = await expire_logs(self.db, retention_days, self._clock)
        self._pending.clear()
        self._users.clear()  # people not seen for long are gone now
        return deleted

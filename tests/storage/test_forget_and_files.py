"""/forget leaves nothing behind (outbox rows, old copies in the file), abuse limits stay,
and every file with personal data is the bot's user's alone."""

from __future__ import annotations

import stat
from pathlib import Path

from bot.handoff.tickets import TicketStore
from bot.i18n.replies import AdviserPost, Message
from bot.storage.retention import rows_about
from bot.storage.storage import Storage, load_or_create_key
from bot.telegram.outbox import Outbox, Parcel

SECRET = "Salainen kysymys oleskeluluvasta"
ADVISERS = -100777


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_forget_takes_undelivered_messages_and_leaves_no_copy(tmp_path: Path) -> None:
    path = tmp_path / "neuvo.sqlite3"
    storage = Storage(str(path), b"k" * 32)
    await storage.open()
    tickets, outbox = TicketStore(storage.db), Outbox(storage.db)
    storage.forgotten.append(outbox.reload)
    ticket = await tickets.create("p", 501, "fi", None, None, SECRET)
    await tickets.ban("p")
    await outbox.put(Parcel(501, Message(SECRET)))  # a reply not yet delivered
    await outbox.put(Parcel(ADVISERS, Message(SECRET), post=AdviserPost(ticket.id, Message(""))))
    await outbox.put(Parcel(502, Message("someone else's")))
    await storage.forget("p", 501)

    assert await rows_about(storage.db, "p") == 0
    assert await storage.db.fetchall("SELECT chat_id FROM outbox") == [(502,)]
    assert await tickets.is_banned("p")  # the ban is kept, apart from the person's data
    assert (await outbox.put(Parcel(501, Message("hello again"))))[1] is False  # not behind
    await storage.close()
    for file in tmp_path.iterdir():  # neither the database nor its log keeps the text
        assert SECRET.encode() not in file.read_bytes(), file.name


async def test_a_question_awaiting_consent_is_kept_masked(tmp_path: Path) -> None:
    storage = Storage(str(tmp_path / "neuvo.sqlite3"), b"k" * 32)
    await storage.open()
    await storage.set_pending("p", "consent", "hetu 131052-308T, missä lupa?")
    stored = await storage.db.fetchall("SELECT text FROM pending")
    assert "308T" not in stored[0][0]
    await storage.close()


async def test_files_and_folders_are_the_bots_alone(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    storage = Storage(str(folder / "neuvo.sqlite3"), b"k" * 32)
    await storage.open()
    await storage.set_language("p", "fi")
    assert mode(folder) == 0o700
    written = [p for p in folder.iterdir()]
    assert {p.name for p in written} >= {"neuvo.sqlite3", "neuvo.sqlite3-wal",
                                         "neuvo.sqlite3-shm"}
    assert {p.name: mode(p) for p in written} == {p.name: 0o600 for p in written}
    await storage.close()
    load_or_create_key(tmp_path / "keys" / "neuvo.key")
    assert mode(tmp_path / "keys") == 0o700
    assert mode(tmp_path / "keys" / "neuvo.key") == 0o600

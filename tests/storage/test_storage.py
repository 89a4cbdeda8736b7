from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.storage.storage import MIGRATIONS, Storage, load_or_create_key


@pytest.fixture
async def storage(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = Storage(str(tmp_path / "db.sqlite3"), b"k" * 32, clock=lambda: 1_800_000_000)
    await store.open()
    yield store
    await store.close()


def test_key_is_created_once_with_owner_only_permissions(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "neuvo.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key


def test_pseudonym_is_keyed_and_stable() -> None:
    a, b = Storage(":memory:", b"a" * 32), Storage(":memory:", b"b" * 32)
    assert a.pseudonym("telegram:42") == a.pseudonym("telegram:42")
    assert a.pseudonym("telegram:42") != b.pseudonym("telegram:42")
    assert "42" not in a.pseudonym("telegram:42")


async def test_migrations_and_wal(storage: Storage, tmp_path: Path) -> None:
    assert await storage.schema_version() == len(MIGRATIONS)
    assert (await storage.db.fetchall("PRAGMA journal_mode"))[0][0] == "wal"
    await storage.close()
    again = Storage(str(tmp_path / "db.sqlite3"), b"k" * 32)
    await again.open()  # re-opening an up-to-date database applies nothing twice
    assert await again.schema_version() == len(MIGRATIONS)
    await again.close()


async def test_language_is_remembered(storage: Storage) -> None:
    pid = storage.pseudonym("telegram:1")
    assert (await storage.touch_user(pid)).lang is None
    await storage.set_language(pid, "so")
    assert (await storage.touch_user(pid)).lang == "so"


async def test_feedback_only_on_own_question(storage: Storage) -> None:
    mine, other = storage.pseudonym("telegram:1"), storage.pseudonym("telegram:2")
    qid = await storage.log_question(mine, "kela?", "fi", "answer", "kela-card", 0.9)
    assert not await storage.set_feedback(qid, other, helpful=True)
    assert await storage.set_feedback(qid, mine, helpful=False)
    await storage.resolve_suggestion(qid, mine, "health-centre")
    rows = await storage.db.fetchall("SELECT at, feedback, entry_id FROM questions")
    assert [tuple(r) for r in rows] == [(1_800_000_000, -1, "health-centre")]


async def test_online_backup_while_the_database_is_open(storage: Storage, tmp_path: Path) -> None:
    from bot.tools.backup import backup

    pid = storage.pseudonym("telegram:9")
    await storage.log_question(pid, "kela?", "fi", "answer", "kela-card", 0.9)
    target = tmp_path / "backups" / "copy.sqlite3"
    backup(tmp_path / "db.sqlite3", target)  # the bot's connection stays open meanwhile
    import sqlite3

    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT text FROM questions").fetchall() == [("kela?",)]

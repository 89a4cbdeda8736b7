"""Live content updates and users' privacy: /privacy, /forget and log expiry."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import Neuvo
from bot.conversation.conversation import User
from bot.knowledge.knowledge import Knowledge
from bot.knowledge.reloader import ContentReloader
from bot.storage.retention import expire_logs, rows_about
from tests.botapi import BotApiStandIn
from tests.conftest import ADVISERS, RunningBot, make_neuvo, make_settings
from tests.paths import FAQ, VECTORS

KELA = "Miten saan Kela-kortin?"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "faq"
    shutil.copytree(FAQ, folder)
    return folder


def break_file(folder: Path) -> Path:
    path = folder / "entries" / "tax-card.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("topic: money", "topic: mony"),
                    encoding="utf-8")
    return path


def remove_required_field(folder: Path) -> Path:
    path = folder / "directory" / "associations" / "example-iisalmi-association.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      time: 13:00-15:00\n", "", 1), encoding="utf-8")
    return path


async def test_good_change_goes_live(content: Path) -> None:
    swapped: list[Knowledge] = []
    reloader = ContentReloader(content, swapped.append, VECTORS)
    assert await reloader.check() is None  # nothing changed
    path = content / "entries" / "kela-card.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "question: Miten saan Kela-kortin?", "question: Miten saan uuden Kela-kortin?"),
        encoding="utf-8")
    result = await reloader.check()
    assert result is not None and result.ok
    assert swapped[0].content.entries["kela-card"].texts["fi"].question.startswith(
        "Miten saan uuden")


async def test_bad_change_never_goes_live_and_names_file_and_line(content: Path) -> None:
    swapped: list[Knowledge] = []
    reloader = ContentReloader(content, swapped.append, VECTORS)
    break_file(content)
    result = await reloader.check()
    assert result is not None and not result.ok and result.report is not None
    assert any("entries/tax-card.yaml:2" in str(p) for p in result.report.errors)
    assert swapped == []
    assert await reloader.check() is None  # reported once, not on every check


async def test_missing_activity_field_names_file_line_and_field(content: Path) -> None:
    reloader = ContentReloader(content, lambda k: None, VECTORS)
    remove_required_field(content)
    result = await reloader.check()
    assert result is not None and result.report is not None
    [problem] = [p for p in result.report.errors if "example-iisalmi-association" in str(p)]
    assert problem.line is not None and "time" in problem.message


async def test_edits_during_a_reload_are_read_again(content: Path) -> None:
    swapped: list[Knowledge] = []
    reloader = ContentReloader(content, swapped.append, VECTORS)
    path = content / "entries" / "kela-card.yaml"
    original = path.read_text(encoding="utf-8")
    real_load = reloader._load
    calls = 0

    def load_while_editing():  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        result = real_load()
        if calls == 1:  # an adviser saves again while the first read is in progress
            path.write_text(original.replace("Miten saan Kela-kortin?", "Kela-kortti?"),
                            encoding="utf-8")
        return result

    reloader._load = load_while_editing  # type: ignore[method-assign]
    path.write_text(original + "\n", encoding="utf-8")
    result = await reloader.check()
    assert calls == 2 and result is not None and result.ok
    assert swapped[-1].content.entries["kela-card"].texts["fi"].question == "Kela-kortti?"


async def test_concurrent_checks_swap_once(content: Path) -> None:
    swapped: list[Knowledge] = []
    reloader = ContentReloader(content, swapped.append, VECTORS)
    path = content / "entries" / "kela-card.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    results = await asyncio.gather(reloader.check(), reloader.check())
    assert sum(r is not None for r in results) == 1 and len(swapped) == 1


async def test_broken_content_in_running_bot(standin: BotApiStandIn, tmp_path: Path,
                                             content: Path) -> None:
    running = RunningBot(standin, make_settings(tmp_path, content_dir=content,
                                                adviser_chat_id=ADVISERS))
    await running.start()
    try:
        break_file(content)
        standin.push_message(9, "/reload", chat_type="supergroup", chat_id=ADVISERS)
        # A reload reads and checks all content: on a busy 2-core machine that took more than
        # the default 10 s to fail, so these waits allow a minute (they end at the reply).
        [report] = await standin.wait_for("sendMessage", chat_id=ADVISERS, timeout=60)
        assert "entries/tax-card.yaml:2" in report.params["text"]
        assert "unknown topic" in report.params["text"]
        standin.push_message(5, KELA, language_code="fi")
        [answer] = await standin.wait_for("sendMessage", chat_id=5)
        assert "Kela-kortti" in answer.params["text"]  # the last good content still answers
        # Fixing the file makes the change live without a restart.
        path = content / "entries" / "tax-card.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("topic: mony", "topic: money"),
                        encoding="utf-8")
        standin.push_message(9, "/reload", chat_type="supergroup", chat_id=ADVISERS)
        reports = await standin.wait_for("sendMessage", count=2, chat_id=ADVISERS, timeout=60)
        live = len(list((content / "entries").glob("*.yaml")))  # the entries that are live now
        assert f"{live} questions" in reports[-1].params["text"]
    finally:
        await running.stop()


@pytest.fixture
async def neuvo(tmp_path: Path) -> AsyncIterator[Neuvo]:
    app = make_neuvo(make_settings(tmp_path, adviser_chat_id=ADVISERS), handoff=True)
    await app.initialize()
    yield app
    await app.shutdown()


async def test_privacy_explains_and_forget_leaves_no_row(neuvo: Neuvo) -> None:
    conv = neuvo.conversation
    user = User("telegram:77", "en", chat_id=77, contact="X")
    await conv.set_language(user, "en")
    await conv.button(user, "mun:s:iisalmi:act")
    await conv.text(user, KELA)
    await conv.text(user, "something nobody knows about")
    await conv.command(user, "adviser")
    await conv.text(user, "Help me with my permit")
    await conv.button(user, "adv:send")
    pid = conv.storage.pseudonym(user.external_id)
    assert await rows_about(conv.storage.db, pid) >= 4
    privacy = await conv.command(user, "privacy")
    assert "180 days" in privacy.messages[0].html
    asked = await conv.command(user, "forget")
    assert [b.data for row in asked.messages[0].buttons for b in row] == ["fg:yes", "fg:no"]
    kept = await conv.button(user, "fg:no")
    assert kept.edit is not None and await rows_about(conv.storage.db, pid) > 0
    done = await conv.button(user, "fg:yes")
    assert done.edit is not None and "deleted" in done.edit.html
    assert await rows_about(conv.storage.db, pid) == 0


async def test_old_logs_expire(neuvo: Neuvo) -> None:
    conv = neuvo.conversation
    await conv.text(User("a", "fi"), KELA)
    db = conv.storage.db
    await db.execute("UPDATE questions SET at = at - 200 * 86400")
    await conv.text(User("b", "fi"), KELA)
    assert await expire_logs(db, 180) == 1
    assert (await db.fetchall("SELECT COUNT(*) FROM questions"))[0][0] == 1


async def test_people_not_seen_for_the_retention_period_are_forgotten(neuvo: Neuvo) -> None:
    """Language and municipality are kept for people who use the bot, not for ever: after
    the retention period without a visit they go, unless a ticket of theirs is still kept
    (its answer must reach them). Someone who comes back starts afresh."""
    conv = neuvo.conversation
    storage = conv.storage
    gone, helped, active = (User(f"telegram:{n}", "fi", chat_id=n) for n in (1, 2, 3))
    for user in (gone, helped, active):
        await conv.set_language(user, "so")
        await conv.button(user, "mun:s:iisalmi:act")
    await conv.command(helped, "adviser")
    await conv.text(helped, "Tarvitsen apua oleskeluluvan kanssa")
    await conv.button(helped, "adv:send")
    assert await storage.db.fetchone("SELECT 1 FROM tickets") is not None
    await storage.db.execute("UPDATE users SET last_seen = last_seen - 181 * 86400 "
                             "WHERE pid != ?", (storage.pseudonym(active.external_id),))
    await neuvo.expire()
    remaining = {row[0] for row in await storage.db.fetchall("SELECT pid FROM users")}
    assert remaining == {storage.pseudonym(u.external_id) for u in (helped, active)}
    assert await rows_about(storage.db, storage.pseudonym(gone.external_id)) == 0
    back = await storage.touch_user(storage.pseudonym(gone.external_id))
    assert (back.lang, back.municipality) == (None, None)  # not the bot's memory either


async def test_broken_directory_keeps_the_last_good_one_serving(
    standin: BotApiStandIn, tmp_path: Path, content: Path
) -> None:
    running = RunningBot(standin, make_settings(tmp_path, content_dir=content,
                                                adviser_chat_id=ADVISERS))
    await running.start()
    try:
        remove_required_field(content)
        standin.push_message(9, "/reload", chat_type="supergroup", chat_id=ADVISERS)
        [report] = await standin.wait_for("sendMessage", chat_id=ADVISERS)
        assert "example-iisalmi-association.yaml:" in report.params["text"]
        assert "time" in report.params["text"]
        standin.push_button(5, "mun:s:iisalmi:act", message_id=1, language_code="en")
        standin.push_button(5, "act:peer-support:a:0", message_id=1, language_code="en")
        sent = await standin.wait_for("sendMessage", count=3, chat_id=5)
        assert "Iisalmi" in sent[-1].params["text"]  # the last good directory still answers
    finally:
        await running.stop()


def test_a_reload_never_serves_an_old_match(content: Path) -> None:
    """Short questions' vectors are remembered across loads; their matches must not be."""
    question = "Where can I get a Kela card?"
    assert Knowledge.load(content, VECTORS).matcher.match(question, "en").ids == ("kela-card",)
    # The entry gets a new id (advisers should not do this, but a reload must follow it).
    for path in content.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?<![/\w-])kela-card(?![\w-])", "kela-card-new", text),
                        encoding="utf-8")
    (content / "entries" / "kela-card.yaml").rename(content / "entries" / "kela-card-new.yaml")
    reloaded = Knowledge.load(content, VECTORS)
    assert reloaded.matcher.match(question, "en").ids == ("kela-card-new",)

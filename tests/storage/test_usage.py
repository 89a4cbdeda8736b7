"""The anonymous usage counters: exact counts, people once a month, nothing personal kept."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import AsyncIterator

import pytest

from bot.local_guide.directory import HELSINKI
from bot.storage.storage import MEMORY, Storage
from bot.storage.usage import (
    ADVISING,
    DIRECTORY,
    HELPFUL,
    INTEREST,
    LANG,
    MUNICIPALITY,
    NOT_HELPFUL,
    PEOPLE,
    QUESTION,
    REPLY_BUCKETS,
    TICKET,
    TOPIC,
    ReachStats,
    Usage,
    months_between,
    reply_bucket,
)

MARCH, APRIL = dt.date(2025, 3, 1), dt.date(2025, 4, 30)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def set(self, year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> None:
        """Finnish time, as the bot's months are."""
        self.now = dt.datetime(year, month, day, hour, minute, tzinfo=HELSINKI).timestamp()


@pytest.fixture
def clock() -> Clock:
    c = Clock()
    c.set(2025, 3, 3)
    return c


@pytest.fixture
async def storage(clock: Clock) -> AsyncIterator[Storage]:
    store = Storage(MEMORY, b"k" * 32, clock=clock)
    await store.open()
    yield store
    await store.close()


@pytest.fixture
def usage(storage: Storage, clock: Clock) -> Usage:
    return Usage(storage.db, clock=clock)


async def act(storage: Storage, usage: Usage, pid: str, lang: str,
              municipality: str | None = None) -> None:
    """One user action as the conversation does it: the user touched, then counted."""
    record = await storage.touch_user(pid)
    await usage.seen(pid, lang, municipality, record.created_at)


async def rows(storage: Storage, table: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in await storage.db.fetchall(f"SELECT * FROM {table}")]


async def test_people_once_a_month_new_and_returning(
    storage: Storage, usage: Usage, clock: Clock
) -> None:
    for day in (3, 10, 20):  # three actions each in March still count each person once
        clock.set(2025, 3, day)
        for pid, lang, place in (("a", "so", "iisalmi"), ("b", "so", "iisalmi"),
                                 ("c", "ar", "kuopio")):
            await act(storage, usage, pid, lang, place)
    clock.set(2025, 4, 2)
    await act(storage, usage, "a", "so", "iisalmi")  # returning
    await act(storage, usage, "d", "uk", None)  # new, municipality not chosen
    stats = await usage.stats(MARCH, APRIL)
    assert stats.months == ("2025-03", "2025-04")
    assert stats.people_new == {"2025-03": 3, "2025-04": 1}
    assert stats.people_returning == {"2025-03": 0, "2025-04": 1}
    assert stats.people_in("2025-04") == 2
    assert stats.new_people == 4 and stats.people_months == 5
    assert stats.by(PEOPLE, LANG) == {"so": 3, "ar": 1, "uk": 1}
    assert stats.by(PEOPLE, MUNICIPALITY) == {"iisalmi": 3, "": 1, "kuopio": 1}
    march = await usage.stats(MARCH, MARCH)
    assert march.people_new == {"2025-03": 3} and march.by(PEOPLE, LANG) == {"so": 2, "ar": 1}


async def test_counted_under_last_language_and_known_municipality(
    storage: Storage, usage: Usage
) -> None:
    # The first action comes before a language or municipality is chosen.
    await act(storage, usage, "a", "en")
    await act(storage, usage, "a", "so", "iisalmi")
    await act(storage, usage, "a", "so", None)  # an action that does not know the place
    stats = await usage.stats(MARCH, MARCH)
    assert stats.by(PEOPLE, LANG) == {"so": 1}
    assert stats.by(PEOPLE, MUNICIPALITY) == {"iisalmi": 1}
    assert stats.people_new == {"2025-03": 1}


async def test_new_or_returning_follows_the_first_contact_not_last_seen(
    storage: Storage, usage: Usage, clock: Clock
) -> None:
    first = await storage.touch_user("late")
    await usage.seen("late", "fi", None, first.created_at)
    clock.set(2025, 4, 1)
    again = await storage.touch_user("late")  # writes last_seen = April
    assert again.created_at == first.created_at
    await usage.seen("late", "fi", None, again.created_at)
    stats = await usage.stats(MARCH, APRIL)
    assert stats.people_new == {"2025-03": 1, "2025-04": 0}
    assert stats.people_returning == {"2025-03": 0, "2025-04": 1}


async def test_months_are_finnish_time(storage: Storage, usage: Usage, clock: Clock) -> None:
    clock.now = dt.datetime(2025, 3, 31, 22, 30, tzinfo=dt.UTC).timestamp()  # 01:30 in April
    await act(storage, usage, "a", "fi")
    await usage.question("fi", None, "none", None)
    stats = await usage.stats(MARCH, APRIL)
    assert stats.people_new == {"2025-03": 0, "2025-04": 1}
    assert (await usage.stats(MARCH, MARCH)).questions == 0


async def test_every_event_by_each_of_its_dimensions(usage: Usage) -> None:
    await usage.question("so", "iisalmi", "answer", "health")
    await usage.question("so", None, "suggest", "kela")
    await usage.question("ar", "kuopio", "none", None)
    await usage.feedback("so", "health", helpful=True)
    await usage.feedback("so", "health", helpful=True)
    await usage.feedback("ar", "kela", helpful=False)
    await usage.ticket_created("ar", "kuopio")
    await usage.ticket_created("so", None)
    for seconds in (600, 3000, 3000, 20_000, 300_000):
        await usage.ticket_replied("so", seconds)
    await usage.directory_viewed("so", "iisalmi", "language-cafe")
    await usage.directory_viewed("so", "iisalmi", None)
    await usage.directory_viewed("ar", "kuopio", ADVISING)
    stats = await usage.stats(MARCH, MARCH)
    assert stats.questions == 3
    assert [stats.decided(d) for d in ("answer", "suggest", "none")] == [1, 1, 1]
    assert stats.by(QUESTION, TOPIC) == {"": 1, "health": 1, "kela": 1}
    assert stats.by(QUESTION, MUNICIPALITY) == {"": 1, "iisalmi": 1, "kuopio": 1}
    assert stats.by(QUESTION, LANG) == {"so": 2, "ar": 1}
    assert (stats.helpful, stats.not_helpful) == (2, 1)
    assert stats.by(HELPFUL, TOPIC) == {"health": 2}
    assert stats.by(NOT_HELPFUL, TOPIC) == {"kela": 1}
    assert stats.tickets == 2 and stats.by(TICKET, MUNICIPALITY) == {"": 1, "kuopio": 1}
    assert stats.replies == 5
    assert stats.mean_reply_seconds == (600 + 3000 + 3000 + 20_000 + 300_000) / 5
    assert stats.median_reply is not None and stats.median_reply.key == "1h"
    assert stats.directory_views == 3
    assert stats.by(DIRECTORY, INTEREST) == {"": 1, "advising": 1, "language-cafe": 1}


def test_reply_buckets() -> None:
    assert reply_bucket(0).key == "15m"
    assert reply_bucket(899).key == "15m" and reply_bucket(900).key == "1h"
    assert reply_bucket(10**9) is REPLY_BUCKETS[-1]


async def test_no_replies_no_median(usage: Usage) -> None:
    stats = await usage.stats(MARCH, MARCH)
    assert stats.median_reply is None and stats.mean_reply_seconds is None


async def test_past_months_are_folded_into_counts_and_markers_deleted(
    storage: Storage, usage: Usage, clock: Clock
) -> None:
    for pid in ("a", "b"):
        await act(storage, usage, pid, "ru", "kuopio")
    before = await usage.stats(MARCH, APRIL)
    clock.set(2025, 4, 1, 0, 5)
    await act(storage, usage, "c", "fi")  # the first action of April folds March
    assert {row[0] for row in await rows(storage, "usage_active")} == {"2025-04"}
    after = await usage.stats(MARCH, APRIL)
    assert after.people_new == {"2025-03": 2, "2025-04": 1}
    assert after.by(PEOPLE, MUNICIPALITY) == {"kuopio": 2, "": 1}
    assert before.people_new["2025-03"] == after.people_new["2025-03"]


async def test_forget_keeps_the_numbers_and_drops_the_marker(
    storage: Storage, usage: Usage
) -> None:
    for pid in ("a", "b"):
        await act(storage, usage, pid, "so", "iisalmi")
    before = await usage.stats(MARCH, MARCH)
    await usage.forget("a")
    assert len(await rows(storage, "usage_active")) == 1
    assert await usage.stats(MARCH, MARCH) == before


async def test_counters_hold_no_pid_and_no_text(storage: Storage, usage: Usage) -> None:
    pid = storage.pseudonym("telegram:424242")
    text = "Where do I renew my residence permit?"
    await act(storage, usage, pid, "en", "iisalmi")
    await storage.log_question(pid, text, "en", "answer", "residence-permit-extension", 0.9)
    await usage.question("en", "iisalmi", "answer", "residence")
    await usage.feedback("en", "residence", helpful=True)
    await usage.ticket_created("en", "iisalmi")
    await usage.ticket_replied("en", 120)
    await usage.directory_viewed("en", "iisalmi", None)
    await usage.write()
    counted = await rows(storage, "usage_counts")
    assert len(counted) > 10
    texts = {value for row in counted for value in row if isinstance(value, str)}
    # Every stored word is a month, an event or dimension name, or a value passed in.
    assert texts <= {
        "2025-03", "", "all", "people", "question", "helpful", "reply", "reply_seconds",
        "ticket", "directory", "lang", "municipality", "decision", "topic", "bucket",
        "interest", "en", "iisalmi", "answer", "residence", "15m",
    }
    ((month, marker, status, lang, place),) = await rows(storage, "usage_active")
    assert (month, status, lang, place) == ("2025-03", "new", "en", "iisalmi")
    assert isinstance(marker, str) and pid not in marker and marker not in pid
    assert text not in repr(counted)
    columns = {row[1] for row in await storage.db.fetchall("PRAGMA table_info(usage_counts)")}
    assert columns == {"month", "event", "dimension", "value", "count"}


async def test_deleting_a_user_everywhere_leaves_the_stats(
    storage: Storage, usage: Usage, clock: Clock
) -> None:
    for pid in ("a", "b", "c"):
        await act(storage, usage, pid, "so", "iisalmi")
        await storage.log_question(pid, "kela?", "so", "answer", "kela-card", 0.9)
        await usage.question("so", "iisalmi", "answer", "kela")
    clock.set(2025, 4, 5)
    await act(storage, usage, "a", "so", "iisalmi")
    before = await usage.stats(MARCH, APRIL)
    for table in ("users", "questions", "tickets", "pending", "bans"):
        await storage.db.execute(f"DELETE FROM {table} WHERE pid = ?", ("a",))
    assert await usage.stats(MARCH, APRIL) == before


async def test_recent_covers_the_whole_months_touched(usage: Usage, clock: Clock) -> None:
    clock.set(2025, 4, 10)
    stats = await usage.recent(30)
    assert stats.months == ("2025-03", "2025-04")
    assert (stats.period_start, stats.period_end) == (dt.date(2025, 3, 1), dt.date(2025, 4, 30))


def test_months_between() -> None:
    assert months_between(dt.date(2024, 11, 30), dt.date(2025, 2, 1)) == (
        "2024-11", "2024-12", "2025-01", "2025-02")
    with pytest.raises(ValueError):
        months_between(dt.date(2025, 2, 1), dt.date(2025, 1, 31))


def test_december_period_end() -> None:
    stats = ReachStats(dt.date(2024, 12, 5), dt.date(2024, 12, 6), ("2024-12",), {}, {}, {})
    assert stats.period_end == dt.date(2024, 12, 31)


async def test_counts_are_written_together_soon_and_kept_when_a_write_fails(
        storage: Storage, clock: Clock) -> None:
    usage = Usage(storage.db, clock=clock, write_delay=0.05)
    for _ in range(3):
        await usage.question("fi", "kuopio", "answer", "health")
    assert await rows(storage, "usage_counts") == []  # not one statement per event…
    assert (await usage.stats(MARCH, MARCH)).total(QUESTION) == 3  # …but never unseen
    await usage.question("fi", None, "none", None)
    await asyncio.sleep(0.2)  # …and written by themselves soon after
    counted = {(event, dimension, value): n
               for _, event, dimension, value, n in await rows(storage, "usage_counts")}
    assert counted[QUESTION, "all", ""] == 4 and counted[QUESTION, TOPIC, "health"] == 3

    await storage.db.execute("ALTER TABLE usage_counts RENAME TO usage_counts_away")
    await usage.question("fi", "kuopio", "answer", "health")
    with pytest.raises(sqlite3.OperationalError):
        await usage.write()
    await storage.db.execute("ALTER TABLE usage_counts_away RENAME TO usage_counts")
    await usage.question("fi", "kuopio", "answer", "health")
    await usage.close()  # as at shutdown: what failed before is written now, once
    assert (await usage.stats(MARCH, MARCH)).by(QUESTION, TOPIC) == {"health": 5, "": 1}

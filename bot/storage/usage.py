"""Anonymous usage counters: what the reach report and the advisers' `/stats` are made of.

Reports must stay right after a user is forgotten (`/forget` deletes every row with their
pid) and after the question log expires, so they are never computed from `users`,
`questions` or `tickets`. Instead every event adds one to counters in `usage_counts`, at
the moment it happens: a month (YYYY-MM, Finnish time), an event, and one dimension with its
value — "in 2025-03, a question was asked in Somali", "…was answered", "…was about health".
Dimensions are counted one at a time (marginals), never in combination, so the stored
numbers describe groups, not people: no pid, no text, no municipality-and-language-and-
topic cell that could point at one person. Unknown values (no municipality, no topic) are
counted under "". Months, not days, for the same reason: a day's counts by language or
municipality would let anyone who knows when someone used the bot read what they did.

Counting *people* needs one more step, because a person acts many times a month. While a
month is running, `usage_active` keeps one marker row per person active in it: a SHA-256
of month and pid (no more telling than `users.last_seen` while the user exists), whether
the person is new or returning, and the language and municipality they used last.
Reading `users.last_seen` instead would make the count depend on being called before
every `touch_user`, and would count a person under the municipality of their first action
of the month, when new users have not chosen one yet. With markers each person is counted
exactly once per month, under their last language and municipality (a municipality once
known is not lost to a later action without one). When the month is over its markers are
folded into `usage_counts` as plain numbers and deleted (`roll_over`, run by the first
`seen` of a new month), and `forget` folds a forgotten user's marker at once, so nothing
that can be matched against a pid survives them; if they come back in the same month they
count again.

Counts are added up in memory and written together about a second later (`WRITE_DELAY`):
at hundreds of questions a second one statement per event was a fifth of the bot's trips
to the database. Reading (`stats`) and shutting down write them first; a crash loses at
most that last second of counts, never a question, a ticket or a reply.

"New" means that the person's first contact ever (`users.created_at`, which `touch_user`
never changes) falls in that month, so the sum of new people over months is the number of
different people who found the bot in the period. A forgotten user who returns is new again,
and so is one whose record expired after the retention period without a visit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from cachetools import LRUCache

from bot.i18n.finnish_time import HELSINKI
from bot.storage.database import Database

log = logging.getLogger(__name__)

#: Seconds between an event and the write of its counts (see the module docstring).
WRITE_DELAY = 1.0

# Events (what happened) and dimensions (what it is counted by) in `usage_counts`.
PEOPLE = "people"
QUESTION = "question"
HELPFUL = "helpful"
NOT_HELPFUL = "not_helpful"
TICKET = "ticket"
REPLY = "reply"
#: The sum of first-reply times in seconds (a total, not a count), for the mean.
REPLY_SECONDS = "reply_seconds"
DIRECTORY = "directory"
#: A crisis card was shown (by category only: never language, place or text).
CRISIS = "crisis"

ALL = "all"
STATUS = "status"
LANG = "lang"
MUNICIPALITY = "municipality"
DECISION = "decision"
TOPIC = "topic"
BUCKET = "bucket"
INTEREST = "interest"
CATEGORY = "category"

NEW = "new"
RETURNING = "returning"
#: `directory_viewed(interest=ADVISING)`: the in-person advising hours were shown.
ADVISING = "advising"


@dataclass(frozen=True)
class ReplyBucket:
    """A bar of the hand-off response-time histogram; stored under `key`."""

    key: str
    #: Replies faster than this many seconds (and not faster than the previous bucket).
    upper: int | None
    label: str


#: Buckets rather than single times: a histogram gives a median without keeping each
#: ticket's time, which together with the month could identify the ticket.
REPLY_BUCKETS: tuple[ReplyBucket, ...] = (
    ReplyBucket("15m", 15 * 60, "under 15 min"),
    ReplyBucket("1h", 3600, "15–60 min"),
    ReplyBucket("4h", 4 * 3600, "1–4 hours"),
    ReplyBucket("1d", 24 * 3600, "4–24 hours"),
    ReplyBucket("3d", 72 * 3600, "1–3 days"),
    ReplyBucket("more", None, "over 3 days"),
)


def reply_bucket(seconds: int) -> ReplyBucket:
    return next(b for b in REPLY_BUCKETS if b.upper is None or seconds < b.upper)


def month_of(moment: dt.datetime) -> str:
    return moment.astimezone(HELSINKI).strftime("%Y-%m")


def months_between(since: dt.date, until: dt.date) -> tuple[str, ...]:
    """Every month from the one holding `since` to the one holding `until`, inclusive."""
    if since > until:
        raise ValueError(f"the period starts ({since}) after it ends ({until})")
    months = []
    year, month = since.year, since.month
    while (year, month) <= (until.year, until.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


def _month_start(month: str) -> int:
    year, number = (int(part) for part in month.split("-"))
    return int(dt.datetime(year, number, 1, tzinfo=HELSINKI).timestamp())


def _marker(month: str, pid: str) -> str:
    return hashlib.sha256(f"{month}:{pid}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ReachStats:
    """Everything the report and `/stats` show, for whole calendar months.

    Counters are kept per month, so a period always covers the whole months its dates touch
    (`period_start`…`period_end`); `/stats` for "the last 30 days" says so. People are
    counted once per month: `people_by(LANG)` and friends add up months, so a person active
    in March and April counts twice there, while `new_people` counts everyone once.
    """

    since: dt.date
    until: dt.date
    months: tuple[str, ...]
    #: month -> people whose first contact ever was in that month.
    people_new: Mapping[str, int]
    #: month -> people active in that month who had come in an earlier month.
    people_returning: Mapping[str, int]
    #: (event, dimension) -> value -> count, added up over `months`.
    counts: Mapping[tuple[str, str], Mapping[str, int]]

    @property
    def period_start(self) -> dt.date:
        return dt.date.fromisoformat(f"{self.months[0]}-01")

    @property
    def period_end(self) -> dt.date:
        year, month = (int(part) for part in self.months[-1].split("-"))
        following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        return following - dt.timedelta(days=1)

    def by(self, event: str, dimension: str) -> dict[str, int]:
        """Counts of `event` by the values of `dimension`, largest first."""
        found = self.counts.get((event, dimension), {})
        return dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))

    def total(self, event: str) -> int:
        return self.counts.get((event, ALL), {}).get("", 0)

    def people_in(self, month: str) -> int:
        return self.people_new.get(month, 0) + self.people_returning.get(month, 0)

    @property
    def new_people(self) -> int:
        """Different people who first came in the period (each counted once)."""
        return sum(self.people_new.values())

    @property
    def people_months(self) -> int:
        """People active, counted once in every month they were active."""
        return self.total(PEOPLE)

    @property
    def questions(self) -> int:
        return self.total(QUESTION)

    def decided(self, decision: str) -> int:
        """Questions answered (`answer`), met with suggestions (`suggest`) or not (`none`)."""
        return self.counts.get((QUESTION, DECISION), {}).get(decision, 0)

    @property
    def helpful(self) -> int:
        return self.total(HELPFUL)

    @property
    def not_helpful(self) -> int:
        return self.total(NOT_HELPFUL)

    @property
    def tickets(self) -> int:
        return self.total(TICKET)

    @property
    def replies(self) -> int:
        """Tickets that got a first reply from an adviser."""
        return self.total(REPLY)

    @property
    def mean_reply_seconds(self) -> float | None:
        return self.total(REPLY_SECONDS) / self.replies if self.replies else None

    @property
    def median_reply(self) -> ReplyBucket | None:
        """The bucket holding the middle reply time: "half were answered within…"."""
        buckets = self.counts.get((REPLY, BUCKET), {})
        seen = 0
        for bucket in REPLY_BUCKETS:
            seen += buckets.get(bucket.key, 0)
            if self.replies and seen * 2 >= self.replies:
                return bucket
        return None

    @property
    def directory_views(self) -> int:
        return self.total(DIRECTORY)


#: Markers known to be written, kept in memory (see `Usage.seen`).
MARKERS_CACHED = 20_000


#: A counter row that exists already is added to, not replaced.
_ADD_TO_COUNT = (" ON CONFLICT(month, event, dimension, value) "
                 "DO UPDATE SET count = count + excluded.count")
_ADD_ROW = ("INSERT INTO usage_counts(month, event, dimension, value, count) "
            "VALUES (?, ?, ?, ?, ?)" + _ADD_TO_COUNT)


def _people_select(where: str) -> str:
    """Markers as counter rows (month, dimension, value, count); `where` picks the markers."""
    return " UNION ALL ".join(
        f"SELECT month, '{dimension}' AS dimension, {column} AS value, COUNT(*) AS n "
        f"FROM usage_active WHERE {where} "
        f"GROUP BY month, {column}"
        for dimension, column in (
            (ALL, "''"), (STATUS, "status"), (LANG, "lang"), (MUNICIPALITY, "municipality")
        )
    )


class Usage:
    """Writes the counters as events happen, and reads them back as `ReachStats`."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.time,
                 write_delay: float = WRITE_DELAY) -> None:
        self.db = db
        self._clock = clock
        self._write_delay = write_delay
        #: (month, event, dimension, value) → what to add to its count at the next write.
        self._unwritten: Counter[tuple[str, str, str, str]] = Counter()
        self._timer: asyncio.TimerHandle | None = None
        self._writing: set[asyncio.Task[None]] = set()
        #: The month whose earlier months are known to be folded already.
        self._rolled: str | None = None
        #: marker → (language, municipality) last written, so that a person's every
        #: message does not rewrite the same marker row.
        self._marked: LRUCache[str, tuple[str, str]] = LRUCache(MARKERS_CACHED)

    def month(self) -> str:
        """The current month, in Finnish time: a month starts at midnight in Helsinki."""
        return month_of(dt.datetime.fromtimestamp(self._clock(), dt.UTC))

    def today(self) -> dt.date:
        return dt.datetime.fromtimestamp(self._clock(), HELSINKI).date()

    # -- events ----------------------------------------------------------------------------

    async def seen(self, pid: str, lang: str, municipality: str | None,
                   created_at: int) -> None:
        """Any user action: counts the person once this month (see the module docstring).

        `created_at` is the person's first contact (`UserRecord.created_at`).
        """
        month = self.month()
        if self._rolled != month:
            await self.roll_over()
        marker = _marker(month, pid)
        known = self._marked.get(marker)
        if known is not None and known[0] == lang and (not municipality
                                                       or known[1] == municipality):
            return
        status = NEW if created_at >= _month_start(month) else RETURNING
        await self.db.execute(
            "INSERT INTO usage_active(month, marker, status, lang, municipality) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(month, marker) DO UPDATE SET "
            "lang = excluded.lang, "
            "municipality = CASE WHEN excluded.municipality = '' THEN municipality "
            "ELSE excluded.municipality END",
            (month, marker, status, lang, municipality or ""),
        )
        self._marked[marker] = (lang, municipality or (known[1] if known else ""))

    async def question(
        self, lang: str, municipality: str | None, decision: str, topic: str | None
    ) -> None:
        """A question was matched: `decision` is answer | suggest | none."""
        await self._add(QUESTION, {LANG: lang, MUNICIPALITY: municipality,
                                   DECISION: decision, TOPIC: topic})

    async def feedback(self, lang: str, topic: str | None, helpful: bool) -> None:
        """👍 or 👎 under an answer."""
        await self._add(HELPFUL if helpful else NOT_HELPFUL, {LANG: lang, TOPIC: topic})

    async def ticket_created(self, lang: str, municipality: str | None) -> None:
        await self._add(TICKET, {LANG: lang, MUNICIPALITY: municipality})

    async def ticket_replied(self, lang: str, seconds_to_first_reply: int) -> None:
        """An adviser's first reply to a ticket, `seconds_to_first_reply` after it was made."""
        seconds = max(0, seconds_to_first_reply)
        await self._add(REPLY, {LANG: lang, BUCKET: reply_bucket(seconds).key},
                        also=[(REPLY_SECONDS, seconds)])

    async def directory_viewed(
        self, lang: str, municipality: str | None, interest: str | None
    ) -> None:
        """A list from the directory was shown: `interest` is an interest id, None for all
        activities, or `ADVISING` for the in-person advising hours."""
        await self._add(DIRECTORY, {LANG: lang, MUNICIPALITY: municipality, INTEREST: interest})

    async def crisis_shown(self, category: str) -> None:
        """A crisis card was shown; counted by category alone, so that a count can never
        be tied to a language or a municipality, let alone to a person."""
        await self._add(CRISIS, {CATEGORY: category})

    async def _add(self, event: str, dimensions: Mapping[str, str | None],
                   also: Iterable[tuple[str, int]] = ()) -> None:
        month = self.month()
        self._unwritten[month, event, ALL, ""] += 1
        for dimension, value in dimensions.items():
            self._unwritten[month, event, dimension, value or ""] += 1
        for other, amount in also:
            self._unwritten[month, other, ALL, ""] += amount
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._write_delay,
                                                                self._write_later)

    def _write_later(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self._write_or_retry())
        self._writing.add(task)
        task.add_done_callback(self._writing.discard)

    async def _write_or_retry(self) -> None:
        try:
            await self.write()
        except Exception:
            log.exception("usage counts not written; they are kept for the next try")
            if self._timer is None:
                self._timer = asyncio.get_running_loop().call_later(self._write_delay,
                                                                    self._write_later)

    async def write(self) -> None:
        """Write the counts added since the last write, in one transaction."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._unwritten:
            return
        counts, self._unwritten = self._unwritten, Counter()
        try:
            async with self.db.transaction():
                await self.db.executemany(_ADD_ROW, [(*key, n) for key, n in counts.items()])
        except BaseException:
            self._unwritten.update(counts)  # not lost: the next write takes them
            raise

    async def close(self) -> None:
        """At shutdown: finish a write under way and write what is left."""
        if self._writing:
            await asyncio.gather(*self._writing, return_exceptions=True)
        await self.write()

    # -- markers -----------------------------------------------------------------------------

    async def roll_over(self) -> None:
        """Fold the markers of months that are over into plain counts, and delete them.

        `seen` does this at the first action of a month; a daily job may call it too, so
        that a quiet start of the month does not keep last month's markers longer.
        """
        month = self.month()
        await self._fold("month < :month", {"month": month})
        self._rolled = month
        self._marked.clear()

    async def forget(self, pid: str) -> None:
        """A user asked to be forgotten: their marker becomes plain counts at once."""
        await self.roll_over()  # markers of earlier months, this one's among them
        month = self.month()
        marker = _marker(month, pid)
        await self._fold("month = :month AND marker = :marker",
                         {"month": month, "marker": marker})
        self._marked.pop(marker, None)

    async def _fold(self, where: str, params: Mapping[str, str]) -> None:
        async with self.db.transaction():
            # "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT.
            await self.db.execute(
                "INSERT INTO usage_counts(month, event, dimension, value, count) "
                f"SELECT month, '{PEOPLE}', dimension, value, n FROM ({_people_select(where)}) "
                f"WHERE true{_ADD_TO_COUNT}",
                params,
            )
            await self.db.execute(f"DELETE FROM usage_active WHERE {where}", params)

    # -- reading -----------------------------------------------------------------------------

    async def stats(self, since: dt.date, until: dt.date) -> ReachStats:
        """The counters of every month from `since` to `until` (whole months, inclusive).

        Reads both the folded counts and the markers of months not folded yet, and writes
        only this process's unwritten counts, so a report can run beside the bot.
        """
        months = months_between(since, until)
        await self.write()
        params = {"first": months[0], "last": months[-1]}
        counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        new: dict[str, int] = defaultdict(int)
        returning: dict[str, int] = defaultdict(int)
        rows = await self.db.fetchall(
            "SELECT month, event, dimension, value, count FROM usage_counts "
            "WHERE month BETWEEN :first AND :last UNION ALL "
            f"SELECT month, '{PEOPLE}', dimension, value, n FROM "
            f"({_people_select('month BETWEEN :first AND :last')})",
            params,
        )
        for month, event, dimension, value, count in rows:
            counts[event, dimension][value] += count
            if event == PEOPLE and dimension == STATUS:
                (new if value == NEW else returning)[month] += count
        return ReachStats(
            since=since,
            until=until,
            months=months,
            people_new={m: new[m] for m in months},
            people_returning={m: returning[m] for m in months},
            counts={key: dict(values) for key, values in counts.items()},
        )

    async def recent(self, days: int = 30) -> ReachStats:
        """For `/stats`: the months touched by the last `days` days, this one included."""
        today = self.today()
        return await self.stats(today - dt.timedelta(days=days - 1), today)

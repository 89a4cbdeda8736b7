"""When activities and advising hours happen: weekly rules, exceptions and single dates.

Advisers write times as Finnish wall-clock times, so a rule is kept as local dates and
times and turned into aware `Europe/Helsinki` datetimes only when a session is produced.
That is what keeps a weekly 18:00 session at 18:00 across the daylight-saving changes
(the offset changes from +02:00 to +03:00, the wall-clock time does not).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.i18n.finnish_time import HELSINKI

#: Every time in the directory is Finnish local time.


@dataclass(frozen=True)
class Weekly:
    """On the given weekdays (0 = Monday), between optional first and last dates."""

    weekdays: frozenset[int]
    start: dt.time
    end: dt.time
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    #: Days with no session although the rule would have one (holidays, breaks).
    exceptions: frozenset[dt.date] = field(default_factory=frozenset)

    def days(self, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        if self.valid_from is not None:
            first = max(first, self.valid_from)
        if self.valid_until is not None:
            last = min(last, self.valid_until)
        day = first
        while day <= last:
            if day.weekday() in self.weekdays and day not in self.exceptions:
                yield day
            day += dt.timedelta(days=1)

    @property
    def last_day(self) -> dt.date | None:
        return self.valid_until


@dataclass(frozen=True)
class OnDates:
    """On single dates, for events that do not repeat weekly."""

    dates: tuple[dt.date, ...]
    start: dt.time
    end: dt.time

    def days(self, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        return (day for day in sorted(self.dates) if first <= day <= last)

    @property
    def last_day(self) -> dt.date | None:
        return max(self.dates)


Rule = Weekly | OnDates


@dataclass(frozen=True)
class Schedule:
    rules: tuple[Rule, ...]

    def sessions(
        self, after: dt.datetime, before: dt.datetime
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        """(start, end) of every session starting at or after `after` and before `before`.

        Both bounds must be aware; the sessions are aware Helsinki times in time order.
        A session that has already started at `after` is not included.
        """
        first = after.astimezone(HELSINKI).date()
        last = before.astimezone(HELSINKI).date()
        found = [
            (dt.datetime.combine(day, rule.start, HELSINKI),
             dt.datetime.combine(day, rule.end, HELSINKI))
            for rule in self.rules
            for day in rule.days(first, last)
        ]
        return sorted((s, e) for s, e in found if after <= s < before)

    @property
    def last_day(self) -> dt.date | None:
        """The last date with a session, or None when the schedule runs on without end."""
        ends = [rule.last_day for rule in self.rules]
        known = [end for end in ends if end is not None]
        return max(known) if known and len(known) == len(ends) else None

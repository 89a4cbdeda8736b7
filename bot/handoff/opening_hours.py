"""When human advisers usually answer, and how to say it in the user's language.

Configured as text an operator can write, e.g. ``mon-fri 09:00-16:00; sat 10:00-12:00``
(Europe/Helsinki time). Users outside those hours are told when to expect an answer
instead of waiting in silence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from babel.dates import format_datetime, format_skeleton, get_day_names

from bot.i18n.finnish_time import HELSINKI
from bot.i18n.languages import babel_locale

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RULE_RE = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True)
class Rule:
    first_day: int
    last_day: int
    start: dt.time
    end: dt.time

    def days(self) -> range:
        return range(self.first_day, self.last_day + 1)


@dataclass(frozen=True)
class OpeningHours:
    rules: tuple[Rule, ...]

    @classmethod
    def parse(cls, text: str) -> OpeningHours:
        """Parse the operator's text; raise ValueError saying what is wrong."""
        rules = []
        for part in filter(None, (p.strip().lower() for p in text.split(";"))):
            match = _RULE_RE.match(part)
            if not match or match["first"] not in DAYS or (
                match["last"] and match["last"] not in DAYS
            ):
                raise ValueError(
                    f"opening hours '{part}': write e.g. 'mon-fri 09:00-16:00; sat 10:00-12:00'"
                )
            first = DAYS.index(match["first"])
            last = DAYS.index(match["last"]) if match["last"] else first
            start, end = dt.time.fromisoformat(match["start"].zfill(5)), dt.time.fromisoformat(
                match["end"].zfill(5)
            )
            if last < first or end <= start:
                raise ValueError(f"opening hours '{part}': the range runs backwards")
            rules.append(Rule(first, last, start, end))
        if not rules:
            raise ValueError("opening hours are empty")
        return cls(tuple(rules))

    def is_open(self, when: dt.datetime) -> bool:
        local = when.astimezone(HELSINKI)
        return any(
            local.weekday() in rule.days() and rule.start <= local.time() < rule.end
            for rule in self.rules
        )

    def next_opening(self, when: dt.datetime) -> dt.datetime:
        """The next moment advisers are in, at or after `when` (in Helsinki time)."""
        local = when.astimezone(HELSINKI)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            for rule in sorted(self.rules, key=lambda r: r.start):
                if day.weekday() not in rule.days():
                    continue
                start = dt.datetime.combine(day, rule.start, HELSINKI)
                end = dt.datetime.combine(day, rule.end, HELSINKI)
                if local < end:
                    return max(start, local)
        raise AssertionError("a weekly schedule always opens within eight days")

    def describe(self, lang: str) -> str:
        """The schedule in the user's language, e.g. "ma–pe 9.00–16.00"."""
        locale = babel_locale(lang)
        names = get_day_names("abbreviated", locale=locale)
        parts = []
        for rule in self.rules:
            days = names[rule.first_day]
            if rule.last_day != rule.first_day:
                days += "–" + names[rule.last_day]
            times = "–".join(
                format_skeleton("Hm", dt.datetime.combine(dt.date(2026, 1, 5), t), locale=locale)
                for t in (rule.start, rule.end)
            )
            parts.append(f"{days} {times}")
        return ", ".join(parts)


def format_moment(when: dt.datetime, lang: str) -> str:
    """A weekday, date and 24-hour time in the user's language, in Helsinki time."""
    return format_datetime(when.astimezone(HELSINKI), "EEEE d.M. HH:mm", locale=babel_locale(lang))

"""The loaded directory and the questions the conversation asks it.

"What is on in Iisalmi, in Somali, this week?" and "where can I meet an adviser?" are
answered here from validated records, without any transport: the Telegram menu, the
console chat and `python -m bot directory` all call the same methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.local_guide.directory.geo import haversine_km
from bot.local_guide.directory.model import (
    Activity,
    AdvisingPoint,
    AdvisingSession,
    Association,
    Interest,
    Municipality,
    Occurrence,
)


def _require_aware(start: dt.datetime) -> None:
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be an aware datetime (e.g. datetime.now(HELSINKI))")


@dataclass(frozen=True)
class Directory:
    municipalities: Mapping[str, Municipality] = field(default_factory=dict)
    interests: Mapping[str, Interest] = field(default_factory=dict)
    associations: Mapping[str, Association] = field(default_factory=dict)
    activities: Mapping[str, Activity] = field(default_factory=dict)
    advising_points: Mapping[str, AdvisingPoint] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the content has no directory: the menu should not offer it."""
        return not self.municipalities

    def municipality(self, municipality: str) -> Municipality:
        """The municipality with this id; KeyError names the unknown id."""
        try:
            return self.municipalities[municipality]
        except KeyError:
            raise KeyError(f"unknown municipality '{municipality}'") from None

    def find_municipality(self, text: str) -> Municipality | None:
        """By id or by any of its names, ignoring case ("IISALMI", "Idensalmi")."""
        wanted = text.strip().casefold()
        for item in self.municipalities.values():
            if wanted == item.id or wanted in (n.casefold() for n in item.names.values()):
                return item
        return None

    def neighbours(self, municipality: str) -> list[Municipality]:
        """Bordering municipalities in the directory, nearest centre first."""
        home = self.municipality(municipality)
        found = [self.municipalities[n] for n in home.neighbours if n in self.municipalities]
        return sorted(found, key=lambda m: haversine_km(home.lat, home.lon, m.lat, m.lon))

    def nearest_municipality(self, lat: float, lon: float) -> Municipality:
        """The municipality whose centre is closest to the point.

        Centres, not borders: near the edge of a large municipality a neighbour's centre
        can be closer, and a point far outside the region still maps to the closest
        municipality we know. Callers should let the user confirm or change the result
        (and may check the distance with `geo.haversine_km`). The point is not stored.
        """
        if not self.municipalities:
            raise ValueError("the directory has no municipalities")
        return min(self.municipalities.values(),
                   key=lambda m: haversine_km(lat, lon, m.lat, m.lon))

    def interests_for(self, municipality: str) -> list[Interest]:
        """Interests that have at least one activity here or online, for filter buttons."""
        self.municipality(municipality)
        used = {tag for activity in self._activities_in(municipality)
                for tag in activity.interests}
        return [interest for key, interest in self.interests.items() if key in used]

    def upcoming(
        self,
        municipality: str,
        *,
        start: dt.datetime,
        interest: str | None = None,
        lang: str | None = None,
        days: int = 28,
        limit: int = 5,
        offset: int = 0,
    ) -> list[Occurrence]:
        """The next sessions here (and online) in time order, from `start` on.

        `interest` keeps activities with that tag, `lang` those held in that language.
        Page with `offset`/`limit`; ask for one more than you show to know whether a
        "more" button is needed. A session that started before `start` is not shown.
        """
        _require_aware(start)
        self.municipality(municipality)
        activities = [
            a for a in self._activities_in(municipality)
            if (interest is None or interest in a.interests)
            and (lang is None or lang in a.languages)
        ]
        found = self._occurrences(activities, start, days)
        return found[offset : offset + limit]

    def advising(
        self,
        municipality: str,
        *,
        start: dt.datetime,
        lang: str | None = None,
        days: int = 28,
        limit: int = 5,
    ) -> list[AdvisingSession]:
        """The next in-person advising hours here, in `lang` when given, in time order."""
        _require_aware(start)
        self.municipality(municipality)
        end = start + dt.timedelta(days=days)
        sessions = [
            AdvisingSession(point, s, e)
            for point in self.advising_points.values()
            if point.municipality == municipality and (lang is None or lang in point.languages)
            for s, e in point.hours.sessions(start, end)
        ]
        sessions.sort(key=lambda x: (x.start, x.point.id))
        return sessions[:limit]

    def next_sessions(self, activity: str, *, start: dt.datetime, count: int = 3,
                      days: int = 90) -> list[Occurrence]:
        """The next few sessions of one activity, for its details view."""
        _require_aware(start)
        return self._occurrences([self.activities[activity]], start, days)[:count]

    def _activities_in(self, municipality: str) -> list[Activity]:
        return [a for a in self.activities.values()
                if a.online or a.municipality == municipality]

    @staticmethod
    def _occurrences(activities: Iterable[Activity], start: dt.datetime,
                     days: int) -> list[Occurrence]:
        end = start + dt.timedelta(days=days)
        found = [Occurrence(a, s, e)
                 for a in activities for s, e in a.schedule.sessions(start, end)]
        found.sort(key=lambda o: (o.start, o.activity.title("fi"), o.activity.id))
        return found

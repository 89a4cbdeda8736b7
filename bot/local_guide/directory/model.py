"""The directory's records as the rest of the bot sees them: plain, immutable, validated.

Texts that differ by language are mappings from language code to text; a proper name that
is the same in every language (a library's name, an address) is stored under "fi".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.local_guide.directory.schedule import Schedule

Texts = Mapping[str, str]


def pick(texts: Texts, lang: str) -> str:
    """The text in `lang`, else English, else Finnish (the same order as topic names)."""
    for code in (lang, "en", "fi"):
        if code in texts:
            return texts[code]
    return next(iter(texts.values()))


@dataclass(frozen=True)
class Municipality:
    id: str
    names: Texts
    #: The centre (town hall area); used for "nearest municipality", never a user's location.
    lat: float
    lon: float
    neighbours: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return pick(self.names, lang)


@dataclass(frozen=True)
class Interest:
    """One tag of the fixed interest vocabulary (language-cafe, peer-support, …)."""

    id: str
    names: Texts
    icon: str = ""

    def name(self, lang: str) -> str:
        return pick(self.names, lang)


@dataclass(frozen=True)
class Contact:
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    #: A Telegram username with its "@".
    telegram: str | None = None

    def __bool__(self) -> bool:
        return any((self.website, self.email, self.phone, self.telegram))


@dataclass(frozen=True)
class Association:
    """An association or other organiser: a migrant association, a library, a parish."""

    id: str
    names: Texts
    descriptions: Texts
    municipalities: tuple[str, ...]
    languages: tuple[str, ...]
    interests: tuple[str, ...]
    contact: Contact
    #: When an adviser last checked these facts.
    checked: dt.date
    #: Invented sample data: shown with a warning, never to be mistaken for real.
    example: bool = False
    file: str = ""

    def name(self, lang: str) -> str:
        return pick(self.names, lang)


@dataclass(frozen=True)
class Cost:
    """In euros (0 = free), or a text per language for anything more complicated."""

    euros: float | None = None
    texts: Texts = field(default_factory=dict)


@dataclass(frozen=True)
class Activity:
    id: str
    organiser: Association
    titles: Texts
    schedule: Schedule
    languages: tuple[str, ...]
    interests: tuple[str, ...]
    descriptions: Texts = field(default_factory=dict)
    #: Where it takes place; None only for an online activity.
    municipality: str | None = None
    place: Texts = field(default_factory=dict)
    address: str | None = None
    #: Held online, so found from every municipality.
    online: bool = False
    url: str | None = None
    target: Texts = field(default_factory=dict)
    cost: Cost | None = None
    #: None when the file does not say.
    registration: bool | None = None
    example: bool = False
    file: str = ""

    def title(self, lang: str) -> str:
        return pick(self.titles, lang)


@dataclass(frozen=True)
class AdvisingPoint:
    """Where and when people can talk to an adviser in person, in their language."""

    id: str
    organiser: Association
    titles: Texts
    municipality: str
    place: Texts
    hours: Schedule
    languages: tuple[str, ...]
    address: str | None = None
    phone: str | None = None
    notes: Texts = field(default_factory=dict)
    example: bool = False
    file: str = ""

    def title(self, lang: str) -> str:
        return pick(self.titles, lang)


@dataclass(frozen=True)
class Occurrence:
    """One session of an activity, in Helsinki time."""

    activity: Activity
    start: dt.datetime
    end: dt.datetime

    @property
    def online(self) -> bool:
        return self.activity.online


@dataclass(frozen=True)
class AdvisingSession:
    """One opening of an advising point, in Helsinki time."""

    point: AdvisingPoint
    start: dt.datetime
    end: dt.datetime

"""Local associations, activities and in-person advising: the way into local life.

The directory lives in `<content>/directory/` (see faq/README.md, "Directory") and is
transport-free: the conversation, the console chat and `python -m bot directory` use it
the same way. Every time is Finnish time (`HELSINKI`); every `start` must be aware.

Loading (same contract as the FAQ loader)::

    validate_directory(folder) -> tuple[Directory | None, Report]   # None when errors
    load_directory(folder) -> Directory                              # raises ContentInvalid

`folder` is the content folder (`faq/`); without `faq/directory/` the result is an empty
Directory (`directory.is_empty`), so the menu can leave the directory out.

Questions (all on `Directory`; municipality ids come from `directory.municipalities`,
and an unknown id raises KeyError, so check `id in directory.municipalities` for ids
stored before a content edit)::

    upcoming(municipality, *, start, interest=None, lang=None, days=28, limit=5, offset=0)
        -> list[Occurrence]          # here and online, time order, never already started
    advising(municipality, *, start, lang=None, days=28, limit=5) -> list[AdvisingSession]
    next_sessions(activity_id, *, start, count=3) -> list[Occurrence]
    interests_for(municipality) -> list[Interest]       # only interests with activities
    neighbours(municipality) -> list[Municipality]      # nearest first
    nearest_municipality(lat, lon) -> Municipality      # centres; nothing is stored
    find_municipality(text) -> Municipality | None      # id or any name, any case

FAQ entries point here with interest ids (`directory: [language-cafe]`, checked against
`directory.interests` by bot/knowledge/knowledge.py); the answer then offers buttons to those lists.

Rendering (HTML for Telegram, escaped, RTL-safe, Babel dates in the user's language):
`render.occurrence_html`, `render.activity_html`, `render.advising_html`,
`render.upcoming_html`, `render.advising_list_html`; `timefmt.format_when` alone.
"""

from bot.i18n.finnish_time import HELSINKI
from bot.local_guide.directory.directory import Directory
from bot.local_guide.directory.loader import load_directory, validate_directory
from bot.local_guide.directory.model import (
    Activity,
    AdvisingPoint,
    AdvisingSession,
    Association,
    Interest,
    Municipality,
    Occurrence,
)

__all__ = [
    "HELSINKI",
    "Activity",
    "AdvisingPoint",
    "AdvisingSession",
    "Association",
    "Directory",
    "Interest",
    "Municipality",
    "Occurrence",
    "load_directory",
    "validate_directory",
]

"""The content as the rest of the bot sees it: plain, immutable, already validated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.i18n.languages import REFERENCE_LANGUAGE


@dataclass(frozen=True)
class EntryText:
    """One entry in one language."""

    question: str
    answer: str
    alternates: tuple[str, ...] = ()
    #: When this translation was last checked against the Finnish source.
    translated: dt.date | None = None


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    texts: Mapping[str, EntryText]
    source_name: str
    source_url: str
    reviewed: dt.date
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    #: Interest ids of the local directory to offer with the answer (e.g. language-cafe).
    directory: tuple[str, ...] = ()
    file: str = ""

    def text(self, lang: str) -> EntryText | None:
        return self.texts.get(lang)

    def outdated(self, lang: str) -> bool:
        """A translation checked before the Finnish was last reviewed: only the Finnish
        text is known to be right, which the validator and the user both are told."""
        text = self.text(lang)
        return (lang != REFERENCE_LANGUAGE and text is not None and text.translated is not None
                and text.translated < self.reviewed)


@dataclass(frozen=True)
class Topic:
    id: str
    names: Mapping[str, str]
    icon: str = ""

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.names.get("fi") or self.id


@dataclass(frozen=True)
class GlossaryTerm:
    """An official Finnish term and the ways people write it in other languages and scripts.

    Matching treats every variant as the same word, so "кела" or "كيلا" finds the Kela entry
    even where that entry has no Russian or Arabic text.
    """

    term: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class ContentSet:
    entries: Mapping[str, Entry]
    topics: Mapping[str, Topic]
    glossary: tuple[GlossaryTerm, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def entries_in_topic(self, topic: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.topic == topic]

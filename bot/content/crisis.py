"""Crisis help (`crisis.yaml`): the help lines and one card per crisis category.

Held to a stricter rule than FAQ entries because a person in crisis reads it: the file is
refused unless every card exists in all nine languages (crisis help never falls back to
another language), every line names its official source and the day it was checked, and
every text carries the number of each line its card lists, written exactly as in the line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.yamlfile import (
    ID_RE,
    ContentInvalid,
    Report,
    YamlDoc,
    clean_text,
    parse_date,
    parse_yaml,
    text_list,
)
from bot.i18n.languages import LANGUAGES

CRISIS_FILE = "crisis.yaml"
#: The crisis categories of the safety step; each needs a card.
CATEGORIES = ("suicide", "violence", "emergency", "exploitation")
_LINE_FIELDS = ("number", "name", "hours", "source", "reviewed")


@dataclass(frozen=True)
class HelpLine:
    id: str
    number: str
    name: str
    hours: str
    source_name: str
    source_url: str
    reviewed: dt.date


@dataclass(frozen=True)
class CrisisCard:
    """What to do now, in every language, for one crisis category."""

    category: str
    lines: tuple[str, ...]
    texts: Mapping[str, str]


@dataclass(frozen=True)
class CrisisHelp:
    lines: Mapping[str, HelpLine]
    cards: Mapping[str, CrisisCard]

    def card(self, category: str, lang: str) -> str:
        """The card's text in ``lang``; every card has all nine languages."""
        return self.cards[category].texts[lang]


def _line(doc: YamlDoc, line_id: Any, body: Any, report: Report) -> HelpLine | None:
    where = doc.line("lines", line_id)
    if not isinstance(line_id, str) or not ID_RE.match(line_id):
        report.error(doc.file, where, f"line id '{line_id}' must use a-z, 0-9 and '-'")
        return None
    if not isinstance(body, dict):
        report.error(doc.file, where, f"line '{line_id}' needs {', '.join(_LINE_FIELDS)}")
        return None
    before = len(report.errors)
    values: dict[str, str] = {}
    for field in ("number", "name", "hours"):
        value = clean_text(body.get(field))
        if value is None:
            report.error(doc.file, where, f"line '{line_id}' needs '{field}:'")
        else:
            values[field] = value
    source = body.get("source")
    name = url = None
    if isinstance(source, dict):
        name, url = clean_text(source.get("name")), clean_text(source.get("url"))
    if name is None or url is None or not url.startswith("https://"):
        report.error(doc.file, doc.line("lines", line_id, "source"),
                     f"line '{line_id}' needs 'source:' with 'name:' and the https 'url:' of "
                     "the official page where the number was checked")
    reviewed = parse_date(doc, body.get("reviewed"), ("lines", line_id, "reviewed"), report)
    if len(report.errors) > before or reviewed is None or name is None or url is None:
        return None
    return HelpLine(line_id, values["number"], values["name"], values["hours"], name, url,
                    reviewed)


def _card(doc: YamlDoc, category: str, body: Any, lines: Mapping[str, HelpLine],
          report: Report) -> CrisisCard | None:
    where = doc.line("cards", category)
    if not isinstance(body, dict):
        report.error(doc.file, where, f"card '{category}' needs 'lines:' and nine languages")
        return None
    before = len(report.errors)
    listed = text_list(doc, body.get("lines"), ("cards", category, "lines"), report)
    if not listed:
        report.error(doc.file, where, f"card '{category}' needs 'lines:' (at least 112)")
    for line_id in listed:
        if line_id not in lines:
            report.error(doc.file, doc.line("cards", category, "lines"),
                         f"card '{category}' lists unknown line '{line_id}'")
    texts: dict[str, str] = {}
    for lang in LANGUAGES:
        text = clean_text(body.get(lang))
        if text is None:
            report.error(doc.file, where, f"card '{category}' has no '{lang}' text: crisis "
                         "help must exist in all nine languages")
            continue
        for line_id in listed:
            if line_id in lines and lines[line_id].number not in text:
                report.error(doc.file, doc.line("cards", category, lang),
                             f"the '{lang}' text of card '{category}' does not contain "
                             f"{lines[line_id].number} ({line_id}) exactly")
        texts[lang] = text
    for key in body:
        if key != "lines" and key not in LANGUAGES:
            report.error(doc.file, doc.line("cards", category, key),
                         f"unknown field '{key}' in card '{category}'")
    if len(report.errors) > before:
        return None
    return CrisisCard(category, tuple(listed), texts)


def validate_crisis(folder: Path, report: Report) -> CrisisHelp | None:
    """Read `crisis.yaml` into ``report``; None when it is missing or has any error."""
    path = folder / CRISIS_FILE
    if not path.is_file():
        report.error(CRISIS_FILE, None, "the crisis help file is missing; the bot needs it")
        return None
    parsed = parse_yaml(path, CRISIS_FILE, report)
    if parsed is None:
        return None
    doc, data = parsed
    if not isinstance(data, dict) or not isinstance(data.get("lines"), dict) \
            or not isinstance(data.get("cards"), dict):
        report.error(doc.file, 1, "the file needs a 'lines:' block and a 'cards:' block")
        return None
    before = len(report.errors)
    lines = {line.id: line for line_id, body in data["lines"].items()
             if (line := _line(doc, line_id, body, report)) is not None}
    cards: dict[str, CrisisCard] = {}
    for category in CATEGORIES:
        if category not in data["cards"]:
            report.error(doc.file, doc.line("cards"), f"no card for '{category}'")
        elif (card := _card(doc, category, data["cards"][category], lines, report)) is not None:
            cards[category] = card
    for category in data["cards"]:
        if category not in CATEGORIES:
            report.error(doc.file, doc.line("cards", category),
                         f"unknown card '{category}'; use {', '.join(CATEGORIES)}")
    if len(report.errors) > before:
        return None
    return CrisisHelp(lines, cards)


def load_crisis(folder: Path) -> CrisisHelp:
    report = Report()
    crisis = validate_crisis(folder, report)
    if crisis is None:
        raise ContentInvalid(report)
    return crisis

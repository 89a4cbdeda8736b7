"""Reading the small values of directory files: texts per language, times, days, contacts.

Each parser reports a problem at the value's own line, through the shared helpers of
`bot.content.yamlfile`, and returns an empty value instead of stopping, so one run of the
validator lists every problem of every file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, cast

from babel import localedata

from bot.content.yamlfile import (
    Report,
    YamlDoc,
    as_date,
    clean_text,
    parse_date,
    text_list,
    unknown_language,
)
from bot.i18n.languages import LANGUAGES, normalise_code
from bot.local_guide.directory.model import Contact, Cost
from bot.local_guide.directory.schedule import OnDates, Rule, Schedule, Weekly

Path = tuple[str | int, ...]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FINNISH_WEEKDAYS = ("ma", "ti", "ke", "to", "pe", "la", "su")
_DAY_TOKENS: dict[str, int] = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{name.lower(): i for i, name in enumerate(_WEEKDAY_NAMES)},
    **{name: i for i, name in enumerate(_FINNISH_WEEKDAYS)},
}
_TIME_RANGE_RE = re.compile(
    r"^(\d{1,2})(?:[:.](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[:.](\d{2}))?$"
)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]+$")
_TELEGRAM_RE = re.compile(r"^(?:@|https://t\.me/)?([A-Za-z][A-Za-z0-9_]{4,31})$")
_SCHEDULE_FIELDS = ("every", "dates", "time", "from", "until", "except")
_CONTACT_FIELDS = ("website", "email", "phone", "telegram")


def check_fields(
    doc: YamlDoc, data: Mapping[Any, Any], path: Path, allowed: tuple[str, ...], what: str,
    report: Report,
) -> None:
    for key in data:
        if key not in allowed:
            report.error(doc.file, doc.line(*path, key),
                         f"unknown field '{key}' in {what}; use: {', '.join(allowed)}")


def date_field(doc: YamlDoc, value: Any, path: Path, report: Report) -> dt.date | None:
    # parse_date only reads path[-1] (a field name here) and passes the path to
    # YamlDoc.line, which takes list positions too; its annotation is narrower than that.
    return parse_date(doc, value, cast(tuple[str, ...], path), report)


def date_list(doc: YamlDoc, value: Any, path: Path, report: Report) -> tuple[dt.date, ...]:
    items = value if isinstance(value, list) else [value]
    days: list[dt.date] = []
    for i, item in enumerate(items):
        day = as_date(item)
        if day is None:
            line = doc.line(*path, i) if isinstance(value, list) else doc.line(*path)
            report.error(doc.file, line,
                         f"item {i + 1} of '{path[-1]}' must be a date written as YYYY-MM-DD")
        else:
            days.append(day)
    return tuple(days)


def flag(doc: YamlDoc, data: Mapping[str, Any], path: Path, report: Report) -> bool | None:
    """A true/false field; None when absent."""
    value = data.get(str(path[-1]))
    if value is None or isinstance(value, bool):
        return value
    report.error(doc.file, doc.line(*path), f"'{path[-1]}' must be true or false")
    return None


def texts(
    doc: YamlDoc, value: Any, path: Path, report: Report, *, plain_ok: bool = False
) -> dict[str, str]:
    """A text per language (Finnish required); with `plain_ok` one text for every language.

    A plain text is kept under "fi": it is a proper name (a library, a street), not Finnish
    prose, so showing it to every user is right.
    """
    field = path[-1]
    if plain_ok and isinstance(value, (str, int, float)) and str(value).strip():
        return {"fi": str(value).strip()}
    if not isinstance(value, dict) or not value:
        form = "a text, or one line per language" if plain_ok else "one line per language"
        report.error(doc.file, doc.line(*path),
                     f"'{field}' must be {form}, e.g. 'fi: …' and 'en: …' indented below it")
        return {}
    found: dict[str, str] = {}
    for lang, text in value.items():
        if lang not in LANGUAGES:
            report.error(doc.file, doc.line(*path, lang), unknown_language(lang))
        elif (cleaned := clean_text(text)) is None:
            report.error(doc.file, doc.line(*path, lang),
                         f"the '{lang}' text of '{field}' is empty")
        else:
            found[lang] = cleaned
    if "fi" not in value:
        report.error(doc.file, doc.line(*path), f"'{field}' needs a Finnish text (fi)")
    return found


def language_code(code: str) -> str | None:
    """One of ours (aliases such as prs → fa included), or another language Babel knows.

    Associations often speak languages the bot's UI does not (Tigrinya, Dari…); those
    are still worth listing, by their own name.
    """
    ours = normalise_code(code)
    if ours is not None:
        return ours
    tag = code.strip().lower()
    return tag if re.fullmatch(r"[a-z]{2,3}", tag) and localedata.exists(tag) else None


def languages(doc: YamlDoc, value: Any, path: Path, report: Report) -> tuple[str, ...]:
    found: list[str] = []
    for i, item in enumerate(text_list(doc, value, path, report)):
        code = language_code(item)
        if code is None:
            line = doc.line(*path, i) if isinstance(value, list) else doc.line(*path)
            report.error(doc.file, line,
                         f"unknown language code '{item}'; use {', '.join(LANGUAGES)} or "
                         "another ISO 639 code (e.g. ti for Tigrinya)")
        elif code not in found:
            found.append(code)
    return tuple(found)


def refs(
    doc: YamlDoc, value: Any, path: Path, known: Mapping[str, object], what: str,
    report: Report,
) -> tuple[str, ...]:
    """Ids that must exist in `known` (interests, municipalities)."""
    found: list[str] = []
    for i, item in enumerate(text_list(doc, value, path, report)):
        if item in known:
            found.append(item)
        else:
            line = doc.line(*path, i) if isinstance(value, list) else doc.line(*path)
            choices = ", ".join(known) or "none defined"
            report.error(doc.file, line, f"unknown {what} '{item}'; use one of: {choices}",
                         refers_to=f"{what}:{item}")
    return tuple(found)


def url(doc: YamlDoc, value: Any, path: Path, report: Report) -> str | None:
    text = clean_text(value)
    if text is not None and text.startswith(("https://", "http://")) and " " not in text:
        return text
    report.error(doc.file, doc.line(*path),
                 f"'{path[-1]}' must be a web address starting with https://")
    return None


def phone(doc: YamlDoc, value: Any, path: Path, report: Report) -> str | None:
    if isinstance(value, int):
        # YAML reads 0401234567 as a number (and drops the leading zero).
        report.error(doc.file, doc.line(*path),
                     "put the phone number in quotes, e.g. phone: \"+358 40 123 4567\"")
        return None
    text = clean_text(value)
    if text is not None and _PHONE_RE.match(text) and sum(c.isdigit() for c in text) >= 7:
        return text
    report.error(doc.file, doc.line(*path),
                 "'phone' must be a phone number such as \"+358 40 123 4567\"")
    return None


def contact(doc: YamlDoc, value: Any, path: Path, report: Report) -> Contact:
    if value is None:
        return Contact()
    if not isinstance(value, dict):
        report.error(doc.file, doc.line(*path),
                     f"'contact' must contain some of: {', '.join(_CONTACT_FIELDS)}")
        return Contact()
    check_fields(doc, value, path, _CONTACT_FIELDS, "'contact'", report)
    website = url(doc, value["website"], (*path, "website"), report) if "website" in value else None
    email = None
    if "email" in value:
        email = clean_text(value["email"])
        if email is None or not _EMAIL_RE.match(email):
            report.error(doc.file, doc.line(*path, "email"),
                         "'email' must be an e-mail address such as info@example.org")
            email = None
    number = phone(doc, value["phone"], (*path, "phone"), report) if "phone" in value else None
    telegram = None
    if "telegram" in value:
        match = _TELEGRAM_RE.match(clean_text(value["telegram"]) or "")
        if match is None:
            report.error(doc.file, doc.line(*path, "telegram"),
                         "'telegram' must be a Telegram username such as \"@example_group\" "
                         "(in quotes: YAML reads a leading @ as an error)")
        else:
            telegram = "@" + match.group(1)
    return Contact(website, email, number, telegram)


def cost(doc: YamlDoc, value: Any, path: Path, report: Report) -> Cost | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return Cost(euros=float(value))
    if isinstance(value, dict):
        found = texts(doc, value, path, report)
        return Cost(texts=found) if found else None
    report.error(doc.file, doc.line(*path),
                 "'cost' must be a number of euros (0 = free) or one line per language")
    return None


def time_range(
    doc: YamlDoc, value: Any, path: Path, report: Report
) -> tuple[dt.time, dt.time] | None:
    match = _TIME_RANGE_RE.match(value.strip()) if isinstance(value, str) else None
    if match is not None:
        h1, m1, h2, m2 = (int(g or 0) for g in match.groups())
        if h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60:
            start, end = dt.time(h1, m1), dt.time(h2, m2)
            if end > start:
                return start, end
            report.error(doc.file, doc.line(*path),
                         "the end time must be after the start time (sessions past midnight "
                         "are not supported)")
            return None
    report.error(doc.file, doc.line(*path),
                 "'time' must be a start and an end time, e.g. time: 17:00-18:30")
    return None


def weekdays(doc: YamlDoc, value: Any, path: Path, report: Report) -> frozenset[int]:
    days: set[int] = set()
    for i, item in enumerate(text_list(doc, value, path, report)):
        token = item.strip().lower()
        first, _, last = (_DAY_TOKENS.get(part) for part in token.partition("-"))
        if token in _DAY_TOKENS:
            days.add(_DAY_TOKENS[token])
        elif first is not None and last is not None and first <= last:
            days.update(range(first, last + 1))
        else:
            line = doc.line(*path, i) if isinstance(value, list) else doc.line(*path)
            report.error(doc.file, line,
                         f"unknown weekday '{item}'; write {', '.join(WEEKDAYS)} (or "
                         f"{', '.join(_FINNISH_WEEKDAYS)}), or a range such as mon-fri")
    return frozenset(days)


def schedule(doc: YamlDoc, value: Any, path: Path, report: Report) -> Schedule | None:
    """One block (`every:`/`dates:` with `time:`), or a list of them."""
    if isinstance(value, list):
        if not value:
            report.error(doc.file, doc.line(*path), f"'{path[-1]}' is empty")
            return None
        blocks: list[tuple[Any, Path]] = [(b, (*path, i)) for i, b in enumerate(value)]
    else:
        blocks = [(value, path)]
    rules = [_rule(doc, block, where, report) for block, where in blocks]
    if any(rule is None for rule in rules):
        return None
    return Schedule(tuple(r for r in rules if r is not None))


def _rule(doc: YamlDoc, block: Any, path: Path, report: Report) -> Rule | None:
    if not isinstance(block, dict):
        report.error(doc.file, doc.line(*path),
                     "a schedule needs 'every:' (weekly, e.g. every: tue) or 'dates:' "
                     "(single dates), and 'time:' (e.g. time: 17:00-18:30)")
        return None
    check_fields(doc, block, path, _SCHEDULE_FIELDS, "a schedule", report)
    before = len(report.errors)
    times = None
    if "time" in block:
        times = time_range(doc, block["time"], (*path, "time"), report)
    else:
        report.error(doc.file, doc.line(*path),
                     "the schedule has no 'time:'; add e.g. time: 17:00-18:30")
    rule: Rule | None = None
    if "every" in block and "dates" in block:
        report.error(doc.file, doc.line(*path, "dates"),
                     "use either 'every:' (weekly) or 'dates:' (single dates) in one block; "
                     "make a list of two blocks for both")
    elif "every" in block:
        rule = _weekly(doc, block, path, times, report)
    elif "dates" in block:
        for key in ("from", "until", "except"):
            if key in block:
                report.error(doc.file, doc.line(*path, key),
                             f"'{key}' is for weekly schedules ('every:'); list the dates "
                             "you want under 'dates:'")
        dates = date_list(doc, block["dates"], (*path, "dates"), report)
        if not block["dates"]:
            report.error(doc.file, doc.line(*path, "dates"), "'dates' is empty")
        if times is not None and dates:
            rule = OnDates(tuple(sorted(set(dates))), *times)
    else:
        report.error(doc.file, doc.line(*path),
                     "the schedule needs 'every:' (weekly, e.g. every: tue) or 'dates:' "
                     "(single dates, e.g. dates: [2026-12-05])")
    return rule if len(report.errors) == before else None


def _weekly(
    doc: YamlDoc, block: Mapping[str, Any], path: Path,
    times: tuple[dt.time, dt.time] | None, report: Report,
) -> Weekly | None:
    days = weekdays(doc, block["every"], (*path, "every"), report)
    if not block["every"]:
        report.error(doc.file, doc.line(*path, "every"), "'every' needs at least one weekday")
    valid_from, valid_until = (
        date_field(doc, block[key], (*path, key), report) if key in block else None
        for key in ("from", "until")
    )
    if valid_from and valid_until and valid_until < valid_from:
        report.error(doc.file, doc.line(*path, "until"), "'until' is before 'from'")
    exceptions: tuple[dt.date, ...] = ()
    if "except" in block:
        exceptions = date_list(doc, block["except"], (*path, "except"), report)
    for day in exceptions:
        if days and day.weekday() not in days:
            report.warn(doc.file, doc.line(*path, "except"),
                        f"{day} is a {_WEEKDAY_NAMES[day.weekday()]}, not a day of this "
                        "schedule; this exception changes nothing")
    if times is None or not days:
        return None
    return Weekly(days, *times, valid_from, valid_until, frozenset(exceptions))

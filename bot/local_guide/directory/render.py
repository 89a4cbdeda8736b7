"""Directory results as Telegram HTML message text, in the user's language.

Everything shown comes from adviser-edited files, so every value is escaped. Names of
places and organisations are mostly Latin script: inside Arabic, Persian or Sorani text
they are isolated (`bidi.ltr`) and every line gets an explicit direction (`bidi.line`),
so punctuation and times stay where they belong. Example records always carry a
visible marker, so invented sample data is never mistaken for a real event.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from collections.abc import Sequence

from bot.i18n import bidi, texts
from bot.i18n.catalogs import Translator
from bot.i18n.languages import is_rtl, native_name
from bot.local_guide.directory.directory import Directory
from bot.local_guide.directory.model import (
    Activity,
    AdvisingSession,
    Cost,
    Interest,
    Municipality,
    Occurrence,
    pick,
)
from bot.local_guide.directory.timefmt import format_day, format_euros, format_when


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def _fragment(text: str, lang: str) -> str:
    """Escaped text, isolated as left-to-right inside RTL text unless it is RTL itself."""
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return escape(text)
    return escape(bidi.ltr(text, lang))


def _join(items: Sequence[str], lang: str) -> str:
    return ("، " if is_rtl(lang) else ", ").join(items)


def _languages(t: Translator, codes: Sequence[str]) -> str:
    names = _join([_fragment(native_name(code), t.lang) for code in codes], t.lang)
    return "🗣 " + t.html(texts.DIRECTORY_LANGUAGES, languages=names)


def _cost_and_registration(t: Translator, cost: Cost | None, registration: bool | None) -> str:
    parts: list[str] = []
    if cost is not None and cost.euros == 0:
        parts.append(t.html(texts.DIRECTORY_FREE))
    elif cost is not None:
        amount = (format_euros(cost.euros, t.lang) if cost.euros is not None
                  else pick(cost.texts, t.lang))
        parts.append(t.html(texts.DIRECTORY_COST, cost=_fragment(amount, t.lang)))
    if registration is not None:
        parts.append(t.html(texts.DIRECTORY_REGISTRATION if registration
                            else texts.DIRECTORY_NO_REGISTRATION))
    return "💶 " + " · ".join(parts) if parts else ""


def _place(t: Translator, activity: Activity) -> str:
    if activity.online:
        return "💻 " + t.html(texts.DIRECTORY_ONLINE)
    where = [pick(activity.place, t.lang)] + ([activity.address] if activity.address else [])
    return "📍 " + _join([_fragment(part, t.lang) for part in where], t.lang)


def _title(t: Translator, activity: Activity, icon: str) -> str:
    title = _fragment(activity.title(t.lang), t.lang)
    return f"<b>{icon} {title}</b>" if icon else f"<b>{title}</b>"


def _example(t: Translator) -> str:
    return f"<i>⚠️ {t.html(texts.DIRECTORY_EXAMPLE)}</i>"


def _block(lines: Sequence[str], lang: str) -> str:
    return bidi.line("\n".join(line for line in lines if line), lang)


def _icon(directory: Directory, activity: Activity) -> str:
    icons = [directory.interests[i].icon for i in activity.interests if i in directory.interests]
    return next((icon for icon in icons if icon), "")


def occurrence_html(t: Translator, directory: Directory, occurrence: Occurrence) -> str:
    """One session as a compact block for a result list: what, when, where, languages."""
    activity = occurrence.activity
    return _block([
        _title(t, activity, _icon(directory, activity)),
        "🗓 " + escape(format_when(occurrence.start, occurrence.end, t.lang)),
        _place(t, activity),
        _languages(t, activity.languages),
        _cost_and_registration(t, activity.cost, activity.registration),
        _example(t) if activity.example else "",
    ], t.lang)


def activity_html(t: Translator, directory: Directory, activity: Activity,
                  sessions: Sequence[Occurrence]) -> str:
    """The details of one activity with its next sessions and the organiser's contacts."""
    lang = t.lang
    organiser = activity.organiser
    lines = [_title(t, activity, _icon(directory, activity))]
    if activity.descriptions:
        lines.append(_fragment(pick(activity.descriptions, lang), lang))
    if activity.target:
        lines.append("👥 " + t.html(texts.DIRECTORY_FOR,
                                    group=_fragment(pick(activity.target, lang), lang)))
    if sessions:
        lines.append("🗓 " + t.html(texts.DIRECTORY_NEXT_TIMES))
        lines += ["• " + escape(format_when(s.start, s.end, lang)) for s in sessions]
    lines += [
        _place(t, activity),
        _languages(t, activity.languages),
        _cost_and_registration(t, activity.cost, activity.registration),
        "🏢 " + t.html(texts.DIRECTORY_ORGANISER,
                       name=_fragment(organiser.name(lang), lang)),
    ]
    website = activity.url or organiser.contact.website
    if website:
        href = html.escape(website, quote=True)
        lines.append(f'🌐 <a href="{href}">{_fragment(website, lang)}</a>')
    contact = organiser.contact
    reach = [f"{icon} {_fragment(value, lang)}" for icon, value in (
        ("✉️", contact.email), ("☎️", contact.phone), ("✈️", contact.telegram)) if value]
    lines.append(" · ".join(reach))
    checked = _fragment(t.date(organiser.checked), lang)
    lines.append(f"<i>{t.html(texts.DIRECTORY_CHECKED, date=checked)}</i>")
    lines.append(_example(t) if activity.example else "")
    return _block(lines, lang)


def advising_html(t: Translator, session: AdvisingSession) -> str:
    """One opening of an advising point: when, where, in which languages, how to call."""
    lang = t.lang
    point = session.point
    where = [pick(point.place, lang)] + ([point.address] if point.address else [])
    return _block([
        f"<b>{_fragment(point.title(lang), lang)}</b>",
        "🗓 " + escape(format_when(session.start, session.end, lang)),
        "📍 " + _join([_fragment(part, lang) for part in where], lang),
        _languages(t, point.languages),
        f"☎️ {_fragment(point.phone, lang)}" if point.phone else "",
        f"<i>{_fragment(pick(point.notes, lang), lang)}</i>" if point.notes else "",
        _example(t) if point.example else "",
    ], lang)


def upcoming_html(t: Translator, directory: Directory, municipality: Municipality,
                  occurrences: Sequence[Occurrence], *, start: dt.datetime, days: int = 28,
                  interest: Interest | None = None) -> str:
    """A heading and the sessions, or "nothing found" with the neighbouring municipalities."""
    place = _fragment(municipality.name(t.lang), t.lang)
    if not occurrences:
        return _nothing(t, directory, municipality, texts.DIRECTORY_NOTHING, start, days)
    if interest is None:
        heading = t.html(texts.DIRECTORY_UPCOMING, municipality=place)
    else:
        heading = t.html(texts.DIRECTORY_UPCOMING_INTEREST, municipality=place,
                         interest=_fragment(interest.name(t.lang), t.lang))
    blocks = [occurrence_html(t, directory, o) for o in occurrences]
    return "\n\n".join([bidi.line(f"<b>{heading}</b>", t.lang), *blocks])


def advising_list_html(t: Translator, directory: Directory, municipality: Municipality,
                       sessions: Sequence[AdvisingSession], *, start: dt.datetime,
                       days: int = 28) -> str:
    """A heading and the advising hours, or "nothing found" with the neighbours."""
    if not sessions:
        return _nothing(t, directory, municipality, texts.DIRECTORY_NO_ADVISING, start, days)
    place = _fragment(municipality.name(t.lang), t.lang)
    heading = t.html(texts.DIRECTORY_ADVISING, municipality=place)
    blocks = [advising_html(t, s) for s in sessions]
    return "\n\n".join([bidi.line(f"<b>{heading}</b>", t.lang), *blocks])


def _nothing(t: Translator, directory: Directory, municipality: Municipality, message: str,
             start: dt.datetime, days: int) -> str:
    lang = t.lang
    until = escape(format_day(start + dt.timedelta(days=days), lang))
    lines = [t.html(message, date=until, municipality=_fragment(municipality.name(lang), lang))]
    nearby = directory.neighbours(municipality.id)
    if nearby:
        names = _join([_fragment(m.name(lang), lang) for m in nearby], lang)
        lines.append(t.html(texts.DIRECTORY_NEIGHBOURS, names=names))
    return _block(lines, lang)

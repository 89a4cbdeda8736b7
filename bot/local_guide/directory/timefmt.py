"""Dates, times and prices in the user's language, as Babel (CLDR) formats them.

Times are always shown in Finnish time (Europe/Helsinki), where the activity is. CLDR
writes Persian with Persian digits (۱۸:۰۰) and Sorani with Arabic-Indic ones (١٨:٠٠), but
Babel's date formatting emits ASCII digits whatever the locale; `localize_digits` applies
the locale's own numbering system so the whole line reads naturally.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_interval, format_skeleton, get_datetime_format
from babel.numbers import format_currency

from bot.i18n.finnish_time import HELSINKI
from bot.i18n.languages import babel_locale, localize_digits

#: Abbreviated weekday, day and month: "ti 1.12.", "Tue, Dec 1", "سێشەممە، ١ی کانونی یەکەم".
#: Chosen because it is the one such format that every locale's CLDR data defines outright
#: and that reads right in all nine languages, the same in CLDR 46 and 47 (Babel 2.18 and
#: 2.19). The written-out month ("MMMMEd") is not: English lacks it in CLDR 46 (Babel then
#: assembles a pattern by best match), and CLDR 47 gives Sorani an English-ordered one with a
#: Latin comma ("کانونی یەکەم ١, سێشەممە").
DAY_SKELETON = "MMMEd"


def format_day(value: dt.datetime, lang: str) -> str:
    """Weekday, day and month in Helsinki time, e.g. "ti 1.12."."""
    text = format_skeleton(DAY_SKELETON, value, tzinfo=HELSINKI, locale=babel_locale(lang))
    return localize_digits(text, lang)


def format_when(start: dt.datetime, end: dt.datetime, lang: str) -> str:
    """Weekday, date and 24-hour time range in Helsinki time: "ti 1.12. 17.00–18.30"."""
    locale = babel_locale(lang)
    day = format_skeleton(DAY_SKELETON, start, tzinfo=HELSINKI, locale=locale)
    hours = format_interval(start, end, "Hm", tzinfo=HELSINKI, locale=locale)
    # CLDR's pattern for joining a date and a time: "{1} {0}", "{1}, {0}", "{1}، {0}"…
    glue = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    return localize_digits(glue.replace("{1}", day).replace("{0}", hours), lang)


def format_euros(amount: float, lang: str) -> str:
    text = format_currency(amount, "EUR", locale=babel_locale(lang), numbering_system="default")
    return localize_digits(text, lang)

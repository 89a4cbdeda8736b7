"""Directory rendering: Babel dates in all nine languages, escaping, RTL, example marker."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.dates import get_day_names, get_month_names

from bot.i18n import bidi
from bot.i18n.catalogs import I18n
from bot.i18n.languages import LANGUAGES, babel_locale, localize_digits
from bot.local_guide.directory import HELSINKI, Directory, load_directory
from bot.local_guide.directory.model import (
    Activity,
    AdvisingPoint,
    AdvisingSession,
    Association,
    Contact,
    Cost,
    Interest,
    Municipality,
    Occurrence,
)
from bot.local_guide.directory.render import (
    activity_html,
    advising_html,
    occurrence_html,
    upcoming_html,
)
from bot.local_guide.directory.schedule import Schedule, Weekly
from bot.local_guide.directory.timefmt import format_day, format_when
from tests.paths import FAQ, LOCALES

I18N = I18n.load(LOCALES)
TUESDAY = dt.datetime(2026, 12, 1, 17, 0, tzinfo=HELSINKI)
END = dt.datetime(2026, 12, 1, 18, 30, tzinfo=HELSINKI)
ENGLISH_MONTHS = set(get_month_names("wide", locale="en").values()) | set(
    get_month_names("abbreviated", locale="en").values())

#: Each language's own digits, as its CLDR numbering system has them.
DIGITS = {lang: localize_digits("0123456789", lang) for lang in LANGUAGES}


def native(number: str, lang: str) -> str:
    return number.translate(str.maketrans("0123456789", DIGITS[lang]))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_when_reads_weekday_date_and_times_in_the_users_language(lang: str) -> None:
    """What matters to the reader, whatever CLDR release the pinned Babel carries: the
    line opens with the weekday in the user's language, then the 1st of December (its
    month by name or number) and both times, all in the language's own digits."""
    text = format_when(TUESDAY, END, lang)
    weekday = get_day_names("abbreviated", locale=babel_locale(lang))[1]  # Tuesday
    assert text.startswith(weekday), (lang, text)
    december = {get_month_names(width, locale=babel_locale(lang))[12]
                for width in ("abbreviated", "wide")}
    rest = text.removeprefix(weekday)
    assert any(name in rest for name in december) or native("12", lang) in rest, text
    assert native("1", lang) in rest and native("17", lang) in rest, text
    assert native("18", lang) in rest and native("30", lang) in rest, text
    if DIGITS[lang] != "0123456789":
        assert not re.search(r"[0-9]", text), (lang, text)
    if lang != "en":
        assert not any(re.search(rf"\b{month}\b", text) for month in ENGLISH_MONTHS), text


def test_persian_and_sorani_use_their_own_digits() -> None:
    for lang in ("fa", "ckb"):
        assert not re.search(r"[0-9]", format_when(TUESDAY, END, lang)), lang
    assert localize_digits("18:30", "fa") == "۱۸:۳۰"
    assert localize_digits("18:30", "ckb") == "١٨:٣٠"
    assert localize_digits("18:30", "ar") == "18:30"  # CLDR: Arabic defaults to Latin digits


def test_time_in_helsinki_whatever_the_zone_of_the_datetime() -> None:
    in_utc = TUESDAY.astimezone(dt.UTC)
    assert format_when(in_utc, END.astimezone(dt.UTC), "fi") == format_when(TUESDAY, END, "fi")
    assert format_when(TUESDAY, END, "fi").endswith(" 17.00–18.30")
    summer = dt.datetime(2026, 3, 31, 18, tzinfo=HELSINKI)  # after the March change
    assert "18.00–19.30" in format_when(summer, summer + dt.timedelta(minutes=90), "fi")


ORG = Association("org", {"fi": "Yhdistys <ry>"}, {"fi": "Kuvaus"}, ("iisalmi",), ("fi",),
                  (), Contact("https://www.example.org/?a=1&b=2", "info@example.org",
                              "+358 40 000 0000", "@example_group"), dt.date(2026, 11, 1))
SCHEDULE = Schedule((Weekly(frozenset({1}), dt.time(17), dt.time(18, 30)),))


def cafe(**changes: object) -> Activity:
    fields: dict[str, object] = {
        "id": "cafe", "organiser": ORG, "titles": {"fi": "Kielikahvila & <b>", "so": "Kafeega"},
        "schedule": SCHEDULE, "languages": ("fi", "so", "ar"), "interests": ("language-cafe",),
        "municipality": "iisalmi", "place": {"fi": "Iisalmen kaupunginkirjasto"},
        "address": "Esimerkkikatu 1", "cost": Cost(euros=0), "registration": False,
    }
    fields.update(changes)
    return Activity(**fields)  # type: ignore[arg-type]


DIRECTORY = Directory(
    {"iisalmi": Municipality("iisalmi", {"fi": "Iisalmi"}, 63.5667, 27.1833, ("sonkajarvi",)),
     "sonkajarvi": Municipality("sonkajarvi", {"fi": "Sonkajärvi"}, 63.6694, 27.5222,
                                ("iisalmi",))},
    {"language-cafe": Interest("language-cafe", {"fi": "Kielikahvila", "so": "Kafeega"}, "☕")},
)


def test_occurrence_block_in_finnish() -> None:
    html = occurrence_html(I18N("fi"), DIRECTORY, Occurrence(cafe(), TUESDAY, END))
    assert html == (
        "<b>☕ Kielikahvila &amp; &lt;b&gt;</b>\n"
        f"🗓 {format_when(TUESDAY, END, 'fi')}\n"
        "📍 Iisalmen kaupunginkirjasto, Esimerkkikatu 1\n"
        "🗣 Kielet: Suomi, Soomaali, العربية\n"
        "💶 Maksuton · Ei ilmoittautumista, tule vain paikalle"
    )


def test_occurrence_block_in_somali_with_example_marker_and_price() -> None:
    activity = cafe(example=True, cost=Cost(euros=2.5), registration=True)
    html = occurrence_html(I18N("so"), DIRECTORY, Occurrence(activity, TUESDAY, END))
    assert "<b>☕ Kafeega</b>" in html
    assert f"🗓 {format_when(TUESDAY, END, 'so')}" in html
    assert "Qiimaha: €2.50 · Is-diiwaangelin ayaa loo baahan yahay" in html
    assert html.endswith("<i>⚠️ Xog tusaale ah, maaha macluumaad dhab ah</i>")


def test_rtl_lines_get_a_direction_and_latin_names_are_isolated() -> None:
    activity = cafe(titles={"fi": "Kielikahvila", "ar": "مقهى اللغة"},
                    cost=Cost(texts={"fi": "2 €"}))
    html = occurrence_html(I18N("ar"), DIRECTORY, Occurrence(activity, TUESDAY, END))
    lines = html.split("\n")
    assert all(line.startswith(bidi.RLM) for line in lines)
    assert "مقهى اللغة" in lines[0]
    assert f"{bidi.LRI}Iisalmen kaupunginkirjasto{bidi.PDI}" in lines[2]
    assert f"{bidi.LRI}Suomi{bidi.PDI}، {bidi.LRI}Soomaali{bidi.PDI}، العربية" in lines[3]
    assert f"السعر: {bidi.LRI}2 €{bidi.PDI}" in lines[4]


def test_online_activity_says_so_instead_of_a_place() -> None:
    activity = cafe(online=True, municipality=None, place={}, address=None)
    html = occurrence_html(I18N("en"), DIRECTORY, Occurrence(activity, TUESDAY, END))
    assert "💻 Online" in html and "📍" not in html


def test_activity_details_escape_links_and_list_contacts() -> None:
    activity = cafe(descriptions={"fi": "Tervetuloa!"}, target={"fi": "Aikuiset"})
    html = activity_html(I18N("fi"), DIRECTORY, activity, [Occurrence(activity, TUESDAY, END)])
    assert "Tervetuloa!" in html and "👥 Kenelle: Aikuiset" in html
    assert f"🗓 Seuraavat kerrat:\n• {format_when(TUESDAY, END, 'fi')}" in html
    assert "🏢 Järjestäjä: Yhdistys &lt;ry&gt;" in html
    assert '<a href="https://www.example.org/?a=1&amp;b=2">' in html
    assert "✉️ info@example.org · ☎️ +358 40 000 0000 · ✈️ @example_group" in html
    assert "Tiedot tarkistettu 1.11.2026" in html


def test_advising_block() -> None:
    point = AdvisingPoint("adv", ORG, {"fi": "Neuvonta", "en": "Advising"}, "iisalmi",
                          {"fi": "Kirjasto"}, SCHEDULE, ("fi", "so"), notes={"en": "Just come."},
                          example=True)
    html = advising_html(I18N("en"), AdvisingSession(point, TUESDAY, END))
    assert html.split("\n") == [
        "<b>Advising</b>", f"🗓 {format_when(TUESDAY, END, 'en')}", "📍 Kirjasto",
        "🗣 Languages: Suomi, Soomaali", "<i>Just come.</i>",
        "<i>⚠️ Example data, not real information</i>",
    ]


def test_nothing_found_suggests_neighbours() -> None:
    html = upcoming_html(I18N("fi"), DIRECTORY, DIRECTORY.municipalities["iisalmi"], [],
                         start=TUESDAY, days=28)
    until = format_day(TUESDAY + dt.timedelta(days=28), "fi")
    assert html == (f"En löytänyt mitään ennen päivää {until} – Iisalmi.\n"
                    "Lähellä: Sonkajärvi")


def test_sample_renders_in_every_language() -> None:
    directory = load_directory(FAQ)
    iisalmi = directory.municipalities["iisalmi"]
    start = dt.datetime(2026, 11, 23, 9, tzinfo=HELSINKI)
    found = directory.upcoming("iisalmi", start=start, interest="language-cafe", limit=10)
    for lang in LANGUAGES:
        html = upcoming_html(I18N(lang), directory, iisalmi, found, start=start,
                             interest=directory.interests["language-cafe"])
        assert html.count("⚠️") == len(found), lang
        assert "{" not in html, lang

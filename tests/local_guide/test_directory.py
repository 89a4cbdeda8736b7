"""The directory engine: recurrence, filtering, paging, nearest municipality, advising."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.local_guide.directory import HELSINKI, Directory
from bot.local_guide.directory.model import (
    Activity,
    AdvisingPoint,
    Association,
    Contact,
    Interest,
    Municipality,
)
from bot.local_guide.directory.schedule import OnDates, Schedule, Weekly

UTC = dt.UTC
ORG = Association("org", {"fi": "Yhdistys"}, {"fi": "Kuvaus"}, ("iisalmi",), ("fi",), (),
                  Contact(), dt.date(2026, 11, 1))


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=HELSINKI)


def weekly(day: int, start: str = "18:00", end: str = "19:30", *,
           valid_from: dt.date | None = None, valid_until: dt.date | None = None) -> Schedule:
    return Schedule((Weekly(frozenset({day}), dt.time.fromisoformat(start),
                            dt.time.fromisoformat(end), valid_from, valid_until),))


def activity(ident: str, schedule: Schedule, *, municipality: str | None = "iisalmi",
             languages: tuple[str, ...] = ("fi",), interests: tuple[str, ...] = ("language-cafe",),
             online: bool = False) -> Activity:
    return Activity(ident, ORG, {"fi": ident, "en": ident}, schedule, languages, interests,
                    municipality=municipality, place={"fi": "Kirjasto"}, online=online)


def directory(*activities: Activity, advising: tuple[AdvisingPoint, ...] = ()) -> Directory:
    municipalities = {
        "iisalmi": Municipality("iisalmi", {"fi": "Iisalmi", "sv": "Idensalmi"}, 63.5667,
                                27.1833, ("sonkajarvi", "lapinlahti")),
        "sonkajarvi": Municipality("sonkajarvi", {"fi": "Sonkajärvi"}, 63.6694, 27.5222,
                                   ("iisalmi",)),
        "lapinlahti": Municipality("lapinlahti", {"fi": "Lapinlahti"}, 63.3667, 27.3833,
                                   ("iisalmi",)),
    }
    interests = {key: Interest(key, {"fi": key}) for key in
                 ("language-cafe", "peer-support", "sports")}
    return Directory(municipalities, interests, {"org": ORG},
                     {a.id: a for a in activities}, {p.id: p for p in advising})


# -- recurrence ---------------------------------------------------------------------------

def test_weekly_sessions_in_time_order_with_exceptions() -> None:
    schedule = Schedule((Weekly(frozenset({1, 3}), dt.time(18), dt.time(19, 30),
                                exceptions=frozenset({dt.date(2026, 12, 3)})),))
    sessions = schedule.sessions(local(2026, 11, 30), local(2026, 12, 11))
    assert [s.date() for s, _ in sessions] == [
        dt.date(2026, 12, 1), dt.date(2026, 12, 8), dt.date(2026, 12, 10)]
    assert all(s.tzinfo is HELSINKI and s.hour == 18 and e.minute == 30 for s, e in sessions)


@pytest.mark.parametrize(
    ("first", "before", "after"),
    [  # the last Sundays of March and October 2026 are the 29th and the 25th
        (dt.date(2026, 3, 24), dt.timedelta(hours=2), dt.timedelta(hours=3)),
        (dt.date(2026, 10, 20), dt.timedelta(hours=3), dt.timedelta(hours=2)),
    ],
)
def test_weekly_time_stays_local_across_dst_changes(
    first: dt.date, before: dt.timedelta, after: dt.timedelta
) -> None:
    schedule = weekly(1)
    start = dt.datetime.combine(first, dt.time(0), HELSINKI)
    one, two = schedule.sessions(start, start + dt.timedelta(days=8))
    assert (one[0].hour, two[0].hour) == (18, 18)
    assert (one[0].utcoffset(), two[0].utcoffset()) == (before, after)
    # Same tzinfo: Python subtracts wall-clock times; in UTC the week is an hour off.
    assert two[0].astimezone(UTC) - one[0].astimezone(UTC) == dt.timedelta(days=7) + (
        before - after)
    assert (one[1] - one[0]) == (two[1] - two[0]) == dt.timedelta(minutes=90)


def test_valid_from_and_until_are_respected() -> None:
    schedule = weekly(1, valid_from=dt.date(2026, 12, 8), valid_until=dt.date(2026, 12, 15))
    sessions = schedule.sessions(local(2026, 11, 1), local(2027, 1, 31))
    assert [s.date() for s, _ in sessions] == [dt.date(2026, 12, 8), dt.date(2026, 12, 15)]
    assert schedule.last_day == dt.date(2026, 12, 15)
    assert weekly(1).last_day is None


def test_single_dates() -> None:
    schedule = Schedule((OnDates((dt.date(2027, 1, 16), dt.date(2026, 12, 5)),
                                 dt.time(17), dt.time(20)),))
    sessions = schedule.sessions(local(2026, 12, 1), local(2027, 2, 1))
    assert [s.date() for s, _ in sessions] == [dt.date(2026, 12, 5), dt.date(2027, 1, 16)]
    assert schedule.sessions(local(2027, 1, 17), local(2027, 3, 1)) == []
    assert schedule.last_day == dt.date(2027, 1, 16)


def test_started_or_past_sessions_are_never_shown() -> None:
    d = directory(activity("cafe", weekly(1)))
    tuesday = dt.date(2026, 12, 1)
    at = {
        dt.time(17, 59): [tuesday, dt.date(2026, 12, 8)],
        dt.time(18, 0): [tuesday, dt.date(2026, 12, 8)],
        dt.time(18, 1): [dt.date(2026, 12, 8)],  # started a minute ago
        dt.time(23, 0): [dt.date(2026, 12, 8)],
    }
    for time, expected in at.items():
        start = dt.datetime.combine(tuesday, time, HELSINKI)
        found = d.upcoming("iisalmi", start=start, days=8)
        assert [o.start.date() for o in found] == expected, time
        assert all(o.start >= start for o in found)


def test_start_in_another_zone_means_the_same_instant() -> None:
    d = directory(activity("cafe", weekly(1)))
    in_utc = dt.datetime(2026, 12, 1, 16, 1, tzinfo=UTC)  # 18:01 in Helsinki
    assert [o.start.date() for o in d.upcoming("iisalmi", start=in_utc, days=7)] == [
        dt.date(2026, 12, 8)]


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        directory().upcoming("iisalmi", start=dt.datetime(2026, 12, 1))


# -- filtering and paging ----------------------------------------------------------------

def test_filters_by_interest_language_and_place() -> None:
    d = directory(
        activity("cafe", weekly(1), languages=("fi", "so")),
        activity("peers", weekly(2), interests=("peer-support",), languages=("ar",)),
        activity("elsewhere", weekly(1), municipality="sonkajarvi"),
        activity("online", weekly(3), municipality=None, online=True, languages=("fi", "so")),
    )
    start = local(2026, 11, 30)

    def ids(interest: str | None = None, lang: str | None = None) -> list[str]:
        found = d.upcoming("iisalmi", start=start, days=7, interest=interest, lang=lang)
        return [o.activity.id for o in found]

    assert ids() == ["cafe", "peers", "online"]
    assert ids(interest="language-cafe") == ["cafe", "online"]
    assert ids(lang="so") == ["cafe", "online"]
    assert ids(lang="ar") == ["peers"]
    assert ids(interest="peer-support", lang="so") == []
    assert ids(interest="no-such-interest") == []
    sonkajarvi = d.upcoming("sonkajarvi", start=start, days=7)
    assert [o.activity.id for o in sonkajarvi] == ["elsewhere", "online"]
    assert [o.online for o in sonkajarvi] == [False, True]


def test_paging() -> None:
    d = directory(activity("cafe", weekly(1)), activity("sport", weekly(4)))
    start = local(2026, 11, 30)
    everything = d.upcoming("iisalmi", start=start, days=28, limit=100)
    assert len(everything) == 8
    pages = [d.upcoming("iisalmi", start=start, days=28, limit=3, offset=n) for n in (0, 3, 6)]
    assert [o for page in pages for o in page] == everything
    assert [len(page) for page in pages] == [3, 3, 2]


def test_unknown_municipality_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="unknown municipality 'helsinki'"):
        directory().upcoming("helsinki", start=local(2026, 12, 1))


def test_interests_for_lists_only_interests_with_activities() -> None:
    d = directory(
        activity("cafe", weekly(1)),
        activity("cafe-2", weekly(4)),
        activity("peers", weekly(2), interests=("peer-support",)),
        activity("sport", weekly(0), interests=("sports",)),
    )
    assert [i.id for i in d.interests_for("iisalmi")] == [
        "language-cafe", "peer-support", "sports"]


def test_advising_sessions_filtered_by_language() -> None:
    def point(ident: str, day: int, langs: tuple[str, ...]) -> AdvisingPoint:
        return AdvisingPoint(ident, ORG, {"fi": ident}, "iisalmi", {"fi": "Kirjasto"},
                             weekly(day, "12:00", "15:00"), langs)

    d = directory(advising=(point("wed", 2, ("fi", "so", "ar")), point("mon", 0, ("ru",))))
    start = local(2026, 11, 30, 13)  # Monday's session has started
    assert [(s.point.id, s.start.day) for s in d.advising("iisalmi", start=start, limit=3)] == [
        ("wed", 2), ("mon", 7), ("wed", 9)]
    assert {s.point.id for s in d.advising("iisalmi", start=start, lang="so")} == {"wed"}
    assert d.advising("sonkajarvi", start=start) == []


# -- places ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [(63.56, 27.19, "iisalmi"), (63.70, 27.60, "sonkajarvi"), (63.30, 27.40, "lapinlahti"),
     (60.17, 24.94, "lapinlahti")],  # Helsinki: far away, still the nearest centre we know
)
def test_nearest_municipality(lat: float, lon: float, expected: str) -> None:
    assert directory().nearest_municipality(lat, lon).id == expected


def test_neighbours_nearest_first_and_lookup_by_name() -> None:
    d = directory()
    assert [m.id for m in d.neighbours("iisalmi")] == ["sonkajarvi", "lapinlahti"]
    assert d.find_municipality(" IDENSALMI ") is d.municipalities["iisalmi"]
    assert d.find_municipality("sonkajarvi") is d.municipalities["sonkajarvi"]
    assert d.find_municipality("Kuopio") is None
    assert Directory().is_empty and not d.is_empty
    with pytest.raises(ValueError):
        Directory().nearest_municipality(63.0, 27.0)

"""The reach report: exact numbers from a seeded database, small counts hidden, files written."""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from bot.local_guide.directory import HELSINKI
from bot.storage.storage import Storage
from bot.storage.usage import Usage
from bot.tools.report import (
    CSV_FILES,
    NOT_SHOWN,
    Names,
    Report,
    add_parser,
    published,
    read_stats,
    render_report,
    suppressed,
    write_report,
)
from tests.paths import FAQ

SINCE, UNTIL = dt.date(2025, 3, 1), dt.date(2025, 4, 30)
MADE = dt.date(2025, 5, 2)


# -- the suppression rule ---------------------------------------------------------------


def test_counts_under_five_are_hidden_zero_and_five_are_not() -> None:
    values = {"a": 0, "b": 3, "c": 5, "d": 2, "t": 10}
    assert suppressed(values, [(["a", "b", "c", "d"], "t")]) == {"b", "d"}


def test_a_lone_hidden_cell_takes_the_smallest_other_with_it() -> None:
    values = {"a": 3, "b": 9, "c": 6, "t": 18}
    assert suppressed(values, [(["a", "b", "c"], "t")]) == {"a", "c"}


def test_a_hidden_total_takes_a_cell_with_it() -> None:
    # t2 is hidden by the second line; the third would give it back as p, so p goes too.
    values = {"a": 3, "b": 7, "t1": 10, "z": 0, "t2": 7, "p": 7}
    lines = [(["a", "b"], "t1"), (["b", "z"], "t2"), (["p"], "t2")]
    # (b = t2 = p gives b back through t1 too, so t1 goes first; more hidden, none exposed.)
    assert suppressed(values, lines) == {"a", "b", "t1", "t2", "p"}


def test_the_total_goes_when_no_other_cell_can() -> None:
    # 3 + 0 = 3: both small anyway. 7 (hidden by the first line) + 0 = 7: the total goes.
    assert suppressed({"a": 3, "b": 0, "t": 3}, [(["a", "b"], "t")]) == {"a", "t"}
    values = {"a": 3, "b": 7, "t": 10, "b2": 0, "t2": 7}
    lines = [(["a", "b"], "t"), (["b", "b2"], "t2")]
    assert suppressed(values, lines) == {"a", "b", "t2"}


def test_rows_and_columns_are_protected_together() -> None:
    #        x    y   | row
    # r1     3   10   | 13
    # r2     8   20   | 28
    # col   11   30   | 41
    values = {"r1x": 3, "r1y": 10, "r2x": 8, "r2y": 20, "r1": 13, "r2": 28,
              "x": 11, "y": 30, "all": 41}
    lines = [(["r1x", "r1y"], "r1"), (["r2x", "r2y"], "r2"), (["r1x", "r2x"], "x"),
             (["r1y", "r2y"], "y"), (["r1", "r2"], "all"), (["x", "y"], "all")]
    hidden = suppressed(values, lines)
    assert hidden == {"r1x", "r1y", "r2x", "r2y"}
    for cells, total in lines:  # no line is left with exactly one unknown
        assert sum(key in hidden for key in (*cells, total)) != 1


# -- a seeded database --------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def set(self, month: int, day: int) -> None:
        self.now = dt.datetime(2025, month, day, 12, tzinfo=HELSINKI).timestamp()


async def seed(storage: Storage, usage: Usage, clock: Clock) -> None:
    """March: 20 new people; April: 10 of them return and 8 new come. Chosen so that one
    cell of each kind shows: 3 (hidden), 5 (shown), and a lone small count's partner."""
    async def act(pid: str, lang: str, place: str) -> None:
        record = await storage.touch_user(pid)
        await usage.seen(pid, lang, place, record.created_at)

    clock.set(3, 5)
    march = ([("ar", "jyvaskyla")] * 5 + [("so", "iisalmi")] * 3 + [("fa", "iisalmi")] * 2
             + [("ru", "kuopio")] * 10)
    for number, (lang, place) in enumerate(march):
        await act(f"m{number}", lang, place)
    for topic, count in (("health", 3), ("work", 6), ("housing", 20)):
        for _ in range(count):
            await storage.log_question("m10", f"a question about {topic}", "ru", "answer",
                                       None, 0.9)
            await usage.question("ru", "kuopio", "answer", topic)
    for helpful in [True] * 5 + [False] * 2:
        await usage.feedback("ru", "housing", helpful)
    for seconds in (60, 1000, 1200, 1500, 2000, 2500):
        await usage.ticket_created("ru", "kuopio")
        await usage.ticket_replied("ru", seconds)
    for _ in range(7):
        await usage.directory_viewed("ar", "jyvaskyla", "language-cafe")
    for category, count in (("suicide", 6), ("violence", 2), ("emergency", 5)):
        for _ in range(count):
            await usage.crisis_shown(category)
    clock.set(4, 7)
    for number in range(10, 20):
        await act(f"m{number}", "ru", "kuopio")
    for number in range(8):
        await act(f"a{number}", "uk", "jyvaskyla")


async def create(path: str) -> None:
    clock = Clock()
    storage = Storage(path, b"k" * 32, clock=clock)
    await storage.open()
    usage = Usage(storage.db, clock=clock)
    await seed(storage, usage, clock)
    await usage.close()  # as the bot's shutdown does: counts are written in batches
    await storage.close()


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A database file seeded by the bot's own code, closed again (as the report finds it)."""
    path = str(tmp_path / "neuvo.sqlite3")
    asyncio.run(create(path))
    return path


async def report_of(path: str) -> Report:
    stats = await read_stats(path, SINCE, UNTIL)
    assert stats is not None
    return render_report(stats, Names.from_content(FAQ), MADE)


def table(report: Report, name: str) -> dict[str, list[str]]:
    """CSV rows by their first non-empty label (the id, else the name)."""
    _header, *rows = report.csv[name]
    return {(row[0] or row[1]): row for row in rows}


async def test_people_by_month_new_and_returning(db: str) -> None:
    report = await report_of(db)
    assert report.csv["people_by_month.csv"][0] == ["Month", "New", "Returning", "People"]
    people = table(report, "people_by_month.csv")
    assert people["2025-03"] == ["2025-03", "20", "0", "20"]
    assert people["2025-04"] == ["2025-04", "8", "10", "18"]
    assert people["All months"] == ["All months", "28", "10", "38"]


async def test_languages_and_municipalities_with_small_counts_hidden(
    db: str,
) -> None:
    report = await report_of(db)
    languages = table(report, "languages.csv")
    assert languages["ar"] == ["ar", "العربية", "5", "0"]  # 5 is shown
    assert languages["so"] == ["so", "Soomaali", "<5", "0"]  # 3 is not
    assert languages["fa"][2] == "<5"
    assert languages["ru"] == ["ru", "Русский", "20", "29"]
    assert languages["uk"][2] == "8"
    assert languages["All languages"][2:] == ["38", "29"]
    # Shown rows largest first, hidden ones last, so their order tells nothing.
    assert list(languages) == ["ru", "uk", "ar", "fa", "so", "All languages"]
    places = table(report, "municipalities.csv")
    assert places["jyvaskyla"][1:] == ["Jyväskylä", "13", "0"]
    assert places["iisalmi"][1:] == ["Iisalmi", "5", "0"]
    assert places["kuopio"][1:] == ["Kuopio", "20", "29"]
    page = report.html
    assert "<td><bdi>Soomaali</bdi></td><td class=\"n\">&lt;5</td>" in page
    assert "<td><bdi>العربية</bdi></td><td class=\"n\">5</td>" in page


async def test_a_lone_hidden_count_hides_a_second_one(db: str) -> None:
    report = await report_of(db)
    topics = table(report, "topics.csv")
    # health 3 is hidden; with the total 29 shown, work 6 would give it away, so it goes too.
    assert topics["health"][1:3] == ["Health care", "<5"]
    assert topics["work"][2] == "x"
    assert topics["housing"][2] == "20"
    # 👍 5 of housing alone would give back the hidden 👍 total: hidden as well.
    assert topics["housing"][3:] == ["x", "<5"]
    assert topics["All topics"][2] == "29"
    helpfulness = table(report, "helpfulness.csv")
    assert helpfulness["helpful"][2:] == ["x", ""]  # 5, hidden because 👎 is 2
    assert helpfulness["not_helpful"][2:] == ["<5", ""]
    # 5 + 2 = 7 would make 👎 one or two (👍 is at least 5): the total goes too.
    assert helpfulness["all"][2] == "x"
    response = table(report, "handoff_response.csv")
    # 1 + 5 = 6 would give both back (the "<5" at least 1, the "x" at least 5).
    assert [response[k][2] for k in ("15m", "1h", "4h", "all")] == ["<5", "x", "0", "x"]
    assert 'class="n">x</td>' in report.html


async def test_outcomes_handoffs_and_directory(db: str) -> None:
    report = await report_of(db)
    outcomes = table(report, "outcomes.csv")
    assert outcomes["answer"][2:] == ["29", "100"]
    assert outcomes["none"][2:] == ["0", "0"]
    assert outcomes["handoff"][2] == "6"
    views = table(report, "directory_views.csv")
    assert views["language-cafe"][1:] == ["Language café", "7"]
    # Shown only with the number of replies, which is hidden (see the test above).
    assert "Half of first replies within</dt><dd>15–60 min" not in report.html
    crisis = table(report, "crisis_help.csv")
    # 6 + 2 + 5 + 0 = 13: with 6 and 13 shown, 2 + 5 = 7 would narrow the "<5" to 1-2,
    # so 6 is hidden too, and then the total (13 would still narrow it).
    assert [crisis[k][2] for k in ("suicide", "violence", "emergency", "exploitation")] == [
        "x", "<5", "x", "0"]
    assert crisis["All crisis help"][2] == "x"


async def test_published_headline_for_stats_hides_small_counts(db: str) -> None:
    stats = await read_stats(db, SINCE, UNTIL)
    assert stats is not None
    assert published(stats) == {
        "new_people": "28", "people_months": "38", "questions": "29", "answered": "29",
        "suggested": "0", "no_answer": "0", "helpful": "x", "not_helpful": "<5",
        "tickets": "6", "replies": "x", "directory_views": "7", "crisis_cards": "x",
        "answered_share": "100 %",
        "helpful_share": "–", "median_reply": "–", "mean_reply": "–",
    }


async def test_forgetting_a_user_leaves_the_report_unchanged(db: str) -> None:
    before = await report_of(db)
    with sqlite3.connect(db) as conn:
        for table_name in ("users", "questions", "tickets", "pending"):
            conn.execute(f"DELETE FROM {table_name} WHERE pid = ?", ("m10",))
        assert conn.execute("SELECT COUNT(*) FROM questions").fetchone() == (0,)
    conn.close()
    assert await report_of(db) == before


async def test_the_page_is_self_contained_with_one_svg_per_chart(
    db: str,
) -> None:
    page = (await report_of(db)).html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(\s*['\"]?https?:", page, re.I)
    # Helpfulness (x and <5), response times (<5, x, zeros) and crisis help (x, <5, x, 0)
    # have nothing to draw.
    assert page.count("<svg") == page.count("</svg>") == len(CSV_FILES) - 3
    assert page.count('<p class="chart-note">') == 3
    assert page.count("<section") == len(CSV_FILES) + 1  # and the method note
    assert "break-before: page" in page and "@media print" in page


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_cli_writes_the_page_and_every_csv(db: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = run_cli("report", "--from", "2025-03-01", "--to", "2025-04-30", "--out", str(out),
                   "--db", db, "--content", str(FAQ))
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([*CSV_FILES, "report.html"])
    assert str(out / "report.html") in capsys.readouterr().out
    with (out / "languages.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert ["so", "Soomaali", "<5", "0"] in rows
    assert "Jyväskylä" in (out / "report.html").read_text(encoding="utf-8")


def test_cli_refuses_a_missing_or_old_database(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    args = ("report", "--from", "2025-03-01", "--to", "2025-03-31", "--out", str(tmp_path))
    assert run_cli(*args, "--db", str(tmp_path / "none.sqlite3")) == 2
    old = tmp_path / "old.sqlite3"
    sqlite3.connect(old).close()
    assert run_cli(*args, "--db", str(old)) == 1
    assert run_cli("report", "--from", "2025-04-01", "--to", "2025-03-01", "--out",
                   str(tmp_path), "--db", str(old)) == 2
    assert "no usage counters" in capsys.readouterr().err
    assert not (tmp_path / "report.html").exists()


def test_write_report_without_names(tmp_path: Path) -> None:
    from bot.storage.usage import ReachStats

    stats = ReachStats(SINCE, UNTIL, ("2025-03",), {"2025-03": 0}, {"2025-03": 0}, {})
    written = write_report(render_report(stats, Names(), MADE), tmp_path)
    assert len(written) == len(CSV_FILES) + 1
    assert "Nothing in this period" in (tmp_path / "report.html").read_text(encoding="utf-8")


async def test_a_chart_of_only_hidden_counts_says_so_in_one_line(db: str) -> None:
    page = (await report_of(db)).html
    helpfulness = page.split("<h2>Helpfulness</h2>")[1].split("</section>")[0]
    assert "<svg" not in helpfulness
    assert ('<p class="chart-note">Every count in this chart is under 5, so none is drawn; '
            "the table shows them as “&lt;5”.</p>") in helpfulness


async def test_the_page_shows_names_not_ids_and_escapes_them(db: str) -> None:
    stats = await read_stats(db, SINCE, UNTIL)
    assert stats is not None
    names = Names(topics={"housing": "<b>Housing</b>"})
    page = render_report(stats, names, MADE).html
    assert "&lt;b&gt;Housing&lt;/b&gt;" in page and "<b>Housing" not in page
    assert "<td>ru</td>" not in page and "<td>15m</td>" not in page
    assert "<th>Code</th>" not in page and "<th>Bucket</th>" not in page
    assert "People per month, added up" not in page


async def test_the_summary_tells_a_funder_the_period_in_finnish_and_english(db: str) -> None:
    page = (await report_of(db)).html
    summary = page.split('<div class="summary">')[1].split("</div>")[0]
    assert ("Maaliskuusta huhtikuuhun 2025 Neuvon löysi 28 uutta ihmistä; kuukaudessa sitä "
            "käytti 18–20 ihmistä.") in summary
    assert ("From March to April 2025, 28 people found Neuvo for the first time; in a month, "
            "18–20 people used it.") in summary
    # Languages by their names, hidden counts never named; topics; answered; hand-offs.
    assert "They used 5 languages, most often Russian (20), Ukrainian (8) and Arabic (5)." \
        in summary
    assert "He käyttivät 5 kieltä, eniten: venäjä (20), ukraina (8) ja arabia (5)." in summary
    assert "The bot answered 100 % of the 29 questions directly." in summary
    assert "6 questions were handed off to an adviser" in summary
    # Here the reply-time buckets would let a small count be worked out, so the report
    # hides the median, and the summary does not name it either.
    stats = await read_stats(db, SINCE, UNTIL)
    assert stats is not None and published(stats)["median_reply"] == NOT_SHOWN
    assert "first replies" not in summary and "ensimmäisistä vastauksista" not in summary
    assert "Somali" not in summary and "Soomaali" not in summary  # 3 people: hidden


def test_the_period_defaults_to_the_last_full_month() -> None:
    from bot.tools.report import period

    today = dt.date(2026, 1, 14)
    assert period(None, None, None, None, today) == (dt.date(2025, 12, 1),
                                                    dt.date(2025, 12, 31))
    assert period(None, None, None, 2, today) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period(None, None, 2024, 2, today) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert period(None, None, 2025, None, today) == (dt.date(2025, 1, 1),
                                                    dt.date(2025, 12, 31))
    with pytest.raises(ValueError):
        period(dt.date(2025, 1, 1), None, None, None, today)


async def test_language_bars_name_the_language_in_english_too(db: str) -> None:
    page = (await report_of(db)).html
    assert "\u2068العربية\u2069 (Arabic)</text>" in page
    assert "(ar)" not in page


def recoverable(published: dict[str, int | None], small: set[str],
                lines: list[tuple[list[str], str]], top: int) -> dict[str, set[int]]:
    """What an attacker can work out: every value each hidden cell can take such that all
    lines add up ("<5" is 1-4, "x" is 5 to `top`), by trying every combination (lines are
    checked as soon as all their cells have a value, which keeps the search small)."""
    hidden = [key for key, value in published.items() if value is None]
    possible: dict[str, set[int]] = {key: set() for key in hidden}
    full: dict[str, int] = {k: v for k, v in published.items() if v is not None}

    def adds_up() -> bool:
        return all(sum(full[c] for c in cells) == full[total] for cells, total in lines
                   if all(key in full for key in (*cells, total)))

    def search(i: int) -> None:
        if not adds_up():
            return
        if i == len(hidden):
            for key in hidden:
                possible[key].add(full[key])
            return
        for value in range(1, 5) if hidden[i] in small else range(5, top + 1):
            full[hidden[i]] = value
            search(i + 1)
            del full[hidden[i]]

    search(0)
    return possible


#: The largest value tried for an "x" cell: larger than any count in these tables.
LARGEST = 30


@pytest.mark.parametrize(("values", "lines"), [
    # municipalities.csv: not chosen 8, Jyväskylä 1, Kuopio 1, total 10.
    ({"none": 8, "jyv": 1, "kuo": 1, "all": 10}, [(["none", "jyv", "kuo"], "all")]),
    # replies within 15 min 1, within 1 h 5, later 0, all 6.
    ({"15m": 1, "1h": 5, "4h": 0, "all": 6}, [(["15m", "1h", "4h"], "all")]),
    # a month: new 2 + returning 9 = 11; languages of the same people: 3 + 8 = 11.
    ({"new": 2, "ret": 9, "fi": 3, "so": 8, "all": 11},
     [(["new", "ret"], "all"), (["fi", "so"], "all")]),
    # two rows, two columns, two small cells.
    ({"r1x": 1, "r1y": 6, "r2x": 2, "r2y": 7, "r1": 7, "r2": 9, "x": 3, "y": 13,
      "all": 16},
     [(["r1x", "r1y"], "r1"), (["r2x", "r2y"], "r2"), (["r1x", "r2x"], "x"),
      (["r1y", "r2y"], "y"), (["r1", "r2"], "all"), (["x", "y"], "all")]),
])
def test_hidden_counts_cannot_be_worked_out(values: dict[str, int],
                                            lines: list[tuple[list[str], str]]) -> None:
    hidden = suppressed(values, lines)
    published = {key: None if key in hidden else value for key, value in values.items()}
    small = {key for key in hidden if values[key] < 5}
    possible = recoverable(published, small, lines, top=LARGEST)
    for key in hidden:  # no hidden count is given back
        assert len(possible[key]) > 1, (key, possible[key])
    if len(lines) == 1:  # nor narrowed by its line: a "<5" may be any of 1-4
        assert all(possible[key] == {1, 2, 3, 4} for key in small), possible

"""`python -m bot report`: the reach report for funders, as one HTML page and CSV files.

Coordinators report reach by hand today; this writes it from the anonymous counters of
`bot/storage/usage.py` (so it is unchanged by `/forget` and by the question log's expiry):
`DIR/report.html`, self-contained (inline CSS and SVG charts, nothing fetched, printable,
meaning never in colour alone) and one CSV per table with the very numbers of the page.

Small numbers can single people out ("the one Somali speaker in Pielavesi asked about
asylum"), so every count from 1 to 4 is shown as "<5". Zero is shown, as it describes no
one. A hidden count must not be recoverable by subtraction either — not singly, and not when
two small counts share a known remainder ("not chosen 8, Jyväskylä <5, Kuopio <5, total
10" makes both 1). So a reader's best deduction is carried out: every line (cells that add
up to a total, such as a month's new + returning = people, or all languages = all people,
across tables) narrows what its hidden counts can be, from what is known of the others,
across all lines until nothing changes. The rule:

    after that, every "<5" must still be any of 1–4, and every other hidden count more
    than one number; where a line lets one be narrowed further, also hide the smallest
    shown non-zero cell of the line (or, if there is none, the total); repeat until
    nothing is exposed.

Such a second hidden count is 5 or more, so it is shown as "x", not as "<5" (which would
be false). Shares (%) and the mean reply time are shown only when the counts they come from are.
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import csv
import datetime as dt
import math
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_timedelta

from bot.config import Settings
from bot.content.loader import validate_content
from bot.i18n.languages import native_name
from bot.local_guide.directory.loader import validate_directory
from bot.storage.database import Database
from bot.storage.usage import (
    ADVISING,
    BUCKET,
    CATEGORY,
    CRISIS,
    DIRECTORY,
    HELPFUL,
    INTEREST,
    LANG,
    MUNICIPALITY,
    NOT_HELPFUL,
    PEOPLE,
    QUESTION,
    REPLY,
    REPLY_BUCKETS,
    TOPIC,
    ReachStats,
    ReplyBucket,
    Usage,
)
from bot.tools.templating import templates

#: Counts below this (and above zero) are not published.
THRESHOLD = 5
HIDDEN = "<5"
#: A count of 5 or more hidden so that a smaller one cannot be worked out from a total.
COMPLEMENT = "x"
#: A share or mean that would reveal a hidden count.
NOT_SHOWN = "–"
CSV_FILES = (
    "people_by_month.csv", "languages.csv", "municipalities.csv", "topics.csv",
    "outcomes.csv", "helpfulness.csv", "handoff_response.csv", "directory_views.csv",
    "crisis_help.csv",
)
#: Crisis card categories (`bot.safety`) as the report names them, in the report's order.
CRISIS_CATEGORIES = {
    "suicide": "Thoughts of suicide or self-harm",
    "violence": "Violence, forced marriage, a child hurt",
    "emergency": "An emergency now",
    "exploitation": "Forced work or trafficking",
}

K = TypeVar("K", bound=Hashable)


def suppressed(values: Mapping[K, int], lines: Iterable[tuple[Sequence[K], K]]) -> set[K]:
    """The cells to hide: counts 1–4, and enough others that none can be worked out.

    `lines` are (cells, total) pairs where the cells add up to the total. See the module
    docstring for the rule; cells are compared by value, then by their order in the line.
    """
    hidden = {key for key, value in values.items() if 0 < value < THRESHOLD}
    lines = list(lines)
    while True:
        exposed = [lines[i] for i in _exposed_lines(values, hidden, lines)]
        others = [cell for cells, _ in exposed for cell in cells
                  if cell not in hidden and values[cell] > 0]
        totals = [total for _, total in exposed if total not in hidden]
        if others:
            hidden.add(min(others, key=lambda cell: values[cell]))
        elif totals:  # the total whose hiding leaves the fewest lines exposed
            hidden.add(min(totals, key=lambda total: len(
                _exposed_lines(values, hidden | {total}, lines))))
        else:  # nothing is exposed, or all that could be hidden is
            return hidden


def _published(value: int, hidden: bool) -> tuple[float, float]:
    """What a reader knows of a count from its cell: the value, 1–4 ("<5"), or ≥ 5 ("x")."""
    if not hidden:
        return value, value
    return (1, THRESHOLD - 1) if value < THRESHOLD else (THRESHOLD, math.inf)


def _exposed_lines(values: Mapping[K, int], hidden: set[K],
                   lines: Sequence[tuple[Sequence[K], K]]) -> list[int]:
    """Lines through which a reader narrows a hidden count down.

    What each line implies for each of its hidden counts, from what is known of the
    others, is applied across all lines until nothing changes (a reader's best deduction).
    A line is exposed when what it then implies leaves a "<5" less than any of 1–4, or
    any hidden count a single number (an "x" is at most its total anyway, which tells
    nothing about a small count).
    """
    published = {key: _published(value, key in hidden) for key, value in values.items()}
    known = dict(published)
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            for key, (lo, hi) in _implied(known, cells, total).items():
                new = (max(known[key][0], lo), min(known[key][1], hi))
                if key in hidden and new != known[key]:
                    known[key] = new
                    changed = True
    exposed = []
    for i, (cells, total) in enumerate(lines):
        for key, (lo, hi) in _implied(known, cells, total).items():
            if key not in hidden:
                continue
            low, high = max(published[key][0], lo), min(published[key][1], hi)
            if low == high or (values[key] < THRESHOLD and (low, high) != published[key]):
                exposed.append(i)
                break
    return exposed


def _implied(known: Mapping[K, tuple[float, float]], cells: Sequence[K],
             total: K) -> dict[K, tuple[float, float]]:
    """The range one line gives each of its entries from the known ranges of the others."""
    low = sum(known[cell][0] for cell in cells)
    finite = sum(known[cell][1] for cell in cells if known[cell][1] < math.inf)
    unbounded = sum(known[cell][1] == math.inf for cell in cells)
    implied = {total: (low, math.inf if unbounded else finite)}
    for cell in cells:  # cell = total - the other cells
        cell_high = known[cell][1]
        others_unbounded = unbounded - (cell_high == math.inf)
        others_high = math.inf if others_unbounded else (
            finite - cell_high if cell_high < math.inf else finite)
        implied[cell] = (known[total][0] - others_high,
                         known[total][1] - (low - known[cell][0]))
    return implied


# -- what a table holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """A published count, by its key in the `Sheet`."""

    key: str


@dataclass(frozen=True)
class Share:
    """`part` as a percentage of `whole`."""

    part: str
    whole: str


Value = str | Count | Share


class Sheet:
    """Every count the report publishes, the lines they add up in, and which are hidden."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.lines: list[tuple[list[str], str]] = []
        self.hidden: set[str] = set()

    def count(self, key: str, value: int) -> Count:
        self.values[key] = value
        return Count(key)

    def line(self, cells: Iterable[Count], total: Count) -> None:
        self.lines.append(([c.key for c in cells], total.key))

    def protect(self) -> None:
        self.hidden = suppressed(self.values, self.lines)

    def shown(self, key: str) -> int | None:
        """The count, or None when it is hidden."""
        return None if key in self.hidden else self.values[key]

    def share(self, value: Share) -> float | None:
        part, whole = self.shown(value.part), self.shown(value.whole)
        return None if part is None or not whole else part / whole

    def text(self, value: Value, for_csv: bool = False) -> str:
        if isinstance(value, Count):
            shown = self.shown(value.key)
            if shown is not None:
                return str(shown)
            return HIDDEN if self.values[value.key] < THRESHOLD else COMPLEMENT
        if isinstance(value, Share):
            share = self.share(value)
            if share is None:
                return "" if for_csv else NOT_SHOWN
            return f"{100 * share:.0f}" if for_csv else f"{100 * share:.0f} %"
        return value


@dataclass(frozen=True)
class Bars:
    """A horizontal bar per row: `label` makes the bar's name, `value` is a Count column."""

    label: Callable[[Sequence[Value]], str]
    value: int
    #: A Share column whose percentage is written after the count.
    share: int | None = None


@dataclass(frozen=True)
class Columns:
    """A vertical column per row, stacked from the Count columns `parts` (legend `series`)."""

    label: int
    parts: tuple[int, ...]
    total: int
    series: tuple[str, ...]


@dataclass
class Section:
    """One part of the report: a chart, its table on the page, and the same table as CSV."""

    file: str
    title: str
    intro: str
    header: tuple[str, ...]
    rows: list[tuple[Value, ...]]
    total: tuple[Value, ...]
    chart: Bars | Columns
    #: Rows after the total that are not part of it.
    extra: list[tuple[Value, ...]] = field(default_factory=list)
    #: Order rows by this Count column, largest first; None keeps the given order.
    order_by: int | None = None
    #: The first column is an id for programs (kela, 15m): in the CSV, not on the page.
    ids: bool = True

    def ordered(self, sheet: Sheet) -> list[tuple[Value, ...]]:
        """Largest first; hidden rows last, by name, so their order reveals nothing."""
        column = self.order_by
        if column is None:
            return self.rows

        def key(row: tuple[Value, ...]) -> tuple[int, int, str]:
            value = row[column]
            assert isinstance(value, Count)
            shown = sheet.shown(value.key)
            label = "".join(v for v in row if isinstance(v, str))
            return (1, 0, label) if shown is None else (0, -shown, label)

        return sorted(self.rows, key=key)


# -- names ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Readable names for the ids in the counters, from the content where it can be read."""

    municipalities: Mapping[str, str] = field(default_factory=dict)
    topics: Mapping[str, str] = field(default_factory=dict)
    interests: Mapping[str, str] = field(default_factory=dict)
    #: Topic names in Finnish, for the Finnish summary.
    topics_fi: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_content(cls, folder: Path) -> Names:
        content, _ = validate_content(folder)
        directory, _ = validate_directory(folder)
        return cls(
            municipalities={m.id: m.name("fi") for m in directory.municipalities.values()}
            if directory else {},
            topics={t.id: t.name("en") for t in content.topics.values()} if content else {},
            interests={i.id: i.name("en") for i in directory.interests.values()}
            if directory else {},
            topics_fi={t.id: t.name("fi") for t in content.topics.values()} if content else {},
        )

    @staticmethod
    def language(code: str) -> str:
        if not code:
            return "not known"
        try:
            return native_name(code)
        except (ValueError, UnknownLocaleError):
            return code

    def municipality(self, key: str) -> str:
        return self.municipalities.get(key, key) if key else "not chosen"

    def topic(self, key: str) -> str:
        return self.topics.get(key, key) if key else "no matching entry"

    def topic_in(self, key: str, lang: str) -> str:
        """A topic's name for the summary in `lang` ("fi" or "en")."""
        return (self.topics_fi.get(key) if lang == "fi" else None) or self.topic(key)

    def interest(self, key: str) -> str:
        if key == ADVISING:
            return "in-person advising hours"
        return self.interests.get(key, key) if key else "all activities"


def _isolated(text: str) -> str:
    """Keep a right-to-left name and the Latin code beside it in their own order."""
    return f"\u2068{text}\u2069"


def _name(row: Sequence[Value]) -> str:
    return str(row[1])


def _name_in_english_too(row: Sequence[Value]) -> str:
    """A language's own name with its English one, for readers of neither script."""
    name, code = str(row[1]), str(row[0])
    english = _language_in(code, "en") if code else ""
    return f"{_isolated(name)} ({english})" if english and english != name else name


# -- the sections -----------------------------------------------------------------------


def build_sections(stats: ReachStats, names: Names, sheet: Sheet) -> list[Section]:
    """All tables of the report, their counts registered (not yet protected) on `sheet`."""
    people = _people_section(stats, sheet)
    all_people = Count("people:all:total")
    questions = sheet.count("questions", stats.questions)
    helpful = sheet.count("helpful", stats.helpful)
    not_helpful = sheet.count("not_helpful", stats.not_helpful)
    return [
        people,
        _languages_section(stats, names, sheet, all_people, questions),
        _municipalities_section(stats, names, sheet, all_people, questions),
        _topics_section(stats, names, sheet, questions, helpful, not_helpful),
        _outcomes_section(stats, sheet, questions),
        _helpfulness_section(sheet, helpful, not_helpful),
        _response_section(stats, sheet),
        _directory_section(stats, names, sheet),
        _crisis_section(stats, sheet),
    ]


def _people_section(stats: ReachStats, sheet: Sheet) -> Section:
    rows: list[tuple[Value, ...]] = []
    columns: tuple[list[Count], list[Count], list[Count]] = ([], [], [])
    for month in stats.months:
        new = sheet.count(f"people:{month}:new", stats.people_new[month])
        back = sheet.count(f"people:{month}:returning", stats.people_returning[month])
        total = sheet.count(f"people:{month}:total", stats.people_in(month))
        sheet.line((new, back), total)
        rows.append((month, new, back, total))
        for column, cell in zip(columns, (new, back, total), strict=True):
            column.append(cell)
    totals = [sheet.count(f"people:all:{kind}", sum(sheet.values[c.key] for c in column))
              for kind, column in zip(("new", "returning", "total"), columns, strict=True)]
    for column, total in zip(columns, totals, strict=True):
        sheet.line(column, total)
    sheet.line(totals[:2], totals[2])
    return Section(
        "people_by_month.csv", "People reached per month",
        "Different people who used the bot in each month. New: their first contact ever was "
        "in that month. Returning: they had come in an earlier month. A person active in "
        "several months is counted in each, so the last row adds months up; its “new” is "
        "the number of different people who found the bot in the period.",
        ("Month", "New", "Returning", "People"), rows, ("All months", *totals),
        Columns(0, (1, 2), 3, ("New", "Returning")), ids=False,
    )


def _breakdown(sheet: Sheet, prefix: str, keys: Iterable[str],
               columns: Sequence[tuple[str, Mapping[str, int], Count]]
               ) -> dict[str, list[Count]]:
    """One Count per key and column (name, counts by key, the column's total), each column
    registered as a line adding up to its total."""
    cells: dict[str, list[Count]] = {}
    for key in keys:
        cells[key] = [sheet.count(f"{prefix}:{key}:{name}", counts.get(key, 0))
                      for name, counts, _ in columns]
    for i, (_, _, total) in enumerate(columns):
        sheet.line((row[i] for row in cells.values()), total)
    return cells


def _languages_section(stats: ReachStats, names: Names, sheet: Sheet, all_people: Count,
                       questions: Count) -> Section:
    people, asked = stats.by(PEOPLE, LANG), stats.by(QUESTION, LANG)
    cells = _breakdown(sheet, "lang", dict.fromkeys([*people, *asked]),
                       (("people", people, all_people), ("questions", asked, questions)))
    return Section(
        "languages.csv", "Languages",
        "The language people used with the bot (their last choice in the month) and the "
        "language of their questions. People are counted once per month, as in the first "
        "table.",
        ("Code", "Language", "People", "Questions"),
        [(code, names.language(code), *row) for code, row in cells.items()],
        ("", "All languages", all_people, questions), Bars(_name_in_english_too, 2), order_by=2,
    )


def _municipalities_section(stats: ReachStats, names: Names, sheet: Sheet, all_people: Count,
                            questions: Count) -> Section:
    people, asked = stats.by(PEOPLE, MUNICIPALITY), stats.by(QUESTION, MUNICIPALITY)
    cells = _breakdown(sheet, "municipality", dict.fromkeys([*people, *asked]),
                       (("people", people, all_people), ("questions", asked, questions)))
    return Section(
        "municipalities.csv", "Municipalities",
        "The municipality people chose in the bot (the last one in the month) and where "
        "questions came from. People are counted once per month.",
        ("Id", "Municipality", "People", "Questions"),
        [(key, names.municipality(key), *row) for key, row in cells.items()],
        ("", "All municipalities", all_people, questions), Bars(_name, 2), order_by=2,
    )


def _topics_section(stats: ReachStats, names: Names, sheet: Sheet, questions: Count,
                    helpful: Count, not_helpful: Count) -> Section:
    asked = stats.by(QUESTION, TOPIC)
    up, down = stats.by(HELPFUL, TOPIC), stats.by(NOT_HELPFUL, TOPIC)
    cells = _breakdown(sheet, "topic", dict.fromkeys([*asked, *up, *down]),
                       (("questions", asked, questions), ("helpful", up, helpful),
                        ("not_helpful", down, not_helpful)))
    return Section(
        "topics.csv", "Questions by topic",
        "The topic of the FAQ entry a question was answered with (or first suggested); "
        "questions the bot could not match have no topic. 👍 and 👎 are the users' ratings "
        "of the answers.",
        ("Id", "Topic", "Questions", "👍 Helpful", "👎 Not helpful"),
        [(key, names.topic(key), *row) for key, row in cells.items()],
        ("", "All topics", questions, helpful, not_helpful), Bars(_name, 2), order_by=2,
    )


def _outcomes_section(stats: ReachStats, sheet: Sheet, questions: Count) -> Section:
    labels = (("answer", "Answered"), ("suggest", "Suggested (“did you mean”)"),
              ("none", "No answer"))
    cells = [sheet.count(f"outcome:{key}", stats.decided(key)) for key, _ in labels]
    sheet.line(cells, questions)
    tickets = sheet.count("tickets", stats.tickets)
    rows: list[tuple[Value, ...]] = [
        (key, label, cell, Share(cell.key, questions.key))
        for (key, label), cell in zip(labels, cells, strict=True)
    ]
    return Section(
        "outcomes.csv", "Answered, suggested, handed off",
        "What the bot did with each question. Hand-offs are requests to talk to an adviser; "
        "they are counted apart, as most follow a question but some are asked for directly.",
        ("Outcome", "Label", "Count", "Share of questions (%)"), rows,
        ("all", "All questions", questions, ""), Bars(_name, 2, share=3),
        extra=[("handoff", "Handed off to an adviser", tickets, "")],
    )


def _helpfulness_section(sheet: Sheet, helpful: Count, not_helpful: Count) -> Section:
    rated = sheet.count("rated", sheet.values[helpful.key] + sheet.values[not_helpful.key])
    sheet.line((helpful, not_helpful), rated)
    rows: list[tuple[Value, ...]] = [
        ("helpful", "👍 Helpful", helpful, Share(helpful.key, rated.key)),
        ("not_helpful", "👎 Not helpful", not_helpful, Share(not_helpful.key, rated.key)),
    ]
    return Section(
        "helpfulness.csv", "Helpfulness",
        "Ratings users gave to answers with the 👍 and 👎 buttons under them.",
        ("Rating", "Label", "Count", "Share of ratings (%)"), rows,
        ("all", "All ratings", rated, ""), Bars(_name, 2, share=3),
    )


def _response_section(stats: ReachStats, sheet: Sheet) -> Section:
    replies = sheet.count("replies", stats.replies)
    cells = _breakdown(sheet, "reply", [b.key for b in REPLY_BUCKETS],
                       (("replies", stats.by(REPLY, BUCKET), replies),))
    return Section(
        "handoff_response.csv", "Hand-off response times",
        "How long people waited for an adviser's first reply, from the moment they sent "
        "their question. Nights and weekends are included.",
        ("Bucket", "First reply", "Replies"),
        [(b.key, b.label, *cells[b.key]) for b in REPLY_BUCKETS],
        ("all", "All first replies", replies), Columns(1, (2,), 2, ("Replies",)),
    )


def _directory_section(stats: ReachStats, names: Names, sheet: Sheet) -> Section:
    total = sheet.count("directory", stats.directory_views)
    views = stats.by(DIRECTORY, INTEREST)
    cells = _breakdown(sheet, "directory", views, (("views", views, total),))
    return Section(
        "directory_views.csv", "Directory items viewed",
        "Lists of local activities (by interest) and of in-person advising hours that people "
        "opened in the bot.",
        ("Id", "List", "Views"), [(key, names.interest(key), *row) for key, row in cells.items()],
        ("", "All lists", total), Bars(_name, 2), order_by=2,
    )


def _crisis_section(stats: ReachStats, sheet: Sheet) -> Section:
    total = sheet.count("crisis", stats.total(CRISIS))
    shown = stats.by(CRISIS, CATEGORY)
    cells = _breakdown(sheet, "crisis", CRISIS_CATEGORIES, (("cards", shown, total),))
    return Section(
        "crisis_help.csv", "Crisis help shown",
        "How often the bot showed crisis help (112 and the 24/7 helplines) first, by the "
        "kind of crisis the message sounded like. Only these counts are kept: never the "
        "message, its language or place.",
        ("Id", "Crisis", "Cards shown"),
        [(key, CRISIS_CATEGORIES[key], *row) for key, row in cells.items()],
        ("", "All crisis help", total), Bars(_name, 2),
    )


# -- charts: geometry here, drawing in templates/charts.html.j2 ----------------------------


@dataclass(frozen=True)
class BarRow:
    y: int
    name: str
    #: The bar's length in pixels (0: no bar, for zero or a hidden count).
    length: int
    text: str
    hidden: bool


@dataclass(frozen=True)
class BarChart:
    ident: str
    title: str
    rows: tuple[BarRow, ...]
    width: int
    height: int
    label_width: int
    row_height: int
    #: One line instead of the chart when it would show nothing but hidden counts or zeros.
    note: str | None = None


@dataclass(frozen=True)
class Column:
    label: str
    #: The stacked parts, None for a hidden one.
    parts: tuple[int | None, ...]
    total: int | None
    text: str


@dataclass(frozen=True)
class Block:
    """A stacked part of a column; `pattern` names the fill (p0, p1, or mix when hidden)."""

    y: float
    height: float
    pattern: str
    middle: float
    #: The part's number written on it ("" when the part is too thin or alone).
    tag: str
    tag_width: int


@dataclass(frozen=True)
class DrawnColumn:
    label: str
    left: int
    width: int
    centre: float
    top: float
    blocks: tuple[Block, ...]
    text: str
    hidden: bool


@dataclass(frozen=True)
class LegendItem:
    x: int
    name: str
    pattern: str


@dataclass(frozen=True)
class ColumnChart:
    ident: str
    title: str
    columns: tuple[DrawnColumn, ...]
    legend: tuple[LegendItem, ...]
    width: int
    height: int
    base: int
    note: str | None = None


_NOTHING = "Nothing in this period: every count here is 0."
_ALL_HIDDEN = (f"Every count in this chart is under 5, so none is drawn; the table shows them "
               f"as “{HIDDEN}”.")


def _note(values: Iterable[int | None]) -> str | None:
    """The line that replaces a chart with no count to draw, saying why."""
    values = list(values)
    if any(value for value in values):
        return None
    return _ALL_HIDDEN if None in values else _NOTHING


def _label(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(ident: str, title: str, bars: Sequence[tuple[str, int | None, str]]) -> BarChart:
    """Horizontal bars: (name, count or None when hidden, text written after the bar)."""
    label_w, bar_w, row_h = 250, 330, 26
    width, height = label_w + bar_w + 110, max(row_h * len(bars), row_h) + 12
    top = max((v for _, v, _ in bars if v is not None), default=0)
    rows = tuple(
        BarRow(6 + i * row_h, _label(name),
               round(bar_w * value / top) if value and top else 0, text, value is None)
        for i, (name, value, text) in enumerate(bars)
    )
    return BarChart(ident, title, rows, width, height, label_w, row_h,
                    _note(value for _, value, _ in bars))


def column_chart(ident: str, title: str, series: Sequence[str],
                 columns: Sequence[Column]) -> ColumnChart:
    """Vertical columns, parts stacked bottom up. Parts are told apart by pattern, not only
    by colour; a column with a hidden part is drawn whole, in its own pattern."""
    plot_h, top_pad, axis_h = 180, 22, 34
    legend_h = 26 if len(series) > 1 else 0
    col_w = max(54, 7 * max((len(c.label) for c in columns), default=0) + 12)
    width = max(360, 50 + col_w * len(columns))
    height = legend_h + top_pad + plot_h + axis_h
    base = legend_h + top_pad + plot_h
    names = [(name, f"p{i}") for i, name in enumerate(series)]
    if any(None in c.parts and c.total is not None for c in columns) and len(series) > 1:
        names.append(("split not shown (it would reveal a small count)", "mix"))
    legend, x = [], 40
    for name, pattern in names if legend_h else []:
        legend.append(LegendItem(x, name, pattern))
        x += 30 + 7 * len(name)
    top = max((c.total for c in columns if c.total is not None), default=0)
    scale = plot_h / top if top else 0.0
    drawn = []
    for i, column in enumerate(columns):
        left, inner = 40 + i * col_w + 8, col_w - 16
        y, blocks = float(base), []
        if column.total is not None and None in column.parts:
            height_px = column.total * scale
            blocks.append(Block(y - height_px, height_px, "mix", y - height_px / 2, "", 0))
            y -= height_px
        elif column.total is not None:
            for index, part in enumerate(column.parts):
                height_px = (part or 0) * scale
                if height_px:
                    # Each part's number on a white tag, readable on any fill and in print.
                    tag = str(part) if len(series) > 1 and height_px >= 18 else ""
                    blocks.append(Block(y - height_px, height_px, f"p{index}",
                                        y - height_px / 2, tag, 7 * len(tag) + 6))
                y -= height_px
        drawn.append(DrawnColumn(column.label, left, inner, left + inner / 2, y,
                                 tuple(blocks), column.text, column.total is None))
    return ColumnChart(ident, title, tuple(drawn), tuple(legend), width, height, base,
                       _note(c.total for c in columns))


def _count(value: Value) -> Count:
    assert isinstance(value, Count), value
    return value


def chart(section: Section, sheet: Sheet, ident: str) -> BarChart | ColumnChart:
    spec = section.chart
    if isinstance(spec, Bars):
        bars = []
        for row in [*section.ordered(sheet), *section.extra]:
            value = _count(row[spec.value])
            text = sheet.text(value)
            share = row[spec.share] if spec.share is not None else None
            if isinstance(share, Share) and sheet.share(share) is not None:
                text += f" ({sheet.text(share)})"
            bars.append((spec.label(row), sheet.shown(value.key), text))
        return bar_chart(ident, section.title, bars)
    columns = [
        Column(str(row[spec.label]),
               tuple(sheet.shown(_count(row[i]).key) for i in spec.parts),
               sheet.shown(_count(row[spec.total]).key), sheet.text(row[spec.total]))
        for row in section.ordered(sheet)
    ]
    return column_chart(ident, section.title, spec.series, columns)


# -- the page and the files ------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    html: str
    #: file name -> rows, the first being the header.
    csv: Mapping[str, list[list[str]]]


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False
    #: A name that may be right-to-left (العربية): isolated from the numbers beside it.
    name: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    kind: str = ""


@dataclass(frozen=True)
class SectionPage:
    """A section as the template shows it: the machine id column is left to the CSV."""

    title: str
    intro: str
    file: str
    chart: BarChart | ColumnChart
    header: tuple[Cell, ...]
    rows: tuple[Row, ...]

    @property
    def bars(self) -> bool:
        return isinstance(self.chart, BarChart)


def _section_page(section: Section, sheet: Sheet, number: int) -> SectionPage:
    every = [*section.rows, section.total, *section.extra]
    numeric = {i for i in range(len(section.header))
               if any(isinstance(row[i], Count | Share) for row in every)}
    first = 1 if section.ids else 0
    header = tuple(Cell(h, i in numeric) for i, h in enumerate(section.header) if i >= first)
    rows = tuple(
        Row(tuple(Cell(sheet.text(v), isinstance(v, Count | Share), i == 1)
                  for i, v in enumerate(row) if i >= first), kind)
        for kind, group in (("", section.ordered(sheet)), ("total", [section.total]),
                            ("extra", section.extra))
        for row in group
    )
    return SectionPage(section.title, section.intro, section.file,
                       chart(section, sheet, f"chart{number}"), header, rows)


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def _headline(stats: ReachStats, sheet: Sheet) -> dict[str, str]:
    replies = sheet.shown("replies")
    median, mean = stats.median_reply, stats.mean_reply_seconds
    counts = {
        "new_people": "people:all:new", "people_months": "people:all:total",
        "questions": "questions", "answered": "outcome:answer", "suggested": "outcome:suggest",
        "no_answer": "outcome:none", "helpful": "helpful", "not_helpful": "not_helpful",
        "tickets": "tickets", "replies": "replies", "directory_views": "directory",
        "crisis_cards": "crisis",
    }
    return {
        **{name: sheet.text(Count(key)) for name, key in counts.items()},
        "answered_share": sheet.text(Share("outcome:answer", "questions")),
        "helpful_share": sheet.text(Share("helpful", "rated")),
        "median_reply": median.label if replies and median else NOT_SHOWN,
        "mean_reply": _duration(mean) if replies and mean is not None else NOT_SHOWN,
    }


def published(stats: ReachStats) -> dict[str, str]:
    """The headline numbers exactly as the report prints them, small counts hidden by the
    same rule, for the advisers' `/stats`: new_people, people_months, questions, answered,
    suggested, no_answer, helpful, not_helpful, tickets, replies, directory_views,
    crisis_cards (counts
    or "<5"/"x"), answered_share, helpful_share ("61 %"), median_reply ("1–4 hours") and
    mean_reply ("2 h 5 min"), the last four "–" when they would reveal a small count."""
    sheet = Sheet()
    build_sections(stats, Names(), sheet)
    sheet.protect()
    return _headline(stats, sheet)


_FIGURES = (
    ("new_people", "New people in the period"),
    ("questions", "Questions"),
    ("answered_share", "Answered directly"),
    ("helpful_share", "Rated 👍 helpful"),
    ("tickets", "Hand-offs to advisers"),
    ("median_reply", "Half of first replies within"),
    ("mean_reply", "Mean time to first reply"),
    ("directory_views", "Directory lists viewed"),
    ("crisis_cards", "Crisis help shown"),
)


# -- the written summary ---------------------------------------------------------------------

#: Names the summary uses where CLDR's differ from what Finnish services write.
_LANGUAGE_NAMES = {"ckb": {"fi": "soranin kurdi", "en": "Sorani Kurdish"}}


@dataclass(frozen=True)
class Summary:
    lang: str
    heading: str
    text: str


def _language_in(code: str, lang: str) -> str:
    if code in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[code][lang]
    try:
        return Locale.parse(lang).languages.get(code, code) if code else code
    except (ValueError, UnknownLocaleError):
        return code


def _list(items: Sequence[str], lang: str) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + (" ja " if lang == "fi" else " and ") + items[-1]


def _top(sheet: Sheet, keys: Iterable[tuple[str, str]], limit: int = 3) -> list[tuple[str, int]]:
    """The largest shown counts (hidden ones are never named): (name, count)."""
    shown = [(name, sheet.shown(key)) for name, key in keys]
    ranked = sorted(((n, c) for n, c in shown if c), key=lambda item: -item[1])
    return ranked[:limit]


def _month_name(month: str, lang: str) -> tuple[str, str]:
    """The month's name and year: ("marraskuu", "2026"), ("November", "2026")."""
    day = dt.date.fromisoformat(f"{month}-01")
    return format_date(day, "LLLL", locale=lang), str(day.year)


def _period_phrase(months: Sequence[str], lang: str) -> str:
    """"In November 2026" / "Marraskuussa 2026"; for several months "From … to …"."""
    first, year1 = _month_name(months[0], lang)
    if len(months) == 1:
        return f"{first.capitalize()}ssa {year1}" if lang == "fi" else f"In {first} {year1}"
    last, year2 = _month_name(months[-1], lang)
    start = first if year1 == year2 else f"{first} {year1}"
    if lang == "fi":  # every Finnish month name ends in -kuu: -kuusta, -kuuhun
        return f"{start.capitalize().replace('kuu', 'kuusta', 1)} {last}hun {year2}"
    return f"From {start} to {last} {year2}"


def summaries(stats: ReachStats, names: Names, sheet: Sheet,
              headline: Mapping[str, str]) -> list[Summary]:
    """A paragraph for a funder's report, in Finnish and English, from the published
    (protected) numbers only: a hidden count appears as "<5" here too, or is left out."""
    months = stats.months
    people_keys = [f"people:{m}:total" for m in months]
    monthly = [sheet.shown(key) for key in people_keys]
    languages = [code for code in dict.fromkeys([*stats.by(PEOPLE, LANG)])
                 if code and sheet.values.get(f"lang:{code}:people", 0) > 0]
    top_languages = _top(sheet, ((code, f"lang:{code}:people") for code in languages))
    top_topics = _top(sheet, ((key, f"topic:{key}:questions")
                              for key in stats.by(QUESTION, TOPIC) if key))
    result = []
    for lang in ("fi", "en"):
        period = _period_phrase(months, lang)
        if len(months) == 1:
            people = sheet.text(Count(people_keys[0]))
            new = headline["new_people"]
            parts = [f"{period} Neuvoa käytti {people} ihmistä, heistä {new} ensimmäistä kertaa."
                     if lang == "fi" else
                     f"{period}, Neuvo reached {people} people, {new} of them for the first time."]
        else:
            shown = [n for n in monthly if n is not None]
            low = HIDDEN if None in monthly else str(min(shown, default=0))
            high = str(max(shown)) if shown else HIDDEN
            new = headline["new_people"]
            parts = [f"{period} Neuvon löysi {new} uutta ihmistä; kuukaudessa sitä käytti "
                     f"{low}–{high} ihmistä." if lang == "fi" else
                     f"{period}, {new} people found Neuvo for the first time; in a month, "
                     f"{low}–{high} people used it."]
        if languages:
            named = [f"{_language_in(code, lang)} ({count})" for code, count in top_languages]
            count = len(languages)
            if lang == "fi":
                parts.append(f"He käyttivät {count} kieltä" if count > 1 else
                             "He käyttivät yhtä kieltä")
                parts[-1] += f", eniten: {_list(named, lang)}." if named else "."
            else:
                parts.append(f"They used {count} languages" if count > 1 else
                             "They used one language")
                parts[-1] += f", most often {_list(named, lang)}." if named else "."
        if top_topics:
            named = [f"{names.topic_in(key, lang)} ({count})" for key, count in top_topics]
            one = len(named) == 1
            parts.append(f"Eniten kysyttiin {'aiheesta' if one else 'aiheista'} "
                         f"{_list(named, lang)}." if lang == "fi" else
                         f"The most asked {'topic was' if one else 'topics were'} "
                         f"{_list(named, lang)}.")
        questions, share = headline["questions"], headline["answered_share"]
        if share != NOT_SHOWN:
            parts.append(f"Botti vastasi suoraan {share} kysymyksistä ({questions} kysymystä)."
                         if lang == "fi" else
                         f"The bot answered {share} of the {questions} questions directly.")
        else:
            parts.append(f"Botille tuli {questions} kysymystä." if lang == "fi"
                         else f"The bot received {questions} questions.")
        tickets, median = headline["tickets"], stats.median_reply
        handoff = (f"Neuvojalle siirrettiin {tickets} kysymystä" if lang == "fi"
                   else f"{tickets} questions were handed off to an adviser")
        if headline["median_reply"] != NOT_SHOWN and median is not None:
            if lang == "fi":
                handoff += f"; puolet ensimmäisistä vastauksista tuli ajassa {_within_fi(median)}"
            else:
                handoff += f"; half of the first replies came within {median.label}"
        parts.append(handoff + ".")
        heading = "Yhteenveto" if lang == "fi" else "Summary"
        result.append(Summary(lang, heading, " ".join(parts)))
    return result


def _within_fi(bucket: ReplyBucket) -> str:
    """A reply-time bucket in Finnish: "alle 4 tuntia", "yli 3 päivää"."""
    if bucket.upper is not None:
        return "alle " + format_timedelta(dt.timedelta(seconds=bucket.upper), locale="fi")
    longest = max(b.upper for b in REPLY_BUCKETS if b.upper is not None)
    return "yli " + format_timedelta(dt.timedelta(seconds=longest), locale="fi")


def render_report(stats: ReachStats, names: Names, generated: dt.date) -> Report:
    sheet = Sheet()
    sections = build_sections(stats, names, sheet)
    sheet.protect()
    headline = _headline(stats, sheet)
    page = templates().get_template("report.html.j2").render(
        period=f"{stats.since.isoformat()} – {stats.until.isoformat()}",
        first_month=stats.months[0], last_month=stats.months[-1],
        generated=generated.isoformat(), start=stats.period_start.isoformat(),
        end=stats.period_end.isoformat(), hidden=HIDDEN, complement=COMPLEMENT,
        not_shown=NOT_SHOWN, summaries=summaries(stats, names, sheet, headline),
        figures=[(label, headline[name]) for name, label in _FIGURES],
        sections=[_section_page(s, sheet, n) for n, s in enumerate(sections, start=1)],
    )
    files = {
        section.file: [
            list(section.header),
            *([sheet.text(v, for_csv=True) for v in row]
              for row in [*section.ordered(sheet), section.total, *section.extra]),
        ]
        for section in sections
    }
    return Report(page, files)


def write_report(report: Report, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "report.html"]
    written[0].write_text(report.html, encoding="utf-8")
    for name, rows in report.csv.items():
        path = out / name
        # utf-8-sig: spreadsheet programs then read ä, ö and Arabic script correctly.
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
        written.append(path)
    return written


async def read_stats(db_path: str, since: dt.date, until: dt.date) -> ReachStats | None:
    """The counters of an existing database; None if it has none yet."""
    db = Database(db_path)
    await db.open()
    try:
        if await db.fetchone(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'usage_counts'"
        ) is None:
            return None
        return await Usage(db).stats(since, until)
    finally:
        await db.close()


# -- the command -------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the `report` sub-command on `python -m bot`'s sub-parsers."""
    p = subparsers.add_parser(
        "report", help="write the reach report (HTML and CSV) for a period",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    p.add_argument("--from", dest="since", type=_day, metavar="YYYY-MM-DD",
                   help="first day of the period (its month is included; default: the "
                        "last full calendar month)")
    p.add_argument("--to", dest="until", type=_day, metavar="YYYY-MM-DD",
                   help="last day of the period (its month is included)")
    p.add_argument("--year", type=int, metavar="YYYY",
                   help="a whole year, or with --month one month of it")
    p.add_argument("--month", type=int, choices=range(1, 13), metavar="1-12",
                   help="one month (of --year, default: the current year)")
    p.add_argument("--out", required=True, help="folder to write report.html and the CSVs to")
    p.add_argument("--db", help="SQLite database (default: $NEUVO_DB or data/neuvo.sqlite3)")
    p.add_argument("--content",
                   help="content folder for municipality, topic and interest names "
                        "(default: $NEUVO_CONTENT or faq); ids are shown where it has none")
    p.set_defaults(func=run)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written as YYYY-MM-DD") \
            from None


def period(since: dt.date | None, until: dt.date | None, year: int | None,
           month: int | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days to report on: --from/--to, or --year/--month, or by default the last full
    calendar month (what a coordinator reports at the start of a month)."""
    if since is not None or until is not None:
        if since is None or until is None or year is not None or month is not None:
            raise ValueError("give both --from and --to, or --year/--month, not a mix")
        if since > until:
            raise ValueError(f"--from {since} is after --to {until}")
        return since, until
    if month is not None:
        year = year or today.year
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if year is not None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def run(args: argparse.Namespace) -> int:
    db_path = args.db or Settings.from_env().db_path
    content = Path(args.content) if args.content else Settings.from_env().content_dir
    try:
        args.since, args.until = period(args.since, args.until, args.year, args.month,
                                        dt.date.today())
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not Path(db_path).is_file():
        print(f"{db_path}: no such database (set --db or NEUVO_DB)", file=sys.stderr)
        return 2
    stats = asyncio.run(read_stats(db_path, args.since, args.until))
    if stats is None:
        print(f"{db_path}: no usage counters yet; start the bot once with this version so it "
              "adds them", file=sys.stderr)
        return 1
    report = render_report(stats, Names.from_content(content), dt.date.today())
    for path in write_report(report, Path(args.out)):
        print(path)
    return 0

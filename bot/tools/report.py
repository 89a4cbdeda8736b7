"""`python -m bot report`: the reach report for funders, as one HTML page and CSV files.

Coordinators report reach by hand today; this writes it from the anonymous counters of
`bot/storage/usage.py` (so it is unchanged by `/forget` and by the question log's expiry):
`DIR/report.html`, self-contained (inline CSS and SVG charts, nothing fetched, printable,
meaning never in colour alone) and one CSV per table with the very numbers of the page.

Small numbers can single people out ("the one Somali speaker in Pielavesi asked about
asylum"), so every count from 1 to 4 is shown as "<5". Zero is shown, as it describes no
one. A hidden count must not be recoverable by subtraction either, hence the rule applied
to every line (cells that add up to a total, such as a month's new + returning = people,
or all languages = all people, across tables):

    a line must not have exactly one hidden number among its cells and its total; where it
    has, also hide the smallest shown non-zero cell of the line (or, if there is none, the
    total); repeat over all lines until nothing changes.

Such a second hidden count is 5 or more, so it is shown as "x", not as "<5" (which would
be false). Shares (%) and the mean reply time are shown only when the counts they come from are.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import html
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from babel import UnknownLocaleError

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
    Usage,
)

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
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            if sum(key in hidden for key in (*cells, total)) != 1:
                continue
            others = [cell for cell in cells if cell not in hidden and values[cell] > 0]
            if others:
                hidden.add(min(others, key=lambda cell: values[cell]))
                changed = True
            elif total not in hidden:
                hidden.add(total)
                changed = True
    return hidden


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

    def interest(self, key: str) -> str:
        if key == ADVISING:
            return "in-person advising hours"
        return self.interests.get(key, key) if key else "all activities"


def _isolated(text: str) -> str:
    """Keep a right-to-left name and the Latin code beside it in their own order."""
    return f"\u2068{text}\u2069"


def _name(row: Sequence[Value]) -> str:
    return str(row[1])


def _name_and_code(row: Sequence[Value]) -> str:
    name, code = row[1], row[0]
    return f"{_isolated(str(name))} ({code})" if code else str(name)


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
        Columns(0, (1, 2), 3, ("New", "Returning")),
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
        ("", "All languages", all_people, questions), Bars(_name_and_code, 2), order_by=2,
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


# -- charts ------------------------------------------------------------------------------

_INK = "#1a1a1a"
_BAR = "#1b4f72"
_FONT = 'font-family="system-ui, sans-serif"'


def _svg(ident: str, title: str, width: int, height: int, body: Iterable[str],
         defs: str = "") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{ident}" role="img" '
        f'aria-labelledby="{ident}-t" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" {_FONT} font-size="12" fill="{_INK}">'
        f'<title id="{ident}-t">{html.escape(title)}</title>'
        + (f"<defs>{defs}</defs>" if defs else "") + "".join(body) + "</svg>"
    )


def _label(text: str, limit: int = 34) -> str:
    return html.escape(text if len(text) <= limit else text[: limit - 1] + "…")


def bar_chart(ident: str, title: str, bars: Sequence[tuple[str, int | None, str]]) -> str:
    """Horizontal bars: (name, count or None when hidden, text written after the bar)."""
    label_w, bar_w, row_h = 250, 330, 26
    width, height = label_w + bar_w + 110, max(row_h * len(bars), row_h) + 12
    top = max((v for _, v, _ in bars if v is not None), default=0)
    body: list[str] = []
    if not bars:
        body.append(f'<text x="8" y="24">{html.escape("Nothing in this period")}</text>')
    for i, (name, value, text) in enumerate(bars):
        y = 6 + i * row_h
        body.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">'
                    f"{_label(name)}</text>")
        length = round(bar_w * value / top) if value and top else 0
        if length:
            body.append(f'<rect x="{label_w}" y="{y + 4}" width="{length}" '
                        f'height="{row_h - 8}" fill="{_BAR}"/>')
        style = "" if value is not None else ' font-style="italic"'
        body.append(f'<text x="{label_w + length + 6}" y="{y + 17}"{style}>'
                    f"{html.escape(text)}</text>")
    body.append(f'<line x1="{label_w}" y1="4" x2="{label_w}" y2="{height - 6}" '
                f'stroke="{_INK}"/>')
    return _svg(ident, title, width, height, body)


@dataclass(frozen=True)
class Column:
    label: str
    #: The stacked parts, None for a hidden one.
    parts: tuple[int | None, ...]
    total: int | None
    text: str


def column_chart(ident: str, title: str, series: Sequence[str], columns: Sequence[Column]) -> str:
    """Vertical columns, parts stacked bottom up. Parts are told apart by pattern, not only
    by colour; a column with a hidden part is drawn whole, in its own pattern."""
    plot_h, top_pad, axis_h = 180, 22, 34
    legend_h = 26 if len(series) > 1 else 0
    col_w = max(54, 7 * max((len(c.label) for c in columns), default=0) + 12)
    width = max(360, 50 + col_w * len(columns))
    height = legend_h + top_pad + plot_h + axis_h
    base = legend_h + top_pad + plot_h
    fills = [f"url(#{ident}-p{i})" for i in range(len(series))]
    defs = (
        f'<pattern id="{ident}-p0" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{_BAR}"/></pattern>'
        f'<pattern id="{ident}-p1" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="#b9d3e6"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{_BAR}" stroke-width="3"/></pattern>'
        f'<pattern id="{ident}-mix" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#e4e4e4"/><circle cx="3" cy="3" r="1.3" '
        f'fill="#555"/></pattern>'
    )
    mixed = any(None in c.parts and c.total is not None for c in columns) and len(series) > 1
    legend = [*zip(series, fills, strict=True)]
    if mixed:
        legend.append(("split not shown (it would reveal a small count)",
                       f"url(#{ident}-mix)"))
    body: list[str] = []
    x = 40
    for name, fill in legend if legend_h else []:
        body.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{fill}" '
                    f'stroke="{_INK}" stroke-width="0.5"/>'
                    f'<text x="{x + 20}" y="18">{html.escape(name)}</text>')
        x += 30 + 7 * len(name)
    top = max((c.total for c in columns if c.total is not None), default=0)
    scale = plot_h / top if top else 0.0
    for i, column in enumerate(columns):
        left = 40 + i * col_w + 8
        inner = col_w - 16
        y = float(base)
        if column.total is not None and None in column.parts:
            height_px = column.total * scale
            body.append(f'<rect x="{left}" y="{base - height_px:.1f}" width="{inner}" '
                        f'height="{height_px:.1f}" fill="url(#{ident}-mix)" '
                        f'stroke="{_INK}" stroke-width="0.5"/>')
            y -= height_px
        elif column.total is not None:
            for part, fill in zip(column.parts, fills, strict=True):
                height_px = (part or 0) * scale
                if height_px:
                    body.append(f'<rect x="{left}" y="{y - height_px:.1f}" width="{inner}" '
                                f'height="{height_px:.1f}" fill="{fill}" stroke="{_INK}" '
                                f'stroke-width="0.5"/>')
                if len(series) > 1 and height_px >= 18:
                    # Each part's number on a white tag, readable on any fill and in print.
                    middle = y - height_px / 2
                    tag = 7 * len(str(part)) + 6
                    body.append(f'<rect x="{left + inner / 2 - tag / 2:.1f}" '
                                f'y="{middle - 8:.1f}" width="{tag}" height="15" rx="3" '
                                f'fill="#fff"/><text x="{left + inner / 2:.1f}" '
                                f'y="{middle + 4:.1f}" text-anchor="middle" font-size="11">'
                                f"{part}</text>")
                y -= height_px
        style = "" if column.total is not None else ' font-style="italic"'
        centre = left + inner / 2
        body.append(f'<text x="{centre:.1f}" y="{y - 5:.1f}" text-anchor="middle"{style}>'
                    f"{html.escape(column.text)}</text>")
        body.append(f'<text x="{centre:.1f}" y="{base + 18}" text-anchor="middle" '
                    f'font-size="11">{html.escape(column.label)}</text>')
    body.append(f'<line x1="36" y1="{base}" x2="{width - 4}" y2="{base}" stroke="{_INK}"/>')
    return _svg(ident, title, width, height, body, defs)


def _count(value: Value) -> Count:
    assert isinstance(value, Count), value
    return value


def chart(section: Section, sheet: Sheet, ident: str) -> str:
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

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: #1a1a1a; background: #fff; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 0 0 .5rem; border-bottom: 2px solid #1b4f72; }
section { margin: 2.5rem 0; }
.period { margin: 0 0 1rem; color: #333; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
  gap: .6rem; margin: 1rem 0; padding: 0; }
.figures div { border: 1px solid #999; border-radius: 6px; padding: .5rem .75rem; }
.figures dt { font-size: .85rem; color: #333; }
.figures dd { font-size: 1.5rem; font-weight: 650; margin: 0; }
figure { margin: 1rem 0; overflow-x: auto; }
svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #bbb; padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { border-bottom: 2px solid #333; }
.n { text-align: right; }
tr.total td { font-weight: 650; border-top: 2px solid #333; }
tr.extra td { font-style: italic; }
.note, .file { color: #333; font-size: .9rem; }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  section { break-before: page; margin: 0; }
  figure, table, tr, .figures div { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


@dataclass(frozen=True)
class Report:
    html: str
    #: file name -> rows, the first being the header.
    csv: Mapping[str, list[list[str]]]


def _cell_html(value: Value, sheet: Sheet, column: int) -> str:
    text = html.escape(sheet.text(value))
    if isinstance(value, Count | Share):
        return f'<td class="n">{text}</td>'
    return f"<td><bdi>{text}</bdi></td>" if column == 1 else f"<td>{text}</td>"


def _table_html(section: Section, sheet: Sheet) -> str:
    numeric = {i for i in range(len(section.header))
               if any(isinstance(row[i], Count | Share) for row in [*section.rows, section.total])}
    head = "".join(f'<th class="n">{html.escape(h)}</th>' if i in numeric
                   else f"<th>{html.escape(h)}</th>" for i, h in enumerate(section.header))
    body = []
    for cls, rows in (("", section.ordered(sheet)), ("total", [section.total]),
                      ("extra", section.extra)):
        for row in rows:
            cells = "".join(_cell_html(v, sheet, i) for i, v in enumerate(row))
            body.append(f'<tr class="{cls}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


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
    ("people_months", "People per month, added up"),
    ("questions", "Questions"),
    ("answered_share", "Answered directly"),
    ("helpful_share", "Rated 👍 helpful"),
    ("tickets", "Hand-offs to advisers"),
    ("median_reply", "Half of first replies within"),
    ("mean_reply", "Mean time to first reply"),
    ("directory_views", "Directory lists viewed"),
    ("crisis_cards", "Crisis help shown"),
)


def _method(stats: ReachStats) -> str:
    return (
        "<section><h2>How these numbers are made</h2>"
        "<p>The bot keeps anonymous counters, updated when something happens: no user id and "
        "no message text is in them, so they do not change when a user asks the bot to "
        "forget them or when old questions are deleted. Counters are kept per calendar month "
        "in Finnish time, so the report covers whole months: "
        f"{stats.period_start.isoformat()} to {stats.period_end.isoformat()}.</p>"
        "<p>People are told apart by a pseudonym only while a month is running and counted "
        "once per month, under the language and municipality they used last that month. "
        "“New” means their first contact with the bot was in that month; someone who asked "
        "the bot to forget them and came back counts as new again.</p>"
        "<p><strong>Small numbers.</strong> Every count from 1 to 4 is shown as “&lt;5” so "
        "that no one can be singled out; zero is shown. So that a hidden count cannot be "
        "worked out by subtraction, no row or column that adds up to a total is left with "
        "exactly one hidden number (counting the total): where it would be, the smallest "
        "other count of that row or column is hidden too, shown as “x” (or the total, if "
        "there is no other). This applies across tables: the "
        "totals of people and questions are the same in every table. Shares and times "
        f"computed from hidden counts are shown as “{NOT_SHOWN}” (empty in the CSV "
        "files).</p>"
        "<p>Each table is also in a CSV file (UTF-8) beside this page, with the same "
        "numbers.</p></section>"
    )


def render_report(stats: ReachStats, names: Names, generated: dt.date) -> Report:
    sheet = Sheet()
    sections = build_sections(stats, names, sheet)
    sheet.protect()
    period = f"{stats.since.isoformat()} – {stats.until.isoformat()}"
    headline = _headline(stats, sheet)
    figures = "".join(f"<div><dt>{html.escape(label)}</dt>"
                      f"<dd>{html.escape(headline[name])}</dd></div>" for name, label in _FIGURES)
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Neuvo reach report {html.escape(period)}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>Neuvo — reach report</h1>",
        f'<p class="period">Period {html.escape(period)} (whole months '
        f"{stats.months[0]} to {stats.months[-1]}), made {generated.isoformat()}. "
        f"Counts from 1 to 4 are shown as “{HIDDEN}”; “{COMPLEMENT}” hides a larger count so "
        "that a small one cannot be worked out from a total.</p>",
        f'<dl class="figures">{figures}</dl></header>',
    ]
    for number, section in enumerate(sections, start=1):
        parts.append(
            f'<section id="s{number}"><h2>{html.escape(section.title)}</h2>'
            f'<p class="note">{html.escape(section.intro)}</p>'
            f"<figure>{chart(section, sheet, f'chart{number}')}</figure>"
            f"{_table_html(section, sheet)}"
            f'<p class="file">Also in {html.escape(section.file)}.</p></section>'
        )
    parts.append(_method(stats))
    parts.append("</body></html>\n")
    files = {
        section.file: [
            list(section.header),
            *([sheet.text(v, for_csv=True) for v in row]
              for row in [*section.ordered(sheet), section.total, *section.extra]),
        ]
        for section in sections
    }
    return Report("".join(parts), files)


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
    p.add_argument("--from", dest="since", required=True, type=_day,
                   metavar="YYYY-MM-DD", help="first day of the period (its month is included)")
    p.add_argument("--to", dest="until", required=True, type=_day,
                   metavar="YYYY-MM-DD", help="last day of the period (its month is included)")
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


def run(args: argparse.Namespace) -> int:
    db_path = args.db or Settings.from_env().db_path
    content = Path(args.content) if args.content else Settings.from_env().content_dir
    if args.since > args.until:
        print(f"--from {args.since} is after --to {args.until}", file=sys.stderr)
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

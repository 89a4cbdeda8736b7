"""`python -m bot directory`: what the bot would show from the directory, for advisers.

An adviser who edits `faq/directory/` checks the result here before users see it: the
output is the very HTML the bot sends, as plain text, and problems in the files are
printed first (example data included, so sample records are never taken for real).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bot.config import Settings
from bot.i18n.catalogs import I18n
from bot.i18n.finnish_time import HELSINKI
from bot.i18n.languages import LANGUAGES
from bot.i18n.replies import html_to_text
from bot.local_guide.directory.directory import Directory
from bot.local_guide.directory.fields import language_code
from bot.local_guide.directory.loader import DIRECTORY_DIR, validate_directory
from bot.local_guide.directory.model import Interest, Municipality
from bot.local_guide.directory.render import activity_html, advising_list_html, upcoming_html


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the `directory` sub-command on `python -m bot`'s sub-parsers."""
    p = subparsers.add_parser(
        "directory",
        help="show what the bot lists from the directory (activities, advising hours)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    p.add_argument("--municipality", "-m",
                   help="id or name, any case (iisalmi, Idensalmi); without it: an overview")
    p.add_argument("--interest", "-i", help="interest id or name, e.g. language-cafe")
    p.add_argument("--lang", choices=LANGUAGES, default="fi",
                   help="the user's language for the output (default: fi)")
    p.add_argument("--held-in", metavar="CODE",
                   help="only activities and advising held in this language, e.g. so")
    p.add_argument("--date", help="start on this day (YYYY-MM-DD, Finnish time) instead of now")
    p.add_argument("--days", type=int, default=28, help="how far ahead to look (default: 28)")
    p.add_argument("--limit", type=int, default=10, help="at most this many sessions per list")
    p.add_argument("--activity", metavar="ID", help="show the details view of one activity")
    p.add_argument("--content", help="content folder (default: $NEUVO_CONTENT or faq)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    folder = Path(args.content) if args.content else Settings.from_env().content_dir
    directory, report = validate_directory(folder)
    for problem in report.errors + report.warnings:
        print(problem, file=sys.stderr)
    if directory is None:
        print(f"{folder / DIRECTORY_DIR}: {len(report.errors)} errors; fix them first",
              file=sys.stderr)
        return 1
    if directory.is_empty:
        print(f"{folder / DIRECTORY_DIR}: no directory (the bot will not offer activities)")
        return 0
    try:
        start = _start(args.date)
    except ValueError:
        return _fail(f"--date '{args.date}' must be a date written as YYYY-MM-DD")
    t = I18n.load()(args.lang)
    if args.activity:
        if args.activity not in directory.activities:
            return _fail(f"unknown activity '{args.activity}'; known: "
                         + ", ".join(sorted(directory.activities)))
        upcoming = directory.next_sessions(args.activity, start=start)
        activity = directory.activities[args.activity]
        print(html_to_text(activity_html(t, directory, activity, upcoming)))
        return 0
    if not args.municipality:
        print(_overview(directory))
        return 0
    municipality = directory.find_municipality(args.municipality)
    if municipality is None:
        return _fail(f"unknown municipality '{args.municipality}'; known: "
                     + ", ".join(f"{m.id} ({m.name('fi')})"
                                 for m in directory.municipalities.values()))
    interest = _interest(directory, args.interest) if args.interest else None
    if args.interest and interest is None:
        return _fail(f"unknown interest '{args.interest}'; known: "
                     + ", ".join(directory.interests))
    held_in = language_code(args.held_in) if args.held_in else None
    if args.held_in and held_in is None:
        return _fail(f"unknown language '{args.held_in}'; use e.g. {', '.join(LANGUAGES)}")
    occurrences = directory.upcoming(
        municipality.id, start=start, interest=interest.id if interest else None,
        lang=held_in, days=args.days, limit=args.limit,
    )
    print(html_to_text(upcoming_html(t, directory, municipality, occurrences, start=start,
                              days=args.days, interest=interest)))
    print()
    sessions = directory.advising(municipality.id, start=start, lang=held_in, days=args.days,
                                  limit=args.limit)
    print(html_to_text(advising_list_html(t, directory, municipality, sessions, start=start,
                                   days=args.days)))
    return 0


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _start(day: str | None) -> dt.datetime:
    if day is None:
        return dt.datetime.now(HELSINKI)
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(0), HELSINKI)


def _interest(directory: Directory, text: str) -> Interest | None:
    wanted = text.strip().casefold()
    for interest in directory.interests.values():
        if wanted == interest.id or wanted in (n.casefold() for n in interest.names.values()):
            return interest
    return None


def _overview(directory: Directory) -> str:
    lines = ["Municipalities (use --municipality):"]
    for m in directory.municipalities.values():
        activities = sum(a.municipality == m.id for a in directory.activities.values())
        advising = sum(p.municipality == m.id for p in directory.advising_points.values())
        lines.append(f"  {m.id:12} {_names(m):30} {activities} activities, "
                     f"{advising} advising points")
    online = sum(a.online for a in directory.activities.values())
    lines.append(f"Online activities (shown everywhere): {online}")
    lines.append("Interests (use --interest): " + ", ".join(directory.interests))
    return "\n".join(lines)


def _names(municipality: Municipality) -> str:
    return " / ".join(dict.fromkeys(municipality.names.values()))

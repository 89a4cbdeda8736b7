"""Writing help for advisers: what `python -m bot validate` reports beyond errors.

Content that loads is not yet good content: a translation may lag behind a re-checked
Finnish text or carry another number than it, two entries may be asked in nearly the same
words so the bot hesitates between them, facts age, an address may be mistyped, an answer
may be hard to read. None of this may stop the bot, so it is reported as warnings (please
act) and hints (please consider), never as errors. The loaded content is trusted for
everything; the files are read again only to point at lines.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import sys
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import yaml
from rapidfuzz import fuzz, process

from bot.content.facts import differences
from bot.content.links import find_urls, is_home_page, url_problem
from bot.content.model import ContentSet, Entry
from bot.content.plain_language import hints
from bot.content.yamlfile import FAST_LOADER, Problem, YamlDoc
from bot.i18n.languages import LANGUAGES, REFERENCE_LANGUAGE
from bot.matching.matcher import Matcher
from bot.matching.normalize import tokens

WARNING = "warning"
#: Advice that may be ignored: printed in its own section, never counted as a warning.
HINT = "hint"
DEFAULT_STALE_MONTHS = 12
#: rapidfuzz token_set_ratio (0-100) of two normalised questions from which they are
#: reported as near-duplicates. 100 means one question's words are all in the other.
DUPLICATE_SCORE = 95
#: A rival entry scoring within this much of an entry on the entry's own question, or at
#: least CONFUSABLE_SCORE, is reported (the matcher's scores are in [0, 1]). On the bundled
#: content the best rival scores below 0.43 for half of the 3,283 ways of asking, 0.81 at
#: the 99th percentile, and above 0.85 only for pairs that really overlap: online banking
#: codes and strong identification, say.
CONFUSABLE_MARGIN = 0.05
CONFUSABLE_SCORE = 0.85
#: A bare --hints lists these languages' hints: advisers write the Finnish; translators ask
#: for theirs. Without --hints only their number is printed, so real problems stand out.
DEFAULT_HINT_LANGUAGES = (REFERENCE_LANGUAGE,)


@dataclass(frozen=True)
class LanguageCoverage:
    lang: str
    #: Ids of the entries with a text in this language.
    present: tuple[str, ...]
    missing: tuple[str, ...]
    #: Translations checked before the Finnish text was last reviewed.
    outdated: tuple[str, ...] = ()
    #: Translations without a `translated:` date, which cannot be compared.
    undated: tuple[str, ...] = ()


@dataclass
class Review:
    warnings: list[Problem] = field(default_factory=list)
    #: Plain-language hints by language.
    hints: dict[str, list[Problem]] = field(default_factory=dict)


def is_outdated(entry: Entry, lang: str) -> bool:
    """A translation older than its source: checked before the Finnish was last reviewed."""
    return entry.outdated(lang)


def coverage(content: ContentSet) -> list[LanguageCoverage]:
    entries = sorted(content.entries.values(), key=lambda e: e.id)
    result = []
    for lang in LANGUAGES:
        present = [e for e in entries if e.text(lang) is not None]
        translations = present if lang != REFERENCE_LANGUAGE else []
        result.append(LanguageCoverage(
            lang,
            tuple(e.id for e in present),
            tuple(e.id for e in entries if e.text(lang) is None),
            tuple(e.id for e in translations if is_outdated(e, lang)),
            tuple(e.id for e in translations if e.texts[lang].translated is None),
        ))
    return result


class _EntryFile:
    """An entry's file read again for line numbers, which the loaded content does not keep."""

    def __init__(self, folder: Path, entry: Entry) -> None:
        try:
            text = (folder / entry.file).read_text(encoding="utf-8")
            node = yaml.compose(text, Loader=FAST_LOADER)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            text, node = "", None  # changed since it was loaded: report without lines
        self.lines = text.splitlines()
        self.doc = YamlDoc(entry.file, node) if node is not None else None

    def line(self, *path: str | int) -> int | None:
        return self.doc.line(*path) if self.doc is not None else None

    def line_of(self, path: tuple[str, str], value: str, offset: int, word: str) -> int | None:
        """The line of `word`, found at `offset` in the text `value` stored at `path`.

        Works for every YAML style (plain, quoted, `|`, `>`): the word is looked for in the
        file lines the value spans, skipping as many earlier occurrences as the text has.
        """
        node = self.doc.node if self.doc is not None else None
        for key in path:
            node = _value(node, key)
        if node is None:
            return self.line(*path)
        skip = value.count(word, 0, offset)
        first, last = node.start_mark.line, node.end_mark.line
        for number in range(first, min(last + 1, len(self.lines))):
            raw = self.lines[number]
            if number == last:
                raw = raw[:node.end_mark.column]
            if number == first:
                raw = raw[node.start_mark.column:]
            found = raw.count(word)
            if skip < found:
                return number + 1
            skip -= found
        return first + 1


def _value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.Node):
                return v
    return None


def review_content(
    folder: Path,
    content: ContentSet,
    *,
    stale_months: int = DEFAULT_STALE_MONTHS,
    today: dt.date | None = None,
) -> Review:
    """Every warning and hint for loaded content; `folder` is where its files are."""
    entries = sorted(content.entries.values(), key=lambda e: e.file)
    files = {e.id: _EntryFile(folder, e) for e in entries}
    warnings = [
        *_stale_entries(entries, files, today or dt.date.today(), stale_months),
        *_outdated_translations(entries, files),
        *_changed_facts(entries, files),
        *_near_duplicates(entries, files),
        *_broken_links(entries, files),
    ]
    review = Review(sorted(warnings, key=_place), {lang: [] for lang in LANGUAGES})
    for entry in entries:
        for lang, text in entry.texts.items():
            for hint in hints(text.answer, lang):
                line = files[entry.id].line_of((lang, "answer"), text.answer, hint.offset,
                                               hint.word)
                review.hints[lang].append(Problem(entry.file, line, f"{lang}: {hint.message}",
                                                  HINT))
    return review


def _place(problem: Problem) -> tuple[str, int]:
    return problem.file, problem.line or 0


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (or the month's last day, if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _stale_entries(entries: Sequence[Entry], files: dict[str, _EntryFile], today: dt.date,
                   months: int) -> Iterator[Problem]:
    if months <= 0:
        return
    cutoff = months_before(today, months)
    for entry in entries:
        if entry.reviewed < cutoff:
            yield Problem(entry.file, files[entry.id].line("reviewed"),
                          f"last reviewed {entry.reviewed}, over {months} months ago: check the "
                          f"facts against {entry.source_url} and update 'reviewed:'", WARNING)


def _outdated_translations(entries: Sequence[Entry],
                           files: dict[str, _EntryFile]) -> Iterator[Problem]:
    for entry in entries:
        for lang in LANGUAGES:
            if is_outdated(entry, lang):
                yield Problem(entry.file, files[entry.id].line(lang, "translated"),
                              f"{lang}: translation checked {entry.texts[lang].translated}, "
                              f"before the Finnish text was reviewed ({entry.reviewed}): "
                              "compare it with the Finnish, fix it and update 'translated:'",
                              WARNING)


def _changed_facts(entries: Sequence[Entry], files: dict[str, _EntryFile]) -> Iterator[Problem]:
    """Translations whose numbers, phone numbers or addresses are not the Finnish ones."""
    for entry in entries:
        reference = entry.texts[REFERENCE_LANGUAGE].answer
        for lang in LANGUAGES:
            text = entry.text(lang)
            if lang == REFERENCE_LANGUAGE or text is None:
                continue
            found = differences(reference, text.answer)
            if found:
                yield Problem(entry.file, files[entry.id].line(lang, "answer"),
                              f"{lang}: numbers or addresses differ from the Finnish answer "
                              f"({'; '.join(found)}): copy them exactly from the Finnish",
                              WARNING)


@dataclass(frozen=True)
class _Asked:
    """One way an entry is asked (its question or an alternate) in one language."""

    entry: Entry
    text: str
    line: int | None
    key: str


def _asked(entry: Entry, lang: str, file: _EntryFile) -> Iterator[_Asked]:
    text = entry.text(lang)
    if text is None:
        return
    ways = [(text.question, file.line(lang, "question"))]
    ways += [(alt, file.line(lang, "alternates", i)) for i, alt in enumerate(text.alternates)]
    for way, line in ways:
        key = " ".join(tokens(way))
        if key:
            yield _Asked(entry, way, line, key)


def _near_duplicates(entries: Sequence[Entry],
                     files: dict[str, _EntryFile]) -> Iterator[Problem]:
    """Questions of two entries that are nearly the same words, best pair per entry pair."""
    found: dict[tuple[str, str], list[tuple[float, str, _Asked, _Asked]]] = {}
    for lang in LANGUAGES:
        asked = [a for e in entries for a in _asked(e, lang, files[e.id])]
        keys = [a.key for a in asked]
        for i, first in enumerate(asked):
            later = keys[i + 1:]
            for _, score, j in process.extract(first.key, later, scorer=fuzz.token_set_ratio,
                                               score_cutoff=DUPLICATE_SCORE, limit=None):
                second = asked[i + 1 + j]
                if second.entry.id != first.entry.id:
                    pair = (first.entry.id, second.entry.id)
                    found.setdefault(pair, []).append((score, lang, first, second))
    for matches in found.values():
        score, lang, first, second = max(matches, key=lambda m: m[0])
        also = sorted({m[1] for m in matches} - {lang}, key=LANGUAGES.index)
        yield Problem(
            first.entry.file, first.line,
            f"{lang}: “{first.text}” is {score:.0f}% like “{second.text}” of "
            f"'{second.entry.id}' ({second.entry.file}:{second.line})"
            + (f", also in {', '.join(also)}" if also else "")
            + "; the bot may mix the two entries up: reword one, or merge the entries",
            WARNING,
        )


def confusable_entries(folder: Path, content: ContentSet, matcher: Matcher) -> list[Problem]:
    """Entries so close that users will get the wrong one: asking an entry's own question
    or alternate, the bot puts another entry first, within ``CONFUSABLE_MARGIN`` of it, or
    at ``CONFUSABLE_SCORE``.

    Each way of asking is matched as a user's message would be. Its own entry is in the
    index and scores high, so a rival that comes close on the entry's own words will win
    for users who word it a little differently. One warning per pair, the worst example.
    """
    entries = sorted(content.entries.values(), key=lambda e: e.file)
    asked = [(a, lang) for e in entries for lang in e.texts
             for a in _asked(e, lang, _EntryFile(folder, e))]
    vectors = matcher.query_vectors([a.text for a, _ in asked])
    worst: dict[tuple[str, str], tuple[float, str, _Asked]] = {}
    for (way, lang), vector in zip(asked, vectors, strict=True):
        ranked = matcher.match(way.text, lang, vector=vector).ranked
        own = next((c.score for c in ranked if c.id == way.entry.id), 0.0)
        rival = next((c for c in ranked if c.id != way.entry.id), None)
        if rival is None or rival.score < min(own - CONFUSABLE_MARGIN, CONFUSABLE_SCORE):
            continue
        pair = (way.entry.id, rival.id)
        lead = own - rival.score
        if pair not in worst or lead < worst[pair][0]:
            worst[pair] = (lead, lang, way)
    problems = []
    for (_, rival_id), (lead, lang, way) in sorted(worst.items()):
        where = "before it" if lead < 0 else f"close to it ({lead:.2f} behind)"
        problems.append(Problem(
            way.entry.file, way.line,
            f"{lang}: asked “{way.text}”, the bot puts '{rival_id}' "
            f"({content.entries[rival_id].file}) {where}: users asking like this may get the "
            "wrong entry; make the questions say what differs, or merge the entries",
            WARNING,
        ))
    return problems


def _broken_links(entries: Sequence[Entry], files: dict[str, _EntryFile]) -> Iterator[Problem]:
    for entry in entries:
        file = files[entry.id]
        problem = url_problem(entry.source_url)
        if problem:
            yield Problem(entry.file, file.line("source", "url"), f"source: {problem}", WARNING)
        elif is_home_page(entry.source_url):
            yield Problem(entry.file, file.line("source", "url"),
                          f"source: {entry.source_url} is a front page: link the page that "
                          "states the facts, so that they can be checked again", WARNING)
        for lang, text in entry.texts.items():
            for offset, url in find_urls(text.answer):
                problem = url_problem(url)
                if problem:
                    line = file.line_of((lang, "answer"), text.answer, offset, url)
                    yield Problem(entry.file, line, f"{lang}: {problem}", WARNING)


# ---- python -m bot validate ------------------------------------------------------------


def _hint_languages(value: str) -> tuple[str, ...]:
    if value == "all":
        return LANGUAGES
    if value == "none":
        return ()
    codes = tuple(code.strip() for code in value.split(",") if code.strip())
    unknown = [code for code in codes if code not in LANGUAGES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown language {', '.join(unknown)}; use all, none or codes such as fi,sv")
    return codes


def add_review_arguments(parser: argparse.ArgumentParser) -> None:
    """The writing-help options of `python -m bot validate`."""
    parser.add_argument("--stale-months", type=int, default=DEFAULT_STALE_MONTHS, metavar="N",
                        help="warn about entries not reviewed in N months "
                             f"(default: {DEFAULT_STALE_MONTHS}; 0: never)")
    parser.add_argument("--coverage", action="store_true",
                        help="show the translation table and which entries lack which language")
    parser.add_argument("--hints", type=_hint_languages, nargs="?", default=(),
                        const=DEFAULT_HINT_LANGUAGES, metavar="LANGS",
                        help="list plain-language hints for these languages: codes such as "
                             "fi,sv, or all (a bare --hints: fi; without it only the number "
                             "of hints is shown)")


def print_review(folder: Path, content: ContentSet, args: argparse.Namespace,
                 out: TextIO | None = None) -> None:
    """Print the writing help for loaded content; it never changes the exit status."""
    out = out or sys.stdout
    review = review_content(folder, content, stale_months=args.stale_months)
    table = coverage(content)
    print("Writing help (warnings: please fix; hints: please consider; neither stops the bot):",
          file=out)
    print(format_coverage(table, len(content.entries), detailed=args.coverage), file=out)
    for problem in review.warnings:
        print(problem, file=out)
    listed = [p for lang in args.hints for p in review.hints[lang]]
    if listed:
        print(f"Plain-language hints ({', '.join(args.hints)}):", file=out)
        for problem in sorted(listed, key=_place):
            print(problem, file=out)
    others = {lang: len(found) for lang, found in review.hints.items()
              if found and lang not in args.hints}
    more = ("; not listed: " + ", ".join(f"{lang} {n}" for lang, n in others.items())
            + f" (--hints {','.join(others) if len(others) < 3 else 'all'} lists them)"
            ) if others else ""
    print(f"writing help: {len(review.warnings)} warnings, {len(listed)} hints{more}", file=out)


def format_coverage(table: Sequence[LanguageCoverage], total: int, detailed: bool) -> str:
    """One line per run; with `detailed`, the table and the lists of entries per language."""
    def share(lc: LanguageCoverage) -> str:
        return f"{len(lc.present) * 100 // total}%" if total else "-"

    if not detailed:
        return ("translations: " + " · ".join(f"{lc.lang} {share(lc)}" for lc in table)
                + f" of {total} entries (--coverage for details)")
    lines = [f"Translations of {total} entries:",
             f"  {'lang':5} {'entries':>7} {'share':>6} {'outdated':>9} {'undated':>8}"]
    for lc in table:
        dated = lc.lang != REFERENCE_LANGUAGE
        lines.append(f"  {lc.lang:5} {len(lc.present):>7} {share(lc):>6} "
                     f"{len(lc.outdated) if dated else '-':>9} "
                     f"{len(lc.undated) if dated else '-':>8}")
    for title in ("missing", "outdated", "undated"):
        # Languages usually lack the same entries: list each set of ids once.
        langs_by_ids: dict[tuple[str, ...], list[str]] = {}
        for lc in table:
            ids = {"missing": lc.missing, "outdated": lc.outdated, "undated": lc.undated}[title]
            if ids:
                langs_by_ids.setdefault(ids, []).append(lc.lang)
        for ids, langs in langs_by_ids.items():
            lines.extend(_wrapped(f"{title} in {', '.join(langs)} ({len(ids)}): ", ids))
    return "\n".join(lines)


def _wrapped(head: str, ids: Iterable[str]) -> list[str]:
    return textwrap.wrap(", ".join(ids), width=100, initial_indent="  " + head,
                         subsequent_indent="    ", break_on_hyphens=False)

"""`python -m bot preview ENTRY`: one FAQ entry as users see it, in all nine languages.

Advisers cannot read most of the languages, but on one page they can see whether every
language has its card, which users get the plain Finnish and English fallback (and its
note), whether right-to-left text flows the right way, and how long the answer is on a
phone. The page is built from the very HTML and buttons the bot sends (`answer_html`,
`entry_button`, the translated labels), so what the adviser checks is what users get.
`ask_everywhere` does the same for a question: how the bot decides in each language.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import html
import re
import sys
import tempfile
import webbrowser
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from markupsafe import Markup

from bot.config import Settings
from bot.content import ContentSet, Entry
from bot.content.loader import validate_content
from bot.conversation.answers import answer_html, entry_button, has_finnish_card, shorten
from bot.i18n import bidi, texts
from bot.i18n.bidi import LRI, PDI, RLM
from bot.i18n.catalogs import I18n, Translator
from bot.i18n.languages import LANGUAGES, is_rtl, native_name
from bot.i18n.replies import Button, button, html_to_text
from bot.matching.langid import detect_language
from bot.matching.matcher import Matcher, MatchResult
from bot.tools.review import is_outdated
from bot.tools.templating import templates

#: Telegram refuses longer messages; the preview flags an answer over it.
TELEGRAM_MAX_CHARS = 4096
#: Answer lines `ask_everywhere` prints per language.
ASK_LINES = 3

# The tags of Telegram's HTML subset that the bot's answers use. Anything else in the text
# is shown as text, as Telegram would never render it.
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*)>")
_HREF = re.compile(r'\s+href="(https?://[^"]*)"\s*')


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the `preview` sub-command on `python -m bot`'s sub-parsers."""
    p = subparsers.add_parser(
        "preview",
        help="write an HTML page showing an entry as users see it, in every language",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    p.add_argument("entry", help="the entry id (kela-card) or its file (entries/kela-card.yaml)")
    p.add_argument("--out", metavar="PATH",
                   help="a folder to write preview-ENTRY.html into, or an .html file "
                        "(default: a new temporary folder, so nothing lands in the repository)")
    p.add_argument("--open", action="store_true", help="open the page in a web browser")
    p.add_argument("--content", help="content folder (default: $NEUVO_CONTENT or faq)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    folder = Path(args.content) if args.content else Settings.from_env().content_dir
    content, report = validate_content(folder)
    if content is None:
        for problem in report.errors:
            print(problem, file=sys.stderr)
        print(f"{folder}: {len(report.errors)} errors; fix them first", file=sys.stderr)
        return 1
    entry_id = Path(args.entry).stem if args.entry.endswith((".yaml", ".yml")) else args.entry
    entry = content.entries.get(entry_id)
    if entry is None:
        close = difflib.get_close_matches(entry_id, content.entries, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        print(f"unknown entry '{entry_id}'{hint}", file=sys.stderr)
        return 1
    out = _output_file(args.out, entry.id)
    out.write_text(render_preview(content, entry, I18n.load()), encoding="utf-8")
    print(f"wrote {out}")
    if args.open and not webbrowser.open(out.as_uri()):
        print("no web browser found here: open the file above in one", file=sys.stderr)
    return 0


def _output_file(given: str | None, entry_id: str) -> Path:
    """Where the page goes, as an absolute path the adviser can click or copy."""
    name = f"preview-{entry_id}.html"
    if given is None:
        return Path(tempfile.mkdtemp(prefix="neuvo-preview-")) / name
    path = Path(given).resolve()
    if path.suffix.lower() in (".html", ".htm"):
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
    path.mkdir(parents=True, exist_ok=True)
    return path / name


def render_preview(content: ContentSet, entry: Entry, i18n: I18n,
                   now: dt.datetime | None = None) -> str:
    """The whole page: a header about the entry, then one Telegram-like card per language."""
    now = now or dt.datetime.now().replace(microsecond=0)
    return templates().get_template("preview.html.j2").render(
        entry_id=entry.id, facts=_facts(content, entry), generated=now.isoformat(sep=" "),
        cards=[_card(i18n(lang), content, entry) for lang in LANGUAGES],
        max_chars=TELEGRAM_MAX_CHARS,
    )


def _facts(content: ContentSet, entry: Entry) -> list[tuple[str, str | Markup]]:
    """The header's rows; markup is built with `Markup.format`, which escapes the values."""
    topic = content.topics.get(entry.topic)
    topic_name = f"{topic.icon} {topic.name('fi')} / {topic.name('en')}" if topic else entry.topic
    translated = [lang for lang in LANGUAGES if entry.text(lang) is not None]
    fallback = [lang for lang in LANGUAGES if entry.text(lang) is None]
    outdated = [lang for lang in translated if is_outdated(entry, lang)]
    facts: list[tuple[str, str | Markup]] = [
        ("Topic", topic_name.strip()),
        ("Source", Markup('<a href="{0}">{1}</a> <span class="url">{0}</span>').format(
            entry.source_url, entry.source_name)),
        ("Reviewed", entry.reviewed.isoformat()),
        ("File", entry.file),
        ("Coverage", _coverage_line(translated, fallback, outdated)),
    ]
    if entry.keywords:
        facts.append(("Keywords", ", ".join(entry.keywords)))
    if entry.directory:
        facts.append(("Directory", Markup(
            '{} <span class="note">(“near you” buttons, shown to users who have chosen a '
            "municipality; not in this preview)</span>").format(", ".join(entry.directory))))
    return facts


def _coverage_line(translated: list[str], fallback: list[str], outdated: list[str]) -> Markup:
    parts = [Markup("translated: {}").format(_codes(translated))]
    if fallback:
        parts.append(Markup('<span class="warn">fallback (plain Finnish + English with a '
                            "note): {}</span>").format(_codes(fallback)))
    if outdated:
        parts.append(Markup('<span class="warn">older than the Finnish text: {}</span>')
                     .format(_codes(outdated)))
    return Markup(" · ").join(parts)


def _codes(langs: Iterable[str]) -> Markup:
    return Markup(", ").join(Markup('<span lang="{0}">{1}</span> ({0})').format(
        lang, native_name(lang)) for lang in langs)


def answer_buttons(t: Translator, content: ContentSet, entry: Entry) -> list[list[Button]]:
    """The buttons under an answer, as `Conversation._answer` builds them for a question."""
    rows = [[Button(bidi.line(t(texts.SHOW_IN_FINNISH), t.lang), "fi")]
            ] if has_finnish_card(t, entry) else []
    rows.append([button(t, texts.FEEDBACK_YES, "fb"), button(t, texts.FEEDBACK_NO, "fb")])
    rows += [[entry_button(t, content.entries[rel], f"q:{rel}")]
             for rel in entry.related[:3] if rel in content.entries]
    rows.append([button(t, texts.MENU_BUTTON, "menu:main")])
    return rows


@dataclass(frozen=True)
class Card:
    lang: str
    direction: str
    name: str
    translated: bool
    #: The message as Telegram renders it (b, i and links only), already escaped.
    text: Markup
    length: int
    keyboard: list[list[str]]


def _card(t: Translator, content: ContentSet, entry: Entry) -> Card:
    lang = t.lang
    message = answer_html(t, entry)
    return Card(
        lang, "rtl" if is_rtl(lang) else "ltr", native_name(lang),
        entry.text(lang) is not None, Markup(telegram_html(message)),
        len(html_to_text(message, show_links=False)),
        [[b.label for b in row] for row in answer_buttons(t, content, entry)],
    )


def telegram_html(message: str) -> str:
    """Telegram message HTML for a browser: b, i and http(s) links kept, any other tag shown
    as text (Telegram would never render it). Entities and text are already escaped."""
    def tag(match: re.Match[str]) -> str:
        closing, name, attributes = match.groups()
        name = name.lower()
        if name in ("b", "i") and not attributes.strip():
            return match.group(0)
        if name == "a" and closing:
            return "</a>"
        href = _HREF.fullmatch(attributes)
        if name == "a" and href:
            return f'<a href="{href.group(1)}" rel="noopener noreferrer">'
        return html.escape(match.group(0), quote=False)

    return _TAG.sub(tag, message)


# ---- python -m bot ask --all-languages -------------------------------------------------


def ask_everywhere(text: str, content: ContentSet, *, out: TextIO | None = None,
                   lines: int = ASK_LINES, vectors_dir: Path | None = None) -> None:
    """Print how the bot answers `text` for a user of each language: the decision, the
    entries shown and the first lines of the reply the user would read."""
    out = out or sys.stdout
    matcher = Matcher.from_content(content, vectors_dir)
    vector = matcher.query_vector(text)
    i18n = I18n.load()
    detected = detect_language(text)
    print(f"detected language: {detected or '-'}; the reply for a user whose language is:",
          file=out)
    for lang in LANGUAGES:
        result = matcher.match(text, lang, vector=vector)
        print(f"{lang:<4}{result.decision:<8} {', '.join(result.ids) or '-'}", file=out)
        for line in reply_lines(i18n(lang), content, result)[:lines]:
            print(f"    {shorten(line, 96)}", file=out)


def reply_lines(t: Translator, content: ContentSet, result: MatchResult) -> list[str]:
    """The reply to a match as plain text lines, as `Conversation` would send it."""
    shown = [content.entries[i] for i in result.ids if i in content.entries]
    if result.decision == "answer" and shown:
        body = answer_html(t, shown[0])
    elif result.decision == "suggest" and shown:
        labels = " ".join(f"[{entry_button(t, e, '').label}]" for e in shown)
        body = f"{t.html(texts.DID_YOU_MEAN)}\n{html.escape(labels)}"
    else:
        body = t.html(texts.NO_ANSWER)
    terminal = html_to_text(body, show_links=False).translate(_DIRECTION_MARKS)
    return [line for line in terminal.splitlines() if line.strip()]


#: Direction marks help Telegram; in a terminal they only get in the way.
_DIRECTION_MARKS = dict.fromkeys(map(ord, RLM + LRI + PDI))


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
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.content import ContentSet, Entry
from bot.content.loader import validate_content
from bot.conversation.answers import answer_html, entry_button, shorten
from bot.i18n import texts
from bot.i18n.bidi import LRI, PDI, RLM
from bot.i18n.catalogs import I18n, Translator
from bot.i18n.languages import LANGUAGES, is_rtl, native_name
from bot.i18n.replies import Button, button, html_to_text
from bot.matching.langid import detect_language
from bot.matching.matcher import Matcher, MatchResult
from bot.tools.review import is_outdated

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
    p.add_argument("--out", help="the HTML file to write (default: preview-ENTRY.html)")
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
    out = Path(args.out or f"preview-{entry.id}.html")
    out.write_text(render_preview(content, entry, I18n.load()), encoding="utf-8")
    print(f"wrote {out}: open it in a web browser")
    return 0


def render_preview(content: ContentSet, entry: Entry, i18n: I18n,
                   now: dt.datetime | None = None) -> str:
    """The whole page: a header about the entry, then one Telegram-like card per language."""
    now = now or dt.datetime.now().replace(microsecond=0)
    cards = "\n".join(_card(i18n(lang), content, entry) for lang in LANGUAGES)
    return _PAGE.format(
        title=html.escape(f"Preview: {entry.id}"),
        style=_STYLE,
        header=_header(content, entry),
        cards=cards,
        generated=html.escape(now.isoformat(sep=" ")),
    )


def _header(content: ContentSet, entry: Entry) -> str:
    topic = content.topics.get(entry.topic)
    topic_name = f"{topic.icon} {topic.name('fi')} / {topic.name('en')}" if topic else entry.topic
    translated = [lang for lang in LANGUAGES if entry.text(lang) is not None]
    fallback = [lang for lang in LANGUAGES if entry.text(lang) is None]
    outdated = [lang for lang in translated if is_outdated(entry, lang)]
    facts = [
        ("Topic", html.escape(topic_name.strip())),
        ("Source", f'<a href="{html.escape(entry.source_url)}">{html.escape(entry.source_name)}'
                   f"</a> <span class=\"url\">{html.escape(entry.source_url)}</span>"),
        ("Reviewed", html.escape(entry.reviewed.isoformat())),
        ("File", html.escape(entry.file)),
        ("Coverage", _coverage_line(translated, fallback, outdated)),
    ]
    if entry.keywords:
        facts.append(("Keywords", html.escape(", ".join(entry.keywords))))
    if entry.directory:
        facts.append(("Directory", html.escape(", ".join(entry.directory))
                      + " <span class=\"note\">(“near you” buttons, shown to users who have "
                        "chosen a municipality; not in this preview)</span>"))
    rows = "\n".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in facts)
    return f"<h1>{html.escape(entry.id)}</h1>\n<table class=\"facts\">\n{rows}\n</table>"


def _coverage_line(translated: list[str], fallback: list[str], outdated: list[str]) -> str:
    parts = [f"translated: {_codes(translated)}"]
    if fallback:
        parts.append(f"<span class=\"warn\">fallback (plain Finnish + English with a note): "
                     f"{_codes(fallback)}</span>")
    if outdated:
        parts.append(f"<span class=\"warn\">older than the Finnish text: {_codes(outdated)}"
                     "</span>")
    return " · ".join(parts)


def _codes(langs: Iterable[str]) -> str:
    return ", ".join(f"<span lang=\"{lang}\">{html.escape(native_name(lang))}</span> ({lang})"
                     for lang in langs)


def answer_buttons(t: Translator, content: ContentSet, entry: Entry) -> list[list[Button]]:
    """The buttons under an answer, as `Conversation._answer` builds them for a question."""
    rows = [[button(t, texts.FEEDBACK_YES, "fb"), button(t, texts.FEEDBACK_NO, "fb")]]
    rows += [[entry_button(t, content.entries[rel], f"q:{rel}")]
             for rel in entry.related[:3] if rel in content.entries]
    rows.append([button(t, texts.MENU_BUTTON, "menu:main")])
    return rows


def _card(t: Translator, content: ContentSet, entry: Entry) -> str:
    lang = t.lang
    message = answer_html(t, entry)
    length = len(html_to_text(message, show_links=False))
    translated = entry.text(lang) is not None
    badge = ('<span class="badge ok">translation</span>' if translated
             else '<span class="badge warn">fallback: fi + en</span>')
    size = (f'<span class="warn">{length} characters: over Telegram\'s {TELEGRAM_MAX_CHARS}</span>'
            if length > TELEGRAM_MAX_CHARS else f"{length} characters")
    keyboard = "\n".join(
        '<div class="row">'
        + "".join(f'<span class="button">{html.escape(b.label)}</span>' for b in row)
        + "</div>"
        for row in answer_buttons(t, content, entry)
    )
    direction = "rtl" if is_rtl(lang) else "ltr"
    return _CARD.format(
        lang=lang, dir=direction, name=html.escape(native_name(lang)), badge=badge,
        text=telegram_html(message), size=size, keyboard=keyboard,
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

_CARD = """\
<section class="card" lang="{lang}" dir="{dir}">
  <h2>{name} <span class="code">{lang}</span> {badge}</h2>
  <div class="chat">
    <div class="bubble"><div class="text">{text}</div><div class="meta">{size}</div></div>
    <div class="keyboard">
{keyboard}
    </div>
  </div>
</section>"""

_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
{header}
<p class="note">Each card is what a user with that language gets when the bot answers with
this entry: the message and its buttons. Buttons are not active here. Generated {generated}.</p>
</header>
<main>
{cards}
</main>
</body>
</html>
"""

_STYLE = """
body { margin: 0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  background: #e9eef3; color: #1f2933; }
header { background: #fff; padding: 16px 24px; border-bottom: 1px solid #d0d7de; }
h1 { margin: 0 0 8px; font-size: 22px; }
.facts th { text-align: left; padding: 2px 16px 2px 0; color: #52606d; font-weight: 600;
  vertical-align: top; }
.facts td { padding: 2px 0; }
.url, .note { color: #52606d; font-size: 13px; }
.warn { color: #b42318; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 20px;
  padding: 20px 24px; }
.card { background: #c8d9b4; border-radius: 14px; padding: 12px; }
.card h2 { margin: 0 0 10px; font-size: 16px; }
.code { color: #52606d; font-weight: 400; font-size: 13px; }
.badge { font-size: 12px; font-weight: 600; border-radius: 8px; padding: 1px 8px; }
.badge.ok { background: #dff3e4; color: #1b6e37; }
.badge.warn { background: #fde8e8; color: #b42318; }
.chat { max-width: 440px; }
.bubble { background: #fff; border-radius: 14px 14px 14px 4px; padding: 8px 12px 6px;
  box-shadow: 0 1px 1px rgba(0, 0, 0, .15); }
[dir="rtl"] .bubble { border-radius: 14px 14px 4px 14px; }
/* Telegram gives every line the direction of its first letter: so does plaintext. */
.text, .button { white-space: pre-wrap; unicode-bidi: plaintext; text-align: start;
  overflow-wrap: anywhere; }
.text a { color: #2a7ab0; }
.meta { text-align: end; color: #7b8794; font-size: 12px; margin-top: 4px; }
.keyboard { margin-top: 4px; }
.row { display: flex; gap: 4px; margin-top: 4px; }
.button { flex: 1; text-align: center; background: rgba(73, 104, 64, .55); color: #fff;
  border-radius: 8px; padding: 8px 6px; font-weight: 500; }
[lang="ar"], [lang="fa"], [lang="ckb"] { font-family: "Noto Naskh Arabic", "Noto Sans Arabic",
  "Vazirmatn", Tahoma, system-ui, sans-serif; }
"""

"""An FAQ entry as the user sees it, shared by the conversation and the adviser preview.

When the entry lacks the user's language, the answer comes in plain Finnish and English
with a one-line note, each block in its own writing direction, so a Persian reader sees
the note right-to-left and the Finnish text left-to-right.
"""

from __future__ import annotations

import html

from bot.content import Entry
from bot.i18n import bidi, texts
from bot.i18n.catalogs import Translator
from bot.i18n.languages import FALLBACK_LANGUAGES, REFERENCE_LANGUAGE
from bot.i18n.replies import Button, escape

#: Longest question text put on a button before it is shortened with "…".
MAX_BUTTON_CHARS = 60


def shorten(text: str, limit: int = MAX_BUTTON_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def entry_button(t: Translator, entry: Entry, data: str) -> Button:
    """A button showing the entry's question in the user's language (or plain Finnish).

    The label takes the direction of the language it is written in: a Finnish fallback
    question stays left-to-right even for an Arabic reader.
    """
    shown = t.lang if entry.text(t.lang) is not None else REFERENCE_LANGUAGE
    return Button(bidi.line(shorten(entry.texts[shown].question), shown), data)


def has_finnish_card(t: Translator, entry: Entry) -> bool:
    """Whether the answer in the user's language can be switched to plain Finnish: not
    when it is Finnish already or shown with Finnish as a fallback."""
    return t.lang != REFERENCE_LANGUAGE and entry.text(t.lang) is not None


def answer_html(t: Translator, entry: Entry) -> str:
    lang = t.lang
    blocks: list[str] = []
    if entry.text(lang) is not None:
        shown_langs: tuple[str, ...] = (lang,)
    else:
        shown_langs = tuple(lg for lg in FALLBACK_LANGUAGES if entry.text(lg) is not None)
        note = t.html(texts.NOT_TRANSLATED, language=escape(t.language_name(lang)))
        blocks.append(bidi.line(f"<i>{note}</i>", lang))
    blocks += [_text_html(entry, shown) for shown in shown_langs]
    if entry.outdated(lang):
        blocks.append(bidi.line(f"<i>{t.html(texts.TRANSLATION_OUTDATED)}</i>", lang))
    blocks.append(_source_html(t, entry))
    return "\n\n".join(blocks)


def finnish_answer_html(t: Translator, finnish: Translator, entry: Entry) -> str:
    """The same answer in plain Finnish, to show to an official or to practise reading: a
    note in the user's language, then the text and its source line wholly in Finnish."""
    note = bidi.line(f"<i>{t.html(texts.FINNISH_VERSION)}</i>", t.lang)
    return "\n\n".join([note, _text_html(entry, REFERENCE_LANGUAGE),
                         _source_html(finnish, entry)])


def _text_html(entry: Entry, lang: str) -> str:
    text = entry.texts[lang]
    return bidi.line(f"<b>{escape(text.question)}</b>\n\n{escape(text.answer)}", lang)


def _source_html(t: Translator, entry: Entry) -> str:
    source = (f'<a href="{html.escape(entry.source_url, quote=True)}">'
              f"{escape(bidi.ltr(entry.source_name, t.lang))}</a>")
    # Babel's dates carry their own direction marks for RTL locales: no isolate around them.
    source_line = t.html(texts.SOURCE_LINE, source=source, date=escape(t.date(entry.reviewed)))
    return bidi.line(f"<i>{source_line}</i>", t.lang)

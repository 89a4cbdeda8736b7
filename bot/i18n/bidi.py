"""Keep right-to-left text readable when it mixes with Latin words, numbers and emoji.

A Telegram line or button takes its direction from its first strong character, so an
Arabic label that starts with "👍" or "Kela" is laid out left-to-right and its
punctuation lands on the wrong side. We mark RTL lines explicitly and isolate embedded
left-to-right runs (names, URLs, dates) so they cannot reorder the text around them.
"""

from __future__ import annotations

from bot.i18n.languages import is_rtl

RLM = "\u200f"  # right-to-left mark: gives a line an RTL start
LRI = "\u2066"  # left-to-right isolate ...
PDI = "\u2069"  # ... and its end


def line(text: str, lang: str) -> str:
    """Give every line of an RTL-language text an explicit RTL start."""
    if not is_rtl(lang):
        return text
    return "\n".join(RLM + part if part else part for part in text.split("\n"))


def ltr(text: str, lang: str) -> str:
    """Isolate a left-to-right fragment (URL, Latin name) inside RTL text."""
    return f"{LRI}{text}{PDI}" if is_rtl(lang) else text

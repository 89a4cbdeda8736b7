"""Script-aware text normalisation shared by matching and language identification.

People type the same word in many ways: with or without ä/ö, with Arabic or Persian letter
forms, with or without hamza, harakat, tatweel or zero-width joiners, with a Latin "i" inside a
Ukrainian word. Matching folds all of these to one key on *both* sides (content and query), so
the content never has to list them. Language identification needs the distinctive letters
(ە ێ ۆ for Sorani, і ї є for Ukrainian), so it only uses :func:`clean`, never :func:`fold`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Script = Literal["latin", "cyrillic", "arabic", "other"]

#: Invisible characters that only change rendering: removed.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200d\u200e\u200f\u2060\ufeff\u061c\u00ad"))
#: ZWNJ separates Persian suffixes and prefixes (کتاب‌ها, می‌خواهم): a word boundary for us.
_ZWNJ = "\u200c"
_TATWEEL = "\u0640"
#: Harakat, Quranic marks and the superscript alef: never typed consistently.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")

#: Arabic-script letters that users (and keyboards) swap. Sorani-only letters fold to the
#: letter people type when their keyboard lacks them (ێ→ی, ە→ه, ۆ→و, ڵ→ل, ڕ→ر), Arabic ك/ي
#: to the Persian forms, all alef variants to bare alef, ة to ه, hamza seats to their carrier.
_ARABIC_FOLD = str.maketrans(
    {
        "ك": "ک",
        "ي": "ی",
        "ى": "ی",
        "ې": "ی",
        "ێ": "ی",
        "ئ": "ی",
        "ۍ": "ی",
        "ة": "ه",
        "ە": "ه",
        "ۀ": "ه",
        "ھ": "ه",
        "ہ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ۆ": "و",
        "ۇ": "و",
        "ڵ": "ل",
        "ڕ": "ر",
        "ڤ": "ف",
        "ء": "",
    }
)

#: Cyrillic letters that are dropped or swapped in casual typing (ё→е, й→и, Ukrainian ї/є/ґ
#: typed on a Russian keyboard).
_CYRILLIC_FOLD = str.maketrans({"ё": "е", "й": "и", "ї": "і", "є": "е", "ґ": "г", "ъ": "ь"})

#: Latin letters that look the same as Cyrillic ones: inside a Cyrillic word they are typos
#: (most often a Latin "i" typed for Ukrainian "і").
_LATIN_TO_CYRILLIC = str.maketrans("aceiopxyk", "асеіорхук")

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

_APOSTROPHES = re.compile("['’ʼ`´‘ʻ]")
_WORD = re.compile(r"\w+")
_HAS_CYRILLIC = re.compile("[\u0400-\u04ff]")
_HAS_LATIN = re.compile("[a-z]")


def script_of_char(ch: str) -> Script:
    """The writing system of one letter (digits and marks are "other")."""
    code = ord(ch)
    if ch.isascii():
        return "latin" if ch.isalpha() else "other"
    if 0x00C0 <= code <= 0x024F or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic" if ch.isalpha() else "other"
    return "other"


def script_of(token: str) -> Script:
    """The script of a token: the script of its first letter."""
    for ch in token:
        s = script_of_char(ch)
        if s != "other":
            return s
    return "other"


def clean(text: str) -> str:
    """NFKC, casefold, no invisible characters or tatweel; distinctive letters kept.

    This is what language identification sees.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_INVISIBLE).replace(_ZWNJ, " ").replace(_TATWEEL, "")
    return _ARABIC_MARKS.sub("", text)


def _strip_latin_marks(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=8192)
def fold_word(word: str) -> str:
    """Fold one cleaned word to its matching key, according to its script."""
    word = word.translate(_DIGITS)
    if _HAS_CYRILLIC.search(word):
        if _HAS_LATIN.search(word):
            word = word.translate(_LATIN_TO_CYRILLIC)
        return word.translate(_CYRILLIC_FOLD)
    script = script_of(word)
    if script == "arabic":
        return word.translate(_ARABIC_FOLD)
    if script == "latin":
        return _strip_latin_marks(word).replace("ß", "ss").replace("ø", "o").replace("æ", "ae")
    return word


def fold(text: str) -> str:
    """The whole matching normalisation of a text: :func:`clean`, then every word folded."""
    text = _APOSTROPHES.sub("", clean(text))
    return _WORD.sub(lambda m: fold_word(m.group(0)), text)


def tokens(text: str) -> list[str]:
    """Folded word tokens. Hyphens and underscores split words ("TE-toimisto")."""
    return [t for t in _WORD.findall(fold(text).replace("_", " ")) if t]


def said(text: str) -> str:
    """What a text says, for telling whether a message repeats one of the content's ways of
    asking: its folded words, without letter case, marks, punctuation and emoji."""
    return " ".join(tokens(text))

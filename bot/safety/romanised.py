"""A message typed in Latin letters in a language that has its own script, written back in
that script for the safety step ("muzh skazal chto ub'et menya" → "муж сказал что убьет
меня", "jozi 2ali bed2bahek" → "جوزي قالي بدقبحك").

Why: the patterns are written mostly in each language's own script, and the encoder knows
Russian, Arabic or Persian far better in their letters than in chat spelling — on messages
written for the purpose, the same crisis in Cyrillic or Arabic letters got its card where
the Latin-letter one got none. The spelling back is rough (short vowels are guessed by
their place in the word, "2" is read as the spoken glottal stop of ق), yet close enough for
both: the encoder reads words, not letters, and a wrong guess only costs the catch the
original spelling would not have made either.

Which language a message is in comes from `bot.matching.langid`, whose romanised classes
("ru-latn", "ar-latn"…) say that it is one of these, typed in Latin letters.
"""

from __future__ import annotations

import re

from bot.matching.analysis import cyrillic
from bot.matching.normalize import clean, script_of

#: Short vowels, written in Arabic script by their place in the word (see `_VOWELS`).
_SHORT = frozenset("aeiou")
_ARABIC_VOWELS = {
    # Arabic chat spelling: a, e are short and unwritten inside a word; i, o, u mostly long.
    "ar": {"initial": dict.fromkeys(_SHORT, "ا"),
           "medial": {"a": "", "e": "", "i": "ي", "o": "و", "u": "و"},
           "final": {"a": "ا", "e": "ي", "i": "ي", "o": "و", "u": "و"}},
    # Persian: a, e, o inside a word are usually the short vowels; a final -e is ه.
    "fa": {"initial": {"a": "ا", "e": "ا", "i": "ای", "o": "ا", "u": "او"},
           "medial": {"a": "", "e": "", "i": "ی", "o": "", "u": "و"},
           "final": {"a": "ا", "e": "ه", "i": "ی", "o": "و", "u": "و"}},
    # Sorani writes every vowel but i; one at the start of a word is carried by ئ. In chat
    # spelling "e" is mostly ێ ("merd", "dabet") and "a" both ا and ە, mostly ە at a word's
    # end ("haya", هەیە): so read, the parallel samples in Latin letters
    # (`bot/matching/data/langid/ckb-latn.txt`) lie nearer their Sorani originals for the
    # encoder (mean cosine 0.932 → 0.947). Not ە inside a word (0.943) nor at its start
    # (0.950, but "agr", fire, became ئەگر, "if", for the patterns).
    "ckb": {"initial": {"a": "ئا", "e": "ئێ", "i": "ئ", "o": "ئۆ", "u": "ئو"},
            "medial": {"a": "ا", "e": "ێ", "i": "", "o": "ۆ", "u": "و"},
            "final": {"a": "ە", "e": "ێ", "i": "ی", "o": "ۆ", "u": "و"}},
}
_ARABIC_LETTERS = {
    "ar": {"sh": "ش", "kh": "خ", "gh": "غ", "th": "ث", "dh": "ذ", "aa": "ا", "ee": "ي",
           "ii": "ي", "oo": "و", "ou": "و", "uu": "و", "2": "ق", "3": "ع", "5": "خ", "6": "ط",
           "7": "ح", "8": "غ", "9": "ص", "b": "ب", "t": "ت", "j": "ج", "g": "ج", "d": "د",
           "r": "ر", "z": "ز", "s": "س", "f": "ف", "q": "ق", "k": "ك", "c": "ك", "l": "ل",
           "m": "م", "n": "ن", "h": "ه", "w": "و", "y": "ي", "p": "ب", "v": "ف", "x": "خ"},
    "fa": {"sh": "ش", "kh": "خ", "gh": "ق", "ch": "چ", "zh": "ژ", "aa": "ا", "ee": "ی",
           "ii": "ی", "oo": "و", "ou": "و", "ei": "ی", "ey": "ی", "b": "ب", "p": "پ", "t": "ت",
           "j": "ج", "d": "د", "r": "ر", "z": "ز", "s": "س", "f": "ف", "k": "ک", "c": "ک",
           "g": "گ", "l": "ل", "m": "م", "n": "ن", "h": "ه", "v": "و", "w": "و", "y": "ی",
           "q": "ق", "x": "خ"},
    "ckb": {"sh": "ش", "ch": "چ", "zh": "ژ", "kh": "خ", "gh": "غ", "ll": "ڵ", "rr": "ڕ",
            "ee": "ی", "oo": "وو", "ê": "ێ", "î": "ی", "û": "وو", "ş": "ش", "ç": "چ", "b": "ب",
            "p": "پ", "t": "ت", "j": "ج", "c": "ج", "d": "د", "r": "ر", "z": "ز", "s": "س",
            "f": "ف", "v": "ڤ", "q": "ق", "k": "ک", "g": "گ", "l": "ل", "m": "م", "n": "ن",
            "h": "ه", "w": "و", "y": "ی", "x": "خ"},
}
_UNITS = {lang: re.compile("|".join(sorted((*table, *_SHORT), key=len, reverse=True)))
          for lang, table in _ARABIC_LETTERS.items()}
#: A one-letter word "w" or "o" is "and" in all three.
_AND = {"w": "و", "o": "و", "u": "و"}
_WORD = re.compile(r"\w+")
_APOSTROPHE = re.compile(r"(?<=[a-z])['’ʼ](?=[a-z])")
_ARTICLE = re.compile(r"(?<!\w)ال\s+(?=\w)")
#: langid's romanised classes and the language each is written back in.
ROMANISED = {"ru-latn": "ru", "uk-latn": "uk", "ar-latn": "ar", "fa-latn": "fa",
             "ckb-latn": "ckb"}


def native_script(text: str, label: str | None) -> str | None:
    """``text`` in the script of its language when langid's ``label`` says it is typed in
    Latin letters (``ROMANISED``); otherwise None. Words in other scripts stay as they are."""
    lang = ROMANISED.get(label or "")
    if lang is None:
        return None
    cleaned = clean(text)
    if lang in ("ru", "uk"):
        # Only Latin letters are replaced, so the text's Cyrillic words stay as they are.
        # Russian chat spelling writes the soft sign as an apostrophe ("ub'et", убьет).
        return cyrillic(_APOSTROPHE.sub("ь", cleaned) if lang == "ru" else cleaned, lang)
    written = _WORD.sub(
        lambda m: _arabic(m.group(0), lang) if script_of(m.group(0)) == "latin" else m.group(0),
        cleaned)
    # The article is part of its word in Arabic script ("el beit" → البيت).
    return _ARTICLE.sub("ال", written) if lang == "ar" else written


def _arabic(word: str, lang: str) -> str:
    if word in _AND:
        return _AND[word]
    units = _UNITS[lang].findall(word)
    vowels = _ARABIC_VOWELS[lang]
    out: list[str] = []
    for at, unit in enumerate(units):
        if unit in _SHORT:
            place = "initial" if at == 0 else "final" if at == len(units) - 1 else "medial"
            letter = vowels[place][unit]
        else:
            letter = _ARABIC_LETTERS[lang].get(unit, unit)
        # A doubled letter is written once ("halla2" → هلق).
        if not (out and letter and letter == out[-1] and unit not in _SHORT):
            out.append(letter)
    return "".join(out)

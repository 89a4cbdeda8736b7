"""From a text to the features matching compares: word stems and concepts.

Content and questions go through the same :class:`Analyzer`, so folding, stemming and concept
finding are the same on both sides; questions additionally get spelling repair.

- Concepts: :class:`bot.matching.lexicon.ConceptFinder` hits, shared by all languages. In a question
  only the longest hits count ("страховка квартиры" is home insurance, not also health
  insurance); a function word alone never makes a concept.
- Words: the tokens no concept explains, without function words (in any of their forms:
  see `function_stems`), stemmed with the Snowball stemmer of the language (Russian's also
  for Ukrainian; Latin words inside a Russian, Arabic… text are usually Finnish official
  words and get the Finnish stemmer), then cut to
  a fixed length so that forms the stemmer misses (Finnish cases, Sorani and Somali
  suffixes) still meet. A word a concept explains is left to the concept, so an entry that
  has no text in the question's language is not at a disadvantage.
- Typos: a question word that neither the content nor the lexicon knows is replaced by the
  closest known word of similar length (Levenshtein ratio), before both of the above.
- Transliteration: Russian or Ukrainian typed in Latin letters is mapped back to Cyrillic.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import snowballstemmer
from cachetools import LRUCache
from rapidfuzz import fuzz, process

from bot.matching.lexicon import ConceptFinder, Pattern
from bot.matching.normalize import fold_word, script_of, tokens

#: Stems are cut to this many letters: long enough to keep words apart, short enough that
#: case endings and compound tails the stemmer leaves do not matter.
STEM_LENGTH = 6
#: A word is a function word in any form whose stem is a listed function word's stem of at
#: least this many letters (see `function_stems`).
FUNCTION_STEM_MIN = 4
#: Minimum similarity (0–100) for repairing a misspelt word, and the shortest word repaired.
TYPO_SCORE = 84.0
TYPO_MIN_LENGTH = 6
#: Question words remembered with their repair and stem. People's words repeat (Kela,
#: oleskelulupa, how, where…), and repairing an unknown word means fuzzy-comparing it with
#: hundreds of known ones; a few MB bound the memory whatever people type.
WORD_CACHE = 8192

_SNOWBALL = {
    "fi": "finnish",
    "sv": "swedish",
    "en": "english",
    "ru": "russian",
    "uk": "russian",
    "ar": "arabic",
    "fa": "persian",
}
_LATIN_LANGS = frozenset({"fi", "sv", "en", "so"})


@cache
def _stemmer(algorithm: str) -> snowballstemmer.Stemmer:
    return snowballstemmer.stemmer(algorithm)


@cache
def _stopword_lists() -> dict[str, frozenset[str]]:
    """Each language's function words, folded."""
    text = (resources.files("bot.matching") / "data/stopwords.txt").read_text("utf-8")
    lists: dict[str, set[str]] = defaultdict(set)
    for line in text.splitlines():
        if line.startswith("#") or ":" not in line:
            continue
        lang, words = line.split(":", 1)
        lists[lang.strip()].update(tokens(words))
    return {lang: frozenset(words) for lang, words in lists.items()}


@cache
def stopwords() -> frozenset[str]:
    """Function words of all nine languages, folded (one shared set: queries mix languages)."""
    return frozenset().union(*_stopword_lists().values())


@cache
def function_stems(lang: str) -> frozenset[str]:
    """Stems of the language's own function words that are at least FUNCTION_STEM_MIN
    letters long: the list has a word in one form, but Russian and Ukrainian inflect
    them by gender and number ("нужно" is listed; "нужна ли…", "нужны" are the same word)
    and Finnish by person and case ("tarvitsen" is listed; "tarvitset", "pitääkö" are
    the same words). Shorter stems meet content words ("en" → "ensi")."""
    return frozenset(
        stemmed for word in _stopword_lists().get(lang, ())
        if len(stemmed := stem(word, lang)) >= FUNCTION_STEM_MIN)


def _stem_algorithm(token: str, lang: str) -> str | None:
    script = script_of(token)
    if script == "latin":
        if lang in _LATIN_LANGS:
            return _SNOWBALL.get(lang)
        return "finnish"
    if script == "cyrillic":
        return "russian"
    if script == "arabic":
        return _SNOWBALL.get(lang) if lang in ("ar", "fa") else None
    return None


@lru_cache(maxsize=WORD_CACHE)
def stem(token: str, lang: str) -> str:
    """The word feature of one folded token in a text of language ``lang``."""
    algorithm = _stem_algorithm(token, lang)
    stemmed = _stemmer(algorithm).stemWord(token) if algorithm else token
    return stemmed[:STEM_LENGTH]


# Latin-letter Russian/Ukrainian back to Cyrillic, longest letter groups first. The two
# languages romanise "y", "i" and the iotated vowels differently.
_TRANSLIT_COMMON = {
    "shch": "щ",
    "sch": "щ",
    "zh": "ж",
    "kh": "х",
    "ts": "ц",
    "ch": "ч",
    "sh": "ш",
    "yu": "ю",
    "ju": "ю",
    "ya": "я",
    "ja": "я",
    "yo": "е",
    "a": "а",
    "b": "б",
    "v": "в",
    "w": "в",
    "g": "г",
    "h": "х",
    "d": "д",
    "e": "е",
    "z": "з",
    "j": "й",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "f": "ф",
    "c": "ц",
    "x": "кс",
    "q": "к",
}
_TRANSLIT = {
    "ru": {**_TRANSLIT_COMMON, "ye": "е", "iy": "ий", "y": "ы", "i": "и"},
    "uk": {**_TRANSLIT_COMMON, "ia": "я", "iu": "ю", "ie": "е", "yi": "ї", "y": "и", "i": "і"},
}
_TRANSLIT_RE = {
    lang: re.compile("|".join(sorted(table, key=len, reverse=True)))
    for lang, table in _TRANSLIT.items()
}


def cyrillic(text: str, lang: str) -> str:
    """Latin-letter Russian or Ukrainian (lower case) in Cyrillic letters, not folded."""
    table = _TRANSLIT[lang]
    return _TRANSLIT_RE[lang].sub(lambda m: table[m.group(0)], text)


def latin_to_cyrillic(token: str, lang: str) -> str:
    """A Latin-letter Russian or Ukrainian word in Cyrillic, folded like any word."""
    folded = tokens(cyrillic(token, lang))
    return folded[0] if folded else token


@dataclass(frozen=True)
class Analysis:
    """What matching needs from one text."""

    #: Stems of the words no concept explains (a concept stands for its words).
    words: tuple[str, ...]
    concepts: tuple[str, ...]
    #: Which words of the text (by position) each word stem ("w:") and concept ("c:") came
    #: from, so evidence can be counted in words: a homograph that names two concepts is
    #: still one word.
    sources: tuple[tuple[str, tuple[int, ...]], ...] = ()
    #: Positions of the function words (any form, see `function_stems`): inside a phrase
    #: a concept names ("вид на жительство") they are no evidence of their own.
    function_words: tuple[int, ...] = ()

    def features(self) -> set[str]:
        """What the matcher indexes and looks up: word (``w:``) and concept (``c:``)
        features."""
        return {"w:" + w for w in self.words} | {"c:" + c for c in self.concepts}


class Analyzer:
    """Text → :class:`Analysis`, with spelling repair against a known vocabulary."""

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self.finder = ConceptFinder(patterns)
        self._stop = stopwords()
        self._known: set[str] = set()
        self._pattern_stems: dict[int, list[str]] = defaultdict(list)
        self._buckets: dict[tuple[str, int], list[str]] = {}
        lexicon_words: set[str] = set()
        for pattern in patterns:
            for word in pattern.words:
                if word.kind == "exact" or word.kind == "inflect":
                    lexicon_words.add(word.text)
                elif word.kind == "prefix" and len(word.text) >= TYPO_MIN_LENGTH:
                    self._pattern_stems[len(word.text)].append(word.text)
        self._lexicon_words = lexicon_words
        self._repairs: LRUCache[str, str] = LRUCache(WORD_CACHE)
        self._rebuild_buckets()

    def learn(self, texts: Iterable[str]) -> None:
        """Add the words of these texts to the vocabulary that misspellings are repaired to."""
        self.learn_words(word for text in texts for word in self.vocabulary(text))

    def learn_words(self, words: Iterable[str]) -> None:
        """:meth:`learn` from words :meth:`vocabulary` gave (which a cache may hold)."""
        self._known.update(words)
        self._rebuild_buckets()

    def vocabulary(self, text: str) -> tuple[str, ...]:
        """The words of a text that a misspelling may be repaired to."""
        return tuple(t for t in tokens(text) if t not in self._stop)

    def forget_words(self) -> None:
        """Empty the word caches that analysing a whole content set filled. Its words are
        not the questions' words, and once they are freed the space holds what questions
        need (a few MB of small objects that would otherwise stay beside it)."""
        self.finder.forget_words()
        stem.cache_clear()
        fold_word.cache_clear()

    def _rebuild_buckets(self) -> None:
        buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        # Sorted: of equally close words the repair takes the first, so a set's order (which
        # changes with every process's string hashing) must not decide it.
        for word in sorted(self._known | self._lexicon_words):
            if len(word) >= TYPO_MIN_LENGTH - 1:
                buckets[(word[0], len(word))].append(word)
        self._buckets = dict(buckets)
        self._repairs.clear()  # a word unknown before may be known now

    def _is_known(self, token: str) -> bool:
        return token in self._known or token in self._lexicon_words

    def _repair(self, token: str) -> str:
        """The closest known word, or the token itself when nothing is close enough."""
        if len(token) < TYPO_MIN_LENGTH or self._is_known(token) or token in self._stop:
            return token
        repaired = self._repairs.get(token)
        if repaired is None:
            repaired = self._repairs[token] = self._closest(token)
        return repaired

    def _closest(self, token: str) -> str:
        if token.isdigit() or self.finder.find([token]):
            return token
        best: tuple[str, float] | None = None
        for length in (len(token), len(token) - 1, len(token) + 1, len(token) - 2):
            bucket = self._buckets.get((token[0], length))
            if not bucket:
                continue
            found = process.extractOne(token, bucket, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
            if found and (best is None or found[1] > best[1]):
                best = (found[0], found[1])
        for length, stems in self._pattern_stems.items():
            if length >= len(token):
                continue
            found = process.extractOne(
                token[:length], stems, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE + 5
            )
            if found and (best is None or found[1] > best[1]):
                best = (found[0] + token[length:], found[1])
        return best[0] if best else token

    def analyse(self, text: str, lang: str, *, query: bool = False) -> Analysis:
        """Features of ``text`` read as language ``lang`` (a hint for stemming only)."""
        toks = tokens(text)
        if lang in _TRANSLIT and _mostly_latin(toks):
            toks = [latin_to_cyrillic(t, lang) if script_of(t) == "latin" else t for t in toks]
        if query:
            toks = [self._repair(t) for t in toks]
        # A function word alone never makes a concept ("lakin" is Somali "but", not "laki").
        hits = [
            hit
            for hit in self.finder.find(toks, longest=query)
            if any(toks[pos] not in self._stop for pos in hit.positions)
        ]
        covered = {pos for hit in hits for pos in hit.positions}
        function = {pos for pos, token in enumerate(toks) if self._is_function(token, lang)}
        stems = [
            (pos, stem(token, lang))
            for pos, token in enumerate(toks)
            if pos not in covered
            and pos not in function
            and (len(token) > 1 or token.isdigit())
        ]
        concepts = tuple(sorted({hit.concept for hit in hits}))
        sources: dict[str, set[int]] = defaultdict(set)
        for hit in hits:
            sources["c:" + hit.concept].update(hit.positions)
        for pos, word in stems:
            sources["w:" + word].add(pos)
        return Analysis(tuple(w for _, w in stems), concepts,
                        tuple((f, tuple(sorted(p))) for f, p in sources.items()),
                        tuple(sorted(function)))

    def _is_function(self, token: str, lang: str) -> bool:
        return token in self._stop or stem(token, lang) in function_stems(lang)


def _mostly_latin(toks: Sequence[str]) -> bool:
    """True for a romanised text (not for Latin-letter names inside a Cyrillic one)."""
    latin = sum(1 for t in toks if script_of(t) == "latin")
    return latin > len(toks) / 2

"""The cross-language bridge: concepts of migrant life in Finland and how people write them.

A question in Arabic must find an entry that exists only in Finnish, English and Swedish. Word
overlap cannot do that, so both sides are also described by *concepts*: "tax card" is one
concept whether written verokortti, skattekort, налоговая карточка, بطاقة ضريبية or kaarka
canshuurta. The concept lexicon (``bot/matching/data/lexicon.txt``) is written by hand from general
knowledge of the domain; the content glossary (official Finnish terms such as Kela, Migri,
neuvola and their spellings in other scripts) adds more concepts at run time.

Lexicon file format::

    concept-id
      fi: verokort*, vero kortti
      ru: налогов* карт*

Patterns are folded like any text (:func:`bot.matching.normalize.fold`). In a pattern word, a
trailing
``*`` matches any continuation (a stem), a trailing ``~`` at most four more letters (an
inflected name: Kelan, кели), and ``*x*`` matches ``x`` anywhere in a word (the second part of a
Finnish compound). Words of a multi-word pattern must all occur close together, in any order.
The language tags only document the pattern; matching never depends on them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from bot.content.model import GlossaryTerm
from bot.matching.normalize import fold, script_of, tokens

#: How many extra letters a ``~`` word may have: enough for case endings, not for compounds.
_INFLECTION = 4
#: Extra tokens allowed between the words of a multi-word pattern ("карту налоговую", "بطاقة
#: الضريبة", "tax card" vs "card for tax").
_SLACK = 2
#: Arabic-script clitics and verb prefixes written together with the word (folded forms):
#: "والضريبة" and "بالضريبة" must meet the pattern "ضريب*", "میخوام" the pattern "خوا*".
_ARABIC_PREFIXES = ("وال", "بال", "فال", "کال", "لل", "ال", "نمی", "می", "ده", "و", "ب", "ل", "ف")
_MIN_STRIPPED = 3
_MIN_OTHER_READING = 5


@dataclass(frozen=True)
class _Word:
    text: str
    kind: str  # "exact" | "prefix" | "inflect" | "infix"

    def matches(self, key: str) -> bool:
        if self.kind == "exact":
            return key == self.text
        if self.kind == "prefix":
            return key.startswith(self.text)
        if self.kind == "inflect":
            return key.startswith(self.text) and len(key) - len(self.text) <= _INFLECTION
        return self.text in key


@dataclass(frozen=True)
class Pattern:
    concept: str
    words: tuple[_Word, ...]


@dataclass(frozen=True)
class ConceptHit:
    concept: str
    #: Token positions the hit explains.
    positions: tuple[int, ...]


def _parse_word(raw: str) -> _Word | None:
    infix = raw.startswith("*") and raw.endswith("*") and len(raw) > 2
    kind = (
        "infix"
        if infix
        else "prefix"
        if raw.endswith("*")
        else "inflect"
        if raw.endswith("~")
        else "exact"
    )
    core = raw.strip("*~")
    folded = tokens(core)
    if len(folded) != 1:
        return None
    return _Word(folded[0], kind)


def parse_pattern(concept: str, text: str) -> Pattern | None:
    """One pattern from its written form; None if it has no words."""
    words = []
    for raw in fold(text).split():
        word = _parse_word(raw)
        if word is not None:
            words.append(word)
    return Pattern(concept, tuple(words)) if words else None


def parse_lexicon(text: str) -> list[Pattern]:
    """Patterns from the lexicon file format (see module docstring)."""
    patterns: list[Pattern] = []
    concept = ""
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not line[0].isspace():
            concept = line.strip()
            continue
        if not concept or ":" not in line:
            raise ValueError(f"lexicon line {lineno}: expected 'lang: pattern, pattern'")
        _lang, forms = line.split(":", 1)
        for form in forms.split(","):
            pattern = parse_pattern(concept, form.strip())
            if pattern is not None:
                patterns.append(pattern)
    return patterns


def glossary_patterns(
    glossary: Iterable[GlossaryTerm], known: ConceptFinder | None = None
) -> list[Pattern]:
    """Patterns for the content glossary; variants inflect (Kelan, кели).

    A term the lexicon already knows as one concept (``known`` finds exactly that concept
    covering the whole term) adds its variants to that concept; any other term becomes a
    concept of its own, named after the term.
    """
    patterns: list[Pattern] = []
    for term in glossary:
        concept = "g:" + "_".join(tokens(term.term))
        if known is not None:
            toks = tokens(term.term)
            hits = [h for h in known.find(toks) if len(h.positions) == len(toks)]
            if len(hits) == 1:
                concept = hits[0].concept
        for form in (term.term, *term.variants):
            words = [w if len(w) < 4 or w[-1] in "*~" else w + "~" for w in form.split()]
            pattern = parse_pattern(concept, " ".join(words))
            if pattern is not None:
                patterns.append(pattern)
    return patterns


def _lexicon_text() -> str:
    return (resources.files("bot.matching") / "data/lexicon.txt").read_text("utf-8")


@cache
def builtin_patterns() -> tuple[Pattern, ...]:
    """The shipped concept lexicon."""
    return tuple(parse_lexicon(_lexicon_text()))


@cache
def builtin_forms_by_language() -> dict[str, str]:
    """The lexicon's written forms per language tag, wildcards removed.

    Language identification trains on them: they are exactly the domain words people use.
    """
    forms: dict[str, list[str]] = defaultdict(list)
    for raw in _lexicon_text().splitlines():
        line = raw.split("#", 1)[0]
        if line[:1].isspace() and ":" in line:
            lang, text = line.split(":", 1)
            forms[lang.strip()].append(text.replace("*", "").replace("~", "").replace(",", " "))
    return {lang: " ".join(parts) for lang, parts in forms.items()}


#: Finnish words written in Cyrillic ("олескелулупа", "кірьястокортті", "юхдістюс") read
#: back into Latin letters the way Finnish sounds are usually spelt in Cyrillic.
_CYRILLIC_TO_FINNISH = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ж": "z",
        "з": "z",
        "и": "i",
        "і": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "h",
        "ц": "ts",
        "ч": "ts",
        "ш": "s",
        "щ": "s",
        "ь": "",
        "ы": "y",
        "э": "e",
        "ю": "y",
        "я": "ja",
    }
)


def token_keys(token: str) -> tuple[str, ...]:
    """The token and its other readings: for Arabic script without attached clitics, for
    Cyrillic as a Finnish word in Latin letters."""
    script = script_of(token)
    if script == "cyrillic":
        return (token, token.translate(_CYRILLIC_TO_FINNISH))
    if script != "arabic":
        return (token,)
    keys = [token]
    for prefix in _ARABIC_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= _MIN_STRIPPED:
            keys.append(token[len(prefix) :])
    return tuple(keys)


#: Distinct words whose concept hits one finder remembers.
WORD_CACHE_SIZE = 8192


class ConceptFinder:
    """Finds concept occurrences in token lists; indexes built once, lookups by dict."""

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self._patterns = tuple(patterns)
        self._exact: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._prefix: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._infix: list[tuple[str, int, int]] = []
        for p_idx, pattern in enumerate(self._patterns):
            for w_idx, word in enumerate(pattern.words):
                if word.kind == "exact":
                    self._exact[word.text].append((p_idx, w_idx))
                elif word.kind == "infix":
                    self._infix.append((word.text, p_idx, w_idx))
                else:
                    self._prefix[word.text].append((p_idx, w_idx))
        self._prefix_lengths = sorted({len(k) for k in self._prefix})
        # Words repeat across entries and queries; their hits never change for one finder.
        self._word_hits = lru_cache(maxsize=WORD_CACHE_SIZE)(self._find_word_hits)

    def forget_words(self) -> None:
        """Empty the word cache (see `Analyzer.forget_words`)."""
        self._word_hits.cache_clear()

    def _key_hits(self, key: str) -> set[tuple[int, int]]:
        hits: set[tuple[int, int]] = set()
        hits.update(self._exact.get(key, ()))
        for length in self._prefix_lengths:
            if length > len(key):
                break
            for p_idx, w_idx in self._prefix.get(key[:length], ()):
                if self._patterns[p_idx].words[w_idx].matches(key):
                    hits.add((p_idx, w_idx))
        for text, p_idx, w_idx in self._infix:
            if text in key:
                hits.add((p_idx, w_idx))
        return hits

    def _find_word_hits(self, token: str) -> frozenset[tuple[int, int]]:
        keys = token_keys(token)
        hits = self._key_hits(keys[0])
        for key in keys[1:]:
            # Another reading of a word is a guess: only long pattern words may confirm it.
            hits |= {
                (p, w)
                for p, w in self._key_hits(key)
                if len(self._patterns[p].words[w].text) >= _MIN_OTHER_READING
            }
        return frozenset(hits)

    def find(self, toks: Sequence[str], *, longest: bool = False) -> list[ConceptHit]:
        """Every concept whose pattern occurs in the tokens, with the positions it covers.

        With ``longest``, hits inside a longer hit are dropped (for questions: "страховка
        квартиры" is home insurance, not also health insurance). Content keeps them all, so
        that the Kela card entry is still about Kela.
        """
        where: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for pos, token in enumerate(toks):
            for p_idx, w_idx in self._word_hits(token):
                where[p_idx][w_idx].append(pos)
        found: dict[str, set[int]] = {}
        for p_idx, by_word in where.items():
            pattern = self._patterns[p_idx]
            n = len(pattern.words)
            if len(by_word) < n:
                continue
            if n == 1:
                found.setdefault(pattern.concept, set()).update(by_word[0])
                continue
            window = n + _SLACK
            for start in by_word[0]:
                chosen = [start]
                for w_idx in range(1, n):
                    near = [p for p in by_word[w_idx] if abs(p - start) < window and p != start]
                    if not near:
                        break
                    chosen.append(min(near, key=lambda p: abs(p - start)))
                else:
                    found.setdefault(pattern.concept, set()).update(chosen)
        if not longest:
            return [ConceptHit(c, tuple(sorted(pos))) for c, pos in found.items()]
        return _longest(found)


def _longest(found: dict[str, set[int]]) -> list[ConceptHit]:
    """The hits whose words are not all part of a longer hit."""
    hits = sorted(found.items(), key=lambda item: -len(item[1]))
    kept: list[ConceptHit] = []
    for concept, positions in hits:
        if any(positions < set(k.positions) for k in kept):
            continue
        kept.append(ConceptHit(concept, tuple(sorted(positions))))
    return kept

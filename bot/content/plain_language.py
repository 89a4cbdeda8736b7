"""Plain-language hints for answers: long sentences and words, passive voice, abbreviations.

Many users read the answer in their second or third language on a phone, so the Finnish
text follows selkokieli and translations should stay as plain. These are simple,
explainable heuristics, not grammar checking: each hint says where to look and the adviser
decides. They never stop content from going live. The limits are documented for advisers
in faq/README.md ("Writing help"); change both together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bot.content.links import find_urls


@dataclass(frozen=True)
class Hint:
    #: Where in the answer the hint points, and the word found there (to find its line).
    offset: int
    word: str
    message: str


#: Finds passive verbs in a text: (offset of the verb, the verb, the words to quote).
Finder = Callable[[str], Iterator[tuple[int, str, str]]]


@dataclass(frozen=True)
class Style:
    """The plain-language limits of one language."""

    #: Longest sentence, in words, before a hint.
    sentence_words: int
    #: Longest word, in letters (each part of a hyphenated word counted alone); None: no check.
    word_letters: int | None = None
    #: Words that introduce an explanation right after an abbreviation ("DVV eli …").
    explainers: tuple[str, ...] = ()
    #: None where no simple rule is reliable enough.
    passive: Finder | None = None
    #: How to turn the passive into active, for the hint.
    passive_advice: str = ""


# Finnish passive: present -taan/-tään/-daan/-dään after a vowel or h (haetaan, tehdään),
# -ellaan/-ellään (käsitellään, opiskellaan) and the common tullaan, ollaan, mennään; past
# -ttiin after a vowel or -tiin after h, l, r (haettiin, tehtiin, käsiteltiin). Nouns ending
# alike (kuntaan, kenttään, kotiin, korttiin, testiin) do not fit these shapes.
_FI_PASSIVE = re.compile(
    r"\b(\w*(?:[aeiouyäö]|h)[td](?:aa|ää)n|\w*ell(?:aa|ää)n|tullaan|ollaan|mennään"
    r"|\w*(?:[aeiouyäö]tt|[hlr]t)iin)\b",
    re.IGNORECASE,
)
#: Common Finnish words of the same shape that are not passive verbs.
_FI_NOT_PASSIVE = frozenset(["mitään", "ketään", "yhtään"])
_EN_PARTICIPLES = [
    "given", "taken", "written", "chosen", "seen", "done", "made", "paid", "sent", "held", "told",
    "kept", "found", "built", "sold", "shown", "known", "born", "granted", "brought", "bought",
]
# English passive: a form of "be", an optional -ly adverb, then a past participle.
_EN_PASSIVE = re.compile(
    r"\b(?:am|is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?"
    rf"(\w+ed|{'|'.join(_EN_PARTICIPLES)})\b",
    re.IGNORECASE,
)
#: Adjectives after "be" that look like participles but read as plain words.
_EN_NOT_PASSIVE = frozenset([
    "interested", "married", "tired", "worried", "pleased", "excited", "indeed", "need", "based",
    "concerned",
])
# Swedish -s passive: verbs advisers' texts use, and any -as infinitive after a modal.
_SV_PASSIVE = re.compile(
    r"\b(betalas|beviljas|görs|ges|fås|krävs|används|skickas|söks|tas|utfärdas|registreras"
    r"|anmäls|ersätts|bestäms|behandlas|fattas|lämnas|erbjuds|kontrolleras|ordnas)\b"
    r"|\b(?:kan|ska|måste|bör|får)\s+(\w+as)\b",
    re.IGNORECASE,
)
#: Deponent verbs: -s forms with an active meaning.
_SV_NOT_PASSIVE = frozenset([
    "finnas", "hoppas", "trivas", "lyckas", "minnas", "andas", "träffas", "kännas", "synas",
])


def _finder(pattern: re.Pattern[str], exceptions: frozenset[str]) -> Finder:
    """A passive finder from a pattern whose first matching group is the verb."""

    def find(text: str) -> Iterator[tuple[int, str, str]]:
        for match in pattern.finditer(text):
            group = next(i for i, verb in enumerate(match.groups(), start=1) if verb)
            if match.group(group).casefold() not in exceptions:
                yield match.start(group), match.group(group), match.group(0)

    return find


STYLES: dict[str, Style] = {
    "fi": Style(15, 20, ("eli",), _finder(_FI_PASSIVE, _FI_NOT_PASSIVE),
                "say who does it (Kela maksaa …, Sinä haet …)"),
    "sv": Style(20, 20, ("eller", "dvs", "det vill säga"), _finder(_SV_PASSIVE, _SV_NOT_PASSIVE),
                "say who does it (FPA betalar …, du söker …)"),
    "en": Style(20, None, ("or", "i.e.", "meaning", "that is"),
                _finder(_EN_PASSIVE, _EN_NOT_PASSIVE), "say who does it (Kela pays …)"),
    "ru": Style(20, None, ("или", "то есть")),
    "uk": Style(20, None, ("або", "тобто")),
    "ar": Style(20, None, ("أي", "يعني")),
    "fa": Style(20, None, ("یعنی",)),
    "ckb": Style(20, None, ("واتە",)),
    "so": Style(20, None, ("ama", "oo ah")),
}
#: Abbreviations everyone knows, in any language: never hinted.
KNOWN_ABBREVIATIONS = frozenset([
    "EU", "ETA", "EEA", "EES", "ЕС", "ЄС", "USA", "UK", "OK", "ID", "PIN", "PDF", "SMS", "TV",
])

_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\s*\n\s*")
#: A word; a Persian zero-width non-joiner (می‌شود) joins the parts of one word.
_WORD = re.compile("[^\\W_]+(?:[-'’\u200c][^\\W_]+)*")
_LETTERS = re.compile(r"[^\W\d_]+")
_EXCERPT_WORDS = 8


def hints(text: str, lang: str) -> list[Hint]:
    """All plain-language hints for one answer, in the order they occur."""
    style = STYLES.get(lang)
    if style is None:
        return []
    text = _blank_urls(text)
    found = [*_long_sentences(text, style), *_abbreviations(text, style)]
    if style.word_letters is not None:
        found.extend(_long_words(text, style.word_letters))
    if style.passive is not None:
        found.extend(_passives(text, style))
    return sorted(found, key=lambda hint: hint.offset)


def _blank_urls(text: str) -> str:
    """Addresses are not prose: blank them out, keeping every other offset in place."""
    for offset, url in find_urls(text):
        text = text[:offset] + " " * len(url) + text[offset + len(url):]
    return text


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """Each sentence of a text (a line break ends one too) and the offset it starts at."""
    start = 0
    for end in _SENTENCE_END.finditer(text):
        yield start, text[start:end.start()]
        start = end.end()
    yield start, text[start:]


def _long_sentences(text: str, style: Style) -> Iterator[Hint]:
    for start, sentence in sentences(text):
        words = list(_WORD.finditer(sentence))
        if len(words) > style.sentence_words:
            first, last = words[0], words[_EXCERPT_WORDS - 1]
            yield Hint(start + first.start(), first.group(0),
                       f"a sentence of {len(words)} words (aim for at most "
                       f"{style.sentence_words}): “{sentence[first.start():last.end()]} …”; "
                       "split it in two")


def _long_words(text: str, limit: int) -> Iterator[Hint]:
    seen: set[str] = set()
    for match in _LETTERS.finditer(text):
        word = match.group(0)
        if len(word) > limit and word.casefold() not in seen:
            seen.add(word.casefold())
            yield Hint(match.start(), word,
                       f"a long word “{word}” ({len(word)} letters): use a shorter word, "
                       "write it with a hyphen between its parts, or explain it")


def _passives(text: str, style: Style) -> Iterator[Hint]:
    assert style.passive is not None
    for offset, verb, words in style.passive(text):
        yield Hint(offset, verb, f"passive “{words}”: {style.passive_advice}")


def _abbreviations(text: str, style: Style) -> Iterator[Hint]:
    seen: set[str] = set()
    for match in _LETTERS.finditer(text):
        word = match.group(0)
        if len(word) < 2 or not word.isupper() or word in seen or word in KNOWN_ABBREVIATIONS:
            continue
        seen.add(word)  # only its first use needs the explanation
        if not _explained(text, match.start(), match.end(), style.explainers):
            yield Hint(match.start(), word,
                       f"the abbreviation {word} is not explained where it first appears: "
                       f"write what it means, e.g. “{word} (…)” or the full name first")


def _explained(text: str, start: int, end: int, explainers: tuple[str, ...]) -> bool:
    """An explanation right before ("… (DVV)", "… eli DVV") or after ("DVV (…)", "DVV = …")."""
    before = text[:start].rstrip().casefold()
    if before.endswith("(") or any(
        before.endswith(word) and not before[-len(word) - 1:-len(word)].isalnum()
        for word in explainers
    ):
        return True
    # Skip the rest of "TE-palvelut" or a case ending ("DVV:ssä") before looking further.
    after = re.sub(r"^(?:[-:]\w+)*", "", text[end:]).lstrip().casefold()
    return after.startswith(("(", "=")) or any(
        after.startswith(word) and not after[len(word):len(word) + 1].isalnum()
        for word in explainers
    )

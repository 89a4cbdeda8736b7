"""Route a message before FAQ matching: crisis, "I want a human", small talk, or the FAQ.

Two signals, because neither is enough alone. Word patterns (`data/patterns.txt`) catch the
plain ways of saying it in nine languages and transliteration, and they are readable:
an adviser can see why a message was routed. The multilingual encoder compares the message
with example messages (`data/exemplars.txt`) and catches indirect phrasing no pattern lists
("everyone would be better without me"). A missed crisis may cost a life and a false alarm
costs one extra message, so the crisis side is tuned for recall: a crisis example wins with
a smaller lead over the nearest ordinary one than human or small talk need (measured on
the safety benchmark, see README).

The message's vector is the matcher's (its cleaned text, see
`bot.matching.matcher.encodable`), and the examples are encoded the same way: one encoder
pass serves both steps.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.matching.embedding import Vectors, shared_encoder
from bot.matching.matcher import encodable
from bot.matching.normalize import fold, tokens
from bot.matching.vectors import cached

DATA = Path(__file__).parent / "data"

CRISIS_KINDS = ("suicide", "emergency", "violence", "exploitation")
SMALLTALK_KINDS = ("bot", "insult", "thanks", "goodbye", "greeting", "ack")
#: Small talk is a short message; a longer one that greets is a question with a greeting.
MAX_SMALLTALK_WORDS = 6
#: Below this cosine similarity an example says nothing about the message.
MIN_SIMILARITY = 0.8625
#: The lead a crisis example needs over the nearest ordinary one. This and MIN_SIMILARITY
#: were last set when the encoder moved to onnxruntime's 8-bit kernels (its vectors moved by
#: a cosine of about 0.003): of the values that keep the safety benchmark's crisis recall
#: (0.974 of crisis messages get a crisis card) and false alarms (0.022), those with the
#: fewest crisis cards on the FAQ benchmarks' ordinary questions (README, "Safety").
CRISIS_MARGIN = 0.00625
#: Human and small talk from the encoder need a clear lead over an ordinary question.
INTENT_MARGIN = 0.01
#: A crisis card from the encoder also needs the crisis examples to agree: the mean
#: similarity of the AGREEMENT nearest crisis examples must lead that of the AGREEMENT
#: nearest ordinary ones by AGREEMENT_MARGIN. Some examples, mostly short and in Somali or
#: Latin letters, are "hubs", close to nearly every short text ("Saako isä
#: vanhempainrahaa?" sat nearest a Somali self-harm example); a real crisis is near a
#: second crisis example too. Chosen, of 2-4 neighbours a side and margins 0-0.0075, as the
#: fewest crisis cards on the bundled content's ways of asking that keep every message of a
#: hand-written check (150 messages, not from a benchmark) the encoder caught (README, "Hubs").
AGREEMENT = 2
AGREEMENT_MARGIN = 0.0025


@dataclass(frozen=True)
class Route:
    """What the conversation does first: ``crisis:<kind>``, ``human``, ``smalltalk`` or
    ``faq`` (the route names of the eval output), with the small-talk kind if any."""

    name: str
    kind: str = ""

    @property
    def crisis(self) -> str | None:
        """The crisis category (suicide, violence, emergency, exploitation) or None."""
        return self.kind if self.name.startswith("crisis:") else None


FAQ = Route("faq")


def _sections(path: Path) -> dict[str, list[str]]:
    """``[section]`` headers followed by one item per line; ``#`` lines are comments."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return sections


#: A cue shorter than this says too little to be worth checking.
MIN_CUE = 3


@dataclass(frozen=True)
class _Section:
    """One section's patterns. A message is searched with a pattern only when it holds one of
    the pattern's *cues*, pieces of text every match contains ("sillalta" or "katolta"…):
    run as one alternation, the 700 crisis patterns took 1.7 ms a message, most of the
    safety step's time, as Python's engine tries every pattern at every position. Cues are
    found by their first three letters, so a message costs one look-up per letter. A
    pattern with no cue found is always searched."""

    patterns: tuple[re.Pattern[str], ...]
    #: First three letters of a cue → (the cue, the number of its pattern).
    index: dict[str, tuple[tuple[str, int], ...]]
    always: re.Pattern[str] | None

    @classmethod
    def compile(cls, patterns: Sequence[str]) -> _Section:
        cued: list[re.Pattern[str]] = []
        index: dict[str, list[tuple[str, int]]] = {}
        uncued = []
        for pattern in patterns:
            cues = _cues(pattern)
            if not cues:
                uncued.append(pattern)
                continue
            for cue in sorted(cues):
                index.setdefault(cue[:MIN_CUE], []).append((cue, len(cued)))
            cued.append(re.compile(pattern))
        always = re.compile("|".join(f"(?:{p})" for p in uncued)) if uncued else None
        return cls(tuple(cued), {k: tuple(v) for k, v in index.items()}, always)

    def search(self, text: str) -> bool:
        cued: set[int] = set()
        for at in range(len(text) - MIN_CUE + 1):
            for cue, number in self.index.get(text[at:at + MIN_CUE], ()):
                if text.startswith(cue, at):
                    cued.add(number)
        return (any(self.patterns[number].search(text) for number in sorted(cued))
                or (self.always is not None and self.always.search(text) is not None))


def _cues(pattern: str) -> set[str] | None:
    """Texts one of which every match of ``pattern`` contains, or None if none is found.
    Read from the pattern's parse tree by Python's own parser (`re._parser`, private: if it
    fails, the pattern has no cue and is always searched; a test checks on the content and
    the safety tests' messages that the cues find exactly what searching every pattern does)."""
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]

        return _needs(_parser.parse(pattern), _constants)
    except Exception:  # any surprise in a private module means "no cue"
        return None


def _needs(items: Any, c: Any) -> set[str] | None:
    """The best cue set of a sequence of parsed items: a run of literal characters, or one
    item (a group, a repeat of at least one, an alternation) whose alternatives all have cues.
    Best: the one whose shortest cue is longest."""
    options: list[set[str]] = []
    run: list[str] = []
    for op, arg in [*items, (None, None)]:
        if op is c.LITERAL:
            run.append(chr(arg))
            continue
        if len(run) >= MIN_CUE:
            options.append({"".join(run)})
        run = []
        found: set[str] | None = None
        if op is c.SUBPATTERN:
            found = _needs(arg[-1], c)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
            found = _needs(arg[2], c)
        elif op is c.BRANCH:
            found = set()
            for alternative in arg[1]:
                cues = _needs(alternative, c)
                if cues is None:
                    found = None
                    break
                found |= cues
        if found:
            options.append(found)
    if not options:
        return None
    return max(options, key=lambda cues: (min(map(len, cues)), -len(cues)))


@cache
def _patterns() -> dict[str, _Section]:
    """The patterns of each section, written in the folded form of the message."""
    return {name: _Section.compile([fold(p) for p in lines])
            for name, lines in _sections(DATA / "patterns.txt").items() if lines}


#: Vectors of texts already encoded in this process: a content reload re-encodes only what
#: advisers changed, and tests that load the same content share the work.
_VECTORS: dict[str, Vectors] = {}


def _encoded(texts: Sequence[str], folder: Path | None) -> Vectors:
    missing = [t for t in dict.fromkeys(texts) if t not in _VECTORS]
    if missing:
        # The matcher's vector cache on disk too, so a restart encodes nothing again.
        fresh = cached(shared_encoder(), missing, folder, kind="query")
        _VECTORS.update(zip(missing, fresh, strict=True))
    return np.stack([_VECTORS[t] for t in texts]) if texts else np.zeros((0, 0), np.float32)


class Detector:
    """The safety step for one content set.

    `ordinary` are the FAQ's own questions: a message close to one of them is an FAQ
    question, however crisis-like its words ("insurance for my flat", "help with rent"),
    so they join the ordinary examples.

    `query_vector` turns a message into its vector: the matcher's
    (`bot.matching.matcher.Matcher.query_vector`), so that a message the FAQ then answers
    costs one encoder pass for both steps, and short messages come from its memory.
    """

    def __init__(self, query_vector: Callable[[str], Vectors], ordinary: Sequence[str] = (),
                 vectors_dir: Path | None = None) -> None:
        rows = [(label, text) for label, texts in _sections(DATA / "exemplars.txt").items()
                for text in texts]
        rows += [("none", text) for text in ordinary]
        # Grouped by label, so that each label's best is one np.maximum.reduceat.
        rows.sort(key=lambda row: row[0])
        labels = [label for label, _ in rows]
        self._labels = sorted(set(labels))
        self._starts = np.array([labels.index(label) for label in self._labels], dtype=np.intp)
        self._crisis_rows = np.array([i for i, label in enumerate(labels) if label in CRISIS_KINDS],
                                     dtype=np.intp)
        self._none_rows = np.array([i for i, label in enumerate(labels) if label == "none"],
                                   dtype=np.intp)
        self.vectors = _encoded([encodable(text) for _, text in rows], vectors_dir)
        self._query_vector = query_vector
        _patterns()

    def nearest(self, query: Vectors) -> dict[str, float]:
        """The best similarity per label."""
        return self._best(self.vectors @ query)

    def _best(self, similarities: Vectors) -> dict[str, float]:
        best = np.maximum.reduceat(similarities, self._starts)
        return dict(zip(self._labels, best.tolist(), strict=True))

    def agreement(self, query: Vectors) -> float:
        """How far the AGREEMENT nearest crisis examples lead the AGREEMENT nearest ordinary
        ones, mean against mean."""
        return self._agreement(self.vectors @ query)

    def _agreement(self, similarities: Vectors) -> float:
        return _top_mean(similarities[self._crisis_rows]) - _top_mean(similarities[self._none_rows])

    def route(self, text: str, vector: Callable[[], Vectors] | None = None) -> Route:
        """The route of one message; "faq" when nothing in it needs more than the FAQ.

        ``vector`` gives the message's vector when the patterns do not decide (by default
        ``query_vector(text)``): a caller that needs the vector too passes one that keeps
        it, so the message is encoded once."""
        words = tokens(text)
        if not words:
            # Only emoji: a reaction (👍, 🙏), answered as small talk. Only "?!" is not.
            emoji = any(unicodedata.category(ch) == "So" for ch in text)
            return Route("smalltalk", "ack") if emoji else FAQ
        short = len(words) <= MAX_SMALLTALK_WORDS
        folded = fold(text)
        # Said in jest ("killing me 😅") or asking the advisers' hours: see patterns.txt.
        joke = bool(_patterns()["joke"].search(folded))
        hours = bool(_patterns()["hours"].search(folded))
        return (_by_pattern(folded, short, joke, hours)
                or self._by_example(vector() if vector else self._query_vector(text),
                                    short, joke, hours))

    def _by_example(self, query: Vectors, short: bool, joke: bool, hours: bool) -> Route:
        similarities = self.vectors @ query
        near = self._best(similarities)
        ordinary = near["none"]
        crisis = max(CRISIS_KINDS, key=lambda k: near[k])
        if (not joke and near[crisis] >= MIN_SIMILARITY
                and near[crisis] >= ordinary + CRISIS_MARGIN
                and self._agreement(similarities) >= AGREEMENT_MARGIN):
            return Route(f"crisis:{crisis}", crisis)
        if (not hours and near["human"] >= MIN_SIMILARITY
                and near["human"] > ordinary + INTENT_MARGIN):
            return Route("human")
        if short and near["smalltalk"] > ordinary + INTENT_MARGIN:
            return Route("smalltalk", "greeting")
        return FAQ


def _top_mean(similarities: Vectors) -> float:
    """The mean of the AGREEMENT largest values (of all, when there are fewer)."""
    if len(similarities) <= AGREEMENT:
        return float(similarities.mean()) if len(similarities) else -1.0
    return float(np.partition(similarities, -AGREEMENT)[-AGREEMENT:].mean())


def _by_pattern(folded: str, short: bool, joke: bool, hours: bool) -> Route | None:
    patterns = _patterns()
    for kind in CRISIS_KINDS:
        if (kind == "emergency" or not joke) and patterns[kind].search(folded):
            return Route(f"crisis:{kind}", kind)
    if short and patterns["smalltalk:bot"].search(folded):
        return Route("smalltalk", "bot")
    if not hours and (patterns["human"].search(folded)
                      or (short and patterns["human:short"].search(folded))):
        return Route("human")
    if short:
        for kind in SMALLTALK_KINDS:
            if patterns[f"smalltalk:{kind}"].search(folded):
                return Route("smalltalk", kind)
    return None

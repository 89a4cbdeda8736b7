"""Route a message before FAQ matching: crisis, "I want a human", small talk, or the FAQ.

Two signals, because neither is enough alone. Word patterns (`data/patterns.txt`) catch the
plain ways of saying it in nine languages and transliteration, and they are readable:
an adviser can see why a message was routed. The multilingual encoder compares the message
with example messages (`data/exemplars.txt`) and catches indirect phrasing no pattern lists
("everyone would be better without me"). A missed crisis may cost a life and a false alarm
costs one extra message, so the crisis side is tuned for recall: a crisis example wins with
a smaller lead over the nearest ordinary one than human or small talk need (measured on
the safety benchmark, see README).

Nearest neighbours catch what is like one example; a crisis idea nobody wrote an example for
is like none of them closely. Beside them a linear classifier (multinomial logistic
regression on the same vectors, `_Classifier`), trained when the detector is built on all
the examples, the FAQ's questions and broad examples of its own (`data/classifier.txt`:
breadth helps a model that weighs all examples together, while for nearest neighbours one
odd example is enough for a false card), says which way the message leans: it gives a card
alone when it is sure and the nearest examples do not contradict it (CLASSIFIER_*), and it
picks the card's kind for every encoder crisis, since it weighs every example of each kind
rather than the single nearest one ("lost in the forest" sat nearest a suicide example).
Which card also comes from examples that only say which (`data/kinds.txt`), and decides
between the kinds when patterns of more than one match (see `Detector._kind`).

The message's vector is the matcher's (its cleaned text, see
`bot.matching.matcher.encodable`), and the examples are encoded the same way: one encoder
pass serves both steps.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.matching.embedding import Vectors, shared_encoder
from bot.matching.langid import best_label
from bot.matching.matcher import encodable
from bot.matching.normalize import fold, said, tokens
from bot.matching.vectors import cached
from bot.safety.romanised import native_script

DATA = Path(__file__).parent / "data"

CRISIS_KINDS = ("suicide", "emergency", "violence", "exploitation")
#: The section of first-person everyday statements ("I want to get a driving licence"):
#: ordinary neighbours against a person and small talk, against a crisis only while the
#: classifier is not sure of one, and not learnt by the classifier (see
#: `Detector._by_example`).
EVERYDAY = "everyday"
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
#: The linear classifier (see `_Classifier`) gives a crisis card on its own when it puts at
#: least this probability on the crisis kinds together, ...
CLASSIFIER_MIN = 0.95
#: ... the nearest crisis example is at least this similar (far from every example, a
#: message is one the examples say nothing about), ...
CLASSIFIER_FLOOR = 0.85
#: ... and the nearest crisis example trails the nearest ordinary one by at most this much:
#: a message that repeats an ordinary question stays one, ...
CLASSIFIER_LEAD = -0.005
#: ... and the crisis examples agree at least as well as the ordinary ones (see AGREEMENT).
#: These four were chosen on messages written for the purpose (README, "Safety": crisis
#: ideas no pattern or example had, their ordinary look-alikes, and the bundled content's
#: ways of asking), not on a benchmark.
CLASSIFIER_AGREEMENT = 0.0
#: When the classifier is surer still (CLASSIFIER_SURE), the nearest crisis example may trail
#: the nearest ordinary one by up to CLASSIFIER_SURE_LEAD, and the crisis examples' agreement
#: (see AGREEMENT) by up to CLASSIFIER_SURE_AGREEMENT. Why: in Sorani, Somali, Persian and
#: Arabic there are few crisis examples and many FAQ questions, and the encoder puts a
#: message nearest texts in its own language (Sorani and Somali messages are near
#: everything: their nearest ordinary text has a median cosine of 0.911 and 0.916 against
#: 0.882 in English), so a crisis the classifier was sure of (0.97 and more) trailed an FAQ
#: question in its own language by 0.01-0.02 and got no card. Ordinary messages the
#: classifier is this sure of are rare (README, "Safety": measured, with the values
#: around these that keep the benchmarks' false alarms).
CLASSIFIER_SURE = 0.995
CLASSIFIER_SURE_LEAD = -0.025
CLASSIFIER_SURE_AGREEMENT = -0.03
#: A message typed in Latin letters is read a second time written back in its own script
#: (`romanised`); a crisis card from that reading also needs the classifier to put this
#: much on the crisis kinds. The spelling back is a guess, and its noise can sit near a
#: crisis example ("bade sa3ed el nas", "I want to help people", was nearest a violence
#: one), while the classifier weighs all examples: on the crisis messages of a probe
#: written for the purpose the readings it caught had at least 0.82, the false ones on the
#: content's questions at most 0.70.
NATIVE_CLASSIFIER_MIN = 0.8
#: ... and it is read back only when the classifier puts at least this much on the crisis
#: kinds as typed: an encoder pass is most of the safety step's cost, and most Latin-letter
#: questions (13 of the FAQ benchmark's 22) lean less. Of the probe's crisis messages it
#: caught, two leaned less (0.02, 0.09).
NATIVE_SUSPICION = 0.1
#: Arabic chat spelling is always read back: the encoder does not read it (its digits are
#: letters), so the lean as typed says nothing — crisis and ordinary Arabizi messages of
#: the probes and benchmarks leaned alike (median 0.16 and 0.19; Latin-letter Russian 0.90
#: and 0.20, Persian 0.58 and 0.20), and 20 of 47 crisis ones leaned less than 0.1, so they
#: were never read back (README, "Safety", session 14).
NATIVE_ALWAYS = frozenset({"ar-latn"})
#: A message with a figure of speech in crisis words ("three exams in a week is suicide",
#: see `_scan`) gets a card from the examples only when the classifier puts this much on the
#: crisis kinds: the nearest examples alone gave one to "is suicide" said of exams in four
#: languages of nine (README, "Safety").
FIGURE_CLASSIFIER_MIN = 0.95
#: A message that says its harm is small (section ``small`` of `patterns.txt`: "a small
#: scratch, is a plaster enough?") gets no card of these kinds from the examples — unless
#: someone is named hitting a person (section ``hurt``), a threat (``threat``: "only a
#: bruise, but he said he will hurt my children") or despair (``despair``: "a small
#: scratch, I'm tired of it all, I want to disappear"). The nearest examples gave such
#: messages the emergency card, and the classifier was as sure as of a crisis (0.98-1.00
#: for most), so no bar it reaches helps. The kinds the harm explains, not every kind: a
#: suicide card stays possible. A quarrel at a distance ("we argued on WhatsApp and she
#: blocked me") was a cue too and was dropped: it also took the violence card from "we
#: argued on the phone, he is coming over now and I am scared" (README, "Safety").
SMALL_HARM = frozenset({"emergency", "violence"})
#: How much the nearest example of each kind counts beside the classifier for the card's
#: kind (see `Detector._kind`): per unit of cosine similarity, in log odds. At 25 a lead of
#: 0.02 over another kind's nearest example weighs as much as 1.65 times its odds. Of 25, 50
#: and 100 (the mean of 2-5 nearest did no better than the nearest, which costs nothing: it
#: is known already), the one that keeps "lost in the forest" an emergency (100 made it
#: suicide again, the nearest example's kind); on the crisis messages of a probe written
#: for the purpose the right card went 0.61 -> 0.63.
KIND_NEARNESS = 25.0
#: Training: L2 penalty 1/(C·n), full-batch gradient steps from zero weights (so the same
#: examples give the same weights, bit for bit, on the same machine).
CLASSIFIER_C = 1.0
CLASSIFIER_STEPS = 300
CLASSIFIER_RATE = 0.5


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


@dataclass(frozen=True)
class _Classifier:
    """Multinomial logistic regression on the encoder's vectors: the four crisis kinds and
    "ordinary" (the [none], [human] and [smalltalk] examples and the FAQ's questions).

    Nearest neighbours answer "is the message like one example?"; a crisis idea nobody wrote
    an example for ("I'm lost in the forest and it is getting dark") is like none of them
    closely, but its vector still leans the way every crisis example leans: towards the
    first person, danger, now. The classifier learns that direction from all the examples
    at once. Trained when the detector is built (the same examples give the same weights,
    remembered in this process by a hash of the training data), so an adviser's new
    example teaches it too; in use it costs one small matrix product per message."""

    mean: Vectors
    scale: float
    weights: Vectors
    bias: Vectors

    @classmethod
    def train(cls, vectors: Vectors, classes: Sequence[int], n_classes: int) -> _Classifier:
        # float32 and the transposed copy made once: on a busy two-core machine the steps
        # then take about 0.2 s in all instead of seconds.
        x = vectors.astype(np.float32)
        mean = x.mean(axis=0)
        centred = x - mean
        scale = float(centred.std()) or 1.0
        z = centred / np.float32(scale)
        z_t = np.ascontiguousarray(z.T)
        y = np.asarray(classes, dtype=np.intp)
        n, dim = z.shape
        target = np.eye(n_classes, dtype=np.float32)[y]
        # Each class weighs the same in total: the crisis kinds have far fewer examples.
        counts = np.maximum(np.bincount(y, minlength=n_classes), 1)
        weight = (n / (n_classes * counts))[y][:, None].astype(np.float32)
        weight /= weight.sum()
        w = np.zeros((dim, n_classes), dtype=np.float32)
        b = np.zeros(n_classes, dtype=np.float32)
        rate, decay = np.float32(CLASSIFIER_RATE), np.float32(1 / (CLASSIFIER_C * n))
        for _ in range(CLASSIFIER_STEPS):
            gradient = (_softmax(z @ w + b) - target) * weight
            w -= rate * (z_t @ gradient + w * decay)
            b -= rate * gradient.sum(axis=0)
        return cls(mean, scale, w, b)

    def probabilities(self, query: Vectors) -> Vectors:
        """The probability of each class (crisis kinds in CRISIS_KINDS order, then ordinary)."""
        logits = ((query - self.mean) / np.float32(self.scale)) @ self.weights + self.bias
        return _softmax(logits.astype(np.float32))


def _softmax(logits: Vectors) -> Vectors:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    result: Vectors = shifted / shifted.sum(axis=-1, keepdims=True)
    return result


#: Classifiers already trained in this process, by a hash of their training data, the most
#: recently used last. Only the last few are kept: every content reload that changes the
#: FAQ's questions trains a new one (about 10 kB), and a bot reloads for months.
_CLASSIFIERS: dict[str, _Classifier] = {}
MAX_CLASSIFIERS = 4


def _classifier(vectors: Vectors, labels: Sequence[str]) -> _Classifier:
    classes = [CRISIS_KINDS.index(label) if label in CRISIS_KINDS else len(CRISIS_KINDS)
               for label in labels]
    key = hashlib.sha256(np.ascontiguousarray(vectors, dtype=np.float32).tobytes()
                         + bytes(classes)).hexdigest()
    model = _CLASSIFIERS.pop(key, None)
    if model is None:
        model = _Classifier.train(vectors, classes, len(CRISIS_KINDS) + 1)
        while len(_CLASSIFIERS) >= MAX_CLASSIFIERS:
            del _CLASSIFIERS[next(iter(_CLASSIFIERS))]
    _CLASSIFIERS[key] = model
    return model


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
    safety step's time, as Python's engine tries every pattern at every position. A pattern
    with no cue found is always searched."""

    patterns: tuple[re.Pattern[str], ...]
    #: Each cued pattern's cues.
    cues: tuple[frozenset[str], ...]
    always: re.Pattern[str] | None

    @classmethod
    def compile(cls, patterns: Sequence[str]) -> _Section:
        cued: list[re.Pattern[str]] = []
        cues_of: list[frozenset[str]] = []
        uncued = []
        for pattern in patterns:
            cues = _cues(pattern)
            if not cues:
                uncued.append(pattern)
                continue
            cues_of.append(frozenset(cues))
            cued.append(re.compile(pattern))
        always = re.compile("|".join(f"(?:{p})" for p in uncued)) if uncued else None
        return cls(tuple(cued), tuple(cues_of), always)

    def search(self, text: str, cued: Iterable[int]) -> bool:
        """Whether a pattern matches ``text``, of those whose cue it holds (numbers from
        :meth:`_Patterns.scan`) and those without a cue."""
        return (any(self.patterns[number].search(text) for number in sorted(cued))
                or (self.always is not None and self.always.search(text) is not None))


class _Patterns:
    """Every section, and one index of all their cues by their first three letters, so that
    a message is scanned for cues once (one look-up per letter), not once per section."""

    def __init__(self, sections: dict[str, _Section]) -> None:
        self.sections = sections
        index: dict[str, list[tuple[str, str, int]]] = {}
        for name, section in sections.items():
            for number, cues in enumerate(section.cues):
                for cue in sorted(cues):
                    index.setdefault(cue[:MIN_CUE], []).append((cue, name, number))
        self._index = {key: tuple(value) for key, value in index.items()}

    def without(self, name: str, text: str) -> str:
        """``text`` with every match of section ``name``'s patterns blanked out."""
        section = self.sections[name]
        for pattern in (*section.patterns, *([section.always] if section.always else [])):
            text = pattern.sub(" ", text)
        return text

    def scan(self, text: str) -> _Scanned:
        cued: dict[str, set[int]] = {}
        for at in range(len(text) - MIN_CUE + 1):
            for cue, name, number in self._index.get(text[at:at + MIN_CUE], ()):
                if text.startswith(cue, at):
                    cued.setdefault(name, set()).add(number)
        return _Scanned(self, text, cued)


@dataclass(frozen=True)
class _Scanned:
    """One message's cues: which section matches it."""

    patterns: _Patterns
    text: str
    cued: dict[str, set[int]]

    def matches(self, name: str) -> bool:
        return self.patterns.sections[name].search(self.text, self.cued.get(name, ()))


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


def _scan(folded: str) -> tuple[_Scanned, bool]:
    """The folded message's cues, and whether it holds a figure of speech ("this heat is
    killing me", "three exams in a week is suicide": section ``figure``); then the cues are
    those of the message without it, so that a crisis pattern decides only when it matches
    outside the figure."""
    found = _patterns().scan(folded)
    if not found.matches("figure"):
        return found, False
    return _patterns().scan(_patterns().without("figure", folded)), True


@cache
def _patterns() -> _Patterns:
    """The patterns of each section, written in the folded form of the message."""
    return _Patterns({name: _Section.compile([fold(p) for p in lines])
                      for name, lines in _sections(DATA / "patterns.txt").items() if lines})


#: Vectors of texts already encoded in this process: a content reload re-encodes only what
#: advisers changed, and tests that load the same content share the work.
_VECTORS: dict[str, Vectors] = {}


def _encoded(texts: Sequence[str], folder: Path | None) -> Vectors:
    missing = [t for t in dict.fromkeys(texts) if t not in _VECTORS]
    if missing:
        # The matcher's vector cache on disk too, so a restart encodes nothing again.
        fresh = cached(shared_encoder(), missing, folder, kind="query")
        _VECTORS.update(zip(missing, fresh, strict=True))
    if not texts:
        return np.zeros((0, 0), np.float32)
    stacked = np.stack([_VECTORS[t] for t in texts])
    stacked.flags.writeable = False
    # From now on the cache holds rows of what it returned, so that the encoder's arrays are
    # freed: one copy of each vector for the process's life, not two (1.6 MB).
    _VECTORS.update(zip(texts, stacked, strict=True))
    return stacked


class Detector:
    """The safety step for one content set.

    `ordinary` are the FAQ's own questions: a message close to one of them is an FAQ
    question, however crisis-like its words ("insurance for my flat", "help with rent"),
    so they join the ordinary examples.

    `asked` are every entry's ways of asking (in every language): a message that says
    just what one of them says (letter case, punctuation and emoji aside) is that question,
    and gets no card from the examples — unless a way of asking of its entry is a crisis
    in the patterns' words (the entry on violence at home: "my husband hits me"). The
    examples alone gave a card to 32 ways of asking of the bundled content's other entries:
    "Saako isä vanhempainrahaa?" (does a father get parental allowance) the suicide card,
    "Olen raskaana, minne menen?" (I am pregnant) the violence card.

    `query_vector` turns a message into its vector: the matcher's
    (`bot.matching.matcher.Matcher.query_vector`), so that a message the FAQ then answers
    costs one encoder pass for both steps, and short messages come from its memory.
    """

    def __init__(self, query_vector: Callable[[str], Vectors], ordinary: Sequence[str] = (),
                 vectors_dir: Path | None = None,
                 asked: Iterable[Sequence[str]] = ()) -> None:
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
        self._row_labels = labels
        # The classifier learns from every row but the everyday statements: taught that the
        # frame "I want to" is ordinary, it grew less sure of crises (on the safety probe's
        # second half crisis recall went 0.694 -> 0.680 when it learnt them).
        self._learnt = np.array([label != EVERYDAY for label in labels])
        # The classifier learns from these rows and from examples only it uses.
        extra = [(label, text) for label, texts in _sections(DATA / "classifier.txt").items()
                 for text in texts]
        self._extra = (_encoded([encodable(text) for _, text in extra], vectors_dir)
                       if extra else np.zeros((0, self.vectors.shape[1]), np.float32),
                       [label for label, _ in extra])
        self._classifier = _classifier(*self._training())
        # Examples of the card's kind only (see `_kind`): never a neighbour for *whether*.
        kinds = [(label, text) for label, texts in _sections(DATA / "kinds.txt").items()
                 if label in CRISIS_KINDS for text in texts]
        self._kind_examples = {
            kind: _encoded([encodable(text) for label, text in kinds if label == kind],
                           vectors_dir)
            for kind in CRISIS_KINDS if any(label == kind for label, _ in kinds)}
        self._query_vector = query_vector
        _patterns()
        self._asked = frozenset(
            said(text) for texts in asked
            if not any(_crisis_patterns(_scan(fold(text))[0], False) for text in texts)
            for text in texts)

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

    def _kind(self, query: Vectors, chances: Vectors, near: dict[str, float],
              among: Sequence[str] = CRISIS_KINDS) -> str:
        """The card's kind, of ``among``: the classifier's log odds (``chances``, of the
        crisis kinds), plus KIND_NEARNESS times the similarity of each kind's nearest
        example (``near``, see :meth:`nearest`, or one of `data/kinds.txt`, which say only
        which kind, never whether). The classifier weighs every example, so a message
        about a pregnant woman bleeding leans to violence (examples of a pregnant woman
        kicked); the nearest example of the right kind, though not near enough for a card
        alone, says which situation it is.

        The classifier's say grows with the probability it puts on a crisis at all: when
        the nearest examples gave the card and the classifier takes the message for an
        ordinary one, its split of the little left between the kinds is noise ("my salary
        came late again, what can I do", nearest an exploitation example, got the suicide
        card on 0.05 against 0.02)."""
        nearest = [max(near[kind], float((self._kind_examples[kind] @ query).max()))
                   if kind in self._kind_examples else near[kind] for kind in CRISIS_KINDS]
        evidence = (float(chances.sum()) * np.log(np.maximum(chances, 1e-9))
                    + KIND_NEARNESS * np.array(nearest))
        return max(among, key=lambda kind: float(evidence[CRISIS_KINDS.index(kind)]))

    def _training(self) -> tuple[Vectors, list[str]]:
        """The classifier's examples: the rows and its own. Joined when needed, not kept: a
        second copy of every row's vector for the process's life."""
        vectors, labels = self._extra
        learnt = [label for label, kept in zip(self._row_labels, self._learnt, strict=True) if kept]
        return np.concatenate([self.vectors[self._learnt], vectors]), learnt + labels

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
        found, figure = _scan(fold(text))
        # Said in jest ("killing me 😅") or asking the advisers' hours: see patterns.txt.
        joke = found.matches("joke")
        hours = found.matches("hours")
        # Typed in Latin letters in a language with its own script: the crisis signals are
        # also read from the text written back in that script (see `romanised`).
        label = best_label(text)
        native = native_script(text, label)
        found_native, figure_native = _scan(fold(native)) if native else (None, False)
        kinds = _crisis_patterns(found, joke, found_native)
        if len(kinds) == 1:
            return Route(f"crisis:{kinds[0]}", kinds[0])
        if kinds:
            # Patterns of several kinds ("my friend took a lot of pills, his lips are blue":
            # an overdose and not breathing; "he choked me till I passed out"): which comes
            # first in patterns.txt says nothing of the situation, so the encoder picks.
            query = vector() if vector else self._query_vector(text)
            kind = self._kind(query, self._classifier.probabilities(query)[:len(CRISIS_KINDS)],
                              self.nearest(query), kinds)
            return Route(f"crisis:{kind}", kind)
        routed = _by_pattern(found, short, hours)
        if routed is not None:
            return routed
        # Someone hurting a person named (section ``hurt``): a card the examples give is
        # not the emergency one, however urgent it sounds ("dad is hitting mum right now"),
        # and, as with a threat or despair named, the harm is not a small one, whatever
        # else the message says (SMALL_HARM).
        hurt = _either(found, found_native, "hurt")
        harmed = hurt or _either(found, found_native, "threat") or _either(
            found, found_native, "despair")
        barred = (SMALL_HARM if not harmed and _either(found, found_native, "small")
                  else frozenset())
        # A figure of speech lures the nearest examples as it does the patterns (the crisis
        # word is there): a card then also needs the classifier's FIGURE_CLASSIFIER_MIN.
        # One of the content's own questions (see the class docstring) gets none from the
        # examples; a person or small talk may still be what they say.
        lean = (math.inf if said(text) in self._asked
                else FIGURE_CLASSIFIER_MIN if figure or figure_native else 0.0)
        query = vector() if vector else self._query_vector(text)
        routed = self._by_example(query, short, joke, hours, lean, hurt, barred)
        # The reading back costs an encoder pass: only for a message that, as typed, leans
        # at least a little towards a crisis.
        if (native and routed.crisis is None
                and (label in NATIVE_ALWAYS
                     or self._classifier.probabilities(query)[:len(CRISIS_KINDS)].sum()
                     >= NATIVE_SUSPICION)):
            again = self._by_example(self._query_vector(native), short, joke, hours,
                                     max(lean, NATIVE_CLASSIFIER_MIN), hurt, barred)
            if again.crisis is not None:
                return again
        return routed

    def _by_example(self, query: Vectors, short: bool, joke: bool, hours: bool,
                    lean: float = 0.0, hurt: bool = False,
                    barred: frozenset[str] = frozenset()) -> Route:
        """The route the examples give; a crisis card also needs the classifier to put at
        least ``lean`` on the crisis kinds together, is not the emergency one when
        someone ``hurt`` a person, and is none when its kind is ``barred`` (see SMALL_HARM:
        the kind is still chosen among all, so a scraped knee does not get the suicide
        card instead)."""
        similarities = self.vectors @ query
        near = self._best(similarities)
        ordinary = near["none"]
        # An everyday statement in the message's frame ("I want to find a job" beside "I want
        # to die" or "I want to talk to a person", which the encoder puts close together in
        # Arabic, Persian, Sorani and Somali) counts as ordinary too; for a crisis only
        # while the classifier alone would not give the card.
        any_ordinary = max(ordinary, near.get(EVERYDAY, -1.0))
        crisis = max(CRISIS_KINDS, key=lambda k: near[k])
        if not joke and near[crisis] >= CLASSIFIER_FLOOR:
            # Whether: the nearest examples, or failing them the classifier. Which card: the
            # classifier and each kind's nearest example together (see `_kind`).
            chances = self._classifier.probabilities(query)[:len(CRISIS_KINDS)]
            leaning = float(chances.sum())
            agreement = self._agreement(similarities)
            if leaning >= lean and (
                    (near[crisis] >= MIN_SIMILARITY
                     and near[crisis] >= (ordinary if leaning >= CLASSIFIER_MIN else any_ordinary)
                     + CRISIS_MARGIN
                     and agreement >= AGREEMENT_MARGIN)
                    or (leaning >= CLASSIFIER_MIN
                        and near[crisis] >= ordinary + CLASSIFIER_LEAD
                        and agreement >= CLASSIFIER_AGREEMENT)
                    or (leaning >= CLASSIFIER_SURE
                        and near[crisis] >= ordinary + CLASSIFIER_SURE_LEAD
                        and agreement >= CLASSIFIER_SURE_AGREEMENT)):
                kind = self._kind(query, chances, near,
                                  [k for k in CRISIS_KINDS if not (hurt and k == "emergency")])
                if kind not in barred:
                    return Route(f"crisis:{kind}", kind)
        if (not hours and near["human"] >= MIN_SIMILARITY
                and near["human"] > any_ordinary + INTENT_MARGIN):
            return Route("human")
        if short and near["smalltalk"] > any_ordinary + INTENT_MARGIN:
            return Route("smalltalk", "greeting")
        return FAQ


def _top_mean(similarities: Vectors) -> float:
    """The mean of the AGREEMENT largest values (of all, when there are fewer)."""
    if len(similarities) <= AGREEMENT:
        return float(similarities.mean()) if len(similarities) else -1.0
    return float(np.partition(similarities, -AGREEMENT)[-AGREEMENT:].mean())


def _crisis_patterns(found: _Scanned, joke: bool, native: _Scanned | None = None) -> list[str]:
    """The crisis kinds whose patterns match; ``native`` is the message written back in its
    own script. Said in jest, only an emergency counts. Violence with work or a debt named
    (section ``work``: "the boss threatens to have me deported") may be exploitation too."""
    kinds = [kind for kind in CRISIS_KINDS
             if (kind == "emergency" or not joke) and _either(found, native, kind)]
    if "violence" in kinds and "exploitation" not in kinds and _either(found, native, "work"):
        kinds.append("exploitation")
    return kinds


def _either(found: _Scanned, native: _Scanned | None, name: str) -> bool:
    """Whether section ``name`` matches the message as typed or written back in its script."""
    return found.matches(name) or (native is not None and native.matches(name))


def _by_pattern(found: _Scanned, short: bool, hours: bool) -> Route | None:
    """The route the patterns give when no crisis pattern matches (a person or small talk
    is asked for in the words as typed)."""
    if short and found.matches("smalltalk:bot"):
        return Route("smalltalk", "bot")
    if not hours and (found.matches("human") or (short and found.matches("human:short"))):
        return Route("human")
    if short:
        for kind in SMALLTALK_KINDS:
            if found.matches(f"smalltalk:{kind}"):
                return Route("smalltalk", kind)
    return None

"""Find the FAQ entry a free-text question is about — or say honestly that we are not sure.

How a question is scored
------------------------
Every entry is described by features gathered from all its languages (see
:mod:`bot.matching.analysis`): word stems and language-independent *concepts* from the lexicon and
the
glossary. Within one language, a feature weighs more the more of the entry's ways of asking
(question, alternates, keywords) contain it, at least ``QUESTION_FLOOR``; a feature only in the
answer weighs ``ANSWER_WEIGHT``. Over languages, a word keeps its best weight and a concept its
mean weight, so a concept every translation asks about outweighs one a translation mentions.

Each query feature counts with its IDF over entries (so "how", "apply" or "Kela", shared by
many entries, decide little), concepts ``CONCEPT_WEIGHT`` times a word. Features no entry has
count against every entry: words at ``UNKNOWN_WEIGHT`` of a one-entry word, concepts in full —
a question about student loans or dogs is about something the content does not cover.

An entry's score is the ``COSINE_SHARE``-weighted mean of two views: *coverage*, the share of
the query's weight the entry as a whole explains, and *nearest*, the cosine similarity to the
entry's closest single way of asking.

Deciding: answer, suggest or nothing
------------------------------------
A small logistic model (``CONFIDENCE_*``) turns the best entry's scores — its score and margin
over the runner-up, both views and their margins, the share of unknown features, and whether
the query names the entry's own main concept — into the probability that the best entry is
right. We ``answer`` when that probability is at least ``ANSWER_CONFIDENCE``; otherwise we
``suggest`` up to three entries scoring at least ``SUGGEST_SCORE`` (and ``SUGGEST_RATIO`` of the
best); with nothing that good, ``none``.

The model and thresholds were fitted on half of the development queries (the other half kept
to check them) by minimising this cost per query:

=============================================  =====
outcome                                        cost
=============================================  =====
answered with the right entry                  0
right entry among the suggestions              1
answerable, nothing shown / suggestions wrong  3
answered with a wrong entry                    8
off-topic question answered                    8
off-topic question given suggestions           0.5
off-topic question, nothing shown              0
=============================================  =====

A confident wrong answer is the worst outcome: the user is misinformed and does not know it.
A suggestion costs a tap; showing nothing sends the user to an adviser.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.content.model import ContentSet, GlossaryTerm
from bot.matching.analysis import Analysis, Analyzer
from bot.matching.langid import detect_language, load_models
from bot.matching.lexicon import ConceptFinder, builtin_patterns, glossary_patterns

ANSWER_WEIGHT = 0.4
QUESTION_FLOOR = 0.5
COSINE_SHARE = 0.5
CONCEPT_WEIGHT = 2.5
UNKNOWN_WEIGHT = 0.6
SUGGEST_SCORE = 0.15
SUGGEST_RATIO = 0.3
ANSWER_CONFIDENCE = 0.78
#: Two entries this close are both shown, whatever the confidence.
ANSWER_MARGIN = 0.1
#: Logistic model of "the best entry is the right one", fitted on half of the development
#: queries (the other half kept for checking); inputs are the scores described above.
CONFIDENCE_BIAS = -2.03
CONFIDENCE_WEIGHTS = {
    "score": 1.17,
    "margin": 0.78,
    "coverage": 1.08,
    "nearest": 1.26,
    "coverage_margin": 0.84,
    "nearest_margin": 0.55,
    "unknown": -0.35,
    "core": 1.93,
}
RANKED = 5
MAX_SUGGESTIONS = 3

Decision = Literal["answer", "suggest", "none"]


@dataclass(frozen=True)
class Document:
    """One entry in one language, as the benchmark corpus has it."""

    id: str
    lang: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    decision: Decision
    #: Shown to the user: one id for an answer, up to three for suggestions, none otherwise.
    ids: tuple[str, ...]
    #: The five best entries whatever the decision.
    ranked: tuple[Candidate, ...]
    #: Language of the text per language identification (None if it has no letters).
    detected_lang: str | None


@dataclass(frozen=True)
class _Views:
    coverage: dict[int, float]
    nearest: dict[int, float]
    #: Share of the query's features that no entry has.
    unknown: float
    #: The query's concept features that some entry has.
    concepts: tuple[str, ...] = ()


def _features(analysis: Analysis) -> set[str]:
    return {"w:" + w for w in analysis.words} | {"c:" + c for c in analysis.concepts}


class Matcher:
    """Built once per content load; :meth:`match` only does dictionary lookups."""

    def __init__(
        self, documents: Iterable[Document], glossary: Sequence[GlossaryTerm] = ()
    ) -> None:
        docs = list(documents)
        load_models()
        lexicon = builtin_patterns()
        extra = glossary_patterns(glossary, ConceptFinder(lexicon))
        self._analyzer = Analyzer([*lexicon, *extra])
        self._analyzer.learn(
            text for d in docs for text in (d.question, *d.alternates, *d.keywords, d.answer)
        )
        self._ids: list[str] = []
        index_of: dict[str, int] = {}
        per_doc: list[list[dict[str, float]]] = []
        asked: list[tuple[int, set[str]]] = []
        for doc in docs:
            if doc.id not in index_of:
                index_of[doc.id] = len(self._ids)
                self._ids.append(doc.id)
                per_doc.append([])
            idx = index_of[doc.id]
            asking = [doc.question, *doc.alternates]
            if doc.keywords:
                asking.append(" ".join(doc.keywords))
            features = [_features(self._analyzer.analyse(text, doc.lang)) for text in asking]
            answer = _features(self._analyzer.analyse(doc.answer, doc.lang))
            per_doc[idx].append(_doc_weights(features, answer))
            asked.extend((idx, f) for f in features if f)
        weights = [_entry_weights(doc_weights) for doc_weights in per_doc]
        n = len(self._ids)
        df: dict[str, int] = defaultdict(int)
        for entry in weights:
            for feature in entry:
                df[feature] += 1
        self._idf = {f: math.log(1 + n / d) for f, d in df.items()}
        self._unknown_idf = math.log(1 + n)
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for idx, entry in enumerate(weights):
            for feature, weight in entry.items():
                self._postings[feature].append((idx, weight))
        # Each entry's concepts by weight, to see whether a query names what the entry is about.
        self._concept_weight: list[dict[str, float]] = [
            {f: w * self._idf[f] for f, w in entry.items() if f.startswith("c:")}
            for entry in weights
        ]
        self._core = [max(c.values(), default=0.0) for c in self._concept_weight]
        # The single ways of asking, for the nearest-question similarity.
        self._text_entry: list[int] = []
        self._text_norm: list[float] = []
        self._text_postings: dict[str, list[int]] = defaultdict(list)
        for idx, text_features in asked:
            t = len(self._text_entry)
            self._text_entry.append(idx)
            self._text_norm.append(math.sqrt(sum(self._weight(f) ** 2 for f in text_features)))
            for feature in text_features:
                self._text_postings[feature].append(t)

    @classmethod
    def from_content(cls, content: ContentSet) -> Matcher:
        """Documents from every entry × language, with the entry's keywords in each."""
        docs = [
            Document(
                id=entry.id,
                lang=lang,
                question=text.question,
                alternates=text.alternates,
                answer=text.answer,
                keywords=entry.keywords,
            )
            for entry in content.entries.values()
            for lang, text in entry.texts.items()
        ]
        return cls(docs, content.glossary)

    def _weight(self, feature: str) -> float:
        idf = self._idf.get(feature)
        if idf is None:
            return 0.0
        return idf * (CONCEPT_WEIGHT if feature.startswith("c:") else 1.0)

    def _views(self, text: str, lang: str) -> _Views:
        """Both views of how well each entry fits the text (see :meth:`scores`)."""
        features = _features(self._analyzer.analyse(text, lang, query=True))
        weights = {f: self._weight(f) for f in features if f in self._idf}
        # What the content never mentions still counts: a question about student loans must
        # not become a confident match for the bank account entry.
        unknown = [f for f in features if f not in self._idf]
        unknown_weights = [
            self._unknown_idf * (CONCEPT_WEIGHT if f.startswith("c:") else UNKNOWN_WEIGHT)
            for f in unknown
        ]
        total = sum(weights.values()) + sum(unknown_weights)
        share = len(unknown) / max(len(features), 1)
        coverage: dict[int, float] = defaultdict(float)
        nearest: dict[int, float] = defaultdict(float)
        concepts = tuple(f for f in weights if f.startswith("c:"))
        if total <= 0:
            return _Views(coverage, nearest, share, concepts)
        for feature, weight in weights.items():
            for idx, entry_weight in self._postings[feature]:
                coverage[idx] += weight * entry_weight / total
        dots: dict[int, float] = defaultdict(float)
        for feature, weight in weights.items():
            for t in self._text_postings.get(feature, ()):
                dots[t] += weight * weight
        query_norm = math.sqrt(
            sum(w * w for w in weights.values()) + sum(w * w for w in unknown_weights)
        )
        for t, dot in dots.items():
            idx = self._text_entry[t]
            nearest[idx] = max(nearest[idx], dot / (query_norm * self._text_norm[t]))
        return _Views(coverage, nearest, share, concepts)

    def _combine(self, views: _Views) -> dict[int, float]:
        return {
            idx: COSINE_SHARE * views.nearest[idx] + (1 - COSINE_SHARE) * cov
            for idx, cov in views.coverage.items()
        }

    def scores(self, text: str, lang: str) -> dict[int, float]:
        """Entry index → score in [0, 1] for ``text`` read as language ``lang``.

        The weighted mean of two views: how much of the query the entry as a whole explains
        (coverage), and the cosine similarity to the entry's closest single way of asking.
        """
        return self._combine(self._views(text, lang))

    def _confidence(self, views: _Views, best: Sequence[tuple[int, float]]) -> float:
        """Estimated probability that the best entry is the right answer (see module doc)."""
        if not best:
            return 0.0
        top, s1 = best[0]
        s2 = best[1][1] if len(best) > 1 else 0.0
        covs = [*sorted(views.coverage.values(), reverse=True)[:2], 0.0, 0.0]
        cosines = [*sorted(views.nearest.values(), reverse=True)[:2], 0.0, 0.0]
        concept_weights = self._concept_weight[top]
        named = max((concept_weights.get(c, 0.0) for c in views.concepts), default=0.0)
        features = {
            "score": s1,
            "margin": s1 - s2,
            "coverage": views.coverage[top],
            "nearest": views.nearest[top],
            "coverage_margin": covs[0] - covs[1],
            "nearest_margin": cosines[0] - cosines[1],
            "unknown": views.unknown,
            "core": named / self._core[top] if self._core[top] else 0.0,
        }
        z = CONFIDENCE_BIAS + sum(CONFIDENCE_WEIGHTS[k] * v for k, v in features.items())
        return 1 / (1 + math.exp(-z))

    def match(self, text: str, lang: str | None = None) -> MatchResult:
        """Match a question; ``lang`` is the user's language if the bot knows it (optional).

        Language identification runs only without ``lang`` (then ``detected_lang`` says what
        it found): with a known language the bot has no use for it, and it costs about as
        much as the matching itself.
        """
        detected = detect_language(text) if lang is None else None
        views = self._views(text, lang or detected or "fi")
        scored = self._combine(views)
        best = heapq.nlargest(RANKED, scored.items(), key=lambda item: (item[1], -item[0]))
        ranked = tuple(Candidate(self._ids[idx], round(score, 4)) for idx, score in best)
        decision = decide(self._confidence(views, best), ranked)
        return MatchResult(decision, shown(decision, ranked), ranked, detected)


def _doc_weights(asking: Sequence[set[str]], answer: set[str]) -> dict[str, float]:
    """Feature weights of one entry in one language.

    A feature in the question weighs more the more of the ways of asking (question,
    alternates, keywords) share it: "tax card" is in every way of asking about tax cards,
    "job" only in one, so a question about jobs should not find the tax card entry.
    """
    counts: dict[str, int] = defaultdict(int)
    for features in asking:
        for feature in features:
            counts[feature] += 1
    n = max(len(asking), 1)
    weights = {f: QUESTION_FLOOR + (1 - QUESTION_FLOOR) * c / n for f, c in counts.items()}
    for feature in answer:
        weights.setdefault(feature, ANSWER_WEIGHT)
    return weights


def _entry_weights(doc_weights: Sequence[dict[str, float]]) -> dict[str, float]:
    """An entry's feature weights from its languages' weights.

    Words: the best language (a word belongs to one language). Concepts: the mean over the
    languages, so a concept every translation asks about outweighs one a single translation
    happens to mention.
    """
    entry: dict[str, float] = {}
    for weights in doc_weights:
        for feature, weight in weights.items():
            if feature.startswith("c:"):
                entry[feature] = entry.get(feature, 0.0) + weight / len(doc_weights)
            else:
                entry[feature] = max(entry.get(feature, 0.0), weight)
    return entry


def decide(confidence: float, ranked: Sequence[Candidate]) -> Decision:
    """Answer, suggest or nothing (see the module docstring)."""
    if not ranked or ranked[0].score < SUGGEST_SCORE:
        return "none"
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if confidence >= ANSWER_CONFIDENCE and ranked[0].score - runner_up >= ANSWER_MARGIN:
        return "answer"
    return "suggest"


def shown(decision: Decision, ranked: Sequence[Candidate]) -> tuple[str, ...]:
    """The entry ids the user sees for this decision."""
    if decision == "answer":
        return (ranked[0].id,)
    if decision == "none":
        return ()
    floor = max(SUGGEST_SCORE, SUGGEST_RATIO * ranked[0].score)
    return tuple(c.id for c in ranked[:MAX_SUGGESTIONS] if c.score >= floor)

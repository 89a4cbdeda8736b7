"""Find the FAQ entry a free-text question is about — or say honestly that we are not sure.

How a question is scored
------------------------
Two signals, fused (hybrid retrieval):

*Lexical* — every entry is described by features gathered from all its languages (see
:mod:`bot.matching.analysis`): word stems and language-independent *concepts* from the lexicon and
the glossary. Within one language, a feature weighs more the more of the entry's ways of asking
(question, alternates, keywords) contain it, at least ``QUESTION_FLOOR``; a feature only in the
answer weighs ``ANSWER_WEIGHT``. Over languages, a word keeps its best weight and a concept its
mean weight, so a concept every translation asks about outweighs one a translation mentions.
Each query feature counts with its IDF over entries, concepts ``CONCEPT_WEIGHT`` times a word.
Features no entry has count against every entry: words at ``UNKNOWN_WEIGHT`` of a one-entry
word, concepts in full — a question about student loans or dogs is about something the content
does not cover. The lexical score is the ``COSINE_SHARE``-weighted mean of *coverage* (the share
of the query's weight the entry explains) and *nearest* (cosine similarity to the entry's
closest single way of asking).

*Semantic* — the multilingual sentence encoder (:mod:`bot.matching.embedding`) puts the query
and every way of asking, in every language, in one vector space; an entry's similarity is the
mean of its closest way of asking and of the centre of all its ways of asking. It needs no
vocabulary written per topic: a Somali question finds a Finnish-only entry about pensions.
The encoder's vectors also say which language a text is in, so on their own a Somali
question is nearer any Somali entry than the English-only entry that answers it. So every
way of asking has its language's mean vector taken off, and the query the mean of all
languages: what is left is what a text is about. A language's mean is that of the content's
ways of asking in it, blended with ``LANGUAGE_PRIOR`` rows' worth of the mean of the
language's sample sentences (:func:`bot.matching.langid.samples`, the same everyday
sentences in every language): with many ways of asking the content's own mean also takes
off what all its entries share (they are all about life in Finland); with few it would be
their topic, and three entries asked in nearly the same words must stay nearly the same. On
the benchmark corpora this lifts the encoder's own rank@1 from 0.69 to 0.76 (original
topics) and from 0.80 to 0.90 (new topics). Cosines of the centred vectors are rescaled
from ``SEMANTIC_FLOOR`` (unrelated text) over ``SEMANTIC_SPAN`` to about [0, 1].

*Passage* — the same encoder also compares the query with what each entry *says*: its
question (the title) and answer per language, encoded as e5's passages (its training pairs
are query → passage) and centred per language like the ways of asking. An entry's passage
similarity is that of its closest language, rescaled the same way. It ranks worse than the
ways of asking on their own (rank@1 0.66 against 0.76 on the original topics), so it is not
fused (``PASSAGE_SHARE`` 0: held out, 0.1 changed nothing), but it confirms answers (below).

The fused score is ``SEMANTIC_SHARE`` of the semantic, ``PASSAGE_SHARE`` of the passage and
the rest of the lexical score.

Deciding: answer, suggest or nothing
------------------------------------
A small logistic model (``CONFIDENCE_*``) turns signals of the best entry that mean the same
for any content into the probability that it is right: the fused score and its margin over
the runner-up, each signal's score and margin, whether both signals put the same entry first
(*agree*), how many words of the query the entry's shared words and concepts come from
(*evidence*), how many of them are what the entry is about (*about*), the share of the query
no entry knows, and how close the query comes to any entry at all (*semantic_best*). We
``answer`` when the probability is at least ``ANSWER_CONFIDENCE`` and the answer is confirmed:

- the entry shares at least two words of the query (``EVIDENCE_ANSWER``; for one word, see
  the last point): one homograph — "resepti" is a pancake recipe and a prescription — is
  one word, however many concepts it names; and a function word is none, even inside a
  phrase a concept names (*support*, the rule's count: "вид на жительство" is two words,
  "residence permit" two, "oleskelulupa" one; the model's *evidence* counts all three);
- and the meaning agrees: the semantic signal, too, puts the entry first, by
  ``SEMANTIC_MARGIN_MIN``; or, if all those words are what the entry is *about* (its ways
  of asking have them, not just its answer: *about* in the model), the semantic signal
  prefers no other entry by more than ``SEMANTIC_DISSENT_MAX``; or, if at least three
  words support the entry (``EVIDENCE_FULL``), what the entries *say* (the passage signal)
  puts it first by ``PASSAGE_MARGIN_MIN``: the passages are the weaker signal, so they need
  the stronger words (with two, the check across corpora answered an off-topic question).
  How much dissent the third words may outweigh depends on how well the encoder reads the
  question's language (``SEMANTIC_DISSENT_UNRELIABLE``): when the matcher is built, each
  language's ways of asking are matched against the entries' centres, leaving each out of
  its own, and a language whose mean margin falls short of the content's mean is
  *unreliable* by that share (Somali 0.62 and Sorani 0.51 on the original benchmark corpus,
  every other language 0.04 at most). There, if the model is sure (``UNRELIABLE_CONFIDENCE``),
  three words the entry is about may outweigh more dissent: there the meaning's margin
  says less about which entry is right.
  Words alone — in a language whose function words only a few entries share, say — never
  make an answer; but where the
  encoder is weak (a Finnish-only entry asked in Somali, a typo it cannot read) and the
  question names what the entry is about, the words may decide.
- One word is enough only when it is all the question says that matters: the content knows
  every word of the question (``ONE_WORD_UNKNOWN_MAX``: none of its features is unknown
  to every entry), the entry is about the word in its languages (it weighs all the word
  names at least ``ONE_WORD_CENTRAL``), and both signals put the entry first, the meaning
  by ``SEMANTIC_MARGIN_MIN``. A short question ("personbeteckning", "get kotikunta") has
  no second word to give; a homograph in a longer question has, and what the content does
  not know ("resepti" *for pancakes*) says the question is about something else. A lone
  "resepti" names a recipe too, which the prescription entry has only in the languages
  whose word for a prescription is "resepti", so it stays a suggestion.
- Whatever the way, the entry must be about at least one of the shared words: it weighs
  one of them at least ``STRONGEST_MIN`` (*strongest*). "cooking recipe" is one concept
  over two words, which the prescription entry has only because its Finnish and Swedish
  words for a prescription, "resepti" and "recept", name a recipe too: two words of
  evidence, but all of it from a homograph of one language's word.
- And whatever the way, the words must not prefer another entry by more than
  ``LEXICAL_DISSENT_MAX`` (their margin): the meaning may overrule the words by a little,
  as the words may overrule the meaning, but when the two signals disagree that much,
  neither is sure enough for an answer.

A question that says just what one of the best entry's ways of asking says (letter case,
punctuation and emoji aside; *repeats*) is answered whatever the rest: the content's own
wording is never a guess. Advisers add the wordings of unanswered questions to entries
(`python -m bot unanswered`), and 64 of the bundled content's 3,332 ways of asking were
only suggested ("Mikä on ulosotto?"). A wording two entries share does not count.

Otherwise, at least ``SUGGEST_CONFIDENCE``, we ``suggest`` the best entries within
``SUGGEST_GAP`` of the best; below, ``none``.

The model and thresholds are fitted by ``benchmarks/calibrate_matching.py``, leaving topics
out: over both benchmark corpora (the original 50 topics and 15 topics written later by
other people), it fits on some topics and scores on topics the fit never saw, so the numbers
it reports are those of content nobody tuned for. Each corpus weighs the same, so a small
content set counts as much as a large one. The cost it minimises per query:

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

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt

from bot.content.model import ContentSet, GlossaryTerm
from bot.matching.analysed import analysed
from bot.matching.analysis import Analyzer
from bot.matching.embedding import Encoder, Vectors, shared_encoder
from bot.matching.langid import LANGUAGES, detect_language, load_models, samples
from bot.matching.lexicon import ConceptFinder, builtin_patterns, glossary_patterns
from bot.matching.normalize import clean, said
from bot.matching.vectors import cached

ANSWER_WEIGHT = 0.4
QUESTION_FLOOR = 0.5
COSINE_SHARE = 0.5
CONCEPT_WEIGHT = 2.5
UNKNOWN_WEIGHT = 0.6
SEMANTIC_FLOOR = 0.1
SEMANTIC_SPAN = 0.4
LANGUAGE_PRIOR = 25
SEMANTIC_SHARE = 0.35
#: Share of the fused score given to the query's similarity to the entry's passages.
PASSAGE_SHARE = 0.0
#: Logistic model of "the best entry is the right one" and its thresholds, fitted leaving
#: topics out by benchmarks/calibrate_matching.py (which prints these lines).
CONFIDENCE_BIAS = -5.00
CONFIDENCE_WEIGHTS = {
    "score": -1.94,
    "margin": 4.04,
    "semantic": -4.88,
    "semantic_margin": 6.04,
    "lexical": 5.16,
    "lexical_margin": -1.18,
    "agree": 0.54,
    "evidence": 1.58,
    "unknown": 0.80,
    "about": 2.49,
    "semantic_best": 6.15,
}
ANSWER_CONFIDENCE = 0.85
#: An answer also needs the meaning to single out the entry (by this much, rescaled), or,
#: when the query names what the entry is about, not to prefer another entry by more than
#: SEMANTIC_DISSENT_MAX. Not fitted: design choices, checked leaving topics out and fitting
#: on one benchmark corpus to decide the other (a margin of 0 let Somali and Sorani off-topic
#: questions be answered on shared function words; the second way with some of the words
#: only in the entry's answer answered wrongly twice as often on the other corpus).
SEMANTIC_MARGIN_MIN = 0.04
SEMANTIC_DISSENT_MAX = 0.1
#: Two ways to answer more, tried (benchmarks/calibrate_matching.py --try NAME fits them
#: leaving topics out) and left off, as both also answered more wrongly or off-topic held
#: out: with three or more words all what the entry is about, a dissent of up to this much
#: (fitted: 0.3); and one word when the meaning singles the entry out by this much (fitted:
#: 0.45; one homograph, "resepti" of a pancake, has far less).
SEMANTIC_DISSENT_FULL = SEMANTIC_DISSENT_MAX
ONE_WORD_MARGIN = math.inf
#: In a language the encoder reads worse than the content's others (*unreliable*, measured
#: from the content when the matcher is built: `_unreliability`), the meaning may prefer
#: another entry by this much more per unit of unreliability, when at least EVIDENCE_FULL
#: words, all what the entry is about, support it and the model is at least
#: UNRELIABLE_CONFIDENCE sure. Fitted leaving topics out (``--try
#: SEMANTIC_DISSENT_UNRELIABLE``: 0.4, the most tried; 0.6 decides the same). The
#: confidence floor is a design choice: without it the extra answers come at confidences
#: the folds' thresholds tip over (0.8 or 0.85), the folds choose the lower one more often,
#: and off-topic questions near it are answered (README, "Matching quality"). With two
#: words the extra dissent answered an off-topic Somali question held out; the
#: unreliability as a model input (times the meaning's margin, its dissent or the closest
#: entry's similarity) answered more off-topic questions too.
SEMANTIC_DISSENT_UNRELIABLE = 0.4
UNRELIABLE_CONFIDENCE = 0.9
#: A third way for the meaning to agree, when at least EVIDENCE_FULL words of the query
#: support the entry: its similarity to what the entries *say* (each language's question and
#: answer, encoded as e5's "passage: ") puts the entry first by this much (rescaled like the
#: semantic signal). Fitted leaving topics out (``--try PASSAGE_MARGIN_MIN``, from 0.1 up).
PASSAGE_MARGIN_MIN = 0.1
#: One word may answer when no more than this share of the query's features is unknown to
#: every entry (and the word is what the entry is about, and both signals put the entry
#: first). A design choice: ``--try ONE_WORD_UNKNOWN_MAX`` (-inf is the rule off) fits 0.35
#: in every fold (three more right answers on the benchmarks), but with a third unknown two
#: off-topic questions ("Kuka voitti eilen jalkapallossa?") meet the rule and only the
#: confidence keeps them from an answer.
ONE_WORD_UNKNOWN_MAX = 0.0
#: ... and when the entry weighs everything the word names at least this much (its
#: languages ask about it: see `_doc_weights`). "resepti" names a recipe too, which the
#: prescription entry has only where its own word for a prescription is "resepti" (0.53).
ONE_WORD_CENTRAL = 0.75
#: Any answer needs the entry to weigh at least one of the query's shared words or concepts
#: this much (*strongest*). A word one of its ways of asking has in some language weighs
#: more (`_doc_weights`); a concept in the answers of every language but the ways of asking
#: of only a quarter of them, less: the prescription entry weighs the recipe concept 0.53,
#: asked about only in Finnish and Swedish, whose words for a prescription are "resepti" and
#: "recept", so "cooking recipe" (one concept, two words) is not an answer. A design choice
#: (the benchmarks have no such homograph): held out it changes nothing; the least weight
#: of an answered query there is 0.59, and fitted with ties kept strict (``--try
#: STRONGEST_MIN``) 0.6 was chosen once and cost that answer.
STRONGEST_MIN = 0.55
#: Whatever the way, an answer needs the words not to prefer another entry by more than
#: this (the lexical margin), as the meaning may not by more than SEMANTIC_DISSENT_MAX when
#: the words decide. A design choice, checked leaving topics out (README): held out, every
#: answer the words preferred another entry for by more than 0.2 was wrong, and the right
#: ones they did not prefer went down to −0.18.
LEXICAL_DISSENT_MAX = 0.2
SUGGEST_CONFIDENCE = 0.1
SUGGEST_GAP = 0.3
#: What `unanswered` counts as an entry being near a question at all.
SUGGEST_SCORE = 0.15
#: Distinct query words shared with the entry from which evidence counts in full.
EVIDENCE_FULL = 3
#: An answer needs the entry to share at least two words of the query (as a share of
#: EVIDENCE_FULL).
EVIDENCE_ANSWER = 2 / EVIDENCE_FULL
RANKED = 5
MAX_SUGGESTIONS = 3
#: Ways of asking per language that measure how well the encoder reads it (`_unreliability`).
RELIABILITY_SAMPLE = 200
#: Benchmark questions, long stories included, are at most 240 characters.
ENCODED_CHARS = 600
_EDGES = re.compile(r"^\W+|\W+$")

Decision = Literal["answer", "suggest", "none"]
T = TypeVar("T", bound=np.generic)


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
class Signals:
    """Why an entry scored as it did: each signal's part, for `python -m bot ask`."""

    id: str
    lexical: float
    semantic: float
    score: float
    #: Similarity to the closest of the entry's passages (question and answer), rescaled.
    passage: float
    #: The query's words (``w:``) and concepts (``c:``) this entry shares.
    shared: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    """A match with its reasons: the candidates' signals and the decision's inputs."""

    result: MatchResult
    candidates: tuple[Signals, ...]
    #: The logistic model's inputs for the best entry (see CONFIDENCE_WEIGHTS).
    inputs: dict[str, float]
    confidence: float


@dataclass(frozen=True)
class _Views:
    #: Per entry.
    coverage: npt.NDArray[np.float64]
    nearest: npt.NDArray[np.float64]
    #: Share of the query's features that no entry has.
    unknown: float
    #: The query's features that some entry has, with the query words they came from.
    known: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: Positions of the query's function words (no support of their own).
    function_words: frozenset[int] = frozenset()


@dataclass(frozen=True)
class _Scored:
    """One match's result and what it was decided from (for :meth:`Matcher.assess`)."""

    result: MatchResult
    views: _Views
    #: Entry indexes of the ranked candidates, best first.
    order: list[int]
    lexical: npt.NDArray[np.float64]
    semantic: npt.NDArray[np.float64]
    passage: npt.NDArray[np.float64]
    fused: npt.NDArray[np.float64]
    inputs: dict[str, float]
    confidence: float


def _asking(doc: Document) -> list[str]:
    """A document's ways of asking: its question, alternates and keywords (as one text)."""
    asking = [doc.question, *doc.alternates]
    if doc.keywords:
        asking.append(" ".join(doc.keywords))
    return asking


class Matcher:
    """Built once per content load; :meth:`match` encodes the query (unless given its vector),
    then looks its features up in flat posting arrays (a few numpy calls, however many
    entries share a word) and does one matrix product.

    ``vectors_dir`` is where entry vectors are cached (see :mod:`bot.matching.vectors`);
    without it every build encodes all ways of asking.
    """

    def __init__(
        self,
        documents: Iterable[Document],
        glossary: Sequence[GlossaryTerm] = (),
        *,
        encoder: Encoder | None = None,
        vectors_dir: Path | None = None,
    ) -> None:
        docs = list(documents)
        load_models()
        lexicon = builtin_patterns()
        extra = glossary_patterns(glossary, ConceptFinder(lexicon))
        self._analyzer = Analyzer([*lexicon, *extra])
        # Every way of asking (the keywords as one) and every answer, in document order.
        texts = [(text, d.lang) for d in docs for text in (*_asking(d), d.answer)]
        analyses = analysed(self._analyzer, extra, texts, vectors_dir)
        self._analyzer.learn_words(word for a in analyses for word in a.vocabulary)
        found = iter(analyses)
        self._ids: list[str] = []
        index_of: dict[str, int] = {}
        per_doc: list[list[dict[str, float]]] = []
        asked: list[tuple[int, set[str]]] = []
        #: Each entry's ways of asking, in every language (the safety step reads them too).
        self.ways_of_asking: dict[str, list[str]] = {}
        for doc in docs:
            if doc.id not in index_of:
                index_of[doc.id] = len(self._ids)
                self._ids.append(doc.id)
                per_doc.append([])
            idx = index_of[doc.id]
            features = [set(next(found).features) for _ in _asking(doc)]
            answer = set(next(found).features)
            per_doc[idx].append(_doc_weights(features, answer))
            asked.extend((idx, f) for f in features if f)
            self.ways_of_asking.setdefault(doc.id, []).extend((doc.question, *doc.alternates))
        #: What each way of asking says (`said`), and its entry: a message that says just
        #: that is answered with it when the scores put it first too (see `decide`). A way
        #: of asking two entries share is left out.
        repeated: dict[str, set[int]] = {}
        for entry_id, ways in self.ways_of_asking.items():
            for way in ways:
                repeated.setdefault(said(way), set()).add(index_of[entry_id])
        self._repeats = {key: next(iter(entries)) for key, entries in repeated.items()
                         if len(entries) == 1 and key}
        weights = [_entry_weights(doc_weights) for doc_weights in per_doc]
        self._entry_features = [frozenset(entry) for entry in weights]
        #: Per entry, the features it is about: a word its ways of asking have in some
        #: language, a concept they have in most of its languages (see `_entry_weights`).
        self._entry_about = [frozenset(f for f, w in entry.items() if w >= QUESTION_FLOOR)
                             for entry in weights]
        n = len(self._ids)
        df: dict[str, int] = defaultdict(int)
        for entry in weights:
            for feature in entry:
                df[feature] += 1
        self._idf = {f: math.log(1 + n / d) for f, d in df.items()}
        self._unknown_idf = math.log(1 + n)
        #: Posting lists in flat arrays, so that a query's scores are a few numpy calls
        #: however many entries share its words: feature k's entries (and their weights)
        #: are ``_entries[_entry_starts[k]:_entry_starts[k + 1]]``.
        self._feature_ids = {f: k for k, f in enumerate(df)}
        entry_postings: list[list[tuple[int, float]]] = [[] for _ in df]
        for idx, entry in enumerate(weights):
            for feature, weight in entry.items():
                entry_postings[self._feature_ids[feature]].append((idx, weight))
        self._entry_starts = _starts(entry_postings)
        self._entries = np.array([i for p in entry_postings for i, _ in p], dtype=np.intp)
        self._entry_weights = np.array([w for p in entry_postings for _, w in p])
        # The single ways of asking, for the nearest-question similarity; numbered entry by
        # entry, so that each entry's best is one np.maximum.reduceat.
        asked.sort(key=lambda item: item[0])
        text_postings: list[list[int]] = [[] for _ in df]
        for t, (_, text_features) in enumerate(asked):
            for feature in text_features:
                text_postings[self._feature_ids[feature]].append(t)
        self._text_starts = _starts(text_postings)
        self._texts = np.array([t for p in text_postings for t in p], dtype=np.intp)
        self._text_norm = np.array(
            [math.sqrt(sum(self._weight(f) ** 2 for f in features)) for _, features in asked])
        text_entry = np.array([idx for idx, _ in asked], dtype=np.intp)
        #: Where each entry's texts start, and which entries have any.
        self._text_groups = np.flatnonzero(np.diff(text_entry, prepend=-1)).astype(np.intp)
        self._text_group_entry = text_entry[self._text_groups]
        self._encoder = encoder or shared_encoder()
        self._vectors_dir = vectors_dir
        self._build_semantic(docs, index_of, vectors_dir)
        self._analyzer.forget_words()

    def _build_semantic(
        self, docs: Sequence[Document], index_of: dict[str, int], vectors_dir: Path | None
    ) -> None:
        """Vectors of every way of asking, grouped by entry, and each entry's centre."""
        texts_of: list[list[tuple[str, str]]] = [[] for _ in self._ids]
        for doc in docs:
            texts_of[index_of[doc.id]].extend(
                (text, doc.lang) for text in (doc.question, *doc.alternates))
        rows = [row for group in texts_of for row in group]
        sample_rows = [(text, lang) for lang in LANGUAGES for text in samples(lang)]
        # What each entry says, per language: its question (the title) and its answer.
        passages_of: list[list[tuple[str, str]]] = [[] for _ in self._ids]
        for doc in docs:
            passages_of[index_of[doc.id]].append((f"{doc.question}\n{doc.answer}", doc.lang))
        passage_rows = [row for group in passages_of for row in group]
        # One read of the vector store (and one write after encoding) for all three.
        every_row = rows + sample_rows + passage_rows
        both = cached(self._encoder, [text for text, _ in every_row], vectors_dir)
        raw, sample_vectors = both[:len(rows)], both[len(rows):len(rows) + len(sample_rows)]
        passages = both[len(rows) + len(sample_rows):]
        sample_langs = np.array([lang for _, lang in sample_rows])
        sampled = {lang: sample_vectors[sample_langs == lang].mean(axis=0) for lang in LANGUAGES}
        every: Vectors = np.mean(list(sampled.values()), axis=0)
        #: Taken off every query: what all languages share (see the module docstring).
        self._mean = _blend(raw, every)
        self._vectors = _centred(raw, [lang for _, lang in rows], sampled, every)
        #: Where each entry's rows start in ``_vectors`` (for np.maximum.reduceat).
        self._starts = _starts(texts_of)[:-1]
        sums = np.add.reduceat(self._vectors, self._starts, axis=0) if rows else self._vectors
        self._centres = _unit(sums)
        # The passages are centred the same way, each language by its own passages' mean.
        self._passages = _centred(passages, [lang for _, lang in passage_rows], sampled, every)
        #: Where each entry's passages start in ``_passages``.
        self._passage_starts = _starts(passages_of)[:-1]
        #: Per language of the content, how much less the meaning can be trusted in it.
        self._unreliability = _unreliability(
            self._vectors, sums, [lang for _, lang in rows],
            np.repeat(np.arange(len(self._ids)), [len(group) for group in texts_of]))

    @classmethod
    def from_content(cls, content: ContentSet, vectors_dir: Path | None = None) -> Matcher:
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
        return cls(docs, content.glossary, vectors_dir=vectors_dir)

    @property
    def encoder(self) -> Encoder:
        """The encoder of this matcher, for a caller that wants a query's vector once."""
        return self._encoder

    def query_vector(self, text: str) -> Vectors:
        """The vector :meth:`match` uses for ``text``; a caller that needs it too (the safety
        step) computes it once here and passes it to :meth:`match`. Short texts' vectors
        are remembered (:meth:`Encoder.query`)."""
        return self._encoder.query(encodable(text))

    def query_vectors(self, texts: Sequence[str]) -> Vectors:
        """Query vectors of texts the content itself holds (the validator asks every way of
        asking), cached like the entry vectors."""
        return cached(self._encoder, [encodable(t) for t in texts], self._vectors_dir, "query")

    def _weight(self, feature: str) -> float:
        idf = self._idf.get(feature)
        if idf is None:
            return 0.0
        return idf * (CONCEPT_WEIGHT if feature.startswith("c:") else 1.0)

    def _views(self, text: str, lang: str) -> _Views:
        """Both lexical views of how well each entry fits the text (see module doc)."""
        analysis = self._analyzer.analyse(text, lang, query=True)
        features = analysis.features()
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
        coverage = np.zeros(len(self._ids))
        nearest = np.zeros(len(self._ids))
        known = {f: positions for f, positions in analysis.sources if f in weights}
        function_words = frozenset(analysis.function_words)
        if total <= 0:
            return _Views(coverage, nearest, share, known, function_words)
        ids = [self._feature_ids[f] for f in weights]
        values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
        entries, counts = _gather(self._entries, self._entry_starts, ids)
        entry_weights, _ = _gather(self._entry_weights, self._entry_starts, ids)
        coverage += np.bincount(entries, np.repeat(values, counts) * entry_weights / total,
                                minlength=len(self._ids))
        texts, counts = _gather(self._texts, self._text_starts, ids)
        dots = np.bincount(texts, np.repeat(values * values, counts),
                           minlength=len(self._text_norm))
        query_norm = math.sqrt(
            sum(w * w for w in weights.values()) + sum(w * w for w in unknown_weights)
        )
        if len(dots):
            nearest[self._text_group_entry] = np.maximum.reduceat(
                dots / (query_norm * self._text_norm), self._text_groups)
        return _Views(coverage, nearest, share, known, function_words)

    def _entry_weight(self, feature: str, entry: int) -> float:
        """The entry's weight of a feature (0 if it has not got it)."""
        k = self._feature_ids[feature]
        start = self._entry_starts[k]
        found = np.flatnonzero(self._entries[start:self._entry_starts[k + 1]] == entry)
        return float(self._entry_weights[start + found[0]]) if len(found) else 0.0

    def _lexical(self, views: _Views) -> npt.NDArray[np.float64]:
        scores: npt.NDArray[np.float64] = (COSINE_SHARE * views.nearest
                                           + (1 - COSINE_SHARE) * views.coverage)
        return scores

    def _semantic(
        self, vector: Vectors
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Entry index → rescaled similarity: mean of the closest way of asking and the
        centre of all of them; and to the closest of the entry's passages (question and
        answer, per language)."""
        if not self._ids:
            return np.zeros(0), np.zeros(0)
        centred = _unit(vector - self._mean)
        closest = np.maximum.reduceat(self._vectors @ centred, self._starts)
        cosine = (closest + self._centres @ centred) / 2
        passage = np.maximum.reduceat(self._passages @ centred, self._passage_starts)
        return (np.asarray((cosine - SEMANTIC_FLOOR) / SEMANTIC_SPAN, dtype=np.float64),
                np.asarray((passage - SEMANTIC_FLOOR) / SEMANTIC_SPAN, dtype=np.float64))

    def assess(
        self, text: str, lang: str | None = None, *, vector: Vectors | None = None
    ) -> Assessment:
        """:meth:`match` with its reasons (each signal's part and the decision's inputs)."""
        scored = self._score(text, lang, vector)
        candidates = tuple(
            Signals(self._ids[i], round(float(scored.lexical[i]), 4),
                    round(float(scored.semantic[i]), 4), round(float(scored.fused[i]), 4),
                    round(float(scored.passage[i]), 4),
                    tuple(sorted(scored.views.known.keys() & self._entry_features[i])))
            for i in scored.order
        )
        return Assessment(scored.result, candidates, scored.inputs, scored.confidence)

    def match(
        self, text: str, lang: str | None = None, *, vector: Vectors | None = None
    ) -> MatchResult:
        """Match a question; ``lang`` is the user's language if the bot knows it (optional),
        ``vector`` the query's vector from :meth:`query_vector` if the caller has it already.

        Language identification runs either way (remembered: the safety step has asked it
        about the same message), as the decision reads how well the encoder reads the text's
        language; ``detected_lang`` says what it found only without ``lang``. The reasons
        :meth:`assess` adds are left out: they cost a quarter of a match.
        """
        return self._score(text, lang, vector).result

    def unreliability(self, lang: str) -> float:
        """How much less the meaning can be trusted in ``lang`` than in the content's
        languages on average (0 in a language the content has no ways of asking in)."""
        return self._unreliability.get(lang, 0.0)

    def _score(self, text: str, lang: str | None, vector: Vectors | None) -> _Scored:
        written = detect_language(text)
        detected = written if lang is None else None
        views = self._views(text, lang or written or "fi")
        # How far to trust the meaning: a question written in another language than the
        # user's, or mixing languages, gets the trust of the one the encoder reads best of
        # the user's and the text's, so the words decide more only when it is sure to be in
        # a language the encoder reads badly.
        unreliable = min((self.unreliability(code) for code in {lang, written} if code),
                         default=0.0)
        if vector is None:
            vector = self.query_vector(text)
        lexical = self._lexical(views)
        semantic, passage = self._semantic(vector)
        fused = (SEMANTIC_SHARE * np.clip(semantic, 0, 1)
                 + PASSAGE_SHARE * np.clip(passage, 0, 1)
                 + (1 - SEMANTIC_SHARE - PASSAGE_SHARE) * lexical)
        # Best first; equal scores in entry order.
        order = [int(i) for i in np.argsort(-fused, kind="stable")[:RANKED]]
        ranked = tuple(Candidate(self._ids[i], round(float(fused[i]), 4)) for i in order)
        inputs = self._inputs(views, order, fused, lexical, semantic, passage, unreliable)
        if inputs:
            inputs["repeats"] = float(self._repeats.get(said(text)) == order[0])
        confidence = _logistic(inputs) if inputs else 0.0
        decision = decide(confidence, inputs)
        result = MatchResult(decision, shown(decision, ranked), ranked, detected)
        return _Scored(result, views, order, lexical, semantic, passage, fused, inputs,
                       confidence)

    def _inputs(
        self,
        views: _Views,
        order: Sequence[int],
        fused: npt.NDArray[np.float64],
        lexical: npt.NDArray[np.float64],
        semantic: npt.NDArray[np.float64],
        passage: npt.NDArray[np.float64],
        unreliable: float,
    ) -> dict[str, float]:
        """The decision model's inputs for the best entry (see the module docstring), and
        the candidate inputs ``benchmarks/calibrate_matching.py --input`` may weigh (the
        model reads only those in ``CONFIDENCE_WEIGHTS``)."""
        if not order:
            return {}
        top = order[0]

        def margin(scores: npt.NDArray[np.float64]) -> float:
            others = np.delete(scores, top)
            return float(scores[top] - (others.max() if len(others) else 0.0))

        shared = views.known.keys() & self._entry_features[top]
        words = {pos for f in shared for pos in views.known[f]}
        about_words = {pos for f in shared & self._entry_about[top] for pos in views.known[f]}
        evidence, about = len(words), len(about_words)
        # The answer rule's count: "вид на жительство" is two words of support, not three.
        support = len(words - views.function_words)
        support_about = len(about_words - views.function_words)
        held = [self._entry_weight(f, top) for f in shared]
        return {
            "score": float(fused[top]),
            "margin": margin(fused),
            "semantic": float(semantic[top]),
            "semantic_margin": margin(semantic),
            "lexical": float(lexical[top]),
            "lexical_margin": margin(lexical),
            "agree": float(int(np.argmax(semantic)) == int(np.argmax(lexical)) == top),
            "evidence": min(evidence, EVIDENCE_FULL) / EVIDENCE_FULL,
            "unknown": views.unknown,
            "about": min(about, EVIDENCE_FULL) / EVIDENCE_FULL,
            "support": min(support, EVIDENCE_FULL) / EVIDENCE_FULL,
            "support_about": min(support_about, EVIDENCE_FULL) / EVIDENCE_FULL,
            "semantic_best": float(semantic.max()),
            "passage": float(passage[top]),
            "passage_margin": margin(passage),
            "central": min(held, default=0.0),
            "strongest": max(held, default=0.0),
            "unreliable": unreliable,
        }


def encodable(text: str) -> str:
    """What of a message the encoder sees: the text cleaned (case, invisible characters) as
    for language identification, without the emoji and punctuation around it. Capitals and
    such noise do not change what a question asks, so they must not change the match.

    Of a text longer than ``ENCODED_CHARS``, its opening and its end: encoding time grows
    with length, a long story's question is near its start, and what the safety step must
    not miss often comes last (a farewell). The lexical signal and the safety step's
    patterns still read all of it."""
    cleaned = clean(text)
    if len(cleaned) > ENCODED_CHARS:
        half = ENCODED_CHARS // 2
        cleaned = f"{cleaned[:half]} … {cleaned[-half:]}"
    return _EDGES.sub("", cleaned)


def _unit(vectors: Vectors) -> Vectors:
    """Rows (or one vector) scaled to length 1."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-9), dtype=np.float32)


def _blend(vectors: Vectors, prior: Vectors) -> Vectors:
    """The rows' mean, blended with ``LANGUAGE_PRIOR`` rows of ``prior``."""
    n = len(vectors)
    total = vectors.sum(axis=0) + LANGUAGE_PRIOR * prior
    return np.asarray(total / (n + LANGUAGE_PRIOR), dtype=np.float32)


def _centred(vectors: Vectors, langs: Sequence[str], sampled: dict[str, Vectors],
             every: Vectors) -> Vectors:
    """Each row less its language's mean (see the module docstring), scaled to length 1.
    In place: each language's mean comes from its own rows, which nothing else reads, and a
    copy of every vector per step would be the largest memory of a content load."""
    of_lang = np.array(langs)
    for lang in set(langs):
        rows_of = of_lang == lang
        vectors[rows_of] -= _blend(vectors[rows_of], sampled.get(lang, every))
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    return vectors


def _unreliability(vectors: Vectors, sums: Vectors, langs: Sequence[str],
                   entry_of: npt.NDArray[np.intp]) -> dict[str, float]:
    """Per language, how much worse the encoder tells the content's entries apart in it
    than in the content's languages on average: 1 − its mean self-retrieval margin over
    their mean, at least 0.

    A language's self-retrieval margin is, for its ways of asking, how much closer each is
    to its own entry's centre (without it) than to any other entry's centre: the encoder
    reads Somali and Sorani worse than Finnish, so their questions land between entries.
    At most ``RELIABILITY_SAMPLE`` rows per language (evenly spread), so a large content
    set costs a few matrix products of that many rows."""
    if not len(vectors):
        return {}
    centres = _unit(sums)
    of_lang = np.array(langs)
    margins: dict[str, float] = {}
    for lang in dict.fromkeys(langs):
        rows = np.flatnonzero(of_lang == lang)
        rows = rows[np.linspace(0, len(rows) - 1, min(len(rows), RELIABILITY_SAMPLE)).astype(int)]
        own = entry_of[rows]
        mine = vectors[rows]
        similar = mine @ centres.T
        at = np.arange(len(rows))
        similar[at, own] = -np.inf
        others = similar.max(axis=1) if centres.shape[0] > 1 else np.zeros(len(rows))
        left = np.einsum("ij,ij->i", mine, _unit(sums[own] - mine))
        margins[lang] = float(np.mean(left - others))
    mean = float(np.mean(list(margins.values())))
    if mean <= 0:
        return dict.fromkeys(margins, 0.0)
    return {lang: max(0.0, 1 - margin / mean) for lang, margin in margins.items()}


def _starts(postings: Sequence[Sequence[object]]) -> npt.NDArray[np.intp]:
    """Where each posting list starts in the flat array, and where the last one ends."""
    return np.concatenate(([0], np.cumsum([len(p) for p in postings]))).astype(np.intp)


def _gather(flat: npt.NDArray[T], starts: npt.NDArray[np.intp],
            ids: Sequence[int]) -> tuple[npt.NDArray[T], npt.NDArray[np.intp]]:
    """The posting lists ``ids`` of a flat array, one after another, and their lengths."""
    if not ids:
        return flat[:0], np.zeros(0, dtype=np.intp)
    chunks = [flat[starts[k]:starts[k + 1]] for k in ids]
    return np.concatenate(chunks), np.array([len(c) for c in chunks], dtype=np.intp)


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


def _logistic(inputs: dict[str, float]) -> float:
    z = CONFIDENCE_BIAS + sum(w * inputs.get(k, 0.0) for k, w in CONFIDENCE_WEIGHTS.items())
    return 1 / (1 + math.exp(-z))


def confirmed(inputs: dict[str, float], confidence: float) -> bool:
    """Whether words and meaning together may make the best entry an answer (see the module
    docstring); the confidence must be high enough as well (and at least
    ``UNRELIABLE_CONFIDENCE`` for the meaning's extra dissent in a language it reads badly)."""
    semantic_margin, support = inputs.get("semantic_margin", 0.0), inputs.get("support", 0.0)
    about = inputs.get("support_about", 0.0)
    if inputs.get("strongest", 0.0) < STRONGEST_MIN:
        return False
    if inputs.get("lexical_margin", 0.0) < -LEXICAL_DISSENT_MAX:
        return False
    if support >= EVIDENCE_ANSWER:
        dissent = SEMANTIC_DISSENT_MAX if support < 1 else SEMANTIC_DISSENT_FULL + (
            SEMANTIC_DISSENT_UNRELIABLE * inputs.get("unreliable", 0.0)
            if confidence >= UNRELIABLE_CONFIDENCE else 0.0)
        return semantic_margin >= SEMANTIC_MARGIN_MIN or (
            about >= support and semantic_margin >= -dissent) or (
            support >= 1 and inputs.get("passage_margin", -math.inf) >= PASSAGE_MARGIN_MIN)
    return support > 0 and (semantic_margin >= ONE_WORD_MARGIN or (
        about >= support and inputs.get("agree", 0.0) == 1
        and inputs.get("unknown", math.inf) <= ONE_WORD_UNKNOWN_MAX
        and inputs.get("central", 0.0) >= ONE_WORD_CENTRAL
        and semantic_margin >= SEMANTIC_MARGIN_MIN))


def decide(confidence: float, inputs: dict[str, float]) -> Decision:
    """Answer, suggest or nothing (see the module docstring). A question that says just
    what one of the best entry's ways of asking says (``repeats``) is answered whatever the
    confidence: an adviser who adds a user's wording to an entry sees it answered."""
    if inputs.get("repeats") == 1.0 or (
            confidence >= ANSWER_CONFIDENCE and confirmed(inputs, confidence)):
        return "answer"
    if confidence >= SUGGEST_CONFIDENCE:
        return "suggest"
    return "none"


def shown(decision: Decision, ranked: Sequence[Candidate]) -> tuple[str, ...]:
    """The entry ids the user sees for this decision."""
    if decision == "answer":
        return (ranked[0].id,)
    if decision == "none":
        return ()
    floor = ranked[0].score - SUGGEST_GAP
    return tuple(c.id for c in ranked[:MAX_SUGGESTIONS] if c.score >= floor)

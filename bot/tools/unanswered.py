"""`python -m bot unanswered`: what people asked that the FAQ did not answer, grouped by need.

The FAQ improves where it fails, but the question log is thousands of single lines in nine
languages. This command reads the recent questions the bot answered with nothing
(``none``), only guessed at (``suggest``) or answered unhelpfully (👎), and groups those
that ask for the same thing, whatever the language or wording, so that an adviser sees the
biggest gaps first, sees whether an existing entry comes close, and can turn a group into a
draft entry.

How questions are grouped
-------------------------
Each distinct wording becomes a vector of features made by the matcher's own analysis
(:mod:`bot.matching.analysis`), so the grouping reads a question as the bot does:

- concepts of the lexicon and the content glossary (``c:library`` for "kirjastokortti",
  "library card" and "بطاقة المكتبة" alike), ``CONCEPT_WEIGHT`` times a word: they are what
  lets the same need meet across languages;
- stems of the words no concept explains, for needs the lexicon does not know;
- character trigrams of those stems, so that misspelt or differently inflected forms of an
  unknown word still meet.

Features are weighted by their IDF over the wordings (a word in many questions, such as
"get", says little about the need); a feature only one wording has is dropped, as it cannot
bring two questions together and would only make every similarity smaller. Vectors have
unit length.

Grouping is agglomerative, level by level, with a leader algorithm at each level: the groups
(at first, every wording alone), most asked first, each join the group whose running
centroid is most similar (cosine) if that similarity is at least ``SIMILARITY``, else start
a new group; levels repeat until nothing merges. The cosine with a centroid is the mean
similarity to the group's members divided by the square root of the group's own mean
similarity, so ``SIMILARITY`` acts as an average-link threshold, a little stricter for loose
groups. Candidate groups come from an inverted index of concepts and stems with prefix
filtering (see :func:`_probe`), so 10,000 questions take seconds without numerical libraries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from itertools import repeat
from operator import mul
from pathlib import Path

import yaml

from bot.config import Settings
from bot.content.model import ContentSet
from bot.content.yamlfile import ContentInvalid
from bot.i18n.languages import LANGUAGES, REFERENCE_LANGUAGE
from bot.knowledge.knowledge import Knowledge
from bot.matching.analysis import Analyzer
from bot.matching.lexicon import ConceptFinder, builtin_patterns, glossary_patterns
from bot.matching.matcher import SUGGEST_SCORE, Matcher
from bot.matching.normalize import fold
from bot.storage.privacy import mask_personal_data

#: Minimum cosine between a question (or group) and a group's centroid for them to join.
#: Measured by grouping the answerable development queries (../shared/bench, nine
#: languages) by need and comparing with the entry each expects (B-cubed precision /
#: recall): 0.4 → 0.72 / 0.75, 0.5 → 0.82 / 0.68, 0.6 → 0.92 / 0.58. At 0.5 the groups that
#: mix needs mix near ones (health centre and medical helpline); at 0.4 unrelated questions
#: sharing one incidental concept start to merge; at 0.6 one need splits into several groups
#: by wording, which hides how often it is asked. Checked by eye on the off-topic queries.
SIMILARITY = 0.5
#: A concept weighs this many words: above the matcher's 2.5, because a grouping has no
#: entry texts to learn which words matter, and questions in different languages share
#: nothing but concepts (6 grouped the development queries best; 4 and 8 a little worse).
CONCEPT_WEIGHT = 6.0
NGRAM = 3
#: The trigrams of one word together have this share of the word's own weight (norm).
NGRAM_SHARE = 0.5
EXAMPLES = 5
MAX_ALTERNATES = 4
_DAY = 86400
#: Placeholders bot.storage.privacy puts in place of personal data: not part of the need.
_PLACEHOLDER = re.compile(r"\[[^\]\s]+\]")
_SLUG_PART = re.compile(r"[^a-z0-9]+")
#: Leaves room in the 40 letters of an id for 'draft-' and a number.
_MAX_SLUG = 26

Vector = dict[str, float]


@dataclass(frozen=True)
class Question:
    """One logged question; ``lang`` is the language the bot replied in."""

    text: str
    lang: str
    decision: str
    feedback: int | None


@dataclass(frozen=True)
class Wording:
    """The same text asked one or more times in one language."""

    text: str
    lang: str
    questions: tuple[Question, ...]

    @property
    def count(self) -> int:
        return len(self.questions)


@dataclass(frozen=True)
class Nearest:
    """The existing entry the examples come closest to."""

    id: str
    score: float
    #: For how many of the examples the entry was the best match.
    top_for: int
    examples: int


@dataclass(frozen=True)
class Group:
    """Questions about one need; wordings most central first."""

    wordings: tuple[Wording, ...]
    #: The group's main concepts and words, heaviest first (for naming a draft).
    features: tuple[str, ...]

    @property
    def size(self) -> int:
        return sum(w.count for w in self.wordings)

    def languages(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for wording in self.wordings:
            counts[wording.lang] += wording.count
        return counts

    def decisions(self) -> Counter[str]:
        mix = Counter(q.decision for w in self.wordings for q in w.questions)
        thumbs_down = sum(q.feedback == -1 for w in self.wordings for q in w.questions)
        if thumbs_down:
            mix["👎"] = thumbs_down
        return mix

    def in_language(self, lang: str) -> list[Wording]:
        return [w for w in self.wordings if w.lang == lang]

    def examples(self, limit: int = EXAMPLES) -> list[Wording]:
        """The most central wording of each language in turn, biggest languages first."""
        queues = [self.in_language(lang) for lang, _ in self.languages().most_common()]
        picked: list[Wording] = []
        while len(picked) < limit and any(queues):
            for queue in queues:
                if queue and len(picked) < limit:
                    picked.append(queue.pop(0))
        return picked


# -- reading the log -----------------------------------------------------------------------


def read_questions(db_path: str, since: int) -> list[Question]:
    """Questions since ``since`` (epoch seconds) that the FAQ did not serve well.

    The database is opened read-only, so the running bot is never locked out or changed.
    Texts are masked again: older rows may predate a masking rule.
    """
    uri = Path(db_path).resolve().as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        rows = db.execute(
            "SELECT text, lang, decision, feedback FROM questions "
            "WHERE at >= ? AND (decision IN ('none', 'suggest') OR feedback = -1) "
            "ORDER BY at, id",
            (since,),
        ).fetchall()
    return [Question(mask_personal_data(text), lang, decision, feedback)
            for text, lang, decision, feedback in rows]


def wordings(questions: Iterable[Question]) -> list[Wording]:
    """Questions with the same language and folded text, together; in order of first asking."""
    same: dict[tuple[str, str], list[Question]] = defaultdict(list)
    for question in questions:
        same[(question.lang, " ".join(fold(question.text).split()))].append(question)
    return [Wording(group[0].text, group[0].lang, tuple(group)) for group in same.values()]


# -- features ------------------------------------------------------------------------------


def analyzer_for(content: ContentSet) -> Analyzer:
    """The matcher's analysis (lexicon, glossary, spelling repair to content words)."""
    lexicon = builtin_patterns()
    analyzer = Analyzer([*lexicon, *glossary_patterns(content.glossary, ConceptFinder(lexicon))])
    analyzer.learn(
        text
        for entry in content.entries.values()
        for body in entry.texts.values()
        for text in (body.question, *body.alternates, *entry.keywords, body.answer)
    )
    return analyzer


def raw_features(analyzer: Analyzer, text: str, lang: str) -> Vector:
    """Concepts, stems and the stems' trigrams of a text, before IDF."""
    analysis = analyzer.analyse(_PLACEHOLDER.sub(" ", text), lang, query=True)
    features: Vector = {"c:" + concept: CONCEPT_WEIGHT for concept in analysis.concepts}
    for word in dict.fromkeys(analysis.words):
        features["w:" + word] = 1.0
        grams = _trigrams(word)
        for gram in grams:
            # The grams of a word together have NGRAM_SHARE of the word's norm.
            features["g:" + gram] = (features.get("g:" + gram, 0.0)
                                     + NGRAM_SHARE / math.sqrt(len(grams)))
    return features


def _trigrams(word: str) -> list[str]:
    padded = f"<{word}>"
    return [padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1)]


def weigh(raw: Sequence[Vector]) -> list[Vector]:
    """IDF-weighted unit vectors of the features that more than one wording has.

    A feature most questions share says little about the need (IDF). One that a single
    wording has (a name, a typo) cannot bring two questions together, only make every
    similarity smaller, so it is left out.
    """
    df: Counter[str] = Counter(f for vector in raw for f in vector)
    idf = {f: math.log(1 + len(raw) / n) for f, n in df.items() if n > 1}
    vectors = []
    for vector in raw:
        weighted = {f: w * idf[f] for f, w in vector.items() if f in idf}
        norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
        vectors.append({f: w / norm for f, w in weighted.items()})
    return vectors


# -- grouping ------------------------------------------------------------------------------


class _Centroid:
    """The count-weighted sum of a group's unit vectors, with its norm kept up to date."""

    def __init__(self) -> None:
        self.total: Vector = {}
        self._norm2 = 0.0

    def cosine(self, vector: Vector) -> float:
        if self._norm2 <= 0:
            return 0.0
        # map() with operator.mul: this is the inner loop of the grouping.
        found = map(self.total.get, vector.keys(), repeat(0.0))
        dot: float = sum(map(mul, vector.values(), found))
        return dot / math.sqrt(self._norm2)

    def add(self, vector: Vector, count: int) -> None:
        for feature, weight in vector.items():
            old = self.total.get(feature, 0.0)
            new = old + count * weight
            self.total[feature] = new
            self._norm2 += new * new - old * old


def _indexed(vector: Vector) -> list[str]:
    """Features that propose candidate groups: concepts and stems (trigrams only refine)."""
    return [f for f in vector if not f.startswith("g:")]


def _probe(vector: Vector, threshold: float) -> list[str]:
    """The indexed features a group must share with the unit ``vector`` to reach ``threshold``.

    The cosine with a group is at most the norm of the part of the vector the group shares,
    so a group that shares none of the heaviest features, where the rest has a norm below
    the threshold, cannot reach it (prefix filtering): looking up the rest is wasted time.
    """
    rest = 1.0
    probe = []
    for feature, weight in sorted(vector.items(), key=lambda item: -item[1]):
        if rest < threshold * threshold:
            break
        rest -= weight * weight
        if not feature.startswith("g:"):
            probe.append(feature)
    return probe


class _Grouping:
    """Centroids with an inverted index from feature to the centroids that have it."""

    def __init__(self) -> None:
        self.centroids: list[_Centroid] = []
        self._index: dict[str, set[int]] = defaultdict(set)

    def best(self, vector: Vector, threshold: float) -> tuple[int | None, float]:
        """The most similar group that may reach ``threshold``, and the cosine with it."""
        candidates = {c for f in _probe(vector, threshold) for c in self._index.get(f, ())}
        scored = [(self.centroids[c].cosine(vector), -c) for c in candidates]
        if not scored:
            return None, 0.0
        cosine, minus_c = max(scored)
        return -minus_c, cosine

    def add(self, vector: Vector, count: int, target: int | None) -> int:
        if target is None:
            target = len(self.centroids)
            self.centroids.append(_Centroid())
        self.centroids[target].add(vector, count)
        for feature in _indexed(vector):
            self._index[feature].add(target)
        return target


def cluster(vectors: Sequence[Vector], counts: Sequence[int],
            threshold: float = SIMILARITY) -> list[list[int]]:
    """Indexes of the vectors grouped by need, biggest group first (see module docstring)."""
    groups = [[i] for i in range(len(vectors))]
    while True:
        centroids = [_unit(_sum(vectors, counts, group)) for group in groups]
        sizes = [sum(counts[i] for i in group) for group in groups]
        merged = _leader(centroids, sizes, threshold)
        if len(merged) == len(groups):
            break
        groups = [[i for g in parts for i in groups[g]] for parts in merged]
    return sorted(groups, key=lambda group: -sum(counts[i] for i in group))


def _leader(vectors: Sequence[Vector], counts: Sequence[int], threshold: float) -> list[list[int]]:
    """One pass of the leader algorithm, the most repeated vectors first."""
    grouping = _Grouping()
    members: dict[int, list[int]] = defaultdict(list)
    for i in sorted(range(len(vectors)), key=lambda i: -counts[i]):
        target, cosine = grouping.best(vectors[i], threshold)
        members[grouping.add(vectors[i], counts[i], target if cosine >= threshold else None)
                ].append(i)
    return list(members.values())


def _sum(vectors: Sequence[Vector], counts: Sequence[int], indexes: Iterable[int]) -> Vector:
    total: Vector = defaultdict(float)
    for i in indexes:
        for feature, weight in vectors[i].items():
            total[feature] += counts[i] * weight
    return total


def _unit(vector: Vector) -> Vector:
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {f: w / norm for f, w in vector.items()}


def _central_first(indexes: list[int], vectors: Sequence[Vector],
                   counts: Sequence[int]) -> tuple[list[int], Vector]:
    centroid = _Centroid()
    for i in indexes:
        centroid.add(vectors[i], counts[i])
    ranked = sorted(indexes, key=lambda i: (-centroid.cosine(vectors[i]), -counts[i]))
    return ranked, centroid.total


def group_questions(questions: Iterable[Question], analyzer: Analyzer,
                    threshold: float = SIMILARITY) -> list[Group]:
    """The questions grouped by need, most asked first."""
    items = wordings(questions)
    vectors = weigh([raw_features(analyzer, w.text, w.lang) for w in items])
    counts = [w.count for w in items]
    groups = []
    for indexes in cluster(vectors, counts, threshold):
        ranked, total = _central_first(indexes, vectors, counts)
        heaviest = sorted((f for f in total if not f.startswith("g:")),
                          key=lambda f: (-total[f], f))
        groups.append(Group(tuple(items[i] for i in ranked), tuple(heaviest)))
    return groups


# -- the nearest entry ---------------------------------------------------------------------


def nearest_entry(matcher: Matcher, examples: Sequence[Wording]) -> Nearest | None:
    """The entry that is the best match for most examples (ties: the higher mean score)."""
    scores: dict[str, list[float]] = defaultdict(list)
    for wording in examples:
        ranked = matcher.match(wording.text, wording.lang).ranked
        if ranked:
            scores[ranked[0].id].append(ranked[0].score)
    if not scores:
        return None
    best = max(scores, key=lambda e: (len(scores[e]), sum(scores[e]) / len(scores[e]), e))
    mean = sum(scores[best]) / len(scores[best])
    return Nearest(best, round(mean, 2), len(scores[best]), len(examples))


# -- the listing ---------------------------------------------------------------------------


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {n}" for key, n in counter.most_common())


def _advice(nearest: Nearest | None) -> str:
    if nearest is None or nearest.score < SUGGEST_SCORE:
        return "no entry comes close: the FAQ probably lacks one (--draft writes a start)"
    return (f"nearest entry: {nearest.id} (score {nearest.score:.2f}, best match for "
            f"{nearest.top_for} of {nearest.examples} examples): if it answers these, add "
            "their wordings to its alternates or keywords; if not, a new entry is needed")


def describe(number: int, group: Group, nearest: Nearest | None) -> str:
    """One group as an adviser reads it."""
    lines = [
        f"{number}. {group.size} questions · languages: {_counts(group.languages())} · "
        f"{_counts(group.decisions())}",
        f"   {_advice(nearest)}",
    ]
    lines += [f"   - [{w.lang}] {_one_line(w.text)}" + (f"  (×{w.count})" if w.count > 1 else "")
              for w in group.examples()]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- the draft -----------------------------------------------------------------------------


def draft_id(group: Group, taken: Iterable[str] = ()) -> str:
    """``draft-`` and the group's main concept (or word) in a-z, not one of ``taken``.

    Never an id in ``taken``: an adviser may already be editing an earlier draft.
    """
    names = (_SLUG_PART.sub("-", f.rsplit(":", 1)[-1].casefold()).strip("-")
             for f in group.features)
    base = "draft-" + next((name[:_MAX_SLUG] for name in names if name), "question")
    used = set(taken)
    entry_id, n = base, 1
    while entry_id in used:
        n += 1
        entry_id = f"{base}-{n}"
    return entry_id


def _scalar(text: str) -> str:
    """One line of text as a YAML double-quoted scalar: colons, '#' and quotes stay text."""
    dumped = yaml.safe_dump(_one_line(text), allow_unicode=True, default_style='"',
                            width=1_000_000)
    return dumped.rstrip("\n")


def _language_block(lang: str, wordings_: Sequence[Wording]) -> list[str]:
    """Question and alternates from the most central wordings; the answer left to write."""
    # Masked once more: this file leaves the database and may be shared or committed.
    texts = list(dict.fromkeys(_one_line(mask_personal_data(w.text)) for w in wordings_))
    alternates = [f"    - {_scalar(text)}" for text in texts[1 : 1 + MAX_ALTERNATES]]
    reference = lang == REFERENCE_LANGUAGE
    return [
        f"{lang}:",
        f"  question: {_scalar(texts[0])}" if texts
        else '  question: ""   # TODO: the question in plain Finnish (required)',
        "  alternates:" if alternates else "  alternates: []",
        *alternates,
        '  answer: ""     # TODO: ' + ("the answer in plain Finnish, 3-8 short sentences"
                                       if reference else
                                       "the answer in this language, or delete this language"),
    ]


def draft_yaml(group: Group, entry_id: str, today: dt.date, number: int) -> str:
    """The draft entry: the loader's format, with placeholders an adviser replaces."""
    present = [lang for lang in LANGUAGES if group.in_language(lang)]
    lines = [
        f"# FAQ draft from `python -m bot unanswered`, group {number}: {group.size} questions "
        f"in {', '.join(present)}.",
        "# Before it goes live: choose the topic and the official source, write the answers,",
        "# correct the questions into good examples, check that no personal detail is left,",
        "# then give it a new id, name the file after it and move it to faq/entries/.",
        "# Check it with `python -m bot validate`.",
        f"id: {entry_id}",
        "topic: choose-a-topic   # TODO: one of the ids in topics.yaml",
        "source:",
        "  name: add the official source   # TODO: who states these facts",
        "  url: https://   # TODO: the official page that states them",
        f"reviewed: {today.isoformat()}",
        "keywords: []   # optional: more words that should find this entry",
    ]
    for lang in sorted({REFERENCE_LANGUAGE, *present}, key=LANGUAGES.index):
        lines += _language_block(lang, group.in_language(lang))
    return "\n".join(lines) + "\n"


def write_draft(group: Group, number: int, out: Path, today: dt.date) -> Path:
    """Write the draft into ``out`` under a file name no other draft uses."""
    out.mkdir(parents=True, exist_ok=True)
    entry_id = draft_id(group, (p.stem for p in out.glob("*.yaml")))
    path = out / f"{entry_id}.yaml"
    path.write_text(draft_yaml(group, entry_id, today, number), encoding="utf-8")
    return path


# -- the command ---------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the `unanswered` sub-command on `python -m bot`'s sub-parsers."""
    p = subparsers.add_parser(
        "unanswered",
        help="group recent unanswered, guessed or 👎 questions by need; draft an entry",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    p.add_argument("--days", type=int, default=30, help="look this many days back (default: 30)")
    p.add_argument("--db", help="SQLite database (default: $NEUVO_DB or data/neuvo.sqlite3)")
    p.add_argument("--content", help="content folder (default: $NEUVO_CONTENT or faq)")
    p.add_argument("--min-size", type=int, default=2,
                   help="show groups of at least this many questions (default: 2)")
    p.add_argument("--limit", type=int, help="show at most this many groups")
    p.add_argument("--draft", type=int, metavar="NUMBER",
                   help="write a draft entry for the group with this number in the listing")
    p.add_argument("--out", help="folder for the draft (default: $NEUVO_DRAFTS or faq-drafts)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    db_path = args.db or settings.db_path
    if not Path(db_path).is_file():
        return _fail(f"{db_path}: no such database (set --db or NEUVO_DB)")
    try:
        knowledge = Knowledge.load(Path(args.content) if args.content else settings.content_dir,
                                   settings.vectors_dir)
    except ContentInvalid as error:
        return _fail(f"{error}\nthe content has errors; fix them first")
    try:
        questions = read_questions(db_path, int(time.time()) - args.days * _DAY)
    except sqlite3.Error as error:
        return _fail(f"{db_path}: {error}")
    groups = [g for g in group_questions(questions, analyzer_for(knowledge.content))
              if g.size >= args.min_size]
    if args.draft is not None:
        if not 1 <= args.draft <= len(groups):
            return _fail(f"--draft {args.draft}: there are groups 1 to {len(groups)}")
        out = Path(args.out) if args.out else settings.drafts_dir
        print(write_draft(groups[args.draft - 1], args.draft, out, dt.date.today()))
        return 0
    print(f"Last {args.days} days: {len(questions)} questions not answered well; "
          f"{len(groups)} groups of at least {args.min_size} hold "
          f"{sum(g.size for g in groups)} of them.")
    for number, group in enumerate(groups[: args.limit], start=1):
        print()
        print(describe(number, group, nearest_entry(knowledge.matcher, group.examples())))
    return 0


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1

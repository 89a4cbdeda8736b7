"""Fit the matcher's decision leaving topics out, and report held-out numbers.

Not a test. Run from the repository root:

    .venv/bin/python benchmarks/calibrate_matching.py [--bench ../shared/bench] [--folds 5]
        [--splits 16] [--try ONE_WORD_MARGIN] [--input passage_margin] [--passage-share 0.1]

Why: a decision fitted on the queries it is scored on measures how well it remembers them,
not how it will do on the entries advisers write next month. So the topics of both benchmark
corpora (the original 50 and the 15 new ones, each matcher built from its own corpus) are
split into folds; for each fold the fusion share and the logistic model are fitted on the
other folds' topics, and the fold's queries — topics the fit never saw — are decided with
them. Off-topic queries are spread over the folds too. The numbers printed are those
held-out decisions, per corpus and per language. One split of the topics into folds is luck
too (a fold's fit can tip between two fusion shares), so ``--splits`` repeats it with other
random splits and reports the mean: compare a change with and without it over the same
splits. ``--try`` fits a constant of the answer rule in each fold as well (the way to weigh
a new rule: fitted on some topics, scored on others); ``--input`` adds a candidate input
to the logistic model and ``--passage-share`` fusions that give the passage signal a share.
Then a harsher check: the decision fitted on one corpus alone decides the other (content
written by other people, as advisers' next entries will be). Last, the fit on all topics is
printed as the constants to paste into ``bot/matching/matcher.py``.

Only the decision is fitted here; the lexicon, the glossary and the content are never
touched, and no query text goes anywhere but into the matcher.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.content.loader import load_content
from bot.matching import matcher as matching
from bot.matching.embedding import Encoder, Vectors
from bot.matching.matcher import Candidate, Document, Matcher, encodable
from bot.matching.normalize import tokens
from bot.matching.vectors import cached
from bot.tools.evaluation import load_corpus, load_queries

#: Fusion shares fitted: (meaning's ways of asking, meaning's passages); the rest is words.
#: ``--passage-share`` adds shares of the passages.
SHARES: tuple[tuple[float, float], ...] = ((0.35, 0.0), (0.45, 0.0), (0.55, 0.0))
#: Constants of the answer rule (`bot.matching.matcher.confirmed`) that ``--try`` fits with
#: the thresholds in every fold, and their candidates: the rule off first, so that a tie keeps
#: it off. The first two were tried on 7 December 2026 and left off: they answer more
#: questions right, but held out they also answer more wrongly or off-topic; the passage
#: margin was fitted the same day and is on at 0.1 (README, "Matching quality"); the one-word
#: rule's unknown share is on at 0 (the fit's 0.35 lets off-topic questions meet the rule).
#: STRONGEST_MIN is stricter on, not off: the benchmarks hold no homograph it is for, so the
#: fit keeps it off, and the bot's 0.55 is a design choice checked against the same splits.
#: The words' dissent (LEXICAL_DISSENT_MAX, 7 December 2026) is on at 0.2, a design choice
#: too: fitted in every fold it went down to 0.1 and the folds' thresholds with it.
#: SEMANTIC_DISSENT_UNRELIABLE (7 December 2026, session 12) is on at 0.4, as fitted in every
#: fold: the meaning's extra dissent per unit of the question language's unreliability.
CANDIDATE_RULES: dict[str, tuple[float, ...]] = {
    "ONE_WORD_MARGIN": (math.inf, 0.8, 0.7, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2),
    "SEMANTIC_DISSENT_FULL": (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5),
    "PASSAGE_MARGIN_MIN": (math.inf, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1),
    "ONE_WORD_UNKNOWN_MAX": (-math.inf, 0.0, 0.2, 0.35),
    "STRONGEST_MIN": (0.0, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7),
    "LEXICAL_DISSENT_MAX": (math.inf, 0.3, 0.25, 0.2, 0.15, 0.1),
    "SEMANTIC_DISSENT_UNRELIABLE": (0.0, 0.1, 0.2, 0.3, 0.4),
}
#: The bot's values of those constants, for fits that leave them as they are.
BOT_RULES = {name: float(getattr(matching, name)) for name in CANDIDATE_RULES}
#: The rules fitted in this run (``--try``).
RULES: dict[str, tuple[float, ...]] = {}
FEATURES = tuple(matching.CONFIDENCE_WEIGHTS)
#: Inputs the matcher computes that the bot's model does not weigh; ``--input NAME`` fits
#: the model with them too (the way to weigh a new input: fitted on some topics, scored on
#: others, against the same splits without it).
CANDIDATE_INPUTS = ("passage", "passage_margin", "unreliable")
#: Cost per outcome, as in the matcher's module docstring.
COST = {"right": 0.0, "suggested": 1.0, "missed": 3.0, "wrong": 8.0,
        "oos_answer": 8.0, "oos_suggest": 0.5, "oos_none": 0.0}
L2 = 0.01


@dataclass
class Query:
    corpus: str
    lang: str
    expected: str | None
    fold: int
    #: Per fusion shares: (inputs as a vector, ranked ids, ranked scores).
    views: dict[tuple[float, float], tuple[np.ndarray, list[str], list[float]]]
    #: Per fusion shares: the inputs by name and the ranked candidates, as `decide` and
    #: `shown` take them.
    decided: dict[tuple[float, float], tuple[dict[str, float], list[Candidate]]]
    #: Per baseline (BM25, e5): the five best (id, score), best first.
    baselines: dict[str, list[tuple[str, float]]]


def bm25(docs: list[Document]) -> Callable[[str], list[tuple[str, float]]]:
    """Plain BM25 (k1 1.2, b 0.75) over each entry's questions and answers in all its
    languages, on folded word tokens: the usual lexical baseline, no stems or lexicon."""
    text: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        text[d.id] += tokens(" ".join((d.question, *d.alternates, d.answer)))
    ids = list(text)
    counts = [Counter(text[i]) for i in ids]
    lengths = np.array([len(text[i]) for i in ids], dtype=float)
    df = Counter(t for c in counts for t in c)
    n = len(ids)

    def rank(query: str) -> list[tuple[str, float]]:
        scores = np.zeros(n)
        for t in set(tokens(query)):
            if t not in df:
                continue
            idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
            tf = np.array([c[t] for c in counts], dtype=float)
            scores += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * lengths / lengths.mean()))
        order = np.argsort(-scores, kind="stable")[:matching.RANKED]
        return [(ids[i], float(scores[i])) for i in order]

    return rank


def e5(docs: list[Document], encoder: Encoder,
       vectors: Path) -> Callable[[Vectors], list[tuple[str, float]]]:
    """Plain multilingual-e5-small search: the closest way of asking, in any language."""
    texts = [(d.id, t) for d in docs for t in (d.question, *d.alternates)]
    matrix = cached(encoder, [t for _, t in texts], vectors)

    def rank(vector: Vectors) -> list[tuple[str, float]]:
        best: dict[str, float] = {}
        for (i, _), s in zip(texts, matrix @ vector, strict=True):
            best[i] = max(best.get(i, -1.0), float(s))
        return sorted(best.items(), key=lambda kv: -kv[1])[:matching.RANKED]

    return rank


def collect(bench: Path, vectors: Path) -> list[Query]:
    glossary = load_content(Path("faq")).glossary
    queries: list[Query] = []
    for name, folder in (("original", bench), ("new-topics", bench / "newtopics")):
        print(f"building the matcher from {folder / 'corpus.jsonl'} …", file=sys.stderr)
        docs = load_corpus(folder / "corpus.jsonl")
        matcher = Matcher(docs, glossary, vectors_dir=vectors)
        plain_bm25, plain_e5 = bm25(docs), e5(docs, matcher.encoder, vectors)
        rows = load_queries(folder / "dev.jsonl")
        print(f"encoding {len(rows)} queries …", file=sys.stderr)
        vecs = matcher.encoder.queries([encodable(str(r["text"])) for r in rows])
        for row, vec in zip(rows, vecs, strict=True):
            expected = str(row["expected"]) if row["expected"] else None
            views, decided = {}, {}
            for share in SHARES:
                matching.SEMANTIC_SHARE, matching.PASSAGE_SHARE = share
                a = matcher.assess(str(row["text"]), vector=vec)
                views[share] = (np.array([a.inputs.get(f, 0.0) for f in FEATURES]),
                                [c.id for c in a.result.ranked],
                                [c.score for c in a.result.ranked])
                decided[share] = (a.inputs, list(a.result.ranked))
            baselines = {"BM25": plain_bm25(str(row["text"])), "e5": plain_e5(vec)}
            queries.append(Query(name, str(row["lang"]), expected, 0, views, decided,
                                 baselines))
    return queries


def assign_folds(queries: list[Query], folds: int, split: int = 0) -> None:
    """Spread each corpus's topics over the folds at random (one seed per split), and its
    off-topic queries in turn."""
    rng = random.Random(14 + split)
    for corpus in dict.fromkeys(q.corpus for q in queries):
        mine = [q for q in queries if q.corpus == corpus]
        topics = sorted({q.expected for q in mine if q.expected})
        rng.shuffle(topics)
        fold_of = {t: i % folds for i, t in enumerate(topics)}
        for k, q in enumerate(mine):
            q.fold = fold_of[q.expected] if q.expected else (k + split) % folds


def held_out(queries: list[Query], folds: int, split: int = 0) -> list[tuple[Query, str, bool]]:
    """Each fold's queries decided by a fit on the other folds' topics."""
    assign_folds(queries, folds, split)
    rows: list[tuple[Query, str, bool]] = []
    for fold in range(folds):
        f = fit([q for q in queries if q.fold != fold])
        if split == 0:
            print(f"fold {fold}: shares {f.share}, answer ≥ {f.answer_at}, suggest ≥ {f.suggest_at}"
                  + "".join(f", {name} {value}" for name, value in f.rules.items()),
                  file=sys.stderr)
        rows += [(q, outcome(q, f, f.prob(q)), q.views[f.share][1][:1] == [q.expected])
                 for q in queries if q.fold == fold]
    return rows


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Weights (bias first) by weighted Newton's method with a little L2 (not on the bias)."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], L2)
    reg[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (weight * (p - y)) + reg * w
        hess = (xb * (weight * p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def outcome(q: Query, f: Fit, p: float) -> str:
    """What the user gets, decided by the matcher's own `decide` and `shown`."""
    inputs, ranked = q.decided[f.share]
    with_constants(f)
    return result(q, f.share, matching.decide(p, inputs) if ranked else "none")


def result(q: Query, share: tuple[float, float], decision: matching.Decision) -> str:
    """The outcome of a decision on a query, as `shown` shows it."""
    ranked = q.decided[share][1]
    shown = matching.shown(decision, ranked)
    if q.expected is None:
        return "oos_" + decision
    if decision == "answer":
        return "right" if shown == (q.expected,) else "wrong"
    return "suggested" if q.expected in shown else "missed"


@dataclass
class Fit:
    share: tuple[float, float]
    weights: np.ndarray
    answer_at: float
    suggest_at: float
    #: The answer rule's constants (RULES) as fitted.
    rules: dict[str, float] = field(default_factory=dict)

    def prob(self, q: Query) -> float:
        x = q.views[self.share][0]
        return float(1 / (1 + np.exp(-(self.weights[0] + self.weights[1:] @ x))))


def corpus_weights(queries: list[Query]) -> np.ndarray:
    """Each corpus weighs the same in a fit, so the 15 new topics count as much as the 50
    original ones: content of any size must be decided well."""
    sizes: dict[str, int] = defaultdict(int)
    for q in queries:
        sizes[q.corpus] += 1
    return np.array([len(queries) / (len(sizes) * sizes[q.corpus]) for q in queries])


def with_constants(f: Fit) -> None:
    """Set the matcher's thresholds to a fit's, so `decide` is the bot's own."""
    matching.ANSWER_CONFIDENCE = f.answer_at
    matching.SUGGEST_CONFIDENCE = f.suggest_at
    for name, value in BOT_RULES.items():
        setattr(matching, name, f.rules.get(name, value))


def fit(train: list[Query]) -> Fit:
    """The fusion share, logistic model, thresholds and answer rule (RULES) of least cost on
    ``train``. Each query's cost is worked out once per decision (with the matcher's `shown`)
    and whether it may be answered once per rule (with its `confirmed`), so the thresholds'
    grid is array arithmetic; ties keep the earlier (stricter) candidate."""
    best: tuple[float, Fit] | None = None
    weight = corpus_weights(train)
    answer_grid = np.round(np.arange(0.5, 1.0, 0.05), 3)
    suggest_grid = np.round(np.arange(0.05, 0.45, 0.05), 3)
    for share in SHARES:
        x = np.array([q.views[share][0] for q in train])
        y = np.array([q.expected is not None and q.views[share][1][:1] == [q.expected]
                      for q in train], dtype=float)
        weights = fit_logistic(x, y, weight)
        probs = np.array([Fit(share, weights, 1.0, 1.0).prob(q) for q in train])
        ranked = np.array([bool(q.decided[share][1]) for q in train])
        cost = {d: np.array([COST[result(q, share, d)] for q in train]) * weight
                for d in ("answer", "suggest", "none")}
        for values in itertools.product(*RULES.values()):
            rules = dict(zip(RULES, values, strict=True))
            with_constants(Fit(share, weights, 1.0, 1.0, rules))
            may_answer = ranked & np.array([matching.confirmed(q.decided[share][0], p)
                                            for q, p in zip(train, probs, strict=True)])
            for answer_at in answer_grid:
                answer = may_answer & (probs >= answer_at)
                for suggest_at in suggest_grid:
                    suggest = ranked & ~answer & (probs >= suggest_at)
                    total = float(cost["answer"] @ answer + cost["suggest"] @ suggest
                                  + cost["none"] @ ~(answer | suggest))
                    if best is None or total < best[0] - 1e-9:
                        best = (total, Fit(share, weights, float(answer_at), float(suggest_at),
                                           rules))
    assert best is not None
    return best[1]


def report(rows: list[tuple[Query, str, bool]], per_language: bool = True) -> None:
    """Held-out numbers per corpus and language, in `python -m bot eval`'s terms."""
    groups: dict[tuple[str, str], list[tuple[Query, str, bool]]] = defaultdict(list)
    for row in rows:
        if per_language:
            groups[(row[0].corpus, row[0].lang)].append(row)
        groups[(row[0].corpus, "all")].append(row)
    print(f"{'corpus':<11}{'lang':<5}{'n':>4}  correct  helpful  wrong  oos_ans  rank@1")
    for (corpus, lang), items in sorted(groups.items(),
                                        key=lambda kv: (kv[0][0], kv[0][1] == "all")):
        answerable = [r for r in items if r[0].expected is not None]
        oos = [r for r in items if r[0].expected is None]

        def share(rs: list[tuple[Query, str, bool]], *kinds: str) -> float:
            return sum(r[1] in kinds for r in rs) / max(len(rs), 1)

        rank1 = sum(r[2] for r in answerable) / max(len(answerable), 1)
        print(f"{corpus:<11}{lang:<5}{len(items):>4}  {share(answerable, 'right'):7.3f}"
              f"  {share(answerable, 'right', 'suggested'):7.3f}  {share(answerable, 'wrong'):5.3f}"
              f"  {share(oos, 'oos_answer'):7.3f}  {rank1:6.3f}")


def figures(rows: list[tuple[Query, str, bool]], corpus: str) -> tuple[float, float, float]:
    """Correct, wrong and off-topic answered of one corpus's held-out decisions."""
    answerable = [r[1] for r in rows if r[0].corpus == corpus and r[0].expected is not None]
    oos = [r[1] for r in rows if r[0].corpus == corpus and r[0].expected is None]
    return (answerable.count("right") / max(len(answerable), 1),
            answerable.count("wrong") / max(len(answerable), 1),
            oos.count("oos_answer") / max(len(oos), 1))


def baseline_outcomes(queries: list[Query], name: str, folds: int) -> list[tuple[Query, str, bool]]:
    """A baseline decided the simple way, leaving topics out like the matcher: answer when
    the best score reaches one threshold, suggest the best three above another; both
    thresholds fitted per fold on the other folds' topics with the same costs."""

    def outcome(q: Query, answer_at: float, suggest_at: float) -> str:
        ranked = q.baselines[name]
        top = ranked[0][1] if ranked else 0.0
        decision = "answer" if top >= answer_at else "suggest" if top >= suggest_at else "none"
        shown = [i for i, _ in ranked[:1 if decision == "answer" else 3]]
        if q.expected is None:
            return "oos_" + decision
        if decision == "answer":
            return "right" if shown == [q.expected] else "wrong"
        return "suggested" if decision == "suggest" and q.expected in shown else "missed"

    rows = []
    for fold in range(folds):
        train = [q for q in queries if q.fold != fold]
        weight = corpus_weights(train)
        tops = sorted({round(q.baselines[name][0][1], 3) for q in train if q.baselines[name]})
        grid = [tops[int(i * (len(tops) - 1) / 40)] for i in range(41)] + [math.inf]
        best = min((sum(w * COST[outcome(q, a, s)] for q, w in zip(train, weight, strict=True)),
                     a, s) for a in grid for s in grid if s <= a)
        for q in queries:
            if q.fold == fold:
                rows.append((q, outcome(q, best[1], best[2]),
                             q.baselines[name][:1] == [(q.expected, q.baselines[name][0][1])]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "bench"
    parser.add_argument("--bench", type=Path, default=default, help="folder with the benchmark")
    parser.add_argument("--vectors", type=Path, default=Path("data/vectors"),
                        help="entry vector cache (as NEUVO_VECTORS)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--splits", type=int, default=1,
                        help="also report held-out figures averaged over this many random "
                             "splits of the topics into folds (a change that helps only one "
                             "split is luck)")
    parser.add_argument("--input", dest="inputs", action="append", default=[],
                        choices=CANDIDATE_INPUTS,
                        help="fit the logistic model with this input of the matcher too")
    parser.add_argument("--passage-share", dest="passage_shares", action="append", type=float,
                        default=[], help="also fit fusions giving the passages this share "
                                         "(taken from the words)")
    parser.add_argument("--try", dest="rules", action="append", default=[],
                        choices=sorted(CANDIDATE_RULES),
                        help="fit this constant of the answer rule in every fold too")
    args = parser.parse_args()
    RULES.update((name, CANDIDATE_RULES[name]) for name in args.rules)
    global FEATURES, SHARES
    FEATURES = (*FEATURES, *(name for name in args.inputs if name not in FEATURES))
    SHARES = (*SHARES, *((s, p) for p in args.passage_shares for s, _ in SHARES))
    queries = collect(args.bench, args.vectors)
    print(f"held out ({args.folds} folds over topics; each fold decided by a fit on the others)")
    first = held_out(queries, args.folds)
    report(first)
    if args.splits > 1:
        print(f"\nheld out, mean over {args.splits} random splits of the topics into folds")
        splits = [first] + [held_out(queries, args.folds, split)
                            for split in range(1, args.splits)]
        report([row for rows in splits for row in rows], per_language=False)
        print("per split (correct / wrong / off-topic answered):")
        for corpus in dict.fromkeys(q.corpus for q in queries):
            print(f"  {corpus:<11}" + "  ".join(
                "{:.3f}/{:.3f}/{:.3f}".format(*figures(rows, corpus)) for rows in splits))
        assign_folds(queries, args.folds)
    print("\nacross corpora (fitted on one corpus's topics, deciding the other's): a harsher"
          " check, content written by other people")
    crossed: list[tuple[Query, str, bool]] = []
    for train, test in (("original", "new-topics"), ("new-topics", "original")):
        f = fit([q for q in queries if q.corpus == train])
        crossed += [(q, outcome(q, f, f.prob(q)), q.views[f.share][1][:1] == [q.expected])
                    for q in queries if q.corpus == test]
    report(crossed, per_language=False)
    for name in ("BM25", "e5"):
        print(f"\nbaseline: plain {name}, held out the same way")
        report(baseline_outcomes(queries, name, args.folds), per_language=False)
    final = fit(queries)
    print("\nfitted on all topics — constants for bot/matching/matcher.py:")
    print(f"SEMANTIC_SHARE = {final.share[0]}\nPASSAGE_SHARE = {final.share[1]}")
    print(f"CONFIDENCE_BIAS = {final.weights[0]:.2f}")
    print("CONFIDENCE_WEIGHTS = {")
    for name, weight in zip(FEATURES, final.weights[1:], strict=True):
        print(f'    "{name}": {weight:.2f},')
    print("}")
    print(f"ANSWER_CONFIDENCE = {final.answer_at}\nSUGGEST_CONFIDENCE = {final.suggest_at}")
    for name, value in final.rules.items():
        print(f"{name} = {value if not math.isinf(value) else '-' * (value < 0) + 'math.inf'}")


if __name__ == "__main__":
    main()

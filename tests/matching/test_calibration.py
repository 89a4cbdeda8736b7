"""The calibration script (benchmarks/calibrate_matching.py) decides with the bot's own rule."""

import itertools
import math
import random

import numpy as np
import pytest

from benchmarks import calibrate_matching as calibration
from bot.matching import matcher
from bot.matching.matcher import Candidate

IDS = ("a", "b", "c", "d")


def _queries(n: int, seed: int = 1) -> list[calibration.Query]:
    rng = random.Random(seed)
    queries = []
    for k in range(n):
        expected = rng.choice((*IDS, None))
        views, decided = {}, {}
        for share in calibration.SHARES:
            # The better the score, the likelier the best entry is the right one.
            score = rng.random()
            inputs = {f: rng.uniform(-0.5, 1.0) for f in calibration.FEATURES}
            inputs["score"] = 4 * score
            inputs["evidence"] = rng.choice((0.0, 1 / 3, 2 / 3, 1.0))
            inputs["about"] = rng.choice((0.0, inputs["evidence"]))
            # The answer rule counts the same words without function words.
            inputs["support"] = rng.choice((0.0, inputs["evidence"]))
            inputs["support_about"] = min(inputs["about"], inputs["support"])
            inputs["passage_margin"] = rng.uniform(-0.5, 0.5)
            ids = rng.sample(IDS, 4)
            if expected in ids and rng.random() < score:
                ids.remove(expected)
                ids.insert(0, expected)
            ranked = [Candidate(i, 1.0 - j / 10) for j, i in enumerate(ids)]
            views[share] = (np.array([inputs[f] for f in calibration.FEATURES]),
                            [c.id for c in ranked], [c.score for c in ranked])
            decided[share] = (inputs, ranked)
        queries.append(calibration.Query("original" if k % 3 else "new-topics", "fi", expected,
                                         0, views, decided, {}))
    return queries


@pytest.fixture
def constants(monkeypatch: pytest.MonkeyPatch) -> None:
    """The script sets the matcher's constants while it fits; give them back afterwards."""
    for name in ("ANSWER_CONFIDENCE", "SUGGEST_CONFIDENCE", *calibration.CANDIDATE_RULES):
        monkeypatch.setattr(matcher, name, getattr(matcher, name))
    monkeypatch.setattr(calibration, "RULES", {})


@pytest.mark.parametrize("rules", [(), ("ONE_WORD_MARGIN",), ("PASSAGE_MARGIN_MIN",),
                                   ("ONE_WORD_UNKNOWN_MAX",), ("LEXICAL_DISSENT_MAX",)])
@pytest.mark.usefixtures("constants")
def test_the_fit_has_the_least_cost_of_the_bot_s_own_decisions(rules: tuple[str, ...]) -> None:
    calibration.RULES.update((name, calibration.CANDIDATE_RULES[name]) for name in rules)
    train = _queries(120)
    weight = calibration.corpus_weights(train)

    def cost(f: calibration.Fit) -> float:
        # Query by query, through matcher.decide and matcher.shown.
        return sum(w * calibration.COST[calibration.outcome(q, f, f.prob(q))]
                   for q, w in zip(train, weight, strict=True))

    best = calibration.fit(train)
    rival = calibration.Fit(best.share, best.weights, 0, 0, dict(best.rules))
    for answer_at, suggest_at in itertools.product(np.arange(0.5, 1.0, 0.05),
                                                   np.arange(0.05, 0.45, 0.05)):
        for values in itertools.product(*calibration.RULES.values()):
            rival.answer_at, rival.suggest_at = float(answer_at), float(suggest_at)
            rival.rules = dict(zip(calibration.RULES, values, strict=True))
            assert cost(best) <= cost(rival) + 1e-9
    assert set(best.rules) == set(rules)


def test_folds_keep_each_topic_together_and_splits_differ() -> None:
    queries = _queries(300)
    calibration.assign_folds(queries, 5)
    first = [q.fold for q in queries]
    folds_of: dict[tuple[str, str | None], set[int]] = {}
    for q in queries:
        folds_of.setdefault((q.corpus, q.expected), set()).add(q.fold)
    # Each corpus spreads its own topics; off-topic questions go to every fold.
    for corpus in ("original", "new-topics"):
        assert all(len(folds_of[(corpus, t)]) == 1 for t in IDS)
        assert len(folds_of[(corpus, None)]) == 5
    calibration.assign_folds(queries, 5)
    assert [q.fold for q in queries] == first
    calibration.assign_folds(queries, 5, split=3)
    assert [q.fold for q in queries] != first


@pytest.mark.usefixtures("constants")
def test_a_fit_without_a_rule_decides_with_the_bot_s_value_of_it() -> None:
    calibration.RULES["ONE_WORD_MARGIN"] = (0.2,)
    tried = calibration.fit(_queries(60))
    calibration.with_constants(tried)
    assert matcher.ONE_WORD_MARGIN == 0.2
    calibration.with_constants(calibration.Fit(tried.share, tried.weights, 0.9, 0.1))
    assert math.isinf(matcher.ONE_WORD_MARGIN)


def test_per_split_figures_count_each_corpus_alone() -> None:
    queries = _queries(40)
    outcomes = ("right", "wrong", "suggested", "oos_answer", "oos_none")
    rows = [(q, "oos_answer" if q.expected is None else outcomes[k % 3], False)
            for k, q in enumerate(queries)]
    for corpus in ("original", "new-topics"):
        answerable = [r for r in rows if r[0].corpus == corpus and r[0].expected is not None]
        correct, wrong, oos = calibration.figures(rows, corpus)
        assert correct == sum(r[1] == "right" for r in answerable) / len(answerable)
        assert wrong == sum(r[1] == "wrong" for r in answerable) / len(answerable)
        assert oos == 1.0

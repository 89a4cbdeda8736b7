"""The retrieval benchmark: build the matcher from a corpus, answer queries, measure.

Used by ``python -m bot eval`` and by whoever tunes the matcher. Queries are matched without a
language hint, exactly as the bot matches a message from a user whose language it does not
know; the matcher and thresholds are the bot's own.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Protocol

from bot.content.model import GlossaryTerm
from bot.i18n.languages import LANGUAGES
from bot.matching.matcher import Document, Matcher
from bot.safety.detector import CRISIS_KINDS, Detector

#: `expected` values of the safety benchmark: a route, not an entry id.
SAFETY_EXPECTED = frozenset((*CRISIS_KINDS, "human", "smalltalk", "none"))


def load_corpus(path: Path | str) -> list[Document]:
    """Documents from a benchmark corpus (JSON lines: id, lang, question, alternates, answer)."""
    docs = []
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            docs.append(
                Document(
                    id=row["id"],
                    lang=row["lang"],
                    question=row["question"],
                    alternates=tuple(row.get("alternates", ())),
                    answer=row.get("answer", ""),
                    keywords=tuple(row.get("keywords", ())),
                )
            )
    return docs


def load_queries(path: Path | str) -> list[dict[str, object]]:
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass
class _Tally:
    n: int = 0
    answerable: int = 0
    unanswerable: int = 0
    correct: int = 0
    helpful: int = 0
    wrong: int = 0
    oos_answered: int = 0
    rank1: int = 0
    rank3: int = 0
    lang_ok: int = 0
    ms: list[float] = field(default_factory=list)

    def add(self, prediction: dict[str, object]) -> None:
        expected = prediction["expected"]
        decision = prediction["decision"]
        ids = prediction["ids"]
        ranked = prediction["ranked"]
        assert isinstance(ids, list) and isinstance(ranked, list)
        self.n += 1
        self.lang_ok += prediction["detected_lang"] == prediction["lang"]
        ms = prediction["ms"]
        assert isinstance(ms, float)
        self.ms.append(ms)
        if expected is None:
            self.unanswerable += 1
            self.oos_answered += decision == "answer"
            return
        self.answerable += 1
        answered_right = decision == "answer" and ids == [expected]
        self.correct += answered_right
        self.helpful += answered_right or (decision == "suggest" and expected in ids)
        self.wrong += decision == "answer" and not answered_right
        self.rank1 += ranked[:1] == [expected]
        self.rank3 += expected in ranked[:3]

    def row(self, name: str) -> str:
        def share(k: int, d: int) -> str:
            return f"{k / d:.3f}" if d else "  -  "

        ms = sorted(self.ms)
        p50 = statistics.median(ms) if ms else 0.0
        p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))] if ms else 0.0
        a, u = self.answerable, self.unanswerable
        return (
            f"{name:<8}{self.n:>5}  {share(self.correct, a):>7}  {share(self.helpful, a):>7}"
            f"  {share(self.wrong, a):>6}  {share(self.oos_answered, u):>8}"
            f"  {share(self.rank1, a):>6}  {share(self.rank3, a):>6}"
            f"  {share(self.lang_ok, self.n):>7}  {p50:>6.2f}  {p95:>6.2f}"
        )


_HEADER = (
    f"{'lang':<8}{'n':>5}  {'correct':>7}  {'helpful':>7}  {'wrong':>6}  {'oos_ans':>8}"
    f"  {'rank@1':>6}  {'rank@3':>6}  {'lang_ok':>7}  {'p50ms':>6}  {'p95ms':>6}"
)


def evaluate(matcher: Matcher, queries: Sequence[dict[str, object]],
             safety: Detector) -> list[dict[str, object]]:
    """One prediction record per query (the format of the predictions file)."""
    predictions = []
    for query in queries:
        text = str(query["text"])
        # As in the bot, the safety step uses the matcher's vector of the question.
        vector = cache(partial(matcher.query_vector, text))
        start = time.perf_counter()
        result = matcher.match(text, vector=vector())
        ms = (time.perf_counter() - start) * 1000
        predictions.append(
            {
                "text": text,
                "lang": query["lang"],
                "expected": query.get("expected"),
                "decision": result.decision,
                "ids": list(result.ids),
                "ranked": [c.id for c in result.ranked],
                "detected_lang": result.detected_lang or "fi",
                "ms": round(ms, 3),
                "route": safety.route(text, vector).name,
            }
        )
    return predictions


@dataclass
class _SafetyTally:
    """The safety benchmark's shares: crisis recall, false crisis, intents, none to FAQ."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, prediction: dict[str, object]) -> None:
        expected, got = str(prediction["expected"]), str(prediction["route"])
        crisis = got.startswith("crisis:")
        group = "crisis" if expected in CRISIS_KINDS else expected
        self.counts[group] += 1
        hit = {"crisis": crisis, "human": got == "human", "smalltalk": got == "smalltalk",
               "none": got == "faq"}.get(group, False)
        self.counts[f"{group}_ok"] += hit
        self.counts["none_crisis"] += group == "none" and crisis

    def row(self, name: str) -> str:
        def share(key: str, of: str) -> str:
            n = self.counts[of]
            return f"{self.counts[key] / n:.3f}" if n else "  -  "

        n = sum(self.counts[g] for g in ("crisis", "human", "smalltalk", "none"))
        return (f"{name:<8}{n:>5}"
                f"  {share('crisis_ok', 'crisis'):>7}  {share('none_crisis', 'none'):>8}"
                f"  {share('human_ok', 'human'):>6}  {share('smalltalk_ok', 'smalltalk'):>9}"
                f"  {share('none_ok', 'none'):>8}")


_SAFETY_HEADER = (f"{'lang':<8}{'n':>5}  {'crisis':>7}  {'false_cr':>8}  {'human':>6}"
                  f"  {'smalltalk':>9}  {'none_faq':>8}")


def summarise_safety(predictions: Sequence[dict[str, object]]) -> str:
    """The safety table: per language, then all (crisis recall, false crisis on `none`,
    human and small-talk recall, `none` routed to the FAQ)."""
    return _table(predictions, _SafetyTally, _SAFETY_HEADER)


def summarise(predictions: Sequence[dict[str, object]]) -> str:
    """The printable table: one row per language, then all languages."""
    return _table(predictions, _Tally, _HEADER)


class _Row(Protocol):
    def add(self, prediction: dict[str, object]) -> None: ...
    def row(self, name: str) -> str: ...


def _table(predictions: Sequence[dict[str, object]], tally: Callable[[], _Row],
           header: str) -> str:
    """One row per language (the supported ones in their order, then any other), then all."""
    tallies: dict[str, _Row] = defaultdict(tally)
    overall = tally()
    for prediction in predictions:
        tallies[str(prediction["lang"])].add(prediction)
        overall.add(prediction)
    langs = [lang for lang in LANGUAGES if lang in tallies] + sorted(set(tallies) - set(LANGUAGES))
    return "\n".join([header, *(tallies[lang].row(lang) for lang in langs), overall.row("all")])


def run_eval(
    corpus: Path,
    queries: Path,
    predictions: Path | None,
    glossary: Sequence[GlossaryTerm] = (),
    vectors_dir: Path | None = None,
) -> str:
    """Build the matcher from ``corpus``, answer ``queries`` without a language hint, write
    the predictions (if a path is given) and return the summary table."""
    documents = load_corpus(corpus)
    matcher = Matcher(documents, glossary, vectors_dir=vectors_dir)
    # As in the bot: the corpus's own questions are ordinary questions for the safety step,
    # and a message that repeats a way of asking of a topic is that question.
    safety = Detector(matcher.query_vector, [doc.question for doc in documents], vectors_dir,
                      matcher.ways_of_asking.values())
    records = evaluate(matcher, load_queries(queries), safety)
    if predictions is not None:
        with Path(predictions).open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    if records and all(r["expected"] in SAFETY_EXPECTED for r in records):
        return summarise_safety(records)
    routed_away = sum(r["route"] != "faq" for r in records)
    return f"{summarise(records)}\nrouted away from the FAQ: {routed_away} of {len(records)}"

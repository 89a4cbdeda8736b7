"""Matching latency: p50/p95 per query with the bench corpus and with 2,000 synthetic entries.

Not a test (timings depend on the machine). Run from the repository root:

    .venv/bin/python benchmarks/matching_latency.py [--bench ../shared/bench]

The synthetic content set is generated deterministically (fixed seed) from the vocabulary of
the bench corpus and of the concept lexicon, so it is as hard for the matcher as real content
of that size: long texts in several languages full of words the queries also use.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.matching.lexicon import builtin_forms_by_language
from bot.matching.matcher import Document, Matcher
from bot.tools.evaluation import load_corpus, load_queries

SYNTHETIC_ENTRIES = 2000
SYNTHETIC_LANGS = ("fi", "en", "sv", "ru", "ar", "so")


def synthetic_documents(corpus: list[Document], n: int, seed: int = 7) -> list[Document]:
    """``n`` entries × a few languages with text drawn from real vocabulary."""
    rng = random.Random(seed)
    forms = builtin_forms_by_language()
    vocab: dict[str, list[str]] = {}
    for doc in corpus:
        words = " ".join((doc.question, *doc.alternates, doc.answer)).split()
        vocab.setdefault(doc.lang, []).extend(words)
    for lang, text in forms.items():
        vocab.setdefault(lang, []).extend(text.split())

    def sentence(lang: str, length: int) -> str:
        return " ".join(rng.choice(vocab[lang]) for _ in range(length)) + "?"

    docs = []
    for i in range(n):
        for lang in rng.sample(SYNTHETIC_LANGS, 3):
            docs.append(
                Document(
                    id=f"synthetic-{i}",
                    lang=lang,
                    question=sentence(lang, rng.randint(5, 10)),
                    alternates=tuple(sentence(lang, rng.randint(5, 12)) for _ in range(3)),
                    answer=sentence(lang, rng.randint(30, 60)),
                )
            )
    return docs


def measure(matcher: Matcher, texts: list[str]) -> tuple[float, float]:
    times = []
    for text in texts:
        start = time.perf_counter()
        matcher.match(text)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "bench"
    parser.add_argument("--bench", type=Path, default=default, help="folder with the benchmark")
    args = parser.parse_args()
    corpus = load_corpus(args.bench / "corpus.jsonl")
    texts = [str(q["text"]) for q in load_queries(args.bench / "dev.jsonl")]

    rows = []
    for name, docs in (
        ("bench corpus", corpus),
        (f"{SYNTHETIC_ENTRIES} synthetic", corpus + synthetic_documents(corpus, SYNTHETIC_ENTRIES)),
    ):
        start = time.perf_counter()
        matcher = Matcher(docs)
        build = time.perf_counter() - start
        matcher.match("warm up")
        p50, p95 = measure(matcher, texts)
        entries = len({d.id for d in docs})
        rows.append((name, entries, build, p50, p95))

    print(f"{'content':<16}{'entries':>8}{'build s':>9}{'p50 ms':>8}{'p95 ms':>8}")
    for name, entries, build, p50, p95 in rows:
        print(f"{name:<16}{entries:>8}{build:>9.1f}{p50:>8.2f}{p95:>8.2f}")


if __name__ == "__main__":
    main()

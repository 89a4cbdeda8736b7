"""The bundled multilingual encoder loads offline and puts meanings, not words, together."""

from __future__ import annotations

import numpy as np

from bot.matching.embedding import shared_encoder


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

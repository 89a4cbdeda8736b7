"""The detector's example vectors are held once: the per-process cache that spares a reload
the encoder keeps rows of the detector's own array, not a second copy."""

from __future__ import annotations

import numpy as np

from bot.matching.matcher import encodable
from bot.safety import detector
from tests.conftest import bundled_knowledge


def test_the_cache_holds_the_detectors_rows_not_a_copy() -> None:
    knowledge = bundled_knowledge()
    safety = detector.Detector(knowledge.matcher.query_vector, ["Miten haen Kela-korttia?"])
    first_example = encodable(detector._sections(detector.DATA / "exemplars.txt")["suicide"][0])
    cached = detector._VECTORS[first_example]
    assert np.shares_memory(cached, safety.vectors)
    assert not safety.vectors.flags.writeable  # shared, so nobody may change it

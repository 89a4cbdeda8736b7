"""The safety patterns are searched only in messages holding one of their cues; that must
find exactly what searching every pattern finds."""

from __future__ import annotations

import re

import pytest

from bot.safety import detector
from bot.safety.detector import _cues, _patterns, _sections
from tests.conftest import bundled_knowledge
from tests.paths import ROOT


@pytest.mark.parametrize(
    ("pattern", "cues"),
    [
        (r"\bhypata (sillalta|katolta)", {"hypata "}),  # one cue rather than two as long
        # Python's parser takes "hyp" out of both words; the places are the longer cues.
        (r"\b(hyppaan|hypata) (sillalta|katolta)", {"sillalta", "katolta"}),
        (r"kill(ing)? myself", {" myself"}),
        (r"\b(stab|cut)s? (me|us)\b", {"stab", "cut"}),
        (r"\b(ab|cd)\w* (me|us)\b", None),  # no piece of three letters every match has
        (r"a.{0,20}b", None),
        (r"(?<!نا)راحت شم", {"راحت شم"}),
        (r"pills?|tablets?", {"pill", "tablet"}),
        (r"(x|yes)+ please", {" please"}),
    ],
)
def test_a_cue_is_text_every_match_contains(pattern: str, cues: set[str] | None) -> None:
    assert _cues(pattern) == cues


def _texts() -> list[str]:
    content = bundled_knowledge().content
    texts = [line for entry in content.entries.values() for text in entry.texts.values()
             for line in (text.question, *text.alternates)]
    # Crisis messages of the safety tests, so that every section has matches too.
    for module in ("test_detector", "test_hubs"):
        source = (ROOT / "tests" / "safety" / f"{module}.py").read_text(encoding="utf-8")
        texts += re.findall(r'"([^"\n]{8,})"', source)
    return texts


def test_cued_search_finds_what_searching_every_pattern_finds() -> None:
    every = {name: re.compile("|".join(f"(?:{detector.fold(p)})" for p in lines))
             for name, lines in _sections(detector.DATA / "patterns.txt").items() if lines}
    cued = _patterns()
    found = 0
    for text in _texts():
        folded = detector.fold(text)
        scanned = cued.scan(folded)
        for name, pattern in every.items():
            expected = pattern.search(folded) is not None
            assert scanned.matches(name) == expected, (name, text)
            found += expected
    assert found > 100  # the comparison saw matches, not only misses

"""Crisis words said of a thing, as a figure of speech ("working three night shifts in a row
is suicide"): the pattern does not decide alone (`detector._scan`), while a plain statement
keeps its card. Messages written for these tests."""

from __future__ import annotations

import pytest

from bot.matching.normalize import fold
from bot.safety.detector import _scan
from tests.conftest import bundled_knowledge


def route(text: str) -> str:
    return bundled_knowledge().safety.route(text).name


# Each got a crisis card from a pattern before the figure was taken out.
@pytest.mark.parametrize("text", [
    "working three night shifts in a row is suicide, can my boss make me do it",
    "kolme yövuoroa putkeen on ihan itsemurha, saako pomo vaatia sitä",
    "tää jono Migrissä tappaa mut, voiko ajan varata netissä",
    "працювати без вихідних це самогубство, скільки годин дозволено",
    "شغل بلا عطلة انتحار، كم ساعة مسموح بالقانون",
    "کار بدون تعطیلی خودکشیه، قانوناً چند ساعت مجازه؟",
    "کارکردن بێ پشوو خۆکوژییە، بە یاسا چەند کاتژمێر ڕێگەپێدراوە؟",
    "shaqo fasax la'aan ah waa is dil, sharci ahaan immisa saacadood la ogol yahay",
])
def test_a_figure_of_speech_gets_no_card_from_the_patterns(text: str) -> None:
    assert route(text) == "faq"


@pytest.mark.parametrize(("text", "expected"), [
    ("I want to kill myself", "crisis:suicide"),
    ("my husband is killing me, he beats me every night", "crisis:violence"),
    ("mies sanoi että se tappaa mut", "crisis:violence"),
    # A figure and a plain statement together: the statement still decides.
    ("det här är självmord, jag vill inte leva längre", "crisis:suicide"),
])
def test_plain_statements_keep_their_card(text: str, expected: str) -> None:
    assert route(text) == expected


def test_the_pattern_must_match_outside_the_figure() -> None:
    found, figure = _scan(fold("tää paperisota tappaa mut"))
    assert figure and not found.matches("violence")
    found, figure = _scan(fold("se tappaa mut"))
    assert not figure and found.matches("violence")

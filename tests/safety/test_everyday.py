"""First-person everyday statements ("I want to learn to swim") get no crisis card and no
adviser, though the encoder puts their frame next to "I want to die" and "I want to talk to
a person"; crises said in the same frame still get the card. Messages written for these
tests, none of them an example in `data/exemplars.txt`."""

from __future__ import annotations

import pytest

from bot.safety.detector import EVERYDAY
from tests.conftest import bundled_knowledge

# Each got the suicide card (one the exploitation card) before the [everyday] examples.
EVERYDAY_STATEMENTS = [
    "I want to learn to swim",
    "хочу научиться плавать",
    "میخوام شنا یاد بگیرم",
    "میخوام یه لپ تاپ بخرم",
    "بدي روح عالمكتبة",
    "دەمەوێت فێری مەلەوانی ببم",
    "دەمەوێت پاسکیلێک بکڕم",
    "دەمەوێت کۆرسی کۆمپیوتەر بخوێنم",
    "waxaan rabaa inaan iibsado baaskiil",
    "waxaan u baahanahay kabo cusub",
]

# No pattern fits these: the encoder alone gives the card, and must keep doing so.
CRISES_IN_THE_FRAME = [
    "waxaan rabaa inaan naftayda ka takhaluso",
    "میخوام همه چیو تموم کنم",
    "دەمەوێت هەموو شتێک تەواو بکەم",
    "بدي خلص من حياتي",
]


@pytest.mark.parametrize("text", EVERYDAY_STATEMENTS)
def test_an_everyday_statement_goes_to_the_faq(text: str) -> None:
    assert bundled_knowledge().safety.route(text).name == "faq"


@pytest.mark.parametrize("text", CRISES_IN_THE_FRAME)
def test_a_crisis_in_the_same_frame_still_gets_the_card(text: str) -> None:
    assert bundled_knowledge().safety.route(text).crisis == "suicide"


def test_the_classifier_does_not_learn_the_everyday_statements() -> None:
    # Taught that "I want to" is ordinary, it grew less sure of crises said that way.
    safety = bundled_knowledge().safety
    vectors, labels = safety._training()
    assert EVERYDAY not in labels
    assert len(vectors) == len(labels)

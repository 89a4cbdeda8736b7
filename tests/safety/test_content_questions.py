"""A message that says just what one of the content's ways of asking says is that question:
the examples give it no card, unless its entry is about a crisis in the patterns' words."""

from __future__ import annotations

import pytest

from bot.safety import detector
from tests.conftest import bundled_knowledge

# The examples alone put this ordinary wish next to "I want to end it" (a false card the
# first test shows; when the examples stop giving it, pick another message they card: the
# tests below are about what stops the card, not about this message).
QUIT = "I want to quit smoking"
KELA = ["Miten haen Kela-korttia?"]


def _detector(asked: list[list[str]]) -> detector.Detector:
    return detector.Detector(bundled_knowledge().matcher.query_vector, KELA, asked=asked)


def test_without_the_content_question_the_examples_give_a_card() -> None:
    assert _detector([]).route(QUIT).crisis == "suicide"


@pytest.mark.parametrize("text", [QUIT, "i want to QUIT smoking!!", "I want to quit smoking 🙏"])
def test_a_content_question_gets_no_card_from_the_examples(text: str) -> None:
    safety = _detector([["How do I stop smoking?", QUIT]])
    assert safety.route(text).name == "faq"


def test_only_what_the_question_says_not_more() -> None:
    safety = _detector([["How do I stop smoking?", QUIT]])
    assert safety.route("I want to quit smoking and end it all tonight").crisis is not None


def test_an_entry_about_a_crisis_keeps_its_cards() -> None:
    # One of its ways of asking is a crisis in the patterns' words: the others are too.
    safety = _detector([[QUIT, "I want to kill myself"]])
    assert safety.route(QUIT).crisis == "suicide"


@pytest.mark.parametrize("text", [
    "Saako isä vanhempainrahaa?",  # does a father get parental allowance: was the suicide card
    "Olen raskaana, minne menen?",  # I am pregnant, where do I go: was the violence card
    "ماذا بعد الصف التاسع؟",  # what after the ninth grade: was the suicide card
])
def test_the_bundled_contents_own_questions_get_no_card(text: str) -> None:
    assert bundled_knowledge().safety.route(text).name == "faq"


def test_the_bundled_entry_on_violence_at_home_keeps_its_card() -> None:
    assert bundled_knowledge().safety.route("My husband hits me, what do I do?").crisis == \
        "violence"

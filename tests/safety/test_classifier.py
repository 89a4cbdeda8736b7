"""The encoder side's linear classifier: crisis ideas no example or pattern names, the card
it picks, and ordinary messages in crisis words. Messages written for these tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.safety import detector
from bot.safety.detector import CRISIS_KINDS, _Classifier, _classifier
from tests.conftest import bundled_knowledge


def route(text: str) -> str:
    return bundled_knowledge().safety.route(text).name


# No pattern and no near enough example: the classifier alone gives a card. (Which one is its
# best guess; any card shows 112.)
@pytest.mark.parametrize("text", [
    "I am stuck in the forest, night is coming and I have no idea where I am",
    "a man is forcing my sister to beg in the street",
])
def test_a_crisis_idea_no_example_names_gets_a_card(text: str) -> None:
    assert route(text).startswith("crisis:")


# The nearest example is of the wrong kind (lost in a forest nearest a suicide example, a
# snake bite nearest a violence one); the classifier, which weighs every example, picks the
# right card.
@pytest.mark.parametrize(("text", "expected"), [
    ("olen eksynyt metsään, ilta pimenee enkä löydä tietä", "crisis:emergency"),
    ("vi har gått vilse i skogen och det har blivit mörkt", "crisis:emergency"),
    ("мы потерялись в лесу, уже ночь и очень холодно", "crisis:emergency"),
    ("a viper bit my son and his leg is getting big and blue", "crisis:emergency"),
    ("if they send me back I will not arrive there alive", "crisis:suicide"),
    ("my friend says she will throw herself in front of a train tonight", "crisis:suicide"),
    ("the stove fell on my son and he is burned all over his chest", "crisis:emergency"),
    ("they keep us in the basement and we work in the kitchen for no money",
     "crisis:exploitation"),
    ("my husband took my phone and passport and locked the door", "crisis:violence"),
])
def test_the_card_is_the_classifiers_kind(text: str, expected: str) -> None:
    assert route(text) == expected


# Situations described, not named (classifier.txt): vomiting blood in Persian got no card
# before their examples; a work contract ending stays an everyday question.
@pytest.mark.parametrize(("text", "expected"), [
    ("پدرم خون بالا میاره", "crisis:emergency"),
    # Lost in a forest was a violence card before them.
    ("I am stuck in the forest, night is coming and I have no idea where I am",
     "crisis:emergency"),
    ("my work contract ends in May, can I stay in Finland", "faq"),
])
def test_situations_described_not_named(text: str, expected: str) -> None:
    assert route(text) == expected


# Hobbies and luck in crisis words: the encoder gave the first a suicide card.
@pytest.mark.parametrize("text", [
    "I want to buy a rope for camping",
    "Haluan hypätä laskuvarjolla",
    "a stroke of luck",
    "my child is missing school",
])
def test_ordinary_messages_in_crisis_words_get_no_card(text: str) -> None:
    assert route(text) == "faq"


def test_the_classifier_learns_the_kinds_from_the_examples() -> None:
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((len(CRISIS_KINDS) + 1, 16)).astype(np.float32)
    classes = [c for c in range(len(centres)) for _ in range(20)]
    vectors = centres[classes] + 0.3 * rng.standard_normal((len(classes), 16)).astype(np.float32)
    model = _Classifier.train(vectors, classes, len(centres))
    assert (model.probabilities(vectors).argmax(axis=1) == classes).mean() > 0.95


def test_the_classifier_is_deterministic_and_trained_once_per_example_set() -> None:
    safety = bundled_knowledge().safety
    vectors, labels = safety._training()
    # The detector's rows (examples and the FAQ's questions, not the everyday statements)
    # and the classifier's own examples.
    assert len(vectors) == len(labels) > int(safety._learnt.sum())
    classes = [CRISIS_KINDS.index(label) if label in CRISIS_KINDS else len(CRISIS_KINDS)
               for label in labels]
    again = _Classifier.train(vectors, classes, len(CRISIS_KINDS) + 1)
    assert np.array_equal(again.weights, safety._classifier.weights)
    assert _classifier(vectors, labels) is _classifier(vectors, labels)


def test_only_the_last_few_classifiers_are_kept() -> None:
    # Every content reload that changes the questions trains one: the process must not
    # keep them all.
    rng = np.random.default_rng(3)
    labels = [*CRISIS_KINDS, "none"] * 4
    first = rng.standard_normal((len(labels), 8)).astype(np.float32)
    kept = _classifier(first, labels)
    assert _classifier(first, labels) is kept
    for _ in range(detector.MAX_CLASSIFIERS + 2):
        _classifier(rng.standard_normal((len(labels), 8)).astype(np.float32), labels)
    assert len(detector._CLASSIFIERS) <= detector.MAX_CLASSIFIERS
    assert _classifier(first, labels) is not kept


def test_the_card_leans_to_the_kind_whose_examples_are_nearest() -> None:
    # The classifier leans to violence; a suicide example is clearly nearer.
    safety = bundled_knowledge().safety
    # A message vector like no example of `data/kinds.txt`: the test gives `near` itself.
    far = np.zeros(safety.vectors.shape[1], dtype=np.float32)
    chances = np.array([0.3, 0.1, 0.5, 0.1], dtype=np.float32)  # CRISIS_KINDS order
    near = dict.fromkeys(CRISIS_KINDS, 0.85)
    assert safety._kind(far, chances, near) == "violence"
    near["suicide"] = 0.9
    assert safety._kind(far, chances, near) == "suicide"


def test_a_classifier_that_sees_no_crisis_does_not_pick_the_card() -> None:
    # The nearest examples gave the card; the classifier takes the message for an ordinary
    # one (0.07 on all crisis kinds), so its 0.05 against 0.02 says nothing about the kind.
    safety = bundled_knowledge().safety
    far = np.zeros(safety.vectors.shape[1], dtype=np.float32)
    near = dict.fromkeys(CRISIS_KINDS, 0.85)
    near["suicide"], near["exploitation"] = 0.886, 0.915
    unsure = np.zeros(len(CRISIS_KINDS), dtype=np.float32)
    unsure[CRISIS_KINDS.index("suicide")], unsure[CRISIS_KINDS.index("exploitation")] = 0.05, 0.02
    assert safety._kind(far, unsure, near) == "exploitation"
    # Sure of a crisis, the same split of its odds decides.
    assert safety._kind(far, unsure * 14, near) == "suicide"


def test_the_detector_builds_without_examples_of_the_classifiers_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("patterns.txt", "exemplars.txt", "kinds.txt"):
        (tmp_path / name).write_text((detector.DATA / name).read_text("utf-8"), "utf-8")
    (tmp_path / "classifier.txt").write_text("# nothing yet\n[suicide]\n", "utf-8")
    monkeypatch.setattr(detector, "DATA", tmp_path)
    knowledge = bundled_knowledge()
    safety = detector.Detector(knowledge.matcher.query_vector, ["Miten haen Kela-korttia?"])
    assert len(safety._training()[0]) == int(safety._learnt.sum())
    assert safety.route("my husband hits me every day").name == "crisis:violence"


# The classifier is sure (CLASSIFIER_SURE) of a crisis whose nearest example trails an FAQ
# question in its own language: in Somali there are few crisis examples and many questions.
def test_a_crisis_the_classifier_is_sure_of_gets_a_card_behind_an_faq_question() -> None:
    assert route("walaashay ninkeeda ayaa mindi ku dhuftay, dhiig badan ayaa ka socda"
                 ).startswith("crisis:")

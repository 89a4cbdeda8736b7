"""Which crisis card: patterns of several kinds, and examples that say only which kind
(`data/kinds.txt`). Messages written for these tests, not from a benchmark or a probe."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.matching.normalize import fold
from bot.safety import detector
from tests.conftest import bundled_knowledge


def route(text: str) -> str:
    return bundled_knowledge().safety.route(text).name


# Patterns of two kinds match (an overdose and not waking up; a blow and bleeding): the
# first in patterns.txt gave the suicide and the emergency card; the encoder picks.
@pytest.mark.parametrize(("text", "kinds", "expected"), [
    ("my flatmate took too many pills after drinking and now he won't wake up",
     ["suicide", "emergency"], "crisis:emergency"),
    ("my brother hit me in the face and my nose is bleeding a lot",
     ["emergency", "violence"], "crisis:violence"),
])
def test_patterns_of_several_kinds_let_the_encoder_choose(
        text: str, kinds: list[str], expected: str) -> None:
    found, _ = detector._scan(fold(text))
    assert detector._crisis_patterns(found, joke=False) == kinds
    assert route(text) == expected


def test_one_kinds_patterns_decide_alone() -> None:
    # Only the suicide patterns match: the encoder is not asked.
    safety = bundled_knowledge().safety

    def no_vector() -> detector.Vectors:
        raise AssertionError("the patterns decide")

    assert safety.route("I took all my pills, I want to die", no_vector).name == "crisis:suicide"


def test_examples_of_the_kind_pick_the_card() -> None:
    # A birth stuck at home leaned to violence (the classifier's examples of pregnant women
    # kicked); kinds.txt's births and accidents make it an emergency.
    assert route("my wife is giving birth at home right now and the baby is stuck") \
        == "crisis:emergency"


def test_examples_of_the_kind_never_give_a_card(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("patterns.txt", "exemplars.txt", "classifier.txt"):
        (tmp_path / name).write_text((detector.DATA / name).read_text("utf-8"), "utf-8")
    ordinary = "where can I renew my bus card"
    (tmp_path / "kinds.txt").write_text(f"[violence]\n{ordinary}\n", "utf-8")
    monkeypatch.setattr(detector, "DATA", tmp_path)
    knowledge = bundled_knowledge()
    safety = detector.Detector(knowledge.matcher.query_vector, ["Miten haen Kela-korttia?"])
    assert safety.route(ordinary).name == "faq"


# A blow or a threat from an employer, or for a debt: the violence patterns matched and the
# violence card followed; with work named, the encoder may pick exploitation.
@pytest.mark.parametrize("text", [
    "the farm owner beats me when I ask for my salary",
    "работодатель бьёт меня и не платит зарплату",
    "صاحب الشغل بيضربني لما بطلب راتبي",
    "کارفرما منو کتک میزنه وقتی حقوقمو میخوام",
])
def test_violence_at_work_may_be_exploitation(text: str) -> None:
    found, _ = detector._scan(fold(text))
    assert detector._crisis_patterns(found, joke=False) == ["violence", "exploitation"]
    assert route(text) == "crisis:exploitation"


@pytest.mark.parametrize(("text", "expected"), [
    # Work named, the violence at home: still violence.
    ("my husband threatens me and takes all my salary", "crisis:violence"),
    # Work words alone are no crisis.
    ("my boss did not pay my salary this month, what can I do", "faq"),
])
def test_work_alone_decides_nothing(text: str, expected: str) -> None:
    assert route(text) == expected


# A parent hitting the other now, and "help": the examples gave the emergency card (the
# classifier's emergencies are urgent, its violence mostly told afterwards); someone
# hurting a person makes it the violence card, which also says 112.
@pytest.mark.parametrize("text", [
    "isä hakkaa äitiä nyt olohuoneessa, auttakaa",
    "min pappa slår min mamma nu i vardagsrummet, hjälp",
    "aabahay hadda ayuu garaacayaa hooyaday fadhiga, i caawi",
])
def test_someone_hurting_a_person_is_not_the_emergency_card(text: str) -> None:
    found, _ = detector._scan(fold(text))
    assert not detector._crisis_patterns(found, joke=False) and found.matches("hurt")
    assert route(text) == "crisis:violence"


@pytest.mark.parametrize(("text", "expected"), [
    # Hit by a car is an accident: no one hurt him on purpose.
    ("my son was hit by a car and is lying on the road", "crisis:emergency"),
    # A blow named is no crisis alone.
    ("our team beat the record at the school sports day", "faq"),
])
def test_hurt_words_alone_decide_nothing(text: str, expected: str) -> None:
    assert route(text) == expected

"""A small harm said so — a scratch after a fall, no blood, is a plaster enough — gets no
emergency or violence card from the nearest examples (`SMALL_HARM`), while an emergency, a
blow, a threat or despair named in the same message keeps its card. Messages written for
these tests, none of them from a probe or an example in `data/`."""

from __future__ import annotations

import pytest

from bot.matching.normalize import fold
from bot.safety.detector import _scan
from tests.conftest import bundled_knowledge


def route(text: str) -> str:
    return bundled_knowledge().safety.route(text).name


# Each got a crisis card from the examples before the cue (most the emergency card).
SMALL = [
    "my daughter bumped her head on the table, just a small bump, should we see a doctor tomorrow?",
    "the baby scratched his cheek with his nails, no blood, is that ok?",
    "tyttö kaatui trampoliinilla ja sai pienen haavan polveen, ei tule verta",
    "dottern ramlade på skolgården och fick en liten skråma på armbågen, inget blod",
    "дочка упала на площадке, на локте ссадина, чем обработать?",
    "донька впала на майданчику, на лікті подряпина, крові немає",
    "ابني انخدش وهو يلعب بالحديقة، خدش صغير بإيده، شو أحط عليه؟",
    "کچەکەم لە باخچە کەوت، ئانیشکی ڕووشا، خوێنی لێ نایەت",
    "gabadhaydu way dhacday, xusulka ayaa xoqmay, dhiig kama imanayo",
]
# The cue in a language whose message got no card even before.
ALSO_SMALL = ["بنتم تو پارک زمین خورد، یه خراش روی آرنجش، خون نمیاد"]


@pytest.mark.parametrize("text", SMALL)
def test_a_small_harm_gets_no_card(text: str) -> None:
    assert route(text) == "faq"


@pytest.mark.parametrize("text", SMALL + ALSO_SMALL)
def test_the_cue_is_found_in_every_language(text: str) -> None:
    assert _scan(fold(text))[0].matches("small")


@pytest.mark.parametrize(("text", "expected"), [
    # "Small" said of the child, not of the harm; an emergency named beside a small harm.
    ("my small child is not breathing", "crisis:emergency"),
    ("мой маленький сын упал с балкона и не дышит", "crisis:emergency"),
    ("my son fell and got a small scratch, now he is unconscious", "crisis:emergency"),
    # A blow named (section hurt): a small bruise is still violence.
    ("my husband hit me again, only a small bruise this time, no blood", "crisis:violence"),
    ("mies löi mua, vaan pieni mustelma, ei tule verta", "crisis:violence"),
    ("муж ударил меня, крови нет, только небольшой синяк", "crisis:violence"),
])
def test_a_crisis_beside_the_cue_keeps_its_card(text: str, expected: str) -> None:
    assert route(text) == expected


def test_no_cue_for_a_small_child() -> None:
    assert not _scan(fold("my small child is not breathing"))[0].matches("small")


def test_a_reflexive_bump_is_not_someone_hitting() -> None:
    # "ударился" (hit himself on something) is not "ударил" (hit someone).
    assert not _scan(fold("сын ударился коленом об стол, небольшой синяк"))[0].matches("hurt")
    assert _scan(fold("муж ударил меня"))[0].matches("hurt")


def test_despair_beside_the_cue_keeps_a_card() -> None:
    text = ("my son has a small scratch from the dog, no blood, I'm tired of it all, "
            "I want to disappear")
    assert _scan(fold(text))[0].matches("despair")
    assert route(text).startswith("crisis:")


@pytest.mark.parametrize("text", [
    # A quarrel at a distance is no cue (it was one, and it took these cards).
    "we argued on the phone, he is coming over now and I am scared",
    "my ex blocked me on whatsapp and now he is standing outside my door",
    "riitelimme puhelimessa ja nyt hän on tulossa tänne, pelkään",
    "we had a fight on the phone and he said I will regret this",
])
def test_a_quarrel_that_turns_to_fear_keeps_its_card(text: str) -> None:
    assert route(text) == "crisis:violence"

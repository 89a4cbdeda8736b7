"""Everyday harm in crisis-like words — a small scratch after a fall, a quarrel on the phone —
gets no crisis card from the nearest examples (`SMALL_HARM`), while an emergency, a blow or a
threat named in the same message keeps its card. Messages written for these tests, none of
them from a probe or an example in `data/`."""

from __future__ import annotations

import pytest

from bot.matching.normalize import fold
from bot.safety.detector import SMALL_HARM, _scan
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
QUARREL = [
    "my brother and I argued on the phone and now he is not speaking to me",
    "riideltiin siskon kanssa puhelimessa ja nyt se ei puhu mulle",
    "jag och min syster grälade i telefon och nu pratar hon inte med mig",
    "تزاعلت مع أختي على التلفون وحظرتني",
]
# The cue in languages whose messages got no card even before.
ALSO_SMALL = ["بنتم تو پارک زمین خورد، یه خراش روی آرنجش، خون نمیاد"]
ALSO_QUARREL = [
    "поссорилась с сестрой по телефону, теперь она не разговаривает со мной",
    "посварилася з сестрою по телефону, тепер вона не розмовляє зі мною",
    "با خواهرم تلفنی دعوامون شد و بلاکم کرد",
    "لەگەڵ خوشکەکەم لە تەلەفۆن شەڕمان بوو و بلۆکی کردم",
    "walaashay ayaan telefonka ku murannay, hadda ila ma hadasho",
]


@pytest.mark.parametrize("text", SMALL + QUARREL)
def test_everyday_harm_gets_no_card(text: str) -> None:
    assert route(text) == "faq"


@pytest.mark.parametrize(("text", "section"), [
    *((text, "small") for text in SMALL + ALSO_SMALL),
    *((text, "quarrel") for text in QUARREL + ALSO_QUARREL),
])
def test_the_cue_is_found_in_every_language(text: str, section: str) -> None:
    assert section in SMALL_HARM
    assert _scan(fold(text))[0].matches(section)


@pytest.mark.parametrize(("text", "expected"), [
    # "Small" said of the child, not of the harm; an emergency named beside a small harm.
    ("my small child is not breathing", "crisis:emergency"),
    ("мой маленький сын упал с балкона и не дышит", "crisis:emergency"),
    ("my son fell and got a small scratch, now he is unconscious", "crisis:emergency"),
    # A blow named (section hurt): a small bruise is still violence.
    ("my husband hit me again, only a small bruise this time, no blood", "crisis:violence"),
    ("mies löi mua, vaan pieni mustelma, ei tule verta", "crisis:violence"),
    ("муж ударил меня, крови нет, только небольшой синяк", "crisis:violence"),
    # A quarrel with a threat or a crisis said in it.
    ("we argued on whatsapp and she said she will kill herself tonight", "crisis:suicide"),
    ("riitelin poikaystävän kanssa puhelimessa ja nyt haluan kuolla", "crisis:suicide"),
    ("تخانقت مع زوجي على الواتساب وقال راح يقتلني", "crisis:violence"),
    ("با شوهرم تلفنی دعوامون شد گفت میکشمت", "crisis:violence"),
    ("ninkeyga ayaan telefonka ku murannay, wuxuu yiri waan ku dilayaa", "crisis:violence"),
])
def test_a_crisis_beside_the_cue_keeps_its_card(text: str, expected: str) -> None:
    assert route(text) == expected


@pytest.mark.parametrize("text", [
    # No crisis pattern has these threats: the examples give the card, the threat lifts the cue.
    "mies blokkasi mut ja sanoi tappavansa mut",
    "he blocked me and said he will hurt my children",
])
def test_a_threat_named_lifts_the_quarrel_cue(text: str) -> None:
    found, _ = _scan(fold(text))
    assert found.matches("quarrel") and found.matches("threat")
    assert route(text) == "crisis:violence"


@pytest.mark.parametrize("text", [
    # Quarrels at home are how violence there is told: the cue needs a distance (a chat, the
    # phone, being blocked), and "small" must be said of the harm.
    "we fought again last night and I'm afraid to go home, he shouts at me all the time",
    "riitelin mieheni kanssa taas ja pelkään mennä kotiin",
    "my small child is not breathing",
])
def test_no_cue_in_a_quarrel_at_home_or_a_small_child(text: str) -> None:
    found, _ = _scan(fold(text))
    assert not found.matches("quarrel") and not found.matches("small")
    assert route(text).startswith("crisis:")


def test_a_reflexive_bump_is_not_someone_hitting() -> None:
    # "ударился" (hit himself on something) is not "ударил" (hit someone).
    assert not _scan(fold("сын ударился коленом об стол, небольшой синяк"))[0].matches("hurt")
    assert _scan(fold("муж ударил меня"))[0].matches("hurt")


@pytest.mark.parametrize("text", [
    # Despair said beside the everyday harm (section despair): no crisis pattern has these
    # words, and the nearest examples (and the classifier) read the quarrel, not the despair.
    "my girlfriend blocked me after we argued on the phone, I don't see any reason to wake up",
    "поссорилась с парнем по телефону, он меня заблокировал, жить больше не хочу",
    "my son has a small scratch from the dog, no blood, I'm tired of it all, I want to disappear",
])
def test_despair_beside_the_cue_keeps_a_card(text: str) -> None:
    assert _scan(fold(text))[0].matches("despair")
    assert route(text).startswith("crisis:")


@pytest.mark.parametrize("text", [
    "we argued on whatsapp and she blocked me, I want to disappear, everyone is happier without me",
    "riideltiin puhelimessa ja se blokkas mut, en jaksa enää, haluun vaan kadota",
    "تخانقت مع خطيبي على الواتساب وعملي بلوك، ما بدي عيش بعد اليوم",
])
def test_the_cue_bars_the_kinds_it_explains_not_the_suicide_card(text: str) -> None:
    assert route(text) == "crisis:suicide"

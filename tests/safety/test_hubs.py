"""Everyday questions whose few words lie near a crisis example that is near every short
text (a "hub") get no crisis card; short real crises the encoder catches still do."""

from __future__ import annotations

import pytest

from bot.safety.detector import AGREEMENT_MARGIN
from tests.conftest import bundled_knowledge

# Ways of asking from the bundled content that got a crisis card from the encoder before:
# near one hub example only, so the nearest crisis examples do not agree.
NEAR_ONE_HUB = [
    "Maksaako iltapäivätoiminta?",
    "Prövning av äktenskapshinder",
    "وەرزش بۆ منداڵان",
    "وکیل لازم دارم ولی پول ندارم",
    "Harrastus carruurta",
    "ma 3andi shoghol, kif a5od flous el batala mn Kela?",
    "Jag har inga pengar till mat, vad gör jag?",
]

# ... and short Somali, Sorani and spoken ones that now have ordinary neighbours of their
# own in exemplars.txt (none of these texts is there).
SHORT_STYLES = [
    "Lacagta ilmaha ee Kela",
    "Lacagta kirada ee Kela",
    "ڤاکسینی منداڵ",
    "ساختەکاری",
    "Rahat loppuivat kesken kuun, mitä teen?",
    "Не могу платить по счетам",
]

# Short crisis messages written for this test (none is an example or fits a pattern): the
# encoder alone catches them, and must keep doing so.
SHORT_CRISES = [
    "isä hakkaa äitiä",
    "jag orkar inte leva",
    "he said he will kill me",
    "ne khochu zhyty",
    "батько б'є маму",
    "jouzi bido y2otlni",
    "خودمو میکشم",
    "ناتوانم بەردەوام بم",
    "mêrdekem lêm dedat",
    "naftayda ayaan dili doonaa",
]


@pytest.mark.parametrize("text", NEAR_ONE_HUB + SHORT_STYLES)
def test_everyday_question_gets_no_crisis_card(text: str) -> None:
    assert bundled_knowledge().safety.route(text).crisis is None


@pytest.mark.parametrize("text", NEAR_ONE_HUB)
def test_near_one_hub_the_crisis_examples_do_not_agree(text: str) -> None:
    safety = bundled_knowledge().safety
    vector = bundled_knowledge().matcher.query_vector(text)
    assert safety.agreement(vector) < AGREEMENT_MARGIN


@pytest.mark.parametrize("text", SHORT_CRISES)
def test_short_crisis_still_gets_a_crisis_card(text: str) -> None:
    assert bundled_knowledge().safety.route(text).crisis is not None

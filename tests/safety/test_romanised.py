"""Messages typed in Latin letters in a language with its own script: written back in that
script, the safety step reads them again. Messages written for these tests."""

from __future__ import annotations

import pytest

from bot.matching.langid import best_label, detect_language
from bot.safety.romanised import native_script
from tests.conftest import bundled_knowledge


def route(text: str) -> str:
    return bundled_knowledge().safety.route(text).name


def test_russian_and_ukrainian_are_written_in_cyrillic() -> None:
    # The apostrophe of Russian chat spelling is the soft sign.
    assert native_script("on menya ub'et", "ru-latn") == "он меня убьет"
    assert native_script("ya shovalasia", "uk-latn") == "я шовалася"


def test_arabic_chat_spelling_is_written_in_arabic_letters() -> None:
    # Digits are letters (3 ع, 7 ح, 2 ق), a doubled letter is written once and the article
    # joins its word.
    assert native_script("halla2 3am yes2al 3an el beit", "ar-latn") == "هلق عم يسقل عن البيت"
    assert native_script("7abibi", "ar-latn") == "حبيبي"


def test_persian_and_sorani_are_written_in_their_letters() -> None:
    assert native_script("pedaram gofte", "fa-latn") == "پدرم گفته"
    assert native_script("bawkm", "ckb-latn") == "باوکم"


def test_sorani_chat_spelling_reads_e_as_its_long_e_and_a_final_a_as_its_short_one() -> None:
    # ێ for "e" (مێرد, لێم), ە for a word's last "a" (ئێمە, لە): how Sorani is typed in
    # Latin letters, so the encoder reads it nearer the original.
    assert native_script("ema la finland dazhin", "ckb-latn") == "ئێمە لە فنلاند داژن"
    assert native_script("merdakam lem dada", "ckb-latn") == "مێرداکام لێم دادە"


def test_other_languages_and_other_scripts_are_left_alone() -> None:
    assert native_script("isä on sairas", "fi") is None
    assert native_script("whatever", None) is None
    assert native_script("ana w انا", "ar-latn") == "انا و انا"


def test_language_identification_says_when_a_text_is_romanised() -> None:
    text = "muzh skazal chto ub'et menya esli ya uydu"
    assert best_label(text) == "ru-latn"
    assert detect_language(text) == "ru"


# The encoder reads these poorly in Latin letters; written back in their own script they
# get a card (none before).
@pytest.mark.parametrize("text", [
    "muzh dushil menya vchera, ya boyus idti domoi",
    "sestra ne prosypaetsya, vypila vse tabletki babushki",
    "khochu zasnuty i ne prokynutys",
    "ibni waga3 w ras-o bi naz2ef ktir",
])
def test_a_romanised_crisis_gets_a_card(text: str) -> None:
    assert route(text).startswith("crisis:")


def test_a_reading_back_the_classifier_doubts_gets_no_card() -> None:
    # Read as Arabic chat spelling, this lies nearest a suicide example; the classifier
    # puts little on the crisis kinds (NATIVE_CLASSIFIER_MIN).
    assert route("bluff-sms bank") == "faq"


# Arabic chat spelling is always read back (NATIVE_ALWAYS): as typed the classifier puts
# less than 0.1 on a crisis for these, so the reading back used to be skipped.
@pytest.mark.parametrize("text", [
    "el walad balla3 battariyet sa3a w 3am yebki w ma 3am yakol",
    "3ammi 3am yelmos bint a5i w hiye 5ayfe tekhbir 7ada",
])
def test_arabic_chat_spelling_is_read_back_however_it_leans_as_typed(text: str) -> None:
    assert route(text).startswith("crisis:")


@pytest.mark.parametrize("text", [
    "kif bjadded el iqama taba3i w shu el awra2 li lazem jiba",
    "wein fini et3allam finlandi bbalash",
    "bade eftah 7esab bel bank, shu lazem a3mel",
])
def test_ordinary_arabic_chat_spelling_read_back_gets_no_card(text: str) -> None:
    assert not route(text).startswith("crisis:")

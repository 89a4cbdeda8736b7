"""One test per normalisation rule: each says what users type and what it must equal."""

from bot.matching.normalize import clean, fold, script_of, tokens


def test_nfkc_and_casefold() -> None:
    assert fold("ＫＥＬＡ") == fold("kela")


def test_finnish_and_swedish_letters_fold_to_plain_latin() -> None:
    assert fold("päiväkoti") == fold("paivakoti") == "paivakoti"
    assert fold("hälsocentral") == "halsocentral"
    assert fold("Försäkring å") == "forsakring a"


def test_zero_width_characters_are_removed() -> None:
    assert fold("ke\u200bla\u200d") == "kela"


def test_zwnj_separates_persian_affixes() -> None:
    assert tokens("کتاب\u200cها") == ["کتاب", "ها"]


def test_tatweel_is_removed() -> None:
    assert fold("كـــيلا") == fold("كيلا")


def test_harakat_are_removed() -> None:
    assert fold("مُتَرْجِم") == fold("مترجم")


def test_arabic_yeh_and_kaf_fold_to_persian_forms() -> None:
    assert fold("كيلا") == fold("کیلا")


def test_alef_variants_fold() -> None:
    assert fold("أإآا") == "اااا"


def test_teh_marbuta_folds_to_heh() -> None:
    assert fold("ضريبة") == fold("ضريبه")


def test_sorani_letters_fold_to_keyboard_substitutes() -> None:
    assert fold("کێلا") == fold("کیلا")
    assert fold("خەڵک") == fold("خهلک")
    assert fold("چۆن") == fold("چون")
    assert fold("ڕێ") == fold("ری")


def test_eastern_arabic_digits_become_ascii() -> None:
    assert fold("۱۱۲") == "112"
    assert fold("١١٢") == "112"


def test_russian_yo_folds_to_ye() -> None:
    assert fold("ребёнок") == fold("ребенок")


def test_ukrainian_letters_fold() -> None:
    assert fold("їжа") == fold("іжа")
    assert fold("ґанок") == fold("ганок")


def test_latin_i_inside_cyrillic_word_becomes_cyrillic() -> None:
    assert fold("мiсто") == fold("місто")


def test_apostrophes_join_words() -> None:
    assert tokens("shaqo la'aan") == ["shaqo", "laaan"]
    assert tokens("сім’я") == tokens("сім'я")


def test_hyphen_splits_words() -> None:
    assert tokens("TE-toimisto") == ["te", "toimisto"]


def test_clean_keeps_distinctive_letters() -> None:
    assert clean("Ukrainian і ї є and Sorani ە ێ") == "ukrainian і ї є and sorani ە ێ"


def test_script_of() -> None:
    assert script_of("kela") == "latin"
    assert script_of("кела") == "cyrillic"
    assert script_of("كيلا") == "arabic"
    assert script_of("112") == "other"

"""Catalogs: every UI string exists in every language, with its placeholders intact."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from bot.i18n import texts
from bot.i18n.catalogs import I18n
from bot.i18n.languages import LANGUAGES, NATIVE_NAMES, native_name, normalise_code
from tests.paths import LOCALES

MESSAGES = sorted(v for k, v in vars(texts).items() if k.isupper() and isinstance(v, str))
PLACEHOLDER = re.compile(r"{(\w+)}")


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated(lang: str) -> None:
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = [m for m in MESSAGES if m not in translated]
    assert not missing, f"{lang}: untranslated {missing}"
    for message in MESSAGES:
        assert set(PLACEHOLDER.findall(message)) == set(PLACEHOLDER.findall(translated[message]))


def test_template_is_up_to_date() -> None:
    with (LOCALES / "messages.pot").open("rb") as fh:
        template = {m.id for m in read_po(fh) if m.id}
    assert template == set(MESSAGES), "run the pybabel extract/update commands in the README"


def test_translator_formats_and_escapes() -> None:
    i18n = I18n.load(LOCALES)
    sv = i18n("sv")
    assert sv(texts.MENU_BUTTON) != texts.MENU_BUTTON
    assert "<b>" not in i18n("en").html(texts.LANGUAGE_SET, language="<b>")[:9]
    assert i18n("en").html(texts.LANGUAGE_SET, language="X") == "Language: X"
    assert i18n("fi").date(dt.date(2026, 3, 5)) == "5.3.2026"


def test_language_names_are_native() -> None:
    assert native_name("fi") == "Suomi"
    assert native_name("ru") == "Русский"
    assert native_name("ar") == "العربية"
    assert native_name("so") == "Soomaali"
    assert native_name("de") == "Deutsch"  # not one of ours: from CLDR


@pytest.mark.parametrize("lang", LANGUAGES)
def test_our_language_names_are_cldrs(lang: str) -> None:
    cldr = Locale.parse(lang).get_display_name(lang)
    assert NATIVE_NAMES[lang] == cldr[:1].upper() + cldr[1:]


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fi", "fi"), ("en-GB", "en"), ("pt-br", None), ("ku", "ckb"), ("CKB", "ckb"),
     ("uk_UA", "uk"), ("", None), (None, None), ("prs", "fa")],
)
def test_telegram_language_codes(code: str | None, expected: str | None) -> None:
    assert normalise_code(code) == expected

"""The languages Neuvo speaks, and the facts about them the rest of the code needs.

Kept in one place so that adding a language later is one edit here plus a catalog in
`locales/` and translations in `faq/`.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

#: Supported languages in the order they are offered to users. Finnish (plain Finnish,
#: selkokieli) is the reference language of the content.
LANGUAGES: tuple[str, ...] = ("fi", "sv", "en", "ru", "uk", "ar", "fa", "ckb", "so")
REFERENCE_LANGUAGE = "fi"
#: When an entry lacks the user's language the bot answers in these, saying so.
FALLBACK_LANGUAGES: tuple[str, ...] = ("fi", "en")
RTL_LANGUAGES = frozenset({"ar", "fa", "ckb"})

# Telegram sends IETF tags such as "en-GB", "pt-br" or "ku"; map the ones that mean one
# of ours but are spelled differently.
_ALIASES = {
    "ku": "ckb",  # Telegram clients report Kurdish as "ku"; our users write Sorani.
    "ckb-iq": "ckb",
    "ckb-ir": "ckb",
    "prs": "fa",  # Dari
}


def normalise_code(code: str | None) -> str | None:
    """Turn a Telegram or user-supplied language tag into one of ours, or None."""
    if not code:
        return None
    tag = code.strip().lower().replace("_", "-")
    if tag in LANGUAGES:
        return tag
    if tag in _ALIASES:
        return _ALIASES[tag]
    base = tag.split("-", 1)[0]
    if base in LANGUAGES:
        return base
    return _ALIASES.get(base)


def is_rtl(lang: str) -> bool:
    return lang in RTL_LANGUAGES


#: Our languages' own names for themselves as CLDR has them (a test checks each against
#: babel): the language menu, shown at every /start, then needs no locale's CLDR data,
#: which babel keeps in memory once read (about 1.5 MB a locale, 15 MB for the nine).
NATIVE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English", "ru": "Русский",
                "uk": "Українська", "ar": "العربية", "fa": "فارسی", "ckb": "کوردیی ناوەندی",
                "so": "Soomaali"}


@cache
def native_name(lang: str) -> str:
    """The language's own name for itself, from CLDR, capitalised as a menu item."""
    if lang in NATIVE_NAMES:
        return NATIVE_NAMES[lang]
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


@cache
def babel_locale(lang: str) -> Locale:
    return Locale.parse(lang)


#: Digits of the CLDR numbering systems our locales default to besides "latn".
_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


def localize_digits(text: str, lang: str) -> str:
    """ASCII digits in the locale's own numbering system (Persian ۱۸, Sorani ١٨).

    Babel formats dates with ASCII digits whatever the locale, so every date and time the
    bot shows goes through this, and a Persian reader sees one kind of digits throughout.
    """
    digits = _DIGITS.get(babel_locale(lang).default_numbering_system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text

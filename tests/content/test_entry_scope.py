"""Entries for one group of people say so in every way of asking, so that a general question
finds the general entry (see review-log.md, 2026-12-07)."""

from __future__ import annotations

import pytest

from bot.content.loader import load_content
from bot.matching.matcher import Matcher
from bot.tools.review import confusable_entries
from tests.paths import FAQ, VECTORS

CONTENT = load_content(FAQ)

#: How each language names temporary protection or the Ukrainians it is for (lower case; the
#: Finnish term counts where users mix it in).
TEMPORARY_PROTECTION = {
    "fi": ("tilapäi", "ukrain"),
    "sv": ("tillfällig", "ukrain"),
    "en": ("temporary protection", "ukrain"),
    "ru": ("временн", "украин"),
    "uk": ("тимчасов", "україн"),
    "ar": ("حماية مؤقتة", "الحماية المؤقتة", "أوكران", "tilapäinen suojelu"),
    "fa": ("حمایت موقت", "اوکراین", "tilapäinen suojelu"),
    "ckb": ("پاراستنی کاتی", "ئۆکران", "tilapäinen suojelu"),
    "so": ("ilaalinta ku meel gaarka", "tilapäinen suojelu", "ukrain"),
}


#: Kotikunta in general (what it is, how to get one from abroad) is register-address's; the
#: kotikunta of people under temporary protection is temporary-protection-municipality's. A way
#: of asking of the latter that named only kotikunta ("Kotikuntahakemus") made the bot put it
#: level with register-address for "Mikä on kotikunta?"; a reception centre also houses asylum
#: seekers, who cannot get a kotikunta at all.
@pytest.mark.parametrize("lang", sorted(CONTENT.entries["temporary-protection-municipality"].texts))
def test_every_way_of_asking_for_a_kotikunta_under_temporary_protection_says_so(lang: str) -> None:
    text = CONTENT.entries["temporary-protection-municipality"].texts[lang]
    for way in (text.question, *text.alternates):
        assert any(name in way.lower() for name in TEMPORARY_PROTECTION[lang]), way


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_content(CONTENT, VECTORS)


#: How long temporary protection lasts and whether it goes on is temporary-protection-extension's;
#: what it is and how to apply, temporary-protection's. Both name temporary protection in every
#: way of asking, so a way of asking that said no more than "when does it end" put the general
#: entry within reach (validator warning), and "How long does temporary protection last?" was
#: answered with the general entry. The duration questions now also name the extension.
@pytest.mark.parametrize("text", ["How long does temporary protection last?",
                                  "When does temporary protection end?"])
def test_how_long_temporary_protection_lasts_is_answered_by_the_extension_entry(
        matcher: Matcher, text: str) -> None:
    result = matcher.match(text, "en")
    assert result.decision == "answer"
    assert result.ids == ("temporary-protection-extension",)


def test_the_two_temporary_protection_entries_are_not_confusable(matcher: Matcher) -> None:
    problems = confusable_entries(FAQ, CONTENT, matcher)
    assert not [str(p) for p in problems if "temporary-protection" in str(p)]

"""Entries for one group of people say so in every way of asking, so that a general question
finds the general entry (see review-log.md, 2026-12-07)."""

from __future__ import annotations

import pytest

from bot.content.loader import load_content
from tests.paths import FAQ

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

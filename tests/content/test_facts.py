"""Numbers, phone numbers and web addresses are the same in every language: the checker,
and the bundled content held to it."""

from __future__ import annotations

import pytest

from bot.content.facts import differences, facts
from bot.content.links import is_home_page
from bot.content.loader import load_content
from bot.i18n.languages import REFERENCE_LANGUAGE
from tests.paths import FAQ


def test_digits_of_every_script_are_the_same_numbers() -> None:
    finnish = facts("Soita 112 tai 116117. Odota 3 kuukautta.")
    assert facts("اتصل بالرقم ١١٢ أو ١١٦١١٧. انتظر ٣ أشهر.") == finnish
    assert facts("به ۱۱۲ یا ۱۱۶۱۱۷ زنگ بزنید. ۳ ماه صبر کنید.") == finnish
    assert facts("Wac 112 ama 116117. Sug 3 bilood.") == finnish


def test_a_phone_number_is_one_number_however_it_is_grouped() -> None:
    assert facts("Soita numeroon 09 2525 0116.").numbers == {"0925250116"}
    assert facts("Call 09 25250116.").numbers == {"0925250116"}
    assert facts("116 117").numbers == facts("116117").numbers == {"116117"}
    assert facts("+358 29 501 6620").numbers == {"+358295016620"}
    # Short numbers next to each other stay separate: "1 2" is not a phone number.
    assert facts("luokat 1 2 ja 3").numbers == {"1", "2", "3"}


def test_an_address_is_the_same_with_or_without_scheme_www_and_final_slash() -> None:
    found = {"kela.fi", "tyomarkkinatori.fi", "suomi.fi"}
    assert facts("Katso https://www.Kela.fi/, tyomarkkinatori.fi ja Suomi.fi.").addresses == found
    assert facts("Look at kela.fi, www.tyomarkkinatori.fi and https://suomi.fi").addresses == found
    # A Finnish ending after the address is not part of it.
    assert facts("Suomi.fi-palvelussa ja kela.fi:ssä").addresses == {"suomi.fi", "kela.fi"}
    # A page is not its site: the path counts.
    assert facts("https://migri.fi/en/citizenship").addresses == {"migri.fi/en/citizenship"}
    assert facts("kela.fi/asiointi ja https//kela.fi").addresses == {"kela.fi/asiointi", "kela.fi"}
    # Numbers inside an address are not numbers of the text.
    assert facts("Katso 112.fi.").numbers == frozenset()


def test_a_numeric_date_matches_a_date_with_the_month_in_words() -> None:
    finnish = facts("1.2.2026 alkaen")
    assert facts("Since 1 February 2026") == finnish
    assert facts("с 1 февраля 2026 года") == finnish
    assert facts("از 1 فوریه 2026") == finnish
    assert facts("لە 1ی شوباتی 2026ەوە") == finnish
    assert facts("fr.o.m. 1.2.2026") == finnish
    assert facts("from February 2026").numbers == {"2026"}


def test_differences_name_what_is_missing_and_what_is_added() -> None:
    assert differences("Soita 116117 tai katso kela.fi.", "Call 116 117 or see www.kela.fi.") == []
    assert differences("Sinulla on 3 kuukautta. Katso migri.fi.", "You have 6 months.") == [
        "numbers missing: 3",
        "numbers not in the Finnish: 6",
        "addresses missing: migri.fi",
    ]
    assert differences("1.1.2025 alkaen", "از اول ژانویه 2025") == ["numbers missing: 1"]


CONTENT = load_content(FAQ)
TRANSLATIONS = [(entry.id, lang) for entry in sorted(CONTENT.entries.values(), key=lambda e: e.id)
                for lang in entry.texts if lang != REFERENCE_LANGUAGE]


@pytest.mark.parametrize(("entry_id", "lang"), TRANSLATIONS)
def test_bundled_translations_keep_the_numbers_and_addresses_of_the_finnish(
    entry_id: str, lang: str,
) -> None:
    entry = CONTENT.entries[entry_id]
    assert differences(entry.texts[REFERENCE_LANGUAGE].answer, entry.texts[lang].answer) == []


def test_bundled_sources_are_specific_pages_not_home_pages() -> None:
    home_pages = {entry.id: entry.source_url for entry in CONTENT.entries.values()
                  if is_home_page(entry.source_url)}
    assert home_pages == {}



def test_the_review_log_names_existing_entries() -> None:
    """A mistyped id in the log would leave an entry's check unfindable."""
    log = (FAQ / "review-log.md").read_text(encoding="utf-8")
    named = {name.strip() for line in log.splitlines() if line.startswith("| ")
             for name in line.split("|")[1].split(",")}
    named -= {"entry", "---", "glossary"}
    assert named and named <= set(CONTENT.entries)

"""Facts of the bundled content that changed in law: an answer must not fall back to the old
rule in any language (a translation is easy to forget when the Finnish is fixed)."""

from __future__ import annotations

import pytest

from bot.content.facts import facts
from bot.content.loader import load_content
from tests.paths import FAQ

CONTENT = load_content(FAQ)
#: Kela's unemployment benefits peruspäiväraha and työmarkkinatuki ended on 1.5.2026; the
#: general social security benefit (yleistuki) replaced them (see review-log.md, 2026-12-07).
#: Every language keeps the Finnish name in the text, so users can find it on kela.fi.
OLD_BENEFITS = ("peruspäiväraha", "työmarkkinatu")
NEW_BENEFIT = "yleistu"
ANSWERS = [(entry.id, lang) for entry in sorted(CONTENT.entries.values(), key=lambda e: e.id)
           for lang in entry.texts]


@pytest.mark.parametrize(("entry_id", "lang"), ANSWERS)
def test_an_answer_naming_kelas_old_unemployment_benefits_says_yleistuki_replaced_them(
    entry_id: str, lang: str,
) -> None:
    answer = CONTENT.entries[entry_id].texts[lang].answer.lower()
    if any(old in answer for old in OLD_BENEFITS):
        assert NEW_BENEFIT in answer


@pytest.mark.parametrize("lang", sorted(CONTENT.entries["unemployment-benefit"].texts))
def test_the_unemployment_answer_names_yleistuki_in_every_language(lang: str) -> None:
    answer = CONTENT.entries["unemployment-benefit"].texts[lang].answer.lower()
    assert NEW_BENEFIT in answer


#: Kela pays sickness allowance to 16–67-year-olds (https://www.kela.fi/sairauspaivaraha-kenelle;
#: review-log.md, 2026-12-07); the answer said 18–67, an adult age limit copied from other benefits.
#: The lower age limit must be 16 in every language, written with digits as the Finnish.
@pytest.mark.parametrize("lang", sorted(CONTENT.entries["sickness-allowance"].texts))
def test_the_sickness_allowance_answer_gives_kelas_age_limits_16_to_67(lang: str) -> None:
    answer = CONTENT.entries["sickness-allowance"].texts[lang].answer
    assert "16–67" in answer
    assert "18–67" not in answer


#: Basic banking services are a basic payment account, its payment card *and online banking
#: codes* for every consumer living legally in the EEA (FIN-FSA:
#: https://www.finanssivalvonta.fi/tiedotteet-ja-julkaisut/blogit/2025/pankkitili-ei-ole-vain-tilinumero-vaan-avain-taloudelliseen-osallisuuteen;
#: review-log.md, 2026-12-07). The answer listed only the account, the card and payments, so
#: a person refused codes could not tell that the codes are part of that right.
BANK_CODES = {
    "fi": "pankkitunnukset", "en": "online banking codes", "sv": "nätbankskoder",
    "ru": "банковские коды", "uk": "банківські коди", "ar": "رموز البنك",
    "fa": "کدهای بانکی", "ckb": "کۆدەکانی بانک", "so": "koodhadhka bangiga",
}


@pytest.mark.parametrize("lang", sorted(CONTENT.entries["bank-account"].texts))
def test_the_basic_banking_services_sentence_includes_online_banking_codes(lang: str) -> None:
    answer = CONTENT.entries["bank-account"].texts[lang].answer
    first_sentence = answer.strip().splitlines()[0]
    assert BANK_CODES[lang] in first_sentence


#: The Citizenship Act changes at the beginning of 2027 and a citizenship test follows (the
#: President approved the amendments on 16.6.2026:
#: https://valtioneuvosto.fi/en/-/1410869/citizenship-test-to-be-introduced-in-early-2027;
#: review-log.md, 2026-12-07). An answer listing only the requirements of 2026 is silently
#: incomplete from New Year on, so every language names the test and the year.
CITIZENSHIP_TEST = {
    "fi": "kansalaisuuskoe", "en": "citizenship test", "sv": "medborgarskapsprov",
    "ru": "kansalaisuuskoe", "uk": "kansalaisuuskoe", "ar": "kansalaisuuskoe",
    "fa": "kansalaisuuskoe", "ckb": "kansalaisuuskoe", "so": "kansalaisuuskoe",
}


@pytest.mark.parametrize("lang", sorted(CONTENT.entries["citizenship"].texts))
def test_the_citizenship_answer_names_the_citizenship_test_of_2027(lang: str) -> None:
    answer = CONTENT.entries["citizenship"].texts[lang].answer
    line = next((line for line in answer.splitlines() if CITIZENSHIP_TEST[lang] in line), "")
    assert "2027" in facts(line).numbers


#: Temporary protection is decided until 4.3.2027 (Council decision of 15.7.2025); no decision
#: about the time after it was found (review-log.md, 2026-12-07). "It continues until 4.3.2027"
#: alone reads as "it has ended" after that day, so the answer must also say where to see
#: whether it continues after 4.3.2027: one line with both migri.fi and the date.
@pytest.mark.parametrize("lang", sorted(CONTENT.entries["temporary-protection-extension"].texts))
def test_the_temporary_protection_answer_says_where_to_see_whether_it_continues_after_2027(
    lang: str,
) -> None:
    answer = CONTENT.entries["temporary-protection-extension"].texts[lang].answer
    lines = [facts(line) for line in answer.splitlines()]
    assert any("migri.fi" in found.addresses and {"4", "2027"} <= found.numbers
               for found in lines)


#: Preparatory education (valmistava opetus) is open today to pupils with an immigrant background
#: born abroad or in Finland (OPH:
#: https://www.oph.fi/fi/koulutus-ja-tutkinnot/maahanmuuttotaustaiset-oppijat-perusopetukseen-valmistavassa-opetuksessa);
#: HE 103/2025 proposed to limit it to pupils born abroad, and whether that was enacted was not
#: found (review-log.md, 2026-12-07). "If the child does not know Finnish, they can start there"
#: would be wrong for a child born in Finland if it was, so the sentence speaks of a child who
#: has moved to Finland, which is true under either rule: same line as the term, every language.
PREPARATORY = {
    "fi": ("valmistava", "muuttanut Suomeen"),
    "en": ("preparatory education", "moved to Finland"),
    "sv": ("förberedande undervisning", "flyttat till Finland"),
    "ru": ("valmistava opetus", "переехал в Финляндию"),
    "uk": ("valmistava opetus", "переїхала до Фінляндії"),
    "ar": ("valmistava opetus", "انتقل إلى فنلندا"),
    "fa": ("valmistava opetus", "به فنلاند آمده"),
    "ckb": ("valmistava opetus", "هاتووەتە فینلەندا"),
    "so": ("valmistava opetus", "Finland u soo guuray"),
}


@pytest.mark.parametrize("lang", sorted(CONTENT.entries["school"].texts))
def test_the_school_answer_offers_preparatory_education_to_a_child_who_moved_to_finland(
    lang: str,
) -> None:
    term, moved = PREPARATORY[lang]
    answer = CONTENT.entries["school"].texts[lang].answer
    line = next((line for line in answer.splitlines() if term in line), "")
    assert moved in line

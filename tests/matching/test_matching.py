"""Decision logic of the matcher on a small content set written for these tests."""

import pytest

from bot.content.model import GlossaryTerm
from bot.matching.analysis import Analyzer, stem
from bot.matching.matcher import Document, Matcher
from tests.paths import VECTORS


def _doc(id_: str, lang: str, question: str, *alternates: str, answer: str = "") -> Document:
    return Document(id_, lang, question, tuple(alternates), answer or question)


DOCS = [
    _doc("tax-card", "fi", "Mistä saan verokortin?", "Tarvitsen verokortin uuteen työhön"),
    _doc("tax-card", "en", "Where do I get a tax card?", "I need a tax card for my new job"),
    _doc("tax-card", "ru", "Где получить налоговую карточку?", "Нужна налоговая карточка"),
    _doc("library", "fi", "Miten saan kirjastokortin?", "Voinko lainata kirjoja?"),
    _doc("library", "en", "How do I get a library card?", "Can I borrow books for free?"),
    _doc("daycare", "fi", "Miten haen lapselle päiväkotipaikkaa?", "Varhaiskasvatus"),
    _doc("daycare", "en", "How do I apply for a daycare place?", "Kindergarten for my child"),
    _doc("emergency", "fi", "Mikä on hätänumero?", "Mihin soitan tulipalossa?"),
    _doc("emergency", "en", "What is the emergency number?", "Who do I call if there is a fire?"),
    _doc("kela-card", "fi", "Miten saan Kela-kortin?", "Kela-kortti apteekissa"),
    _doc("kela-card", "en", "How do I get a Kela card?", "The pharmacy asks for my Kela card"),
    _doc("housing-allowance", "fi", "Miten haen Kelan asumistukea?", "Tukea vuokraan Kelalta"),
    _doc("housing-allowance", "en", "How do I apply for Kela housing allowance?"),
    _doc("omakanta", "fi", "Mistä näen reseptini Omakannasta?", "Omakanta-palvelu"),
    _doc("omakanta", "en", "Where can I see my prescriptions in Omakanta?"),
]
GLOSSARY = [GlossaryTerm("Omakanta", ("اوماكانتا", "омаканта"))]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(DOCS, GLOSSARY, vectors_dir=VECTORS)


def test_clear_question_is_answered(matcher: Matcher) -> None:
    result = matcher.match("Where can I get a tax card for my job?")
    assert result.decision == "answer"
    assert result.ids == ("tax-card",)
    assert result.ranked[0].id == "tax-card"
    assert result.detected_lang == "en"


def test_ranked_has_at_most_five_sorted_candidates(matcher: Matcher) -> None:
    ranked = matcher.match("kela card and housing allowance").ranked
    assert 1 <= len(ranked) <= 5
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)


def test_ambiguous_question_gets_suggestions(matcher: Matcher) -> None:
    result = matcher.match("Kela")
    assert result.decision == "suggest"
    assert {"kela-card", "housing-allowance"} <= set(result.ids)
    assert len(result.ids) <= 3


@pytest.mark.parametrize(
    "text",
    [
        "Who won the football match yesterday?",
        "Write me a poem about the sea",
        "🙂",
        "",
    ],
)
def test_off_topic_is_not_answered(matcher: Matcher, text: str) -> None:
    result = matcher.match(text)
    assert result.decision != "answer"


def test_unrelated_question_gets_nothing(matcher: Matcher) -> None:
    result = matcher.match("Who won the football match yesterday?")
    assert result.decision == "none"
    assert result.ids == ()


def test_cross_language_through_the_lexicon(matcher: Matcher) -> None:
    # The library entry has no Arabic text: the concept lexicon bridges the languages.
    result = matcher.match("كيف احصل على بطاقة المكتبة؟")
    assert result.ranked[0].id == "library"
    assert result.detected_lang == "ar"


def test_cross_language_through_the_glossary(matcher: Matcher) -> None:
    result = matcher.match("كيف افتح اوماكانتا؟")
    assert result.ranked[0].id == "omakanta"


def test_finnish_term_in_cyrillic(matcher: Matcher) -> None:
    result = matcher.match("Как получить верокортти?")
    assert result.ranked[0].id == "tax-card"


def test_typo_is_repaired(matcher: Matcher) -> None:
    result = matcher.match("how do i get a libary card")
    assert result.ranked[0].id == "library"


def test_remembered_repairs_follow_the_vocabulary() -> None:
    """Repairs are remembered per word, but a word that had no known spelling close to it
    is repaired once the content brings one (content reloads add words)."""
    analyzer = Analyzer([])
    analyzer.learn(["kirjasto"])
    typo = "kirjsstokortti"
    for _ in range(2):  # the second time from memory
        assert analyzer.analyse(typo, "fi", query=True).words == (stem(typo, "fi"),)
    analyzer.learn(["kirjastokortti"])
    assert analyzer.analyse(typo, "fi", query=True).words == (stem("kirjastokortti", "fi"),)


def test_missing_finnish_letters(matcher: Matcher) -> None:
    result = matcher.match("mika on hatanumero")
    assert result.ranked[0].id == "emergency"


def test_language_hint_is_optional(matcher: Matcher) -> None:
    hinted = matcher.match("Где получить налоговую карточку?", lang="ru")
    plain = matcher.match("Где получить налоговую карточку?")
    assert hinted.ranked[0].id == plain.ranked[0].id == "tax-card"


def test_answer_shows_one_id_and_none_shows_nothing(matcher: Matcher) -> None:
    for text in ("What is the emergency number?", "tell me a joke", "apply"):
        result = matcher.match(text)
        if result.decision == "answer":
            assert len(result.ids) == 1
        elif result.decision == "none":
            assert result.ids == ()
        else:
            assert 1 <= len(result.ids) <= 3


@pytest.mark.parametrize(("text", "lang", "words"), [
    # "нужно" is a listed function word; "нужна", "нужны" are the same word by gender and
    # number.
    ("Нужна ли справка?", "ru", ("справка",)),
    ("Нужны ли документы?", "ru", ("документы",)),
    ("Чи потрібен паспорт?", "uk", ("паспорт",)),
    # "tarvitsen" is listed; "tarvitsetko" is the same word in another person.
    ("Tarvitsetko verokortin?", "fi", ("verokortin",)),
    # A short function word's stem ("en") would meet content words: "ensi" stays.
    ("ensi viikolla", "fi", ("ensi", "viikolla")),
])
def test_function_words_are_function_words_in_any_form(text: str, lang: str,
                                                       words: tuple[str, ...]) -> None:
    analysis = Analyzer([]).analyse(text, lang)
    assert analysis.words == tuple(stem(w, lang) for w in words)


def test_function_words_inside_a_phrase_are_known_by_position() -> None:
    from bot.matching.lexicon import builtin_patterns

    analysis = Analyzer(builtin_patterns()).analyse("как продлить вид на жительство", "ru",
                                                    query=True)
    # "как" and the "на" of "вид на жительство" (one concept over three words).
    assert analysis.function_words == (0, 3)
    assert any(3 in positions for _, positions in analysis.sources)

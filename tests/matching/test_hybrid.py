"""The semantic half of the matcher: cached entry vectors, content nobody wrote vocabulary
for, and answers that need more than one ambiguous word."""

import math
from pathlib import Path

import numpy as np
import pytest

from bot.matching import matcher
from bot.matching.analysis import stem
from bot.matching.langid import LANGUAGES, samples
from bot.matching.matcher import Document, Matcher
from bot.matching.normalize import fold_word
from tests.matching.counting import CountingEncoder
from tests.paths import VECTORS

SAMPLES = {sentence for lang in LANGUAGES for sentence in samples(lang)}


def _doc(id_: str, lang: str, question: str, *alternates: str) -> Document:
    return Document(id_, lang, question, tuple(alternates), question)


def _passage(doc: Document) -> str:
    """What the matcher encodes of what an entry says in one language."""
    return f"{doc.question}\n{doc.answer}"


# Topics the concept lexicon has no words for, so only the meaning can bridge languages.
BEES = _doc("beekeeping", "fi", "Miten rekisteröin mehiläistarhan?",
            "Pidän mehiläisiä, pitääkö pesät ilmoittaa?", "Hunajan myynti omista pesistä")
CHOIR = _doc("choir", "fi", "Miten pääsen mukaan kuoroon laulamaan?",
             "Etsin laulukuoroa aikuisille", "Voinko laulaa kuorossa, vaikka en osaa nuotteja?")
SAUNA = _doc("public-sauna", "fi", "Missä on yleinen sauna?",
             "Haluan käydä saunassa, vaikka kotona ei ole saunaa", "Yleisen saunan hinta")
PRESCRIPTION = _doc("prescription", "fi", "Miten saan reseptilääkkeen apteekista?",
                    "Lääkäri kirjoitti reseptin, mistä saan lääkkeen?", "Mikä on e-resepti?")
TAX = _doc("tax-card", "fi", "Mistä saan verokortin?", "Tarvitsen verokortin uuteen työhön")
# Entries are written in Finnish and English first, like the bundled content.
IN_ENGLISH = [
    _doc("beekeeping", "en", "How do I register my apiary?",
         "I keep bees, must I report my hives?"),
    _doc("choir", "en", "How can I join a choir?", "I am looking for a choir for adults"),
    _doc("public-sauna", "en", "Where is there a public sauna?",
         "I have no sauna at home, where can I go to the sauna?"),
    _doc("prescription", "en", "How do I get prescription medicine from a pharmacy?",
         "What is an e-prescription?"),
    _doc("tax-card", "en", "Where do I get a tax card?", "I need a tax card for my new job"),
]


def test_entry_vectors_are_cached_by_text_and_reused(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    Matcher([BEES, CHOIR], encoder=encoder, vectors_dir=tmp_path)
    # The question and two alternates of each entry, each entry's passage (question and
    # answer), and once the languages' sample sentences.
    assert len(encoder.passages_in) == 6 + 2 + len(SAMPLES)
    encoder.passages_in.clear()
    Matcher([BEES, CHOIR], encoder=encoder, vectors_dir=tmp_path)  # a restart
    assert encoder.passages_in == []


def test_a_reload_encodes_only_what_changed(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    Matcher([BEES, CHOIR], encoder=encoder, vectors_dir=tmp_path)
    encoder.passages_in.clear()
    edited = _doc("choir", "fi", "Miten pääsen mukaan kuoroon?",
                  *CHOIR.alternates)
    matcher = Matcher([BEES, edited, SAUNA], encoder=encoder, vectors_dir=tmp_path)
    assert sorted(encoder.passages_in) == sorted(["Miten pääsen mukaan kuoroon?", *SAUNA.alternates,
                                             SAUNA.question, _passage(edited), _passage(SAUNA)])
    assert matcher.match("Missä voin laulaa kuorossa?").ranked[0].id == "choir"


def test_deleted_or_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    Matcher([BEES], encoder=encoder, vectors_dir=tmp_path)
    for path in tmp_path.iterdir():
        path.write_bytes(b"not a cache")
    encoder.passages_in.clear()
    matcher = Matcher([BEES, CHOIR], encoder=encoder, vectors_dir=tmp_path)
    assert len(encoder.passages_in) == 6 + 2 + len(SAMPLES)
    assert matcher.match("mehiläispesät").ranked[0].id == "beekeeping"


def test_a_build_leaves_the_word_caches_to_questions(tmp_path: Path) -> None:
    """The content's words filled the caches during the build; they are emptied after it,
    so that their memory holds what questions need instead."""
    matcher = Matcher([BEES, CHOIR], encoder=CountingEncoder(), vectors_dir=tmp_path)
    assert fold_word.cache_info().currsize == 0
    assert stem.cache_info().currsize == 0
    assert matcher._analyzer.finder._word_hits.cache_info().currsize == 0
    assert matcher.match("mehiläispesät").ranked[0].id == "beekeeping"


@pytest.fixture(scope="module")
def new_topics() -> Matcher:
    return Matcher([BEES, CHOIR, SAUNA, PRESCRIPTION, TAX, *IN_ENGLISH], vectors_dir=VECTORS)


@pytest.mark.parametrize(("text", "expected"), [
    ("Mehiläispesät pitää kai ilmoittaa jonnekin?", "beekeeping"),
    ("Как записаться в хор, я люблю петь", "choir"),
    ("أين يمكنني الذهاب إلى الساونا؟ ليس عندي ساونا في البيت", "public-sauna"),
    ("Sidee ayaan ugu biiri karaa koox heeso ah (kuoro)?", "choir"),
])
def test_a_new_entry_is_found_in_other_languages_without_vocabulary(
    new_topics: Matcher, text: str, expected: str
) -> None:
    result = new_topics.match(text)
    assert result.ranked[0].id == expected
    assert result.decision != "none"


@pytest.mark.parametrize("one_word_margin", [matcher.ONE_WORD_MARGIN, 0.45])
@pytest.mark.parametrize("text", [
    "Anna minulle hyvä resepti pannukakkuihin",
    "resepti mustikkapiirakkaan?",
])
def test_a_homograph_alone_does_not_answer(
    new_topics: Matcher, text: str, one_word_margin: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "resepti" is both a prescription and a recipe: one shared word is not an answer, not
    # even with one-word answers allowed where the meaning singles the entry out (0.45 is
    # what the benchmarks' fit chose when that was tried): a pancake is not a prescription.
    monkeypatch.setattr(matcher, "ONE_WORD_MARGIN", one_word_margin)
    assert new_topics.match(text).decision != "answer"


def test_the_query_vector_can_be_given(new_topics: Matcher) -> None:
    text = "Miten saan reseptilääkkeen apteekista?"
    vector = new_topics.query_vector(text)
    assert new_topics.match(text, vector=vector) == new_topics.match(text)
    assert new_topics.match(text, vector=-vector).ranked != new_topics.match(text).ranked


def test_assessment_shows_each_signal(new_topics: Matcher) -> None:
    assessment = new_topics.assess("Miten saan reseptilääkkeen apteekista?")
    best = assessment.candidates[0]
    assert best.id == "prescription" == assessment.result.ranked[0].id
    assert best.lexical > 0 and best.semantic > 0
    assert best.shared  # the words (or their concepts) the question and the entry share
    assert set(assessment.inputs) >= {"semantic_margin", "lexical_margin", "agree", "evidence"}
    assert 0 <= assessment.confidence <= 1


SURE = {"support": 2 / 3, "support_about": 2 / 3, "semantic_margin": 0.05, "strongest": 1.0}


@pytest.mark.parametrize(("inputs", "decision"), [
    (SURE, "answer"),
    # The meaning prefers another entry a little, but the words are what this one is about.
    ({**SURE, "semantic_margin": -0.05}, "answer"),
    # ... by more than a little: the words are not enough.
    ({**SURE, "semantic_margin": -0.15}, "suggest"),
    # Only one of the words is what the entry is about (the other is in its answer).
    ({**SURE, "support_about": 1 / 3, "semantic_margin": -0.05}, "suggest"),
    # Two of three are: one word comes only from the answer, so the meaning must agree.
    ({**SURE, "support": 1.0, "support_about": 2 / 3, "semantic_margin": -0.05}, "suggest"),
    ({**SURE, "support": 1.0, "support_about": 2 / 3, "semantic_margin": 0.05}, "answer"),
    # One word among others is not an answer, however sure the meaning is.
    ({**SURE, "support": 1 / 3, "support_about": 1 / 3, "semantic_margin": 0.3}, "suggest"),
    # Two words, but the entry is about none of them: a homograph in some of its languages.
    ({**SURE, "semantic_margin": 0.3, "strongest": 0.53}, "suggest"),
    ({**SURE, "support": 1.0, "support_about": 1.0, "semantic_margin": 0.3, "strongest": 0.53},
     "suggest"),
])
def test_an_answer_needs_two_words_and_a_meaning_that_agrees(
    inputs: dict[str, float], decision: str
) -> None:
    assert matcher.decide(0.99, inputs) == decision
    assert matcher.decide(0.01, inputs) == "none"


@pytest.mark.parametrize(("inputs", "decision"), [
    ({**SURE, "support": 1 / 3, "support_about": 1 / 3, "semantic_margin": 0.5}, "answer"),
    ({**SURE, "support": 1 / 3, "support_about": 1 / 3, "semantic_margin": 0.4}, "suggest"),
    # No word at all: the meaning alone never answers.
    ({**SURE, "support": 0.0, "support_about": 0.0, "semantic_margin": 0.9}, "suggest"),
    # Two words still need only SEMANTIC_MARGIN_MIN.
    (SURE, "answer"),
])
def test_one_word_may_answer_only_when_the_meaning_singles_the_entry_out(
    inputs: dict[str, float], decision: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Off in the bot (held out it answered more off-topic questions), but the rule the
    # calibration script can fit (--try ONE_WORD_MARGIN) must be this one.
    assert math.isinf(matcher.ONE_WORD_MARGIN)
    monkeypatch.setattr(matcher, "ONE_WORD_MARGIN", 0.45)
    assert matcher.decide(0.99, inputs) == decision


WHOLE = {"support": 1 / 3, "support_about": 1 / 3, "unknown": 0.0, "agree": 1.0,
         "semantic_margin": 0.3, "central": 0.95, "strongest": 0.95}


@pytest.mark.parametrize(("inputs", "decision"), [
    # One word, and the content knows every word of the question: nothing else it says
    # points elsewhere, and both signals put the entry first.
    (WHOLE, "answer"),
    # Something the content does not know ("resepti" of a pancake) is another topic.
    ({**WHOLE, "unknown": 0.33}, "suggest"),
    # The words put another entry first, or the meaning does (or only just prefers it).
    ({**WHOLE, "agree": 0.0}, "suggest"),
    ({**WHOLE, "semantic_margin": 0.02}, "suggest"),
    # The word is only in the entry's answer.
    ({**WHOLE, "support_about": 0.0}, "suggest"),
    # The entry has what the word names only where its own word is a homograph.
    ({**WHOLE, "central": 0.53}, "suggest"),
])
def test_one_word_may_answer_when_it_is_all_the_question_says(
    inputs: dict[str, float], decision: str
) -> None:
    assert matcher.decide(0.99, inputs) == decision
    assert matcher.decide(0.01, inputs) == "none"


def test_the_one_word_rule_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    # What --try ONE_WORD_UNKNOWN_MAX fits, its first candidate being the rule off.
    monkeypatch.setattr(matcher, "ONE_WORD_UNKNOWN_MAX", -math.inf)
    assert matcher.decide(0.99, WHOLE) == "suggest"


@pytest.mark.parametrize(("text", "decision"), [
    ("verokortti", "answer"),
    ("apteekki", "answer"),
    # "resepti" is a recipe too, and so is "recipe": the prescription entry has the recipe
    # concept only because its Finnish word for a prescription is "resepti".
    ("resepti", "suggest"),
    ("recipe", "suggest"),
])
def test_a_one_word_question_is_answered_unless_the_word_is_a_homograph(
    new_topics: Matcher, text: str, decision: str
) -> None:
    result = new_topics.match(text)
    assert result.decision == decision
    assert result.ranked[0].id in {"tax-card", "prescription"}


@pytest.mark.parametrize(("dissent_full", "decision"), [
    (matcher.SEMANTIC_DISSENT_FULL, "suggest"),
    (0.3, "answer"),
])
def test_three_words_the_entry_is_about_may_have_their_own_dissent(
    dissent_full: float, decision: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the bot has it, three words or two: the meaning may prefer another entry by at most
    # SEMANTIC_DISSENT_MAX. --try SEMANTIC_DISSENT_FULL fits a separate limit for three.
    assert matcher.SEMANTIC_DISSENT_FULL == matcher.SEMANTIC_DISSENT_MAX
    monkeypatch.setattr(matcher, "SEMANTIC_DISSENT_FULL", dissent_full)
    three = {**SURE, "support": 1.0, "support_about": 1.0, "semantic_margin": -0.2}
    assert matcher.decide(0.99, three) == decision
    two = {**three, "support": 2 / 3, "support_about": 2 / 3}
    assert matcher.decide(0.99, two) == "suggest"


def test_the_passage_signal_reads_what_an_entry_says() -> None:
    # Two entries asked in the same words: only their answers tell them apart.
    asked = "Mitä minun pitää tietää tästä?"
    sauna = Document("sauna", "fi", asked, (), "Yleinen sauna on avoinna lauantaisin "
                     "uimahallissa, ja pyyhe kannattaa ottaa mukaan.")
    choir = Document("choir", "fi", asked, (), "Kuoro harjoittelee tiistai-iltaisin "
                     "kirjastossa; nuotteja ei tarvitse osata, laulamaan pääsee kuka tahansa.")
    m = Matcher([sauna, choir], vectors_dir=VECTORS)
    for text, expected in (("I would like to sing in a choir", "choir"),
                           ("Where can I go to a public sauna?", "sauna")):
        by_id = {c.id: c for c in m.assess(text).candidates}
        assert by_id["sauna"].semantic == pytest.approx(by_id["choir"].semantic, abs=1e-4)
        other = "sauna" if expected == "choir" else "choir"
        assert by_id[expected].passage > by_id[other].passage + 0.1


PASSAGE = {**SURE, "support": 1.0, "support_about": 2 / 3, "semantic_margin": -0.2}


@pytest.mark.parametrize(("inputs", "decision"), [
    # Three words, and what the entry says singles it out: the meaning agrees after all.
    ({**PASSAGE, "passage_margin": 0.15}, "answer"),
    # ... by too little.
    ({**PASSAGE, "passage_margin": 0.05}, "suggest"),
    # Two words are not enough for this way (the passages are the weaker signal).
    ({**PASSAGE, "support": 2 / 3, "support_about": 1 / 3, "passage_margin": 0.3}, "suggest"),
    # No passage signal (an old caller's inputs): as before.
    (PASSAGE, "suggest"),
])
def test_three_words_may_answer_when_what_the_entry_says_agrees(
    inputs: dict[str, float], decision: str
) -> None:
    assert matcher.PASSAGE_MARGIN_MIN == 0.1
    assert matcher.decide(0.99, inputs) == decision


def test_words_only_in_an_answer_are_not_what_the_entry_is_about() -> None:
    keys = Document("lost-keys", "fi", "Kadotin avaimet, mitä teen?", ("Avaimet hukassa",),
                    "Soita isännöitsijälle.")
    m = Matcher([keys, BEES, CHOIR, SAUNA], vectors_dir=VECTORS)
    asked = m.assess("avaimet hukassa", lang="fi")
    assert asked.result.ranked[0].id == "lost-keys"
    assert asked.inputs["about"] == asked.inputs["evidence"] == 2 / 3
    # "isännöitsijä" is only in the answer: it is evidence, but not what the entry is about.
    told = m.assess("avaimet, soitanko isännöitsijälle", lang="fi")
    assert told.result.ranked[0].id == "lost-keys"
    assert told.inputs["evidence"] == 2 / 3 and told.inputs["about"] == 1 / 3



def _prescription(lang: str, question: str, alternates: tuple[str, ...],
                  answer: str) -> Document:
    return Document("prescription", lang, question, alternates, answer)


# The prescription entry as content has it in many languages: only the Finnish ways of asking
# say "resepti" (a recipe too), and every answer names the Finnish service word "e-resepti".
PRESCRIPTION_EVERYWHERE = [
    _prescription("fi", "Miten saan reseptilääkkeen apteekista?",
                  ("Lääkäri kirjoitti reseptin, mistä haen lääkkeen?", "Mikä on e-resepti?"),
                  "Lääkäri kirjoittaa sähköisen reseptin (e-resepti). Hae lääke mistä tahansa "
                  "apteekista ja ota mukaan Kela-kortti."),
    _prescription("en", "How do I get prescription medicine from a pharmacy?",
                  ("The doctor gave me a prescription, where do I pick up the medicine?",
                   "What is an e-prescription?"),
                  "The doctor writes an electronic prescription (e-resepti). Pick up the "
                  "medicine at any pharmacy and bring your Kela card."),
    _prescription("ru", "Как получить лекарство по рецепту в аптеке?",
                  ("Врач выписал рецепт, где забрать лекарство?", "Что такое электронный рецепт?"),
                  "Врач выписывает электронный рецепт (e-resepti). Лекарство можно получить в "
                  "любой аптеке, возьмите карточку Kela."),
    _prescription("uk", "Як отримати ліки за рецептом в аптеці?",
                  ("Лікар виписав рецепт, де забрати ліки?", "Що таке електронний рецепт?"),
                  "Лікар виписує електронний рецепт (e-resepti). Ліки можна отримати в будь-якій "
                  "аптеці, візьміть картку Kela."),
    _prescription("ar", "كيف أحصل على دواء بوصفة طبية من الصيدلية؟",
                  ("كتب لي الطبيب وصفة طبية، من أين أستلم الدواء؟", "ما هي الوصفة الإلكترونية؟"),
                  "يكتب الطبيب وصفة إلكترونية (e-resepti). يمكنك استلام الدواء من أي صيدلية، "
                  "وخذ معك بطاقة Kela."),
]


@pytest.fixture(scope="module")
def prescription_everywhere() -> Matcher:
    others = [d for d in (BEES, CHOIR, SAUNA, TAX, *IN_ENGLISH) if d.id != "prescription"]
    return Matcher([*others, *PRESCRIPTION_EVERYWHERE], vectors_dir=VECTORS)


# A recipe is one concept over two words, which the entry has only from the Finnish word.
HOMOGRAPHS = ["cooking recipe", "рецепт торта"]


@pytest.mark.parametrize("text", HOMOGRAPHS)
def test_two_words_of_a_homograph_do_not_answer(prescription_everywhere: Matcher,
                                                text: str) -> None:
    assessed = prescription_everywhere.assess(text)
    assert assessed.result.ranked[0].id == "prescription"
    assert assessed.inputs["evidence"] == 2 / 3
    assert assessed.inputs["strongest"] < matcher.STRONGEST_MIN
    assert assessed.result.decision == "suggest"


@pytest.mark.parametrize("text", HOMOGRAPHS)
def test_without_the_rule_the_homograph_would_be_answered(
    prescription_everywhere: Matcher, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What --try STRONGEST_MIN fits, its first candidate being the rule off.
    monkeypatch.setattr(matcher, "STRONGEST_MIN", 0.0)
    assert prescription_everywhere.match(text).decision == "answer"


@pytest.mark.parametrize(("text", "expected"), [
    ("Miten saan reseptilääkkeen apteekista?", "prescription"),
    ("where can I pick up my prescription medicine", "prescription"),
    ("Врач выписал рецепт, где забрать лекарство?", "prescription"),
    ("where do I get a tax card", "tax-card"),
])
def test_what_entries_are_about_is_still_answered(prescription_everywhere: Matcher,
                                                  text: str, expected: str) -> None:
    assessed = prescription_everywhere.assess(text)
    assert assessed.inputs["strongest"] >= matcher.STRONGEST_MIN
    assert assessed.result.decision == "answer"
    assert assessed.result.ids == (expected,)


# Entries in Finnish, English, Russian and Arabic, and three only in Finnish and English, as
# content often is before its translations arrive.
_TRANSLATED = {
    "library": [("fi", "Miten saan kirjastokortin?", "Voinko lainata kirjoja omalla kielelläni?"),
                ("en", "How do I get a library card?", "Can I borrow books in my own language?"),
                ("ru", "Как получить читательский билет?", "Можно ли взять книги на моём языке?"),
                ("ar", "كيف أحصل على بطاقة المكتبة؟", "هل يمكنني استعارة كتب بلغتي؟")],
    "bus": [("fi", "Mistä ostan bussilipun?", "Paljonko kuukausilippu maksaa?"),
            ("en", "Where do I buy a bus ticket?", "How much is a monthly ticket?"),
            ("ru", "Где купить билет на автобус?", "Сколько стоит месячный проездной?"),
            ("ar", "من أين أشتري تذكرة الباص؟", "كم سعر التذكرة الشهرية؟")],
    "swimming": [("fi", "Missä on uimahalli?", "Onko naisille omia uintivuoroja?"),
                 ("en", "Where is the swimming hall?", "Are there swimming hours for women only?"),
                 ("ru", "Где находится бассейн?", "Есть ли часы плавания только для женщин?"),
                 ("ar", "أين المسبح؟", "هل هناك أوقات سباحة للنساء فقط؟")],
    "daycare": [("fi", "Miten haen lapselle päiväkotipaikkaa?", "Milloin päivähoitoa pitää hakea?"),
                ("en", "How do I apply for a daycare place for my child?",
                 "When must I apply for early childhood education?"),
                ("ru", "Как подать заявку на место в детском саду?",
                 "Когда нужно подавать заявление в детский сад?"),
                ("ar", "كيف أقدم طلبا لمكان في الروضة لطفلي؟", "متى يجب التقديم على الروضة؟")],
    "tax-card": [("fi", "Mistä saan verokortin?", "Tarvitsen verokortin uuteen työhön"),
                 ("en", "Where do I get a tax card?", "I need a tax card for my new job"),
                 ("ru", "Где получить налоговую карточку?",
                  "Мне нужна налоговая карточка для новой работы"),
                 ("ar", "من أين أحصل على البطاقة الضريبية؟", "أحتاج بطاقة ضريبية لعملي الجديد")],
    "doctor": [("fi", "Miten varaan ajan lääkärille?", "Olen sairas, minne soitan?"),
               ("en", "How do I book a doctor's appointment?", "I am ill, where do I call?"),
               ("ru", "Как записаться к врачу?", "Я болею, куда звонить?"),
               ("ar", "كيف أحجز موعدا عند الطبيب؟", "أنا مريض، بمن أتصل؟")],
    "pension": [("fi", "Milloin voin jäädä eläkkeelle?", "Miten haen eläkettä?"),
                ("en", "When can I retire?", "How do I apply for a pension?")],
    "recycling": [("fi", "Miten lajittelen jätteet?", "Mihin vien vanhat paristot?"),
                  ("en", "How do I sort my rubbish?", "Where do I take old batteries?")],
    "public-sauna": [("fi", "Missä on yleinen sauna?", "Paljonko yleinen sauna maksaa?"),
                     ("en", "Where is there a public sauna?",
                      "How much does a public sauna cost?")],
}


@pytest.fixture(scope="module")
def partly_translated() -> Matcher:
    return Matcher([_doc(id_, *version) for id_, versions in _TRANSLATED.items()
                    for version in versions], vectors_dir=VECTORS)


@pytest.mark.parametrize(("text", "expected"), [
    ("Куда сдать старые батарейки?", "recycling"),
    ("Когда я могу выйти на пенсию?", "pension"),
    ("Где есть общественная сауна?", "public-sauna"),
    ("أين أرمي البطاريات القديمة؟", "recycling"),
    ("متى يمكنني التقاعد؟", "pension"),
    ("أين توجد ساونا عامة؟", "public-sauna"),
])
def test_the_language_of_an_entry_is_not_taken_for_its_meaning(
    partly_translated: Matcher, text: str, expected: str
) -> None:
    # To the encoder, a Russian question is near every Russian text, so on their own its
    # vectors find the Finnish and English sauna entry hardly nearer than the Russian
    # swimming-hall or library entry. With each language's mean taken off, the meaning wins.
    assert partly_translated.match(text).ranked[0].id == expected


# A residence permit, in words the lexicon knows in every language: Russian says it in three,
# one of them a function word.
LOST_PERMIT = [
    _doc("lost-permit-card", "fi", "Kadotin oleskelulupakortin, mitä teen?",
         "Oleskelulupakortti katosi", "Mistä saan uuden oleskelulupakortin?"),
    _doc("lost-permit-card", "en", "I lost my residence permit card, what do I do?",
         "My residence permit card is lost", "Where do I get a new residence permit card?"),
    _doc("lost-permit-card", "ru", "Я потерял карту вида на жительство, что делать?",
         "Пропала карточка вида на жительство", "Где получить новую карту вида на жительство?"),
]


def test_a_function_word_inside_a_phrase_is_no_support() -> None:
    m = Matcher([BEES, CHOIR, SAUNA, TAX, *IN_ENGLISH, *LOST_PERMIT], vectors_dir=VECTORS)
    inputs = m.assess("как продлить вид на жительство?").inputs
    # The model's inputs count every word the shared concept came from ("вид на
    # жительство": three); the answer rule only "вид" and "жительство".
    assert inputs["about"] == 1.0
    assert inputs["support_about"] == 2 / 3
    # So the words the entry is about are not all of its support ("продлить" is in none of
    # its ways of asking), and the meaning (or what the entry says) must agree for an answer.
    assert inputs["support"] == 1.0
    dissent = {**inputs, "semantic_margin": -0.05, "passage_margin": 0.0}
    assert matcher.decide(0.99, dissent) == "suggest"
    assert matcher.decide(0.99, {**dissent, "support": inputs["evidence"],
                                 "support_about": inputs["about"]}) == "answer"


@pytest.mark.parametrize(("lexical_margin", "decision"), [
    (0.1, "answer"),
    # The words prefer another entry a little: the meaning may still decide.
    (-0.15, "answer"),
    # ... by more than LEXICAL_DISSENT_MAX: the two signals disagree too much.
    (-0.25, "suggest"),
])
def test_an_answer_needs_the_words_not_to_prefer_another_entry_much(
    lexical_margin: float, decision: str
) -> None:
    assert matcher.LEXICAL_DISSENT_MAX == 0.2
    inputs = {**SURE, "semantic_margin": 0.3, "lexical_margin": lexical_margin}
    assert matcher.decide(0.99, inputs) == decision


def test_the_words_dissent_rule_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    # What --try LEXICAL_DISSENT_MAX fits, its first candidate being the rule off.
    monkeypatch.setattr(matcher, "LEXICAL_DISSENT_MAX", math.inf)
    inputs = {**SURE, "semantic_margin": 0.3, "lexical_margin": -0.9}
    assert matcher.decide(0.99, inputs) == "answer"


UNSURE_MEANING = {**SURE, "support": 1.0, "support_about": 1.0, "semantic_margin": -0.25}


@pytest.mark.parametrize(("inputs", "confidence", "decision"), [
    # In a language the encoder reads as well as the content's others, a meaning that
    # prefers another entry by 0.25 keeps three words from an answer ...
    ({**UNSURE_MEANING, "unreliable": 0.0}, 0.95, "suggest"),
    # ... in one it reads badly, the words may overrule it by that much more ...
    ({**UNSURE_MEANING, "unreliable": 0.6}, 0.95, "answer"),
    # ... but only when the model is sure, and with three words, not two.
    ({**UNSURE_MEANING, "unreliable": 0.6}, 0.88, "suggest"),
    ({**UNSURE_MEANING, "unreliable": 0.6, "support": 2 / 3, "support_about": 2 / 3}, 0.95,
     "suggest"),
    # Even there, a meaning that dissents beyond the allowance still keeps the answer back.
    ({**UNSURE_MEANING, "unreliable": 0.6, "semantic_margin": -0.4}, 0.95, "suggest"),
])
def test_the_meaning_may_dissent_more_in_a_language_it_reads_badly(
    inputs: dict[str, float], confidence: float, decision: str
) -> None:
    assert matcher.ANSWER_CONFIDENCE < 0.88 < matcher.UNRELIABLE_CONFIDENCE <= 0.95
    assert matcher.decide(confidence, inputs) == decision


@pytest.mark.parametrize("noise", [0.05, 3.0])
def test_unreliability_is_measured_from_how_well_a_language_tells_entries_apart(
    noise: float
) -> None:
    # Ten entries, each asked twice in a language the encoder reads well ("aa": its ways of
    # asking lie near their entry) and twice in one ("bb") it reads well or not at all.
    rng = np.random.default_rng(3)
    directions = rng.standard_normal((10, 16))
    rows, langs, entry_of = [], [], []
    for entry, direction in enumerate(directions):
        for lang, spread in (("aa", 0.05), ("aa", 0.05), ("bb", noise), ("bb", noise)):
            rows.append(direction + spread * rng.standard_normal(16))
            langs.append(lang)
            entry_of.append(entry)
    vectors = matcher._unit(np.array(rows, dtype=np.float32))
    entries = np.array(entry_of, dtype=np.intp)
    sums = np.zeros((10, 16), dtype=np.float32)
    np.add.at(sums, entries, vectors)
    measured = matcher._unreliability(vectors, sums, langs, entries)
    if noise < 1:  # both read alike: neither is worse than the mean
        assert measured["aa"] < 0.1 and measured["bb"] < 0.1
    else:
        assert measured["aa"] == 0.0 and measured["bb"] > 0.5


def test_the_matcher_measures_each_language_and_reads_the_question_s() -> None:
    m = Matcher([BEES, CHOIR, SAUNA, PRESCRIPTION, TAX, *IN_ENGLISH], vectors_dir=VECTORS)
    assert set(m._unreliability) == {"fi", "en"}
    assert all(0.0 <= value <= 1.0 for value in m._unreliability.values())
    # A language the content has no ways of asking in is not known to be read badly.
    assert m.unreliability("so") == 0.0
    inputs = m.assess("Where can I join a choir?").inputs
    assert inputs["unreliable"] == m.unreliability("en")

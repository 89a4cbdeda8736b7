"""A question that says just what one of an entry's ways of asking says is answered with it:
an adviser who adds a user's wording to an entry sees that wording answered."""

from __future__ import annotations

import pytest

from bot.matching import matcher
from bot.matching.matcher import Document, Matcher
from tests.conftest import bundled_knowledge
from tests.paths import VECTORS


@pytest.mark.parametrize(("text", "lang", "entry"), [
    # Ways of asking of the bundled content that the scores alone only suggested.
    ("Mikä on ulosotto?", "fi", "debt-enforcement"),
    ("mikä on ULOSOTTO", "fi", "debt-enforcement"),  # case and punctuation aside
    ("Mitä on iltapäivätoiminta?", "fi", "after-school-activities"),
    ("Vad är en ungdomsgård?", "sv", "children-hobbies"),
])
def test_a_way_of_asking_is_answered_with_its_entry(text: str, lang: str, entry: str) -> None:
    result = bundled_knowledge().matcher.match(text, lang)
    assert (result.decision, result.ids) == ("answer", (entry,))


def test_without_the_rule_the_scores_only_suggest(monkeypatch: pytest.MonkeyPatch) -> None:
    assessment = bundled_knowledge().matcher.assess("Mikä on ulosotto?", "fi")
    assert assessment.inputs["repeats"] == 1.0
    assert matcher.decide(assessment.confidence, {**assessment.inputs, "repeats": 0.0}) \
        != "answer"


def test_a_way_of_asking_two_entries_share_is_not_forced() -> None:
    docs = [
        Document("tax-card", "fi", "Mistä saan verokortin?", ("Mistä saan kortin?",),
                 "Verokortin saat Verohallinnolta."),
        Document("kela-card", "fi", "Mistä saan Kela-kortin?", ("Mistä saan kortin?",),
                 "Kela-kortin saat Kelasta."),
    ]
    built = Matcher(docs, vectors_dir=VECTORS)
    assert built.assess("Mistä saan kortin?", "fi").inputs["repeats"] == 0.0
    assert built.assess("Mistä saan verokortin?", "fi").inputs["repeats"] == 1.0


def test_more_than_the_way_of_asking_is_scored_as_usual() -> None:
    inputs = bundled_knowledge().matcher.assess("Mikä on ulosotto ja miten se toimii?",
                                                "fi").inputs
    assert inputs["repeats"] == 0.0

"""`python -m bot ask` shows advisers why an entry won: each signal's part of the score,
the words the entry shares with the question and the inputs of the decision."""

import pytest

from bot.tools.cli import main
from tests.paths import FAQ, VECTORS


def test_ask_shows_each_signal(monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NEUVO_VECTORS", str(VECTORS))
    assert main(["ask", "Miten saan Kela-kortin?", "--lang", "fi", "--content", str(FAQ)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("decision: answer (confidence ")
    assert "shown: kela-card" in lines
    first = next(line for line in lines if line.lstrip().startswith("1. "))
    assert "kela-card" in first and "= meaning " in first and " + words " in first
    score, meaning, words = (float(first.split()[i]) for i in (1, 4, 7))
    assert score == pytest.approx(meaning + words, abs=0.002)
    assert any(line.strip().startswith("shared words:") and "kela" in line.lower()
               for line in lines)
    assert any(line.strip().startswith("semantic_margin") and " × " in line for line in lines)
    # The passage signal (what the entry says) and the rule's use of it.
    assert any("to what it says (passage) " in line for line in lines)
    assert any(line.startswith("also read by the answer rule: passage_margin ") for line in lines)
    # The one-word rule's reading of how much the entry is about the shared words.
    assert any(line.startswith("also read by the answer rule: ") and "; central " in line
               for line in lines)
    # ... and the rule that any answer needs the entry to be about one of the words.
    assert any(line.startswith("also read by the answer rule: ") and "; strongest " in line
               for line in lines)
    assert "; always the entry weighing one of the shared words at least " in lines[0]
    # The words the rule counts, without function words, and its limit on the words' dissent.
    assert any(line.startswith("also read by the answer rule: ") and "; support " in line
               for line in lines)
    assert " and the words preferring no other entry by more than " in lines[0]
    # How far the meaning is trusted in the question's language (Finnish: fully).
    assert any(line.startswith("also read by the answer rule: unreliable 0.000 (")
               for line in lines)


@pytest.mark.parametrize(("text", "step"), [
    ("Miten saan Kela-kortin?", "safety step: nothing before the FAQ reply"),
    ("my husband hits me, what do I do?", "safety step: the violence crisis card comes first"),
    ("I want to talk to a real person", "safety step: the question asks for a person"),
])
def test_ask_shows_what_the_safety_step_does(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str],
                                             text: str, step: str) -> None:
    # An adviser asking why a question got a crisis card (or none) sees it here.
    monkeypatch.setenv("NEUVO_VECTORS", str(VECTORS))
    assert main(["ask", text, "--lang", "en", "--content", str(FAQ)]) == 0
    assert any(line.startswith(step) for line in capsys.readouterr().out.splitlines())

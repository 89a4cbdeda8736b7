"""The content analysis kept on disk: a start or reload reads it back, and what it builds is
exactly what analysing every text builds."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.content.loader import load_content
from bot.content.model import GlossaryTerm
from bot.matching import analysed
from bot.matching.analysis import Analyzer
from bot.matching.matcher import Document, Matcher
from tests.matching.counting import CountingEncoder
from tests.paths import FAQ, VECTORS


def _index(m: Matcher) -> tuple[Any, ...]:
    """Everything the lexical half of a match reads, whatever order features were numbered
    in (a set's order, which changes with every process's string hashing). The texts' norms
    are left to :func:`_same_norms`: they are sums taken in that order."""
    entries, texts = {}, {}
    for feature, k in m._feature_ids.items():
        start, end = m._entry_starts[k], m._entry_starts[k + 1]
        entries[feature] = sorted(zip(m._entries[start:end].tolist(),
                                      m._entry_weights[start:end].tolist(), strict=True))
        start, end = m._text_starts[k], m._text_starts[k + 1]
        texts[feature] = sorted(m._texts[start:end].tolist())
    return (m._ids, entries, texts, m._idf,
            m._text_groups.tolist(), m._entry_features, m._entry_about,
            sorted(m._analyzer._known))


def _same_norms(a: Matcher, b: Matcher) -> None:
    """The norms agree but for the last bits that the order of a float sum changes."""
    np.testing.assert_allclose(a._text_norm, b._text_norm, rtol=1e-12, atol=0)


def _no_analysis(self: Analyzer, text: str, lang: str, *, query: bool = False) -> Any:
    raise AssertionError(f"analysed again: {text!r}")


def _analyses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the content texts analysed from here on."""
    seen: list[str] = []
    real = Analyzer.analyse

    def counting(self: Analyzer, text: str, lang: str, *, query: bool = False) -> Any:
        if not query:
            seen.append(text)
        return real(self, text, lang, query=query)

    monkeypatch.setattr(Analyzer, "analyse", counting)
    return seen


def test_the_bundled_content_builds_the_same_index_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = load_content(FAQ)
    for vectors in VECTORS.glob("*.npz"):  # the vectors are not what this is about
        shutil.copy(vectors, tmp_path)
    uncached = Matcher.from_content(content)
    cold = Matcher.from_content(content, tmp_path)
    assert list(tmp_path.glob("analysis-*.tsv"))
    with monkeypatch.context() as patch:
        patch.setattr(Analyzer, "analyse", _no_analysis)
        warm = Matcher.from_content(content, tmp_path)  # a restart: nothing analysed
    assert _index(cold) == _index(uncached)
    assert _index(warm) == _index(uncached)
    _same_norms(cold, uncached)
    _same_norms(warm, uncached)
    # Spelling repair learns the same words as from every text one by one.
    learner = Analyzer([])
    learner.learn(text for entry in content.entries.values() for body in entry.texts.values()
                  for text in (body.question, *body.alternates, *entry.keywords, body.answer))
    assert learner._known == warm._analyzer._known
    for question in ("mistä saa kela kortin", "Как продлить вид на жительство?"):
        assert warm.match(question) == uncached.match(question)


BEES = Document("beekeeping", "fi", "Miten rekisteröin mehiläistarhan?",
                ("Pidän mehiläisiä, pitääkö pesät ilmoittaa?",), "Ilmoita pesät rekisteriin.")
CHOIR = Document("choir", "fi", "Miten pääsen mukaan kuoroon laulamaan?",
                 ("Etsin laulukuoroa aikuisille",), "Kysy kansalaisopistosta.")


def test_a_reload_analyses_only_what_changed(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    encoder = CountingEncoder()
    Matcher([BEES, CHOIR], encoder=encoder, vectors_dir=tmp_path)
    seen = _analyses(monkeypatch)
    edited = Document("choir", "fi", "Miten pääsen kuoroon?", CHOIR.alternates, CHOIR.answer)
    matcher = Matcher([BEES, edited], encoder=encoder, vectors_dir=tmp_path)
    assert seen == ["Miten pääsen kuoroon?"]
    assert matcher.match("kuoro aikuisille", "fi").ranked[0].id == "choir"


def test_a_new_glossary_or_new_code_analyses_everything_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    encoder = CountingEncoder()
    Matcher([BEES], encoder=encoder, vectors_dir=tmp_path)
    seen = _analyses(monkeypatch)
    # A glossary term makes a concept of its variants: every text may read differently.
    term = GlossaryTerm("mehiläistarha", ("apiary", "tarha"))
    Matcher([BEES], [term], encoder=encoder, vectors_dir=tmp_path)
    assert len(seen) == 3
    first = list(tmp_path.glob("analysis-*.tsv"))
    seen.clear()
    monkeypatch.setattr(analysed, "code_fingerprint", lambda: "0" * 64)
    Matcher([BEES], [term], encoder=encoder, vectors_dir=tmp_path)
    assert len(seen) == 3
    # The file of the code that is gone is gone too.
    assert [p.name for p in tmp_path.glob("analysis-*.tsv")] == [f"analysis-{'0' * 24}.tsv"]
    assert first and not first[0].exists()


def test_the_file_keeps_other_builds_rows_up_to_its_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    encoder = CountingEncoder()
    Matcher([BEES], encoder=encoder, vectors_dir=tmp_path)
    Matcher([CHOIR], encoder=encoder, vectors_dir=tmp_path)  # e.g. `bot eval` on a corpus
    seen = _analyses(monkeypatch)
    Matcher([BEES, CHOIR], encoder=encoder, vectors_dir=tmp_path)
    assert seen == []
    monkeypatch.setattr(analysed, "MAX_ROWS", 5)
    sauna = Document("sauna", "fi", "Missä on yleinen sauna?", (), "Uimahallissa.")
    Matcher([sauna, CHOIR], encoder=encoder, vectors_dir=tmp_path)  # 5 of 8 texts kept
    (path,) = tmp_path.glob("analysis-*.tsv")
    assert len(path.read_text("utf-8").splitlines()) == 5
    seen.clear()
    Matcher([sauna, CHOIR], encoder=encoder, vectors_dir=tmp_path)  # the last build's rows stay
    assert seen == []
    Matcher([BEES], encoder=encoder, vectors_dir=tmp_path)  # the oldest went
    assert len(seen) == 3


def test_a_damaged_file_or_row_is_analysed_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    encoder = CountingEncoder()
    Matcher([BEES], encoder=encoder, vectors_dir=tmp_path)
    (path,) = tmp_path.glob("analysis-*.tsv")
    rows = path.read_text("utf-8").splitlines()
    key = rows[0].split("\t")[0]
    for damage, analysed_again in (("no tab here\n", 3), (f"{key}\t[1, 2\n", 1),
                                   (f"{key}\t{{}}\n", 1)):
        path.write_text(damage + "\n".join(rows[1:]) + "\n", "utf-8")
        seen = _analyses(monkeypatch)
        matcher = Matcher([BEES], encoder=encoder, vectors_dir=tmp_path)
        assert len(seen) == analysed_again
        assert "ignoring unreadable analysis cache" in caplog.text
        assert matcher.match("mehiläispesät", "fi").ranked[0].id == "beekeeping"
        monkeypatch.undo()
        caplog.clear()
